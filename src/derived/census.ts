// Shared by the timewait, sockets and ports checks and their views: the ephemeral port range, when tcp_tw_reuse
// applies, ports used per destination, and the census groups joined across the two samples (a lingering state
// counts only when it is in both).
import type { Facts } from '../model/check.js'
import type { DestinationCensus, ListenerCensus, SocketCensus, StateCounts, Sysctls } from '../model/facts.js'
import type { Evidence } from '../model/finding.js'
import { isLoopback, splitEndpoint } from '../parsers/address.js'
import { sysctlNumber, sysctlNumbers } from '../parsers/sysctl.js'
import { derived } from './cache.js'
import { sysctlEvidence } from './evidence.js'
import { percent } from './format.js'

/** "8080,9000-9010" (ip_local_reserved_ports) → [[8080, 8080], [9000, 9010]] */
export function parsePortList(text: string | undefined): Array<[number, number]> {
  const out: Array<[number, number]> = []
  for (const part of (text ?? '').split(',')) {
    const m = /^\s*(\d+)(?:-(\d+))?\s*$/.exec(part)
    if (m) out.push([Number(m[1]), Number(m[2] ?? m[1])])
  }
  return out
}

export interface PortRange {
  low: number
  high: number
  /** ports in the range */
  size: number
  /** reserved ports inside the range */
  reserved: number
  /** what connect() can pick from: the range minus reserved ports */
  usable: number
  reservedList: Array<[number, number]>
}

export const DEFAULT_RANGE = '32768 60999'

export function portRange(sysctls: Sysctls): PortRange {
  const [low, high] = sysctlNumbers(sysctls.get('net.ipv4.ip_local_port_range') ?? DEFAULT_RANGE) ?? [32768, 60999]
  const reservedList = parsePortList(sysctls.get('net.ipv4.ip_local_reserved_ports'))
  let reserved = 0
  for (const [a, b] of reservedList) reserved += Math.max(0, Math.min(b, high) - Math.max(a, low) + 1)
  const size = high - low + 1
  return { low, high, size, reserved, usable: Math.max(1, size - reserved), reservedList }
}

export const isReserved = (port: number, list: Array<[number, number]>): boolean => list.some(([a, b]) => port >= a && port <= b)

export interface Reuse {
  /** connect() reuses TIME_WAIT ports toward this destination */
  applies: boolean
  /** the sysctls, for messages: "tcp_tw_reuse=2 (loopback only)" */
  why: string
}

/**
 * tcp_tw_reuse (ip-sysctl.rst): 0 off, 1 every destination, 2 loopback only (a loopback source or destination
 * address). It needs TCP timestamps: with tcp_timestamps=0 nothing is reused.
 */
export function twReuse(sysctls: Sysctls, d: { local: string; remote: string }): Reuse {
  const value = sysctlNumber(sysctls.get('net.ipv4.tcp_tw_reuse'))
  const ts = sysctlNumber(sysctls.get('net.ipv4.tcp_timestamps'))
  if (value === undefined) return { applies: false, why: 'tcp_tw_reuse is not on this kernel' }
  if (value === 0) return { applies: false, why: 'tcp_tw_reuse=0' }
  if (ts === 0) return { applies: false, why: `tcp_tw_reuse=${value} but tcp_timestamps=0 (reuse needs timestamps)` }
  if (value === 1) return { applies: true, why: 'tcp_tw_reuse=1' }
  const loop = isLoopback(d.local) || isLoopback(splitEndpoint(d.remote).address)
  return { applies: loop, why: `tcp_tw_reuse=${value} (loopback only)${loop ? '' : ', and this destination is not loopback'}` }
}

export const reuseEvidence = (sysctls: Sysctls): Evidence[] => [
  sysctlEvidence('net.ipv4.tcp_tw_reuse', sysctls.get('net.ipv4.tcp_tw_reuse')),
  sysctlEvidence('net.ipv4.tcp_timestamps', sysctls.get('net.ipv4.tcp_timestamps')),
]

export const rangeEvidence = (sysctls: Sysctls): Evidence[] => [
  sysctlEvidence('net.ipv4.ip_local_port_range', sysctls.get('net.ipv4.ip_local_port_range')),
  sysctlEvidence('net.ipv4.ip_local_reserved_ports', sysctls.get('net.ipv4.ip_local_reserved_ports')),
]

