import { fragmentation } from '../../../src/checks/mtu.fragmentation.js'
import { checkTable } from '../../helpers/check-table.js'
import { sysctls } from '../../helpers/facts.js'

const s = sysctls({ 'net.ipv4.ipfrag_time': 30, 'net.ipv4.ipfrag_high_thresh': 4194304 })
const c = (reasmFails: number, timeout: number, v6Fails = 0) => ({ IpReasmReqds: 100, IpReasmOKs: 10, IpReasmFails: reasmFails, IpReasmTimeout: timeout, IpFragFails: 0, Ip6ReasmFails: v6Fails, Ip6ReasmTimeout: 0, Ip6FragFails: 0 })

checkTable(fragmentation, [
  {
    name: 'reassembly timeouts grew',
    start: { counters: c(5, 5), sysctls: s },
    end: { counters: c(25, 20), sysctls: s },
    findings: [{ status: 'fail', severity: 'warning', message: /IpReasmFails 20, IpReasmTimeout 15 in 2\.0 s: fragments waited 30 s/ }],
    also: ([f]) => expect(f.remediation!.commands[0]).toMatch(/ip\[6:2\] & 0x3fff != 0/),
  },
  { name: 'IPv6 reassembly failures', start: { counters: c(0, 0, 1), sysctls: s }, end: { counters: c(0, 0, 4), sysctls: s }, findings: [{ status: 'fail', severity: 'warning', message: /Ip6ReasmFails 3/ }] },
  { name: 'nothing grew', start: { counters: c(5, 5), sysctls: s }, end: { counters: c(5, 5), sysctls: s }, findings: [{ status: 'pass' }] },
  { name: 'since boot only: history', start: { counters: c(7, 2), sysctls: s }, findings: [{ status: 'fail', severity: 'info' }] },
  { name: 'a kernel without the counters', start: { counters: { TcpOutSegs: 1 }, sysctls: s }, findings: [{ status: 'skip' }] },
])
