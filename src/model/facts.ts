// Typed facts: what parsers make of the raw inputs and what checks read. Each fact has a probe
// (src/probes/index.ts) that reads it through a Source. Absent counters are undefined, never 0.

/** Kernel SNMP/netstat counters keyed by their nstat names: TcpExtListenOverflows, TcpOutRsts, Udp6InErrors. */
export type Counters = Record<string, number>

/** sysctl name (dotted, e.g. net.core.somaxconn) → raw value as the kernel prints it. Absent = not on this kernel. */
export type Sysctls = Map<string, string>

export interface HostInfo {
  hostname?: string
  kernel?: string
}

export interface ProcessRef {
  name: string
  pid: number
  fd?: number
}

/** A TCP listening socket as `ss -ltnmp` shows it. */
export interface Listener {
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

import type { CaptureFact } from './capture.js'

export type { CaptureFact }

/** Established sockets of one `ss -tnop` sample, grouped by listener (server side) or process and destination. */
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
  /** ids of the sockets without keepalive (ss-keepalive.ts socketId) */
  withoutIds: number[]
}

export interface EstablishedKeepalive {
  total: number
  /** ids of every established socket, to tell the long-lived ones (present in both samples) */
  ids: Set<number>
  groups: KeepaliveGroup[]
}

export interface FactTypes {
  host: HostInfo
  counters: Counters
  sysctls: Sysctls
  listeners: Listener[]
  capture: CaptureFact
  keepaliveSockets: EstablishedKeepalive
}

export type FactId = keyof FactTypes
