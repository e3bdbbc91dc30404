import { fragmentation } from '../../../src/checks/mtu.fragmentation.js'
import type { UdpFlow, UdpFragments } from '../../../src/model/capture.js'
import { captureWith } from '../../helpers/capture-facts.js'
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

// with a capture: one finding per UDP flow whose datagrams came in fragments
const flow = (o: Partial<UdpFlow> = {}): UdpFlow => ({ client: '127.0.0.1:41000', server: '127.0.0.1:9200', serverBy: 'port', datagrams: 40, maxBytes: 4000, p50Bytes: 4000, fragmented: 40, fragments: 120, maxFragments: 3, incomplete: 0, missingFragments: 0, fragmentedBy: 'client', firstSeen: 1, lastSeen: 9, ...o })
const udp = (flows: UdpFlow[], o: Partial<UdpFragments> = {}): UdpFragments => ({ flows, datagrams: flows.reduce((n, f) => n + f.datagrams, 0), fragments: 120, mtu: 1500, mtuFrom: 'largest fragment', unattributed: 0, evicted: 0, cutByEnd: 0, reassemblySeconds: 30, ...o })
const withUdp = (u: UdpFragments) => ({ ...captureWith({}), udp: u })
const quiet = { counters: c(5, 5), sysctls: s }
const dns = flow({ client: '127.0.0.1:5000', server: '127.0.0.1:53', datagrams: 10, maxBytes: 120, p50Bytes: 80, fragmented: 0, fragments: 0, maxFragments: 0, fragmentedBy: undefined })

