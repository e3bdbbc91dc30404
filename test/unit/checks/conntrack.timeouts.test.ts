import { conntrackTimeouts } from '../../../src/checks/conntrack.timeouts.js'
import { checkTable } from '../../helpers/check-table.js'
import { sysctls } from '../../helpers/facts.js'

const sys = (established: number, keepalive = 7200, count = 100, max = 262144) =>
  sysctls({ 'net.netfilter.nf_conntrack_tcp_timeout_established': established, 'net.ipv4.tcp_keepalive_time': keepalive, 'net.netfilter.nf_conntrack_count': count, 'net.netfilter.nf_conntrack_max': max })
const subject = { sysctl: 'net.netfilter.nf_conntrack_tcp_timeout_established' }

checkTable(conntrackTimeouts, [
  { name: 'the kernel default (5 days) against 2 h keepalive: pass', start: { sysctls: sys(432000) }, findings: [{ status: 'pass' }] },
  {
    name: 'cut to 300 s (the common advice): warning, raised above the keepalive time',
    start: { sysctls: sys(300) },
    findings: [{ status: 'fail', severity: 'warning', subject, message: /is 300 s .*tcp_keepalive_time \(7200 s\)/ }],
    also: (f) => expect(f[0].remediation!.commands).toContain('sysctl -w net.netfilter.nf_conntrack_tcp_timeout_established=28800'),
  },
  {
    name: 'above keepalive but below the pool idle time given with --idle-timeout: warning',
    options: { idleTimeoutSeconds: 900 },
    start: { sysctls: sys(600, 60) },
    findings: [{ status: 'fail', severity: 'warning', subject, message: /--idle-timeout 900 s/ }],
  },
  {
    name: 'in a namespace the fix runs there (the timeout is per namespace)',
    options: { where: { kind: 'netns', name: 'ct' } },
    start: { sysctls: sys(300) },
    findings: [{ status: 'fail', severity: 'warning', subject }],
    also: (f) => expect(f[0].remediation!.commands[0]).toMatch(/^ip netns exec ct sysctl -w net\.netfilter\.nf_conntrack_tcp_timeout_established=/),
  },
  {
    name: 'five days while the table is 60 % full: info',
    start: { sysctls: sys(432000, 7200, 157286) },
    findings: [{ status: 'fail', severity: 'info', subject, message: /60 % full/ }],
  },
  { name: 'conntrack not loaded: skip', start: { sysctls: sysctls({ 'net.ipv4.tcp_keepalive_time': 7200 }) }, findings: [{ status: 'skip', message: /not loaded/ }] },
])
