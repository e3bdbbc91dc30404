import { ip, strictInterfaces } from '../../../src/checks/drops.ip.js'
import { checkTable } from '../../helpers/check-table.js'

const base = { IpInDiscards: 0, IpInHdrErrors: 3, IpInAddrErrors: 0, TcpExtIPReversePathFilter: 10, Ip6InDiscards: 0, Ip6InHdrErrors: 0, Ip6InAddrErrors: 0 }
const rp = (all: number, ifaces: Record<string, number>) => ({ all, default: 1, interfaces: { lo: 0, ...ifaces } })

checkTable(ip, [
  {
    name: 'a trickle below warningPerSecond (1 in 2 s) is info; the threshold is the config\'s to lower',
    start: { counters: base, rpFilter: rp(0, { eth0: 1 }) },
    end: { counters: { ...base, IpInAddrErrors: 1 } },
    findings: [{ status: 'fail', severity: 'info', message: /in 2.0 s \(0.5\/s\)/ }],
  },
  {
    name: 'the same trickle with warningPerSecond 0.5 is a warning',
    start: { counters: base, rpFilter: rp(0, { eth0: 1 }) },
    end: { counters: { ...base, IpInAddrErrors: 1 } },
    thresholds: { warningPerSecond: 0.5 },
    findings: [{ status: 'fail', severity: 'warning' }],
  },
  { name: 'nothing grew: pass', start: { counters: base, rpFilter: rp(0, { eth0: 1 }) }, end: { counters: base }, findings: [{ status: 'pass', message: /no IP input drop in 2.0 s \(7 counters\)/ }] },
  {
    name: 'rp_filter drops, one strict interface: it and its setting named, loose mode as the fix',
    start: { counters: base, rpFilter: rp(0, { eth0: 1, eth1: 0 }) },
    end: { counters: { ...base, TcpExtIPReversePathFilter: 30 } },
    findings: [{ status: 'fail', severity: 'warning', subject: { interface: 'eth0', sysctl: 'net.ipv4.conf.eth0.rp_filter' }, message: /20 packets dropped by the reverse-path filter .*strict rp_filter on eth0 \(conf.all.rp_filter=0, eth0 1, eth1 0\)/ }],
    also: ([f]) => {
      expect(f.remediation!.commands).toContain('sysctl -w net.ipv4.conf.eth0.rp_filter=2')
      expect(f.remediation!.commands.some((c) => c.includes('conf.all'))).toBe(false)
    },
  },
  {
    name: 'conf.all=1 makes every interface strict: both settings are fixed (the effective value is the max)',
    start: { counters: base, rpFilter: rp(1, { eth0: 0, eth1: 1 }) },
    end: { counters: { ...base, TcpExtIPReversePathFilter: 21 } },
    findings: [{ status: 'fail', severity: 'warning', subject: { sysctl: 'net.ipv4.conf.all.rp_filter' } }],
    also: ([f]) => {
      expect(f.remediation!.commands).toContain('sysctl -w net.ipv4.conf.all.rp_filter=2 net.ipv4.conf.eth1.rp_filter=2')
    },
  },
  {
    name: 'header errors grew: a finding naming the counter and its cause',
    start: { counters: base, rpFilter: rp(0, {}) },
    end: { counters: { ...base, IpInHdrErrors: 503 } },
    findings: [{ status: 'fail', severity: 'critical', message: /500 packets dropped by IP input .*IpInHdrErrors \+500 \(IPv4 header errors/ }],
  },
  { name: 'IPv6 absent on this host: its counters absent, not 0', start: { counters: { IpInDiscards: 0, IpInHdrErrors: 0, IpInAddrErrors: 0, TcpExtIPReversePathFilter: 0 }, rpFilter: rp(0, {}) }, findings: [{ status: 'pass', message: /absent: Ip6InDiscards, Ip6InHdrErrors, Ip6InAddrErrors/ }] },
])

test('strict interfaces: max(conf.all, conf.IFACE) is 1; loose (2) wins over strict; lo never counts', () => {
  expect(strictInterfaces({ all: 0, interfaces: { lo: 1, a: 1, b: 2, c: 0 } })).toEqual(['a'])
  expect(strictInterfaces({ all: 1, interfaces: { a: 0, b: 2 } })).toEqual(['a'])
  expect(strictInterfaces({ all: 2, interfaces: { a: 1 } })).toEqual([])
})
