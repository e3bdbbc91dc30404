// The receive path, stage by stage (NIC ring → interface → softnet backlog → IP → conntrack → TCP listen / TCP /
// UDP → socket queue), joined from the facts the buffers, queues and drops checks already read: one derivation
// that drops.path, drops.ring, drops.ip, drops.tcp and the drops view all read, so no counter is read twice.
// Counter meanings: Documentation/networking/snmp_counter.rst, ip-sysctl.rst (rp_filter), the drivers' ethtool
// statistics (drivers/net/virtio_net.c, ixgbe_ethtool.c, i40e_ethtool.c, mlx5/core/en_stats.c, veth.c).
import type { Facts } from '../model/check.js'
import type { NicDriverStats } from '../model/facts.js'
import type { Subject } from '../model/finding.js'
import { counterSource } from '../parsers/proc-net-netstat.js'
import { DROP_STATS, interfaceDrops } from './buffers.js'
import { derived } from './cache.js'
import { conntrackLoaded, cpuCounter } from './conntrack.js'
import { growth, joinSamples, type Growth } from './counters.js'
import { plural } from './format.js'

export const STAGES = [
  { id: 'ring', label: 'NIC ring and driver' },
  { id: 'interface', label: 'interface' },
  { id: 'softnet', label: 'softnet backlog' },
  { id: 'ip', label: 'IP' },
  { id: 'conntrack', label: 'conntrack' },
  { id: 'tcp-listen', label: 'TCP listen' },
  { id: 'tcp', label: 'TCP' },
  { id: 'udp', label: 'UDP' },
  { id: 'socket', label: 'socket queue' },
] as const

export type StageId = (typeof STAGES)[number]['id']

/** dropped: grew in the window (since boot: is not 0); absent: this kernel or driver lacks it; not read: no input */
export type StageStatus = 'dropped' | 'quiet' | 'absent' | 'not read'

export interface StageRow {
  stage: StageId
  /** the counter as its source names it: IpInDiscards, rx_missed_errors, skmem d */
  counter: string
  /** where it is read: /proc/net/snmp, ethtool -S eth0 */
  source: string
  subject: Subject
  /** since-boot total at the end of the window; undefined when absent or not read */
  value?: number
  /** growth over the window; undefined without a window, or when the counter went down (reset) */
  delta?: number
  /** growth per second */
  rate?: number
  status: StageStatus
  /** what makes the kernel count it */
  cause: string
  /** a counter already counted in another row of its stage (ListenOverflows is part of ListenDrops) */
  partOf?: string
}