checkTable(fragmentation, [
  {
    name: 'a capture: the flow that lost fragments is a warning with its sizes; the small one is not a finding',
    start: { ...quiet, capture: withUdp(udp([flow({ incomplete: 40, missingFragments: 80 }), dns])) },
    end: { ...quiet, capture: withUdp(udp([flow({ incomplete: 40, missingFragments: 80 }), dns])) },
    findings: [
      { status: 'pass', subject: {}, message: /no reassembly or fragmentation failure in 2\.0 s .*; the capture: 50 UDP datagrams in 2 flows, 1 flow with fragmented datagrams \(MTU 1500, the largest fragment\)/ },
      {
        status: 'fail',
        severity: 'warning',
        subject: { client: '127.0.0.1:41000', server: '127.0.0.1:9200' },
        message: /^127\.0\.0\.1:41000 → 127\.0\.0\.1:9200: 40 of 40 datagrams above the MTU 1500 came in IP fragments \(up to 4000 bytes, median 4000; up to 3 fragments each\); 40 lost 80 fragments and with it the whole datagram; sent by the client$/,
      },
    ],
    also: ([, f]) => {
      expect(f.title).toBe('Fragmented UDP datagrams lost fragments')
      expect(f.evidence.find((e) => e.name === 'missingFragments')?.value).toBe(80)
      expect(f.evidence.find((e) => e.name === 'maxBytes')).toMatchObject({ value: 4000, unit: 'B' })
      expect(f.remediation!.text).toMatch(/at most 1472 bytes of UDP payload .*IP_PMTUDISC_DO.*No sysctl fixes this/)
      expect(f.remediation!.commands.join('\n')).not.toMatch(/sysctl -w/)
      expect(f.remediation!.commands[0]).toMatch(/sport = :9200 or dport = :9200/)
      // the client fragments: every command runs on its host, toward the server
      expect(f.remediation!.commands).toEqual([
        "ss -uanp '( sport = :9200 or dport = :9200 )'  # on the client's host 127.0.0.1, the sender: the processes of this flow",
        "ip route get 127.0.0.1  # on the client's host 127.0.0.1, the sender: the route's MTU toward the server",
        'tracepath -n 127.0.0.1  # on the client\'s host 127.0.0.1, the sender: the path MTU toward the server',
      ])
      expect(f.remediation!.text).toMatch(/have the client \(127\.0\.0\.1:41000\) set IP_MTU_DISCOVER/)
    },
  },
  {
    name: 'two hosts, the server fragments: its host runs the commands, toward the client; both ends: each runs them',
    start: { ...quiet, capture: withUdp(udp([flow({ client: '10.0.0.2:41000', server: '10.0.0.1:9200', fragmentedBy: 'server' }), flow({ client: '[fd00::2]:5000', server: '[fd00::1]:443', fragmentedBy: 'both' })])) },
    end: { ...quiet, capture: withUdp(udp([flow({ client: '10.0.0.2:41000', server: '10.0.0.1:9200', fragmentedBy: 'server' }), flow({ client: '[fd00::2]:5000', server: '[fd00::1]:443', fragmentedBy: 'both' })])) },
    findings: [
      { status: 'pass' },
      { status: 'fail', severity: 'info', subject: { client: '10.0.0.2:41000', server: '10.0.0.1:9200' }, message: /; sent by the server$/ },
      { status: 'fail', severity: 'info', subject: { client: '[fd00::2]:5000', server: '[fd00::1]:443' }, message: /; sent by both ends$/ },
    ],
    also: ([, byServer, byBoth]) => {
      expect(byServer.remediation!.commands.slice(1)).toEqual([
        "ip route get 10.0.0.2  # on the server's host 10.0.0.1, the sender: the route's MTU toward the client",
        "tracepath -n 10.0.0.2  # on the server's host 10.0.0.1, the sender: the path MTU toward the client",
      ])
      expect(byServer.remediation!.commands[0]).toMatch(/# on the server's host 10\.0\.0\.1, the sender: /)
      expect(byServer.remediation!.text).toMatch(/have the server \(10\.0\.0\.1:9200\) set/)
      expect(byBoth.remediation!.commands.filter((c) => c.startsWith('ip route get'))).toEqual([
        "ip route get fd00::1  # on the client's host fd00::2, the sender: the route's MTU toward the server",
        "ip route get fd00::2  # on the server's host fd00::1, the sender: the route's MTU toward the client",
      ])
      expect(byBoth.remediation!.text).toMatch(/have each end set/)
    },
  },
  {
    name: 'fragmented but complete, over IPv6: info, 1452 bytes fit',
    start: { ...quiet, capture: withUdp(udp([flow({ client: '[::1]:50000', server: '[::1]:443' })])) },
    end: { ...quiet, capture: withUdp(udp([flow({ client: '[::1]:50000', server: '[::1]:443' })])) },
    findings: [{ status: 'pass' }, { status: 'fail', severity: 'info', subject: { client: '[::1]:50000', server: '[::1]:443' }, message: /^\[::1\]:50000 → \[::1\]:443: 40 of 40 datagrams/ }],
    also: ([, f]) => {
      expect(f.title).toBe('UDP datagrams above the MTU are fragmented')
      expect(f.remediation!.text).toMatch(/at most 1452 bytes of UDP payload at MTU 1500 over IPv6/)
    },
  },
  {
    name: 'a capture with only small datagrams: one pass that says what the capture held',
    start: { ...quiet, capture: withUdp(udp([dns], { fragments: 0, mtuFrom: 'default' })) },
    end: { ...quiet, capture: withUdp(udp([dns], { fragments: 0, mtuFrom: 'default' })) },
    findings: [{ status: 'pass', message: /the capture: 10 UDP datagrams in 1 flow, none fragmented$/ }],
  },
  {
    name: 'a capture without UDP, and datagrams whose first fragment never came',
    start: { ...quiet, capture: withUdp(udp([], { datagrams: 3, fragments: 6, unattributed: 3 })) },
    end: { ...quiet, capture: withUdp(udp([], { datagrams: 3, fragments: 6, unattributed: 3 })) },
    findings: [{ status: 'pass', message: /the capture: 3 UDP datagrams in 0 flows, none fragmented, 3 datagrams whose first fragment never came/ }],
  },
  {
    name: 'flows beyond --max-details are counted, not listed',
    start: { ...quiet, capture: withUdp(udp([flow(), flow({ client: '127.0.0.1:41001' }), flow({ client: '127.0.0.1:41002' })])) },
    end: { ...quiet, capture: withUdp(udp([flow(), flow({ client: '127.0.0.1:41001' }), flow({ client: '127.0.0.1:41002' })])) },
    options: { maxDetails: 2 },
    findings: [
      { status: 'pass', message: /3 flows with fragmented datagrams .*; 1 more not listed \(--max-details\)/ },
      { status: 'fail', severity: 'info', subject: { client: '127.0.0.1:41000', server: '127.0.0.1:9200' } },
      { status: 'fail', severity: 'info', subject: { client: '127.0.0.1:41001', server: '127.0.0.1:9200' } },
    ],
  },
  {
    name: 'counters failing and a capture: both findings',
    start: { counters: c(5, 5), sysctls: s, capture: withUdp(udp([flow({ incomplete: 1, missingFragments: 2 })])) },
    end: { counters: c(9, 9), sysctls: s, capture: withUdp(udp([flow({ incomplete: 1, missingFragments: 2 })])) },
    findings: [{ status: 'fail', severity: 'warning', subject: {}, message: /IpReasmTimeout 4 in 2\.0 s/ }, { status: 'fail', severity: 'warning', subject: { client: '127.0.0.1:41000', server: '127.0.0.1:9200' } }],
  },
])
