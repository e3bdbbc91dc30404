import { timewaitRecycle } from '../../../src/checks/timewait.recycle.js'
import { checkTable } from '../../helpers/check-table.js'
import { censusSysctls } from '../../helpers/facts.js'

checkTable(timewaitRecycle, [
  { name: 'tcp_tw_recycle absent (Linux ≥ 4.12) → pass', start: { sysctls: censusSysctls() }, findings: [{ status: 'pass' }] },
  { name: 'tcp_tw_recycle 0 → pass', start: { sysctls: censusSysctls({ 'net.ipv4.tcp_tw_recycle': '0' }) }, findings: [{ status: 'pass' }] },
  {
    name: 'tcp_tw_recycle 1 → critical, the fix turns it off',
    start: { sysctls: censusSysctls({ 'net.ipv4.tcp_tw_recycle': '1' }) },
    findings: [{ status: 'fail', severity: 'critical', subject: { sysctl: 'net.ipv4.tcp_tw_recycle' } }],
    also: ([f]) => expect(f.remediation!.commands).toContain('sysctl -w net.ipv4.tcp_tw_recycle=0'),
  },
])
