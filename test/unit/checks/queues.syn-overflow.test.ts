import { synOverflow } from '../../../src/checks/queues.syn-overflow.js'
import { checkTable } from '../../helpers/check-table.js'
import { sysctls } from '../../helpers/facts.js'

const sys = sysctls({ 'net.ipv4.tcp_max_syn_backlog': 512 })
const c = (drop: number, cookies: number, sent: number) => ({ TcpExtTCPReqQFullDrop: drop, TcpExtTCPReqQFullDoCookies: cookies, TcpExtSyncookiesSent: sent })
/** counters at both ends of a 2 s window */
const window = (start: Record<string, number>, end: Record<string, number>) => ({ start: { counters: start }, end: { counters: end, sysctls: sys } })

checkTable(synOverflow, [
  {
    name: 'SYN drops in the window: critical, host-wide, remediation names tcp_max_syn_backlog',
    ...window(c(0, 0, 0), c(40, 0, 0)),
    findings: [{ status: 'fail', severity: 'critical', message: /^40 SYNs dropped in 2\.0 s/ }],
    also: ([f]) => expect(f.remediation!.text).toMatch(/tcp_max_syn_backlog \(now 512\)/),
  },
  {
    name: 'cookies sent in the window: warning',
    ...window(c(0, 3, 3), c(0, 10, 10)),
    findings: [{ status: 'fail', severity: 'warning' }],
    also: ([f]) => expect(f.title).toBe('SYN cookies sent'),
  },
  { name: 'only since boot: info', ...window(c(5, 0, 2), c(5, 0, 2)), findings: [{ status: 'fail', severity: 'info' }] },
  { name: 'nothing at all: pass', ...window(c(0, 0, 0), c(0, 0, 0)), findings: [{ status: 'pass' }] },
  { name: 'old kernel (2.6.32) with only SyncookiesSent: still judged', ...window({ TcpExtSyncookiesSent: 1 }, { TcpExtSyncookiesSent: 4 }), findings: [{ status: 'fail', severity: 'warning' }] },
  { name: 'a kernel with none of the counters: skip', ...window({}, {}), findings: [{ status: 'skip' }] },
])
