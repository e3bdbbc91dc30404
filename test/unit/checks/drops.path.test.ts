import { path } from '../../../src/checks/drops.path.js'
import { Unavailable } from '../../../src/model/errors.js'
import type { Counters, NetInterface, SoftnetCpu } from '../../../src/model/facts.js'
import { checkTable } from '../../helpers/check-table.js'
import { listener, sysctls } from '../../helpers/facts.js'

const counters = (over: Counters = {}): Counters => ({
  IpInDiscards: 0, IpInHdrErrors: 0, IpInAddrErrors: 0, TcpExtIPReversePathFilter: 0,
  TcpExtListenDrops: 0, TcpExtListenOverflows: 0, TcpExtTCPReqQFullDrop: 0,
  TcpExtTCPBacklogDrop: 0, TcpExtTCPRcvQDrop: 0, TcpExtTCPZeroWindowDrop: 0, TcpExtPAWSEstab: 0, TcpExtPAWSActive: 0, TcpExtTCPMinTTLDrop: 0, TcpExtRcvPruned: 0, TcpExtOfoPruned: 0,
  UdpInErrors: 0, UdpRcvbufErrors: 0, UdpMemErrors: 0, UdpInCsumErrors: 0,
  ...over,
})
const eth0 = (dropped = 0): NetInterface => ({ name: 'eth0', stats: { rx_packets: 1000, rx_dropped: dropped, rx_fifo_errors: 0, rx_missed_errors: 0 } })
const cpu = (id: number, dropped = 0): SoftnetCpu => ({ cpu: id, processed: 100, dropped, timeSqueeze: 0 })
const udpSocket = (d: number) => ({ local: '127.0.0.1:9921', peer: '*:*', recvQ: 4352, drops: d, rcvbuf: 4608, processes: [{ name: 'node', pid: 42 }] })
const nic = (drops: number) => ({ name: 'eth0', driver: 'virtio_net', stats: { rx_drops: drops, rx_xdp_drops: 0, rx0_drops: drops }, ring: { max: { rx: 256 }, current: { rx: 256 } } })
const conntrack = (drop = 0, insertFailed = 0) => ({ source: '/proc/net/stat/nf_conntrack', cpus: [{ drop, early_drop: 7, insert_failed: insertFailed }, { drop: 0, early_drop: 0, insert_failed: 0 }], entries: 10 })
const loaded = sysctls({ 'net.netfilter.nf_conntrack_max': 262144, 'net.netfilter.nf_conntrack_count': 10 })
const sample = (o: { c?: Counters; iface?: number; softnet?: number; udp?: number; ring?: number; listen?: number; ctDrop?: number; ctInsertFailed?: number } = {}) => ({
  counters: counters(o.c),
  interfaces: [eth0(o.iface)],
  softnet: [cpu(0, o.softnet), cpu(1)],
  listeners: [listener('*:8080', 0, 511, { drops: o.listen ?? 0, processes: [{ name: 'nginx', pid: 7 }] })],
  udpSockets: [udpSocket(o.udp ?? 0)],
  nics: [nic(o.ring ?? 0)],
  conntrackStats: conntrack(o.ctDrop, o.ctInsertFailed),
  sysctls: loaded,
})
const dropped = (f: any) => [...new Set(f.details.filter((d: any) => d.status === 'dropped').map((d: any) => d.stage))]

