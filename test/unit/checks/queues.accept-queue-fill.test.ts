import { acceptQueueFill } from '../../../src/checks/queues.accept-queue-fill.js'
import { listener, ctxOf, factsOf, evaluateDeclared } from '../../helpers/facts.js'

const meta = acceptQueueFill.meta
const run = (start: ReturnType<typeof listener>[], end: ReturnType<typeof listener>[], thresholds = {}) =>
  evaluateDeclared(acceptQueueFill, factsOf({ listeners: start }, { listeners: end }), ctxOf(meta, 2, {}, thresholds))

describe('queues.accept-queue-fill', () => {
  test.each([
    ['79 % at both samples', 101, 101, 128, undefined],
    ['80 % at the start only', 103, 10, 128, 'warning'],
    ['exactly at the limit at the end', 0, 128, 128, 'warning'],
    ['over the limit (full) at the end', 0, 129, 128, 'critical'],
  ])('%s → %s', (_what, q0, q1, limit, severity) => {
    const out = run([listener('*:80', q0, limit)], [listener('*:80', q1, limit)])
    if (severity === undefined) expect(out).toEqual([expect.objectContaining({ status: 'pass', subject: {} })])
    else expect(out).toEqual([expect.objectContaining({ status: 'fail', severity, subject: expect.objectContaining({ local: '*:80', side: 'server' }) })])
  })

  test('the threshold comes from the config', () => {
    expect(run([listener('*:80', 70, 100)], [listener('*:80', 70, 100)], { warningFill: 0.5 })[0].severity).toBe('warning')
  })

  test('only the filling listener is named', () => {
    const out = run([listener('*:80', 0, 10), listener('127.0.0.1:81', 11, 10)], [listener('*:80', 0, 10), listener('127.0.0.1:81', 11, 10)])
    expect(out.map((f) => f.subject.local)).toEqual(['127.0.0.1:81'])
    expect(out[0].message).toMatch(/11\/10/)
  })

  test('limits unknown (the /proc/net/tcp fallback): skip, naming the files the listeners came from', () => {
    const proc = [listener('*:80', 3, undefined, { source: '/proc/net/tcp' }), listener('[::]:80', 0, undefined, { source: '/proc/net/tcp6' })]
    const [f] = run(proc, proc)
    expect(f.status).toBe('skip')
    expect(f.message).toMatch(/read from \/proc\/net\/tcp \+ \/proc\/net\/tcp6\)/)
  })

  test('the evidence names the command the listener was read with', () => {
    const full = [listener('*:80', 129, 128)]
    expect(run(full, full)[0].evidence.map((e) => e.source)).toEqual(['ss -ltnmp', 'ss -ltnmp'])
  })
})
