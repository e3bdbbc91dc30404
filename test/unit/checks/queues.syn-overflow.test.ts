import { synOverflow } from '../../../src/checks/queues.syn-overflow.js'
import { ctxOf, factsOf, sysctls, evaluateDeclared } from '../../helpers/facts.js'

const meta = synOverflow.meta
const sys = sysctls({ 'net.ipv4.tcp_max_syn_backlog': 512 })
const run = (start: Record<string, number>, end: Record<string, number>, w = 2) =>
  evaluateDeclared(synOverflow, factsOf({ counters: start }, { counters: end, sysctls: sys }), ctxOf(meta, w))
const c = (drop: number, cookies: number, sent: number) => ({ TcpExtTCPReqQFullDrop: drop, TcpExtTCPReqQFullDoCookies: cookies, TcpExtSyncookiesSent: sent })

describe('queues.syn-overflow', () => {
  test('SYN drops in the window: critical, host-wide, remediation names tcp_max_syn_backlog', () => {
    const out = run(c(0, 0, 0), c(40, 0, 0))
    expect(out[0]).toMatchObject({ status: 'fail', severity: 'critical', subject: {} })
    expect(out[0].message).toMatch(/^40 SYNs dropped in 2\.0 s/)
    expect(out[0].remediation!.text).toMatch(/tcp_max_syn_backlog \(now 512\)/)
  })
  test('cookies sent in the window: warning', () => {
    expect(run(c(0, 3, 3), c(0, 10, 10))[0]).toMatchObject({ severity: 'warning', title: 'SYN cookies sent' })
  })
  test('only since boot: info; nothing at all: pass', () => {
    expect(run(c(5, 0, 2), c(5, 0, 2))[0]).toMatchObject({ severity: 'info' })
    expect(run(c(0, 0, 0), c(0, 0, 0))[0].status).toBe('pass')
  })
  test('old kernel (2.6.32) with only SyncookiesSent: still judged', () => {
    expect(run({ TcpExtSyncookiesSent: 1 }, { TcpExtSyncookiesSent: 4 })[0]).toMatchObject({ severity: 'warning' })
    expect(run({}, {})[0].status).toBe('skip')
  })
})
