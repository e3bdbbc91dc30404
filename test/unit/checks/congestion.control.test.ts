import { control } from '../../../src/checks/congestion.control.js'
import { checkTable } from '../../helpers/check-table.js'
import { sysctls } from '../../helpers/facts.js'
import { socketNote, tcpInfo } from '../../helpers/tcp-info.js'

const settings = (cc: string, extra: Record<string, string> = {}) =>
  sysctls({ 'net.ipv4.tcp_congestion_control': cc, 'net.ipv4.tcp_available_congestion_control': 'reno cubic bbr', 'net.core.default_qdisc': 'fq_codel', ...extra })
const used = (table: Record<string, number>) =>
  tcpInfo({ byCongestion: Object.fromEntries(Object.entries(table).map(([cc, n]) => [cc, { sockets: n, example: socketNote({ process: 'nginx', pid: 7, congestion: cc }) }])) })

checkTable(control, [
  { name: 'every socket on the configured one', start: { sysctls: settings('bbr'), tcpInfo: used({ bbr: 12 }) }, findings: [{ status: 'pass', message: /bbr is configured and in use \(bbr 12\)/ }] },
  {
    name: 'connections made before the change keep cubic',
    start: { sysctls: settings('bbr'), tcpInfo: used({ bbr: 3, cubic: 40 }) },
    findings: [{ status: 'fail', severity: 'warning', subject: { sysctl: 'net.ipv4.tcp_congestion_control' }, message: /40 established sockets use cubic while the configured default is bbr, e.g\. .*\(nginx, pid 7\)/ }],
    also: ([f]) => {
      expect(f.remediation!.commands[0]).toMatch(/grep -B1 -w cubic/)
      expect(f.remediation!.text).not.toMatch(/switch to bbr/i)
    },
  },
  { name: 'fewer sockets than minSockets', start: { sysctls: settings('bbr'), tcpInfo: used({ cubic: 2 }) }, thresholds: { minSockets: 3 }, findings: [{ status: 'pass' }] },
  {
    name: 'the configured algorithm is not loaded',
    start: { sysctls: settings('htcp'), tcpInfo: used({}) },
    findings: [{ status: 'fail', severity: 'warning', subject: { sysctl: 'net.ipv4.tcp_available_congestion_control' }, message: /htcp is not among the loaded/ }],
  },
  {
    name: 'bbr before 4.13 without fq',
    start: { sysctls: settings('bbr'), tcpInfo: used({ bbr: 5 }), host: { kernel: '4.9.0-8-amd64' } },
    findings: [{ status: 'fail', severity: 'warning', subject: { sysctl: 'net.core.default_qdisc' }, message: /Linux 4\.9 \(before 4\.13\)/ }],
    also: ([f]) => expect(f.remediation!.commands).toContain('tc qdisc replace dev IFACE root fq'),
  },
  { name: 'bbr on 4.13 and later needs no fq', start: { sysctls: settings('bbr'), tcpInfo: used({ bbr: 5 }), host: { kernel: '4.13.0' } }, findings: [{ status: 'pass' }] },
  { name: 'bbr before 4.13 with fq', start: { sysctls: settings('bbr', { 'net.core.default_qdisc': 'fq' }), tcpInfo: used({ bbr: 5 }), host: { kernel: '4.9.0' } }, findings: [{ status: 'pass' }] },
  { name: 'no sysctl', start: { sysctls: sysctls({}) }, findings: [{ status: 'skip' }] },
])