/** Counters of the kernel's SNMP/netstat files per stage, with the cause the kernel counts them for. */
export const KERNEL_COUNTERS: Record<'ip' | 'tcp-listen' | 'tcp' | 'udp', Array<{ name: string; cause: string; partOf?: string }>> = {
  ip: [
    { name: 'IpInDiscards', cause: 'IPv4 input discarded with nothing wrong in the packet (no memory, a full queue)' },
    { name: 'IpInHdrErrors', cause: 'IPv4 header errors: bad checksum, version, TTL exceeded, options' },
    { name: 'IpInAddrErrors', cause: 'IPv4 destination not a local address and forwarding is off, or an invalid address' },
    { name: 'TcpExtIPReversePathFilter', cause: 'reverse-path filter (rp_filter): the route back to the source leaves by another interface' },
    { name: 'Ip6InDiscards', cause: 'IPv6 input discarded with nothing wrong in the packet' },
    { name: 'Ip6InHdrErrors', cause: 'IPv6 header errors' },
    { name: 'Ip6InAddrErrors', cause: 'IPv6 destination not a local address and forwarding is off' },
  ],
  'tcp-listen': [
    { name: 'TcpExtListenDrops', cause: 'a SYN or final ACK dropped at a listener (includes ListenOverflows)' },
    { name: 'TcpExtListenOverflows', cause: "the listener's accept queue was full", partOf: 'TcpExtListenDrops' },
    { name: 'TcpExtTCPReqQFullDrop', cause: 'the SYN queue was full and syncookies are off' },
  ],
  tcp: [
    { name: 'TcpExtTCPBacklogDrop', cause: "the socket backlog was full while the application held the socket lock" },
    { name: 'TcpExtTCPRcvQDrop', cause: 'the receive queue had no memory left for the segment (receive buffer full, pruning failed)' },
    { name: 'TcpExtTCPZeroWindowDrop', cause: 'data arrived while the receive window was zero' },
    { name: 'TcpExtPAWSEstab', cause: 'PAWS: a segment with an old timestamp on an established connection (NAT mixing hosts, a wrapped clock)' },
    { name: 'TcpExtPAWSActive', cause: 'PAWS: a SYN-ACK with an old timestamp rejected' },
    { name: 'TcpExtTCPMinTTLDrop', cause: 'below the socket\'s IP_MINTTL (GTSM)' },
    { name: 'TcpExtRcvPruned', cause: 'segments dropped from the receive queue after pruning under memory pressure' },
    { name: 'TcpExtOfoPruned', cause: 'out-of-order segments dropped to free memory' },
  ],
  udp: [
    { name: 'UdpInErrors', cause: 'IPv4 datagrams dropped on receive (includes RcvbufErrors, MemErrors, InCsumErrors)' },
    { name: 'UdpRcvbufErrors', cause: "the socket's receive buffer was full", partOf: 'UdpInErrors' },
    { name: 'UdpMemErrors', cause: 'udp_mem was exhausted', partOf: 'UdpInErrors' },
    { name: 'UdpInCsumErrors', cause: 'bad checksum', partOf: 'UdpInErrors' },
    { name: 'Udp6InErrors', cause: 'IPv6 datagrams dropped on receive (includes RcvbufErrors, MemErrors, InCsumErrors)' },
    { name: 'Udp6RcvbufErrors', cause: "the socket's receive buffer was full", partOf: 'Udp6InErrors' },
    { name: 'Udp6MemErrors', cause: 'udp_mem was exhausted', partOf: 'Udp6InErrors' },
    { name: 'Udp6InCsumErrors', cause: 'bad checksum', partOf: 'Udp6InErrors' },
  ],
}

/**
 * Receive-drop counters of `ethtool -S` by driver family, with what each means (the drivers' sources and
 * documentation). Other counters named like a drop are reported by name as the driver's own.
 */
export const DRIVER_COUNTERS: Record<string, Record<string, string>> = {
  virtio_net: {
    rx_drops: 'dropped by the driver (no buffer, a malformed packet)',
    rx_xdp_drops: 'dropped by an XDP program',
  },
  ixgbe: {
    rx_missed_errors: 'the NIC found no free descriptor: the RX ring was full (missed packet count)',
    rx_no_buffer_count: 'no receive buffer was available (RNBC)',
    rx_no_dma_resources: 'the queue had no DMA descriptor',
    rx_fifo_errors: 'the receive FIFO overflowed',
    alloc_rx_buff_failed: 'the driver could not allocate a receive buffer',
    alloc_rx_page_failed: 'the driver could not allocate a receive page',
  },
  i40e: {
    'port.rx_dropped': 'dropped at the port: no receive descriptor',
    rx_dropped: 'dropped by the driver',
    rx_discards: 'discarded by the VSI: no receive descriptor',
    rx_alloc_fail: 'the driver could not allocate a receive buffer',
    rx_pg_alloc_fail: 'the driver could not allocate a receive page',
  },
  mlx5_core: {
    rx_out_of_buffer: 'the ring had no posted buffer: software did not refill it in time',
    rx_discards_phy: 'dropped at the port for lack of NIC buffer (the adapter is congested)',
    rx_buff_alloc_err: 'the driver could not allocate a receive buffer',
    rx_steer_missed_packets: 'matched no flow-steering rule and were dropped',
    rx_wqe_err: 'a receive descriptor was in error',
    rx_oversize_pkts_sw_drop: 'larger than the MTU, dropped by the driver',
    outbound_pci_buffer_overflow: 'no PCIe buffer toward the host',
  },
  veth: {
    rx_queue_0_drops: 'dropped on the veth receive queue (its peer sent faster than this side polled, or XDP)',
  },
}

