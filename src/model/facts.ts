// Typed facts: what parsers make of the raw inputs and what checks read. Each fact has a probe
// (src/probes/index.ts) that reads it through a Source. Absent counters are undefined, never 0.
import type { CaptureFact } from './capture.js'

export type { CaptureFact }


/** Kernel SNMP/netstat counters keyed by their nstat names: TcpExtListenOverflows, TcpOutRsts, Udp6InErrors. */
export type Counters = Record<string, number>

/** sysctl name (dotted, e.g. net.core.somaxconn) → raw value as the kernel prints it. Absent = not on this kernel. */
export type Sysctls = Map<string, string>

export interface HostInfo {
  hostname?: string
  kernel?: string
  /** the distribution, virtualization and container netdoc runs in (src/probes/identity.ts); undefined when unknown */
  identity?: HostIdentity
}

/** What the host netdoc runs on is: recorded in snapshots, so `--from` names the original host. */
export interface HostIdentity {
  /** "Debian GNU/Linux" */
  distro?: string
  /** "12" */
  release?: string
  codename?: string
  /** the hypervisor ("KVM", "VMware", ...), "none" on bare metal */
  virtualization?: string
  /** the container netdoc itself runs in ("docker"), "none" when it runs on the host */
  container?: string
}

export interface ProcessRef {
  name: string
  pid: number
  fd?: number
}

/** A TCP listening socket as `ss -ltnmp` shows it. */
export interface Listener {
  /** where it was read, for evidence: `ss -ltnmp`, or /proc/net/tcp or /proc/net/tcp6 when ss is missing */
  source: string
  /** as ss writes it: 127.0.0.1:8080, [::1]:8080, *:8080 */
  local: string
  address: string
  port: number
  /** accept queue length now */
  recvQ: number
  /** accept queue limit: min(listen() backlog, somaxconn); undefined from the /proc/net/tcp fallback */
  sendQ?: number
  /** skmem d: drops counted on this listener (tcp_listendrop) since it was created */
  drops?: number
  processes: ProcessRef[]
}

/** One row of /proc/net/softnet_stat: one CPU's receive-path counters. Columns the kernel lacks are undefined. */
export interface SoftnetCpu {
  /** the kernel's CPU id (column 13, Linux 5.10+), else the row index */
  cpu: number
  processed: number
  /** packets dropped because the backlog queue was full (net.core.netdev_max_backlog) */
  dropped: number
  /** net_rx_action ran out of netdev_budget / netdev_budget_usecs with work left */
  timeSqueeze: number
  receivedRps?: number
  flowLimitCount?: number
  /** packets waiting in this CPU's backlog now (13+ columns) */
  backlogLength?: number
  inputQueueLength?: number
  processQueueLength?: number
}

/** A network interface with its receive counters (/sys/class/net/IFACE/statistics, else /proc/net/dev). */
export interface NetInterface {
  name: string
  /** link speed in Mbit/s; undefined when unknown (virtual links print -1 or refuse the read) */
  speedMbps?: number
  /** /sys/class/net/IFACE/mtu in bytes; undefined when unreadable */
  mtu?: number
  /** rx_packets, rx_dropped, rx_fifo_errors, rx_missed_errors, ...; a counter not readable is absent */
  stats: Record<string, number>
}

/** /proc/net/sockstat and sockstat6 by line: { TCP: { inuse, orphan, tw, alloc, mem }, UDP: { inuse, mem }, UDP6: {...} } */
export type Sockstat = Record<string, Record<string, number>>

/** An established TCP socket worth naming (most retransmits, or a fixed small receive buffer). */
export interface TcpSocketNote {
  local: string
  peer: string
  process?: string
  pid?: number
  /** ss -i retrans:x/y: unrecovered now / total over the connection's life */
  retransNow?: number
  retransTotal?: number
  rttMs?: number
  /** skmem rb: the receive buffer limit (sk_rcvbuf) */
  rcvbuf?: number
  bytesReceived?: number
  bytesSent?: number
  /** ss -i lastrcv: ms since data was last received */
  lastRcvMs?: number
  /** ss -i lastsnd: ms since data was last sent */
  lastSndMs?: number
  congestion?: string
  pmtu?: number
  segsOut?: number
  /** skmem d: segments this socket dropped since it was created */
  drops?: number
}

