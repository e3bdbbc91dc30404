// Shared by the buffers checks and the buffers view: human units, the BDP inputs, counters joined per subject.
import type { CheckOptions, Facts } from '../../model/check.js'
import { histogramPercentile } from '../../parsers/ss-tcp-info.js'
import { sysctlNumbers } from '../../parsers/sysctl.js'
import type { NetInterface } from '../../model/facts.js'

/** 6291456 → "6 MiB", 62500000 → "59.6 MiB" (binary units, as the sysctls are bytes) */
export function formatBytes(n: number): string {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB']
  let v = n
  let u = 0
  while (Math.abs(v) >= 1024 && u < units.length - 1) {
    v /= 1024
    u++
  }
  const text = u === 0 || Number.isInteger(v) ? String(Math.round(v)) : v.toFixed(1)
  return `${text} ${units[u]}`
}

/** 1e10 → "10 Gbit/s" (decimal units, as links are sold) */
export function formatBits(bps: number): string {
  const units: Array<[number, string]> = [[1e12, 'Tbit/s'], [1e9, 'Gbit/s'], [1e6, 'Mbit/s'], [1e3, 'kbit/s']]
  for (const [div, unit] of units) if (bps >= div) return `${+(bps / div).toFixed(2)} ${unit}`
  return `${Math.round(bps)} bit/s`
}

export const formatMs = (seconds: number): string => `${+(seconds * 1000).toFixed(3)} ms`

/** tcp_rmem / tcp_wmem "min default max" → numbers, or undefined when absent or malformed */
export function tcpBufferTriple(facts: Facts, name: string): { min: number; def: number; max: number; raw: string } | undefined {
  if (!facts.has('sysctls')) return undefined
  const raw = facts.get('sysctls').get(name)
  const n = sysctlNumbers(raw)
  if (!raw || !n || n.length !== 3) return undefined
  return { min: n[0], def: n[1], max: n[2], raw }
}

export interface BdpInputs {
  bandwidthBps?: number
  /** where the bandwidth came from: "--bandwidth", "eth0 link speed" */
  bandwidthFrom?: string
  rttSeconds?: number
  rttFrom?: string
  /** bytes, when both inputs are known */
  bdpBytes?: number
}

/**
 * The bandwidth-delay product's inputs: the flags first; else the fastest known link speed (an upper bound on what
 * one connection can get) and the given percentile of the RTT of established sockets to non-loopback peers.
 */
export function bdpInputs(facts: Facts, options: CheckOptions, percentile = 0.9): BdpInputs {
  const out: BdpInputs = {}
  if (options.bandwidthBps) {
    out.bandwidthBps = options.bandwidthBps
    out.bandwidthFrom = '--bandwidth'
  } else if (facts.has('interfaces')) {
    const fastest = facts
      .get('interfaces')
      .filter((i) => i.name !== 'lo' && i.speedMbps !== undefined)
      .sort((a, b) => b.speedMbps! - a.speedMbps!)[0]
    if (fastest) {
      out.bandwidthBps = fastest.speedMbps! * 1e6
      out.bandwidthFrom = `${fastest.name} link speed (/sys/class/net/${fastest.name}/speed)`
    }
  }
  if (options.rttSeconds) {
    out.rttSeconds = options.rttSeconds
    out.rttFrom = '--rtt'
  } else if (facts.has('tcpInfo')) {
    const info = facts.get('tcpInfo')
    const p = histogramPercentile(info.rttHistogram, percentile)
    if (p !== undefined) {
      out.rttSeconds = p / 1000
      out.rttFrom = `p${Math.round(percentile * 100)} RTT of ${info.remoteSockets} established sockets to non-loopback peers (ss -ti)`
    }
  }
  if (out.bandwidthBps !== undefined && out.rttSeconds !== undefined) out.bdpBytes = (out.bandwidthBps / 8) * out.rttSeconds
  return out
}

/** A since-boot counter at both ends of the window; delta undefined when there is no window or it went down. */
export interface Growth {
  value: number
  delta?: number
}

export function growth(start: number | undefined, end: number | undefined, windowed: boolean): Growth | undefined {
  if (end === undefined) return undefined
  if (!windowed || start === undefined || end < start) return { value: end }
  return { value: end, delta: end - start }
}

/** Rows of two samples joined by key (CPUs by id, interfaces by name); a subject in only one sample has one side. */
export function joinSamples<T>(start: T[], end: T[], key: (t: T) => string | number): Array<{ start?: T; end: T }> {
  const before = new Map(start.map((t) => [key(t), t]))
  return end.map((t) => ({ start: start === end ? undefined : before.get(key(t)), end: t }))
}


export const DROP_STATS = ['rx_dropped', 'rx_fifo_errors', 'rx_missed_errors'] as const

/** Drops and packets of one interface over the window (or since boot). */
export function interfaceDrops(start: NetInterface | undefined, end: NetInterface, windowed: boolean) {
  const byStat: Record<string, { value: number; delta?: number }> = {}
  for (const s of [...DROP_STATS, 'rx_packets']) {
    const g = growth(start?.stats[s], end.stats[s], windowed)
    if (g) byStat[s] = g
  }
  const pick = (s: string) => (windowed ? byStat[s]?.delta : byStat[s]?.value)
  // A counter that went down (interface re-created) gives no delta: the interface is judged on the rest.
  const drops = DROP_STATS.reduce((a, s) => a + (pick(s) ?? 0), 0)
  const packets = pick('rx_packets') ?? 0
  return { byStat, drops, packets, share: drops + packets > 0 ? drops / (drops + packets) : 0 }
}

/** Rounds up to a whole MiB: the values suggested for sysctls. */
export const roundUpMiB = (bytes: number): number => Math.ceil(bytes / 1048576) * 1048576

/** Peers by their RTT percentile, slowest first (at most `limit`): where a large BDP comes from. */
export function peersByRtt(facts: Facts, percentile: number, limit: number): Array<{ remote: string; sockets: number; rttMs: number }> {
  if (!facts.has('tcpInfo')) return []
  return Object.entries(facts.get('tcpInfo').byPeer)
    .map(([remote, p]) => ({ remote, sockets: p.sockets, rttMs: +(histogramPercentile(p.rttHistogram, percentile) ?? 0).toFixed(3) }))
    .sort((a, b) => b.rttMs - a.rttMs || b.sockets - a.sockets)
    .slice(0, limit)
}
