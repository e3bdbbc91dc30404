import { backlogCapped } from '../../../src/checks/queues.backlog-capped.js'
import { listener, ctxOf, factsOf, sysctls, evaluateDeclared } from '../../helpers/facts.js'

const meta = backlogCapped.meta
const run = (somaxconn: number | undefined, ls: ReturnType<typeof listener>[]) =>
  evaluateDeclared(backlogCapped, factsOf({ listeners: ls, sysctls: sysctls(somaxconn === undefined ? {} : { 'net.core.somaxconn': somaxconn }) }), ctxOf(meta, 0))

describe('queues.backlog-capped', () => {
  test('backlog equal to a low somaxconn: capped, naming the listener and the sysctl', () => {
    const out = run(128, [listener('*:80', 0, 128, { processes: [{ name: 'app', pid: 7 }] }), listener('*:81', 0, 64)])
    expect(out).toHaveLength(1)
    expect(out[0]).toMatchObject({ status: 'fail', severity: 'warning', subject: { local: '*:80', pid: 7, sysctl: 'net.core.somaxconn' } })
    expect(out[0].remediation!.commands).toContain('sysctl -w net.core.somaxconn=4096')
    expect(out[0].evidence.find((e) => e.name === 'Send-Q')).toMatchObject({ source: 'ss -ltnmp', value: 128 })
  })
  test('backlog equal to somaxconn 4096: not capped in any way that matters', () => {
    expect(run(4096, [listener('*:80', 0, 4096)])[0].status).toBe('pass')
  })
  test('511 (nginx/Node/Redis default) on a listener that overflowed: names the application knob', () => {
    const out = run(4096, [listener('*:80', 0, 511, { drops: 12 })])
    expect(out[0]).toMatchObject({ severity: 'warning', subject: { local: '*:80' } })
    expect(out[0].message).toMatch(/511/)
    expect(out[0].remediation!.text).toMatch(/backlog=4096/)
  })
  test('511 without overflow is fine', () => {
    expect(run(4096, [listener('*:80', 0, 511, { drops: 0 })])[0].status).toBe('pass')
  })
  test('somaxconn unreadable: skip', () => {
    expect(run(undefined, [listener('*:80', 0, 128)])[0].status).toBe('skip')
  })
})