/** Counters named like drops that are not receive drops. */
const NOT_RECEIVE_DROPS = new Set(['fdir_miss', 'rx_buffer_passed_thres_phy', 'rx_xdp_redirects'])
const DROP_LIKE = /drop|miss|fifo|no_buf|discard|out_of_buffer/i
const TRANSMIT = /^tx|[._-]tx[._-]|^port\.tx|xmit/i
/** per-queue or per-priority copies of a total: rx0_drops, rx_queue_3_drops, rx-2.rx_drops, rx_prio1_discards */
const PER_QUEUE = /^rx\d+_|^rx[-_]queue[-_]\d+|^rx-\d+\.|_queue_\d+_|prio\d+_/

export interface DriverCounter {
  name: string
  cause: string
  /** a counter of the table for this driver; else reported by its name */
  known: boolean
}

/** The receive-drop counters of one interface's `ethtool -S`, per-queue copies left out when a total exists. */
export function driverDropCounters(nic: NicDriverStats): DriverCounter[] {
  if (!nic.stats) return []
  const known = (nic.driver && DRIVER_COUNTERS[nic.driver]) || {}
  const names = Object.keys(nic.stats).filter((n) => n in known || (DROP_LIKE.test(n) && !TRANSMIT.test(n) && !NOT_RECEIVE_DROPS.has(n)))
  const totals = names.filter((n) => !PER_QUEUE.test(n))
  const chosen = totals.length > 0 ? totals : names
  return chosen.map((name) => ({ name, known: name in known, cause: known[name] ?? "the driver's own counter (its name says drop, miss, fifo, no buffer or discard)" }))
}

const DROP_CAUSE: Record<string, string> = {
  rx_dropped: 'the stack refused the packet (backlog full, unknown protocol, no memory)',
  rx_fifo_errors: 'the NIC receive FIFO overflowed',
  rx_missed_errors: 'the NIC ring was full: the host did not empty it in time',
}

function row(stage: StageId, counter: string, source: string, subject: Subject, g: Growth | undefined, windowSeconds: number, cause: string): StageRow {
  if (!g) return { stage, counter, source, subject, status: 'absent', cause }
  const r: StageRow = { stage, counter, source, subject, value: g.value, status: 'quiet', cause }
  if (windowSeconds > 0 && g.delta !== undefined) {
    r.delta = g.delta
    r.rate = +(g.delta / windowSeconds).toFixed(3)
  }
  if (windowSeconds > 0 ? (r.delta ?? 0) > 0 : g.value > 0) r.status = 'dropped'
  return r
}

const notRead = (stage: StageId, counter: string, source: string, cause: string): StageRow => ({ stage, counter, source, subject: {}, status: 'not read', cause })

/** The rows of the NIC ring stage: each interface's driver drop counters (ethtool -S), or why they are unknown. */
export function ringRows(facts: Facts, windowSeconds: number): StageRow[] {
  if (!facts.has('nics')) return [notRead('ring', 'ethtool -S', 'ethtool', 'ethtool could not be run (see drops.ring)')]
  const windowed = windowSeconds > 0
  const rows: StageRow[] = []
  if (facts.get('nics').length === 0) return [notRead('ring', 'ethtool -S', 'ethtool', 'no interface but lo in this namespace')]
  for (const { start, end } of joinSamples(facts.first('nics'), facts.get('nics'), (n) => n.name)) {
    const source = `ethtool -S ${end.name}`
    if (!end.stats) {
      rows.push({ stage: 'ring', counter: 'ethtool -S', source, subject: { interface: end.name }, status: 'absent', cause: end.statsUnavailable ?? 'no driver statistics' })
      continue
    }
    const counters = driverDropCounters(end)
    if (counters.length === 0) rows.push({ stage: 'ring', counter: '(no drop counter)', source, subject: { interface: end.name }, status: 'absent', cause: `${end.driver ?? 'the driver'} reports no receive-drop counter` })
    for (const c of counters) rows.push(row('ring', c.name, source, { interface: end.name }, growth(start?.stats?.[c.name], end.stats[c.name], windowed), windowSeconds, c.cause))
  }
  return rows
}

/** Every stage's rows, in receive-path order. A fact that could not be read makes its stage "not read". */
export function receivePath(facts: Facts, windowSeconds: number): StageRow[] {
  return derived(facts, `receivePath:${windowSeconds}`, () => computePath(facts, windowSeconds))
}