/** Established TCP sockets from `ss -tnimp state established`, aggregated while streamed. */
export interface TcpInfo {
  /** the command it was read with, for evidence: the probe's argv joined (a snapshot replays the output it recorded under that command) */
  source: string
  sockets: number
  /** sockets whose peer is not a loopback address */
  remoteSockets: number
  /** RTT in ms of non-loopback sockets, as a fixed log-scale histogram (see parsers/ss-tcp-info.ts rttBucket) */
  rttHistogram: number[]
  /** per remote address (non-loopback): socket count and RTT histogram */
  byPeer: Record<string, { sockets: number; rttHistogram: number[] }>
  /** the sockets with the most retransmits over their life, most first (bounded) */
  topRetrans: TcpSocketNote[]
  /** busy sockets with a receive buffer below tcp_rmem default, candidates for a fixed SO_RCVBUF (bounded) */
  smallRcvbuf: TcpSocketNote[]
  /** established sockets per congestion control, with one example each (ss prints the algorithm per socket) */
  byCongestion?: Record<string, { sockets: number; example: TcpSocketNote }>
  /** loss and RTT per destination, loopback included (bounded: see destinationsUngrouped) */
  destinations?: TcpDestination[]
  /** sockets not grouped because the destination table was full */
  destinationsUngrouped?: number
  /** sockets per path MTU (ss pmtu:), with one example each; few distinct values on any host */
  byPmtu?: Record<string, { sockets: number; example: TcpSocketNote }>
  /** sockets idle in sending for a second or more (ss lastsnd), the most bytes sent first (bounded) */
  idleSenders?: TcpSocketNote[]
  /** the sockets with the most drops (skmem d) since they were created, most first (bounded) */
  topDrops?: TcpSocketNote[]
}

/** Established sockets toward one destination: client side the remote endpoint, server side one client address
 * of one local listening endpoint. Sums over the sockets' lives (ss -i counts since each connection began). */
export interface TcpDestination {
  side: 'client' | 'server'
  /** server side: the local listening endpoint */
  local?: string
  /** client side: the remote address:port; server side: the client address */
  remote: string
  sockets: number
  /** segs_out: segments sent, retransmissions included */
  segsOut: number
  /** retrans:x/y total y */
  retrans: number
  /** lost: segments marked lost now */
  lost: number
  bytesSent: number
  bytesRetrans: number
  /** sockets with an RTT, their sum and the largest RTT and variance (ms) */
  rttSockets: number
  rttSumMs: number
  rttMaxMs: number
  rttVarMaxMs: number
  /** the lowest delivery rate seen (bit/s) */
  deliveryRateMinBps?: number
  /** the socket with the most retransmits */
  worst?: TcpSocketNote
}

/** Sockets of one state family counted per group; keys are ss state names (ESTAB, TIME-WAIT, CLOSE-WAIT, ...). */
export type StateCounts = Record<string, number>

/** Client-side sockets toward one destination from one local address: they share one ephemeral port space. */
export interface DestinationCensus {
  /** local address (no port), IPv4-mapped addresses unmapped */
  local: string
  /** remote address:port as ss writes it, IPv4-mapped addresses unmapped */
  remote: string
  states: StateCounts
  total: number
}

/** Server-side sockets whose local port is this listener's. */
export interface ListenerCensus {
  /** the listener as ss writes it: *:8080, 127.0.0.1:8080 */
  local: string
  states: StateCounts
  total: number
  /** the listener's process, from its LISTEN line (ss -p) */
  pid?: number
  process?: string
}

/** CLOSE_WAIT sockets held by one process on one local endpoint (server side) or toward one remote (client side). */
export interface CloseWaitGroup {
  side: 'client' | 'server'
  /** server side: the socket's local address:port */
  local?: string
  /** client side: the remote address:port */
  remote?: string
  pid?: number
  process?: string
  count: number
  /** where this group's count came from: the census's read, or the owners pass that replaced its unowned group */
  source: string
}

export interface ListeningSocket {
  local: string
  port: number
  pid?: number
  process?: string
}

export interface SocketOwner {
  pid: number
  name: string
  sockets: number
}

/** One streamed pass over the TCP socket table, aggregated as it was read (src/census/census.ts). */
export interface SocketCensus {
  /** what it was read from: `ss -tano` (no processes), `ss -tanpo` (an older snapshot) or /proc/net/tcp + tcp6 */
  source: string
  /** the pass that named the owners of some states' sockets afterwards (src/engine/attribution.ts), when one ran */
  attributed?: { source: string; states: string[] }
  total: number
  states: StateCounts
  destinations: DestinationCensus[]
  listeners: ListenerCensus[]
  closeWait: CloseWaitGroup[]
  /** listening endpoints as ss writes them, with their process when ss -p shows it */
  listening: ListeningSocket[]
  /** processes owning sockets (empty without ss -p: the descriptors probe then reads the `ownedCensus` pass) */
  owners: SocketOwner[]
  /** client-side sockets not grouped because the destination table hit its cap (counted in states and total) */
  ungrouped: number
  /** keepalive timers of the established sockets, from the same pass (ss -o); absent from /proc/net/tcp and from a read without -o (`ss -tanp`): unknown there, not "without" */
  keepalive?: EstablishedKeepalive
}

/** Open descriptors of one socket-owning process against its RLIMIT_NOFILE. */
export interface ProcessDescriptors {
  pid: number
  name: string
  sockets: number
  /** entries in /proc/PID/fd; undefined when unreadable */
  open?: number
  /** soft RLIMIT_NOFILE from /proc/PID/limits; undefined when unlimited or unreadable */
  limit?: number
  /** hard RLIMIT_NOFILE; undefined when unlimited or unreadable */
  hardLimit?: number
  /** why open or limit is missing (the process exited, permission) */
  unreadable?: string
}

