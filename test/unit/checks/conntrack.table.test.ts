import { conntrackTable } from '../../../src/checks/conntrack.table.js'
import { checkTable } from '../../helpers/check-table.js'
import { sysctls } from '../../helpers/facts.js'

const ct = (count: number, max = 262144) => sysctls({ 'net.netfilter.nf_conntrack_count': count, 'net.netfilter.nf_conntrack_max': max })
const subject = { sysctl: 'net.netfilter.nf_conntrack_max' }

checkTable(conntrackTable, [
  { name: 'a tenth full: pass', start: { sysctls: ct(26000) }, findings: [{ status: 'pass', message: /26000\/262144 entries \(10 %\)/ }] },
  { name: 'at 80 %: warning', start: { sysctls: ct(210000) }, findings: [{ status: 'fail', severity: 'warning', subject, message: /210000\/262144 \(80 %\)/ }] },
  {
    name: 'at 99 %: critical, nf_conntrack_max doubled (a power of two)',
    start: { sysctls: ct(260000) },
    findings: [{ status: 'fail', severity: 'critical', subject, message: /new flows are dropped/ }],
    also: (f) => expect(f[0].remediation!.commands).toContain('sysctl -w net.netfilter.nf_conntrack_max=524288'),
  },
  {
    name: 'the thresholds come from --config',
    thresholds: { warningFill: 0.05 },
    start: { sysctls: ct(26000) },
    findings: [{ status: 'fail', severity: 'warning', subject }],
  },
  {
    name: 'inside a namespace: the fix says nf_conntrack_max is global and set from the host, unprefixed',
    options: { where: { kind: 'netns', name: 'web' } },
    start: { sysctls: ct(260000) },
    findings: [{ status: 'fail', severity: 'critical', subject }],
    also: (f) => {
      expect(f[0].remediation!.text).toMatch(/nf_conntrack_max is global/)
      expect(f[0].remediation!.commands).toContain('sysctl -w net.netfilter.nf_conntrack_max=524288')
      expect(f[0].remediation!.commands).toContain('ip netns exec web conntrack -S')
    },
  },
  { name: 'conntrack not loaded: skip saying so', start: { sysctls: sysctls({ 'net.core.somaxconn': 4096 }) }, findings: [{ status: 'skip', message: /conntrack is not loaded/ }] },
])