function computePath(facts: Facts, windowSeconds: number): StageRow[] {
  const windowed = windowSeconds > 0
  const rows: StageRow[] = [...ringRows(facts, windowSeconds)]

  if (facts.has('interfaces')) {
    for (const { start, end } of joinSamples(facts.first('interfaces'), facts.get('interfaces'), (i) => i.name)) {
      const d = interfaceDrops(start, end, windowed)
      for (const s of DROP_STATS) rows.push(row('interface', s, `/sys/class/net/${end.name}/statistics/${s}`, { interface: end.name }, d.byStat[s], windowSeconds, DROP_CAUSE[s]))
    }
  } else rows.push(notRead('interface', 'rx_dropped', '/proc/net/dev', 'interfaces could not be read'))

  if (facts.has('softnet')) {
    const cpus = joinSamples(facts.first('softnet'), facts.get('softnet'), (c) => c.cpu)
    let value = 0
    let delta: number | undefined = windowed ? 0 : undefined
    const which: string[] = []
    for (const { start, end } of cpus) {
      const g = growth(start?.dropped, end.dropped, windowed)!
      value += g.value
      if (delta !== undefined) delta = g.delta === undefined ? undefined : delta + g.delta
      if ((windowed ? (g.delta ?? 0) : g.value) > 0) which.push(`CPU ${end.cpu}`)
    }
    const r = row('softnet', 'dropped', '/proc/net/softnet_stat', {}, { value, delta }, windowSeconds, 'the per-CPU backlog was full (net.core.netdev_max_backlog)')
    if (which.length) r.cause += `: ${which.join(', ')}`
    rows.push(r)
  } else rows.push(notRead('softnet', 'dropped', '/proc/net/softnet_stat', 'softnet_stat could not be read'))

  rows.push(...kernelRows(facts, windowSeconds, 'ip'))
  rows.push(...conntrackRows(facts, windowSeconds))
  rows.push(...kernelRows(facts, windowSeconds, 'tcp-listen'), ...kernelRows(facts, windowSeconds, 'tcp'), ...kernelRows(facts, windowSeconds, 'udp'))
  rows.push(...socketRows(facts, windowSeconds))
  return rows
}

/**
 * The per-CPU conntrack counters that count a dropped packet (net/netfilter/nf_conntrack_core.c), summed over
 * CPUs. early_drop is not one of them: it counts an unreplied entry evicted so that the new flow's packet passes
 * (conntrack.drops judges it).
 */
export const CONNTRACK_COUNTERS: Array<{ name: string; cause: string }> = [
  { name: 'drop', cause: 'a new flow found the table full (nf_conntrack_max) and nothing could be evicted: its packet was dropped' },
  { name: 'insert_failed', cause: 'two packets of one new flow raced to insert it and the loser was dropped (parallel UDP queries from one socket: the 5-second DNS delay)' },
]

/** The conntrack stage: its drop counters, absent when conntrack is not loaded here (nothing is tracked). */
export function conntrackRows(facts: Facts, windowSeconds: number): StageRow[] {
  const procfs = '/proc/net/stat/nf_conntrack'
  if (!facts.has('conntrackStats')) {
    const sysctls = facts.optional('sysctls')
    if (sysctls && !conntrackLoaded(sysctls)) return CONNTRACK_COUNTERS.map((c) => ({ stage: 'conntrack', counter: c.name, source: procfs, subject: {}, status: 'absent', cause: 'conntrack is not loaded here: nothing is tracked, so nothing is dropped by it' }))
    return [notRead('conntrack', 'drop, insert_failed', procfs, 'neither /proc/net/stat/nf_conntrack nor conntrack -S could be read (see conntrack.drops)')]
  }
  const end = facts.get('conntrackStats')
  const start = windowSeconds > 0 ? facts.first('conntrackStats') : end
  return CONNTRACK_COUNTERS.map((c) => row('conntrack', c.name, end.source, {}, cpuCounter(start, end, c.name, windowSeconds), windowSeconds, c.cause))
}