/** Established sockets of one `ss -tano` sample (the census pass), grouped by listener (server side) or process and destination. */
export interface KeepaliveGroup {
  side: 'server' | 'client'
  /** server side: the local address:port (a listening port) */
  local?: string
  /** client side: the destination */
  remote?: string
  process?: string
  pid?: number
  /** sockets with a keepalive timer, and without */
  with: number
  without: number
  /** ids of the sockets without keepalive (census/keepalive.ts socketId) */
  withoutIds: number[]
  /** where this group's counts came from: the census's read, or the owners pass that replaced its unowned group */
  source: string
}

export interface EstablishedKeepalive {
  /** what the timers were read from: the census's ss (`ss -tano`, or `ss -tanpo` of a netdoc 0.3 snapshot) */
  source: string
  /** established sockets, and those of them with a keepalive timer: both of the census's read (groups may be the owners pass's) */
  total: number
  with: number
  /** ids of every established socket, to tell the long-lived ones (present in both samples) */
  ids: Set<number>
  groups: KeepaliveGroup[]
}

/**
 * A process holding a listening socket (one holder of ss users:((...))), with what /proc says of it and of that
 * descriptor. Fields that could not be read are undefined (the process exited, or no permission).
 */
export interface ListenerHolder {
  pid: number
  fd: number
  /** comm from /proc/PID/stat: the executable's name (at most 15 bytes), as ss prints it */
  name?: string
  ppid?: number
  /** seconds since the process started (/proc/PID/stat starttime against /proc/uptime) */
  ageSeconds?: number
  /** the descriptor is close-on-exec (O_CLOEXEC, 02000000 in /proc/PID/fdinfo/FD flags) */
  cloexec?: boolean
  /** its children (/proc/PID/task/PID/children: those forked by its main thread) */
  children?: number[]
  /** why some of the above is missing */
  unreadable?: string
}

/** Per-CPU statistics of a kernel table (/proc/net/stat/*, `conntrack -S`): one record of counters per CPU. */
export interface PerCpuStats {
  /** where they were read: /proc/net/stat/nf_conntrack, `conntrack -S`, /proc/net/stat/arp_cache */
  source: string
  cpus: Array<Record<string, number>>
  /** the table's entries: a global column, repeated on every CPU row (procfs only) */
  entries?: number
}

/** The neighbour tables (ARP for IPv4, NDP for IPv6) as /proc/net/stat shows them; an absent table is missing. */
export interface NeighbourStats {
  arp?: PerCpuStats
  ndisc?: PerCpuStats
}

/** Lines of the kernel log (dmesg) that name a table overflowing, counted by kind, with the last one seen. */
export type KernelLog = Record<'conntrackFull' | 'neighbourOverflow', { count: number; last?: string }>

/** What ethtool says of one interface (not lo). A part it could not read carries the reason instead. */
export interface NicDriverStats {
  name: string
  /** `ethtool -i` driver: virtio_net, ixgbe, i40e, mlx5_core, veth */
  driver?: string
  /** `ethtool -S`: the driver's own counter names */
  stats?: Record<string, number>
  statsUnavailable?: string
  /** `ethtool -g`: ring sizes, current and maximum; undefined where the driver says n/a */
  ring?: { max: { rx?: number; rxMini?: number; rxJumbo?: number; tx?: number }; current: { rx?: number; rxMini?: number; rxJumbo?: number; tx?: number } }
  ringUnavailable?: string
}

/** net.ipv4.conf.*.rp_filter: the effective value on an interface is max(all, IFACE) (ip-sysctl.rst). */
export interface RpFilter {
  all?: number
  default?: number
  /** interface name → its own setting */
  interfaces: Record<string, number>
}

/** A UDP socket as `ss -uanmp` shows it, with the datagrams it dropped (skmem d) since it was created. */
export interface UdpSocket {
  local: string
  peer: string
  recvQ: number
  /** skmem d: datagrams dropped on this socket (receive buffer full, or a filter) */
  drops?: number
  /** skmem rb: its receive buffer limit */
  rcvbuf?: number
  processes: ProcessRef[]
}

export interface FactTypes {
  host: HostInfo
  counters: Counters
  sysctls: Sysctls
  listeners: Listener[]
  softnet: SoftnetCpu[]
  interfaces: NetInterface[]
  sockstat: Sockstat
  tcpInfo: TcpInfo
  census: SocketCensus
  /** every socket with its process: one full `ss -tanpo` pass, read only when asked (probes/owned-census.ts) */
  ownedCensus: SocketCensus
  descriptors: ProcessDescriptors[]
  capture: CaptureFact
  keepaliveSockets: EstablishedKeepalive
  listenerHolders: ListenerHolder[]
  conntrackStats: PerCpuStats
  neighbourStats: NeighbourStats
  kernelLog: KernelLog
  nics: NicDriverStats[]
  rpFilter: RpFilter
  udpSockets: UdpSocket[]
}

export type FactId = keyof FactTypes
