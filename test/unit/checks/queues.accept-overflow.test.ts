import { acceptOverflow } from '../../../src/checks/queues.accept-overflow.js'
import { Unavailable } from '../../../src/model/errors.js'
import { listener, ctxOf, factsOf, sysctls, evaluateDeclared } from '../../helpers/facts.js'

const meta = acceptOverflow.meta
const nginx = [{ name: 'nginx', pid: 811, fd: 6 }]
const counters = (overflows: number, drops = overflows) => ({ TcpExtListenOverflows: overflows, TcpExtListenDrops: drops })
const sys = sysctls({ 'net.core.somaxconn': 4096 })

describe('queues.accept-overflow', () => {
  test('counter grew and one listener was full: critical, naming that listener only', () => {
    const stuck0 = listener('127.0.0.1:8080', 512, 511, { drops: 100, processes: nginx })
    const stuck1 = listener('127.0.0.1:8080', 512, 511, { drops: 154, processes: nginx })
    const healthy = listener('*:9090', 0, 4096, { drops: 0 })
    const facts = factsOf({ counters: counters(1180), listeners: [stuck0, healthy] }, { counters: counters(1234), listeners: [stuck1, healthy], sysctls: sys })
    const out = evaluateDeclared(acceptOverflow, facts, ctxOf(meta, 2))
    expect(out).toHaveLength(1)
    expect(out[0]).toMatchObject({ status: 'fail', severity: 'critical', subject: { local: '127.0.0.1:8080', pid: 811, process: 'nginx' } })
    expect(out[0].message).toBe('127.0.0.1:8080 (nginx, pid 811) dropped 54 connections in 2.0 s: accept queue 512/511')
    expect(out[0].evidence.find((e) => e.name === 'TcpExtListenOverflows')).toMatchObject({ value: 1234, delta: 54 })
    // the listener's own numbers name what it was read with
    expect(out[0].evidence.filter((e) => ['skmem.d', 'Recv-Q', 'Send-Q'].includes(e.name)).map((e) => e.source)).toEqual(['ss -ltnmp', 'ss -ltnmp', 'ss -ltnmp'])
    expect(out[0].remediation!.commands.join('\n')).not.toMatch(/tcp_max_syn_backlog/)
  })

  test('a listener whose own drops grew is blamed even if not full at the samples', () => {
    const a0 = listener('[::1]:8443', 0, 128, { drops: 3 })
    const a1 = listener('[::1]:8443', 0, 128, { drops: 9 })
    const out = evaluateDeclared(acceptOverflow, factsOf({ counters: counters(3), listeners: [a0] }, { counters: counters(9), listeners: [a1], sysctls: sys }), ctxOf(meta))
    // 6 overflows in 2 s = 3/s: above the 1/s warning rate, below the 5/s critical one (it was critical before issue 11)
    expect(out.map((f) => [f.severity, f.subject.local])).toEqual([['warning', '[::1]:8443']])
  })

  test('two overflowing listeners: two findings, one per subject', () => {
    const l = (p: number, d: number) => listener(`127.0.0.1:${p}`, 0, 16, { drops: d })
    const out = evaluateDeclared(acceptOverflow, factsOf({ counters: counters(0), listeners: [l(1, 0), l(2, 0)] }, { counters: counters(20), listeners: [l(1, 5), l(2, 15)], sysctls: sys }), ctxOf(meta))
    expect(out.map((f) => f.subject.local).sort()).toEqual(['127.0.0.1:1', '127.0.0.1:2'])
  })

  test('counter grew but no listener can be named: one host-wide finding that says so', () => {
    const ok = listener('*:80', 0, 4096, { drops: 0 })
    const out = evaluateDeclared(acceptOverflow, factsOf({ counters: counters(4), listeners: [ok] }, { counters: counters(30), listeners: [ok], sysctls: sys }), ctxOf(meta))
    expect(out).toHaveLength(1)
    expect(out[0]).toMatchObject({ status: 'fail', severity: 'critical', subject: {} })
    expect(out[0].message).toMatch(/\(13\/s\)/)
    expect(out[0].message).toMatch(/no listener could be named/)
  })

  test('grew since boot but not in the window: info with the total', () => {
    const ok = listener('*:80', 0, 4096, { drops: 0 })
    const out = evaluateDeclared(acceptOverflow, factsOf({ counters: counters(77), listeners: [ok] }, { counters: counters(77), listeners: [ok], sysctls: sys }), ctxOf(meta))
    expect(out).toHaveLength(1)
    expect(out[0]).toMatchObject({ status: 'fail', severity: 'info' })
    expect(out[0].message).toMatch(/77 connections .* since boot/)
  })

  test('window 0: a listener with drops since it started is named at info', () => {
    const l = listener('127.0.0.1:8080', 0, 4, { drops: 30, processes: nginx })
    const out = evaluateDeclared(acceptOverflow, factsOf({ counters: counters(30), listeners: [l], sysctls: sys }), ctxOf(meta, 0))
    expect(out).toEqual([expect.objectContaining({ status: 'fail', severity: 'info', subject: expect.objectContaining({ local: '127.0.0.1:8080' }) })])
  })

  test.each([
    [1, 2, 'info'], // one overflow in a 2 s window is not an outage
    [2, 2, 'info'], // 1/s: not above the warning rate
    [3, 2, 'warning'],
    [10, 2, 'warning'], // 5/s: not above the critical rate
    [11, 2, 'critical'],
    [60, 60, 'info'], // 1/s over a minute
  ])('rate over the window: %d overflows in %d s → %s (netdata: warn above 1/s, critical above 5/s)', (n, w, severity) => {
    const ok = listener('*:80', 0, 4096, { drops: 0 })
    const out = evaluateDeclared(acceptOverflow, factsOf({ counters: counters(0), listeners: [ok] }, { counters: counters(n), listeners: [ok], sysctls: sys }), ctxOf(meta, w))
    expect(out.map((f) => [f.status, f.severity])).toEqual([['fail', severity]])
  })

  test('the rates come from the config', () => {
    const ok = listener('*:80', 0, 4096, { drops: 0 })
    const out = evaluateDeclared(acceptOverflow, factsOf({ counters: counters(0), listeners: [ok] }, { counters: counters(1), listeners: [ok], sysctls: sys }), ctxOf(meta, 2, {}, { warningPerSecond: 0, criticalPerSecond: 0.1 }))
    expect(out[0].severity).toBe('critical')
  })

  test('nothing ever dropped: one pass with subject {}', () => {
    const out = evaluateDeclared(acceptOverflow, factsOf({ counters: counters(0), listeners: [] }, { counters: counters(0), listeners: [], sysctls: sys }), ctxOf(meta))
    expect(out).toEqual([expect.objectContaining({ status: 'pass', subject: {} })])
  })

  test('somaxconn below 4096 adds the sysctl to the remediation', () => {
    const l0 = listener('*:80', 0, 128, { drops: 0 })
    const l1 = listener('*:80', 129, 128, { drops: 5 })
    const out = evaluateDeclared(acceptOverflow, factsOf({ counters: counters(0), listeners: [l0] }, { counters: counters(5), listeners: [l1], sysctls: sysctls({ 'net.core.somaxconn': 128 }) }), ctxOf(meta))
    expect(out[0].remediation!.commands).toContain('sysctl -w net.core.somaxconn=4096')
    expect(out[0].remediation!.commands.join('\n')).not.toMatch(/(^|[^>])> \/etc\/sysctl\.d|90-somaxconn/)
  })

  test('old kernel without ListenOverflows falls back to ListenDrops; neither → skip', () => {
    const l = listener('*:80', 0, 128)
    const only = (n: number) => ({ TcpExtListenDrops: n })
    const out = evaluateDeclared(acceptOverflow, factsOf({ counters: only(2), listeners: [l] }, { counters: only(20), listeners: [l], sysctls: sys }), ctxOf(meta))
    expect(out[0]).toMatchObject({ severity: 'critical' })
    expect(evaluateDeclared(acceptOverflow, factsOf({ counters: {}, listeners: [l], sysctls: sys }), ctxOf(meta))[0].status).toBe('skip')
  })

  test('listeners unreadable: the Unavailable reaches the engine (error)', () => {
    const facts = factsOf({ counters: counters(0), listeners: new Unavailable('error', '`ss` not found') }, { counters: counters(5), listeners: new Unavailable('error', '`ss` not found'), sysctls: sys })
    expect(() => evaluateDeclared(acceptOverflow, facts, ctxOf(meta))).toThrow(/ss/)
  })
})