/** A group seen at the end of the window, with its twin of the start sample when there was one. */
export interface Joined<T> {
  end: T
  start?: T
}

/**
 * Joins one kind of census group across the two samples by key. With a 0 window both are the same sample, and a
 * group is its own twin (it lingered through a window of no length); counters use joinSamples in counters.ts.
 */
export function joinCensus<T>(facts: Facts, groups: (c: SocketCensus) => T[], key: (t: T) => string): Array<Joined<T>> {
  const end = facts.get('census')
  const start = facts.first('census')
  const byKey = new Map<string, T>()
  for (const t of groups(start)) byKey.set(key(t), t)
  return groups(end).map((t) => ({ end: t, start: byKey.get(key(t)) }))
}

/** The smaller of the two samples' values: what lingered through the window (0 when missing from the start). */
export function lingering<T>(j: Joined<T>, value: (t: T) => number): number {
  return j.start === undefined ? 0 : Math.min(value(j.start), value(j.end))
}

export const destinationKey = (d: DestinationCensus): string => `${d.local}|${d.remote}`

/** Client-side TIME_WAIT per destination that lingered through the window (timewait.storm and timewait.reuse). */
export function clientTimeWait(facts: Facts): Array<{ dest: DestinationCensus; tw: number }> {
  return derived(facts, 'clientTimeWait', () => joinCensus(facts, (c) => c.destinations, destinationKey).map((j) => ({ dest: j.end, tw: lingering(j, (d) => stateCount(d.states, 'TIME-WAIT')) })))
}

/** Local ports held toward a destination: everything but TIME_WAIT that connect() may reuse. */
export function portsUsed(d: DestinationCensus, sysctls: Sysctls): { used: number; reusable: number } {
  const reusable = twReuse(sysctls, d).applies ? stateCount(d.states, 'TIME-WAIT') : 0
  return { used: d.total - reusable, reusable }
}

export const stateCount = (states: StateCounts, state: string): number => states[state] ?? 0

/** "ESTAB 850, TIME-WAIT 12" (largest first) */
export function stateList(states: StateCounts): string {
  return Object.entries(states)
    .sort((a, b) => b[1] - a[1])
    .map(([s, n]) => `${s} ${n}`)
    .join(', ')
}

/** "127.0.0.1 → 127.0.0.1:8080" */
export const destinationLabel = (d: { local: string; remote: string }): string => `${d.local} → ${d.remote}`

export const pct = (share: number): string => percent(share)

/** The listener's process as the census saw it on its LISTEN line, for subjects. */
export function listenerOwner(l: ListenerCensus): { pid?: number; process?: string } {
  return l.pid !== undefined ? { pid: l.pid, process: l.process } : {}
}

/** ip_local_reserved_ports with more ports added: the list is one setting, so a fix adds to it, never replaces it. */
export function reservedWith(list: Array<[number, number]>, ports: Iterable<number>): string {
  const extra = [...new Set(ports)].filter((p) => !isReserved(p, list)).sort((a, b) => a - b)
  return [...list.map(([a, b]) => (a === b ? `${a}` : `${a}-${b}`)), ...extra.map(String)].join(',')
}

/**
 * The settings that widen the ephemeral range to about 15000-65000 without harm: ends of different parity (the
 * kernel warns otherwise: connect() and bind(0) split the range by parity), and every listening port the new
 * range would cover reserved first, in the same command.
 */
export function widenedRange(r: PortRange, listeningPorts: Iterable<number>): Array<[string, string]> {
  const low = Math.min(r.low, 15000)
  let high = Math.max(r.high, 65000)
  if ((high - low) % 2 === 0) high = high < 65535 ? high + 1 : high - 1
  const needed = [...listeningPorts].filter((p) => p >= low && p <= high && !isReserved(p, r.reservedList))
  return [
    ...(needed.length ? [['net.ipv4.ip_local_reserved_ports', reservedWith(r.reservedList, needed)] as [string, string]] : []),
    ['net.ipv4.ip_local_port_range', `${low} ${high}`],
  ]
}