checkTable(path, [
  {
    name: 'nothing dropped: pass, every stage a row, every stage read',
    start: sample(),
    end: sample(),
    findings: [{ status: 'pass', message: /no packet dropped along the receive path in 2.0 s \(\d+ counters read; 7 counters absent/ }],
    also: ([f]) => {
      expect(f.message).not.toMatch(/not read/)
      const stages = [...new Set(f.details!.map((d: any) => d.stage))]
      expect(stages).toEqual(['ring', 'interface', 'softnet', 'ip', 'conntrack', 'tcp-listen', 'tcp', 'udp', 'socket'])
      expect(f.details!.filter((d: any) => d.stage === 'conntrack')).toEqual([
        expect.objectContaining({ counter: 'drop', status: 'quiet', delta: 0, value: 0, source: '/proc/net/stat/nf_conntrack' }),
        expect.objectContaining({ counter: 'insert_failed', status: 'quiet', delta: 0 }),
      ])
    },
  },
  {
    name: 'conntrack dropping new flows (table full) and losing insert races: the conntrack stage, summed over CPUs',
    start: sample({ ctDrop: 5 }),
    end: sample({ ctDrop: 405, ctInsertFailed: 2 }),
    findings: [{ status: 'fail', severity: 'critical', message: /1 stage dropped in 2.0 s \(201\/s\): conntrack \+402 \(drop \+400, insert_failed \+2\)/ }],
    also: ([f]) => {
      expect(dropped(f)).toEqual(['conntrack'])
      expect(f.details!.find((d: any) => d.counter === 'drop')).toMatchObject({ stage: 'conntrack', delta: 400, rate: 200, value: 405 })
    },
  },
  {
    name: 'conntrack not loaded: its counters are absent, not "not read"',
    start: { ...sample(), conntrackStats: new Unavailable('error', 'conntrack -S failed'), sysctls: sysctls({ 'net.core.somaxconn': 4096 }) },
    end: { ...sample(), conntrackStats: new Unavailable('error', 'conntrack -S failed'), sysctls: sysctls({ 'net.core.somaxconn': 4096 }) },
    findings: [{ status: 'pass', message: /read; 9 counters absent on this kernel or driver/ }],
    also: ([f]) => expect(f.details!.filter((d: any) => d.stage === 'conntrack').map((d: any) => d.status)).toEqual(['absent', 'absent']),
  },
  {
    name: 'no ss: listeners from /proc/net/tcp and no UDP table give the socket stage no counter, so it is not read (not quiet)',
    start: { ...sample(), listeners: [listener('*:8080', 0, undefined, { source: '/proc/net/tcp' })], udpSockets: new Unavailable('skip', 'ss is not installed') },
    end: { ...sample(), listeners: [listener('*:8080', 0, undefined, { source: '/proc/net/tcp' })], udpSockets: new Unavailable('skip', 'ss is not installed') },
    findings: [{ status: 'pass', message: /not read: .*socket/ }],
    also: ([f]) => expect(f.details!.filter((d: any) => d.stage === 'socket')).toEqual([expect.objectContaining({ status: 'not read', value: null })]),
  },
  {
    name: 'one listener read with its counter and no UDP table: quiet, from the source the listeners were read from',
    start: { ...sample(), udpSockets: new Unavailable('skip', 'no UDP') },
    end: { ...sample(), udpSockets: new Unavailable('skip', 'no UDP') },
    findings: [{ status: 'pass' }],
    also: ([f]) => expect(f.details!.filter((d: any) => d.stage === 'socket')).toEqual([expect.objectContaining({ status: 'quiet', source: 'ss -ltnmp', value: 0 })]),
  },
  {
    name: 'conntrack loaded but its statistics unreadable: the stage is not read',
    start: { ...sample(), conntrackStats: new Unavailable('error', 'permission denied') },
    end: { ...sample(), conntrackStats: new Unavailable('error', 'permission denied') },
    findings: [{ status: 'pass', message: /not read: conntrack/ }],
  },
  {
    name: 'a UDP socket overflowing: the UDP stage (InErrors counted once) and the socket named',
    start: sample({ udp: 10 }),
    end: sample({ c: { UdpInErrors: 40, UdpRcvbufErrors: 40 }, udp: 50 }),
    findings: [{ status: 'fail', severity: 'warning', message: /2 stages dropped in 2.0 s \(20\/s\): UDP \+40 \(UdpInErrors \+40, UdpRcvbufErrors \+40\); socket queue \+40 \(127.0.0.1:9921 \(node, pid 42\) skmem d \+40\)/ }],
    also: ([f]) => {
      expect(dropped(f)).toEqual(['udp', 'socket'])
      expect(f.details!.find((d: any) => d.counter === 'UdpRcvbufErrors')).toMatchObject({ delta: 40, rate: 20, partOf: 'UdpInErrors' })
    },
  },
  {
    name: 'ring, interface and softnet drops at once, in path order; 300/s is critical',
    start: sample(),
    end: sample({ ring: 200, iface: 200, softnet: 200 }),
    findings: [{ status: 'fail', severity: 'critical', message: /3 stages dropped .*: NIC ring and driver \+200 \(eth0 rx_drops \+200\); interface \+200 \(eth0 rx_dropped \+200\); softnet backlog \+200/ }],
    also: ([f]) => expect(dropped(f)).toEqual(['ring', 'interface', 'softnet']),
  },
  {
    name: 'a listener dropping: the TCP listen stage (ListenOverflows part of ListenDrops) and the listener',
    start: sample(),
    end: sample({ c: { TcpExtListenDrops: 6, TcpExtListenOverflows: 6 }, listen: 6 }),
    findings: [{ status: 'fail', severity: 'warning', message: /TCP listen \+6 .*socket queue \+6 \(\*:8080 \(nginx, pid 7\) skmem d \+6\)/ }],
  },
  {
    name: 'counters this kernel lacks are absent, not 0',
    start: { ...sample(), counters: { UdpInErrors: 0 } },
    end: { ...sample(), counters: { UdpInErrors: 0 } },
    findings: [{ status: 'pass', message: /counters absent on this kernel or driver/ }],
    also: ([f]) => expect(f.details!.find((d: any) => d.counter === 'TcpExtTCPRcvQDrop')).toMatchObject({ status: 'absent', value: null, delta: null }),
  },
  {
    name: 'without ethtool the ring stage is not read, the rest is judged',
    start: { ...sample(), nics: new Unavailable('skip', 'ethtool is not installed') },
    end: { ...sample({ c: { TcpExtIPReversePathFilter: 3 } }), nics: new Unavailable('skip', 'ethtool is not installed') },
    findings: [{ status: 'fail', severity: 'warning', message: /IP \+3 .*not read: NIC ring and driver; / }],
  },
  {
    name: 'one drop in 2 s (0.5/s) is below warningPerSecond: info',
    start: sample(),
    end: sample({ softnet: 1 }),
    findings: [{ status: 'fail', severity: 'info', message: /1 stage dropped in 2.0 s \(0.5\/s\): softnet backlog \+1/ }],
  },
  { name: 'since boot: drops are info', start: sample({ c: { IpInDiscards: 4 } }), findings: [{ status: 'fail', severity: 'info', message: /since boot: IP 4/ }] },
  {
    name: 'nothing could be read: skip, never pass',
    start: { counters: new Unavailable('error', 'x'), interfaces: new Unavailable('error', 'x'), softnet: new Unavailable('error', 'x'), listeners: new Unavailable('error', 'x'), udpSockets: new Unavailable('error', 'x'), nics: new Unavailable('error', 'x') },
    findings: [{ status: 'skip' }],
  },
])