/** The rows of a stage counted in /proc/net/snmp, snmp6 and netstat. */
export function kernelRows(facts: Facts, windowSeconds: number, stage: keyof typeof KERNEL_COUNTERS): StageRow[] {
  if (!facts.has('counters')) return [notRead(stage, KERNEL_COUNTERS[stage][0].name, '/proc/net/snmp, /proc/net/netstat', 'the kernel counters could not be read')]
  const windowed = windowSeconds > 0
  const end = facts.get('counters')
  const start = windowed ? facts.first('counters') : undefined
  return KERNEL_COUNTERS[stage].map((c) => {
    const r = row(stage, c.name, counterSource(c.name), {}, growth(start?.[c.name], end[c.name], windowed), windowSeconds, c.cause)
    if (c.partOf && end[c.partOf] !== undefined) r.partOf = c.partOf
    return r
  })
}

/** Sockets whose own drop counter (ss -m skmem d) grew: the listener or UDP socket a drop belongs to. */
export function socketRows(facts: Facts, windowSeconds: number): StageRow[] {
  const windowed = windowSeconds > 0
  const rows: StageRow[] = []
  let examined = 0
  const sources = new Set<string>()
  const examine = (source: string) => {
    examined++
    sources.add(source)
  }
  const who = (processes: Array<{ name: string; pid: number }>) => (processes[0] ? { process: processes[0].name, pid: processes[0].pid } : {})
  if (facts.has('listeners')) {
    for (const { start, end } of joinSamples(facts.first('listeners'), facts.get('listeners'), (l) => l.local)) {
      const g = growth(start?.drops, end.drops, windowed && start !== undefined)
      const r = row('socket', 'skmem d', end.source, { local: end.local, ...who(end.processes) }, g, windowSeconds, 'connections this listener dropped (accept queue or SYN queue full)')
      // a listener read without its skmem (from /proc/net/tcp, no ss) was not examined
      if (r.status !== 'absent') examine(end.source)
      if (r.status === 'dropped') rows.push(r)
    }
  }
  if (facts.has('udpSockets')) {
    for (const { start, end } of joinSamples(facts.first('udpSockets'), facts.get('udpSockets'), (s) => `${s.local} ${s.peer}`)) {
      const g = growth(start?.drops, end.drops, windowed && start !== undefined)
      const r = row('socket', 'skmem d', 'ss -uanmp', { local: end.local, ...who(end.processes) }, g, windowSeconds, `datagrams this UDP socket dropped: its receive buffer${end.rcvbuf !== undefined ? ` (rb ${end.rcvbuf})` : ''} was full`)
      if (r.status !== 'absent') examine('ss -uanmp')
      if (r.status === 'dropped') rows.push(r)
    }
  }
  if (!facts.has('listeners') && !facts.has('udpSockets')) return [notRead('socket', 'skmem d', 'ss -ltnmp, ss -uanmp', 'the socket tables could not be read')]
  if (examined === 0 && rows.length === 0) return [notRead('socket', 'skmem d', 'ss -ltnmp, ss -uanmp', 'no socket read shows its drop counter (ss -m skmem d; the /proc/net/tcp fallback has none)')]
  if (rows.length === 0) rows.push({ stage: 'socket', counter: 'skmem d', source: [...sources].join(', '), subject: {}, value: 0, ...(windowed ? { delta: 0, rate: 0 } : {}), status: 'quiet', cause: `${plural(examined, 'TCP listener or UDP socket', 'TCP listeners and UDP sockets')}, none dropped` })
  return rows
}

/**
 * Packets dropped along the whole path: every stage but the socket queue, whose rows name the socket a listen or
 * UDP drop belongs to (the same packets, counted once).
 */
export function pathDrops(rows: StageRow[], windowSeconds: number): number {
  return stageDrops(rows.filter((r) => r.stage !== 'socket'), windowSeconds)
}

/** Drops of one stage: the rows that dropped, their sum (a counter counted in another row is not added twice). */
export function stageDrops(rows: StageRow[], windowSeconds: number): number {
  return rows.filter((r) => r.status === 'dropped' && !r.partOf).reduce((a, r) => a + (windowSeconds > 0 ? (r.delta ?? 0) : (r.value ?? 0)), 0)
}
