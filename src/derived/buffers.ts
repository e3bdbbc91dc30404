// What the buffers checks and the buffers view both need: the buffer sysctls as numbers, the BDP inputs and
// whether the buffers cover it, interface drops and softnet counters over the window, sockets with a fixed buffer.
import type { CheckOptions, Facts } from '../model/check.js'
import type { NetInterface, SoftnetCpu, TcpSocketNote } from '../model/facts.js'
import { histogramPercentile } from '../parsers/ss-tcp-info.js'
import { sysctlNumbers } from '../parsers/sysctl.js'
import { derived } from './cache.js'
import { growth, joinSamples, type Growth } from './counters.js'

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
  return derived(facts, `bdpInputs:${percentile}:${options.bandwidthBps}:${options.rttSeconds}`, () => {
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
        out.rttFrom = `p${Math.round(percentile * 100)} RTT of ${info.remoteSockets} established sockets to non-loopback peers (${info.source})`
      }
    }
    if (out.bandwidthBps !== undefined && out.rttSeconds !== undefined) out.bdpBytes = (out.bandwidthBps / 8) * out.rttSeconds
    return out
  })
}

export const TCP_BUFFER_SYSCTLS = ['net.ipv4.tcp_rmem', 'net.ipv4.tcp_wmem'] as const

/** A TCP buffer max against the BDP: does one connection fill the path, and if not, its throughput cap. */
export interface BufferCover {
  name: string
  triple: NonNullable<ReturnType<typeof tcpBufferTriple>>
  covers: boolean
  /** bit/s one connection can reach with this max at the RTT (max / RTT) */
  capBps: number
}

/** tcp_rmem and tcp_wmem max against the BDP; empty when the BDP is unknown. */
export function bufferCover(facts: Facts, inputs: BdpInputs): BufferCover[] {
  if (inputs.bdpBytes === undefined) return []
  const out: BufferCover[] = []
  for (const name of TCP_BUFFER_SYSCTLS) {
    const triple = tcpBufferTriple(facts, name)
    if (triple) out.push({ name, triple, covers: triple.max >= inputs.bdpBytes, capBps: (triple.max * 8) / inputs.rttSeconds! })
  }
  return out
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

const noteKey = (s: TcpSocketNote) => `${s.local}|${s.peer}`

/** Busy sockets in both samples whose receive buffer did not move while data kept arriving. */
export function fixedSmallBuffers(facts: Facts): TcpSocketNote[] {
  if (!facts.has('tcpInfo')) return []
  const start = facts.first('tcpInfo')
  const end = facts.get('tcpInfo')
  if (start === end) return []
  const before = new Map(start.smallRcvbuf.map((s) => [noteKey(s), s]))
  return end.smallRcvbuf.filter((s) => {
    const b = before.get(noteKey(s))
    return b !== undefined && b.rcvbuf === s.rcvbuf && (s.bytesReceived ?? 0) > (b.bytesReceived ?? 0)
  })
}

export const DROP_STATS = ['rx_dropped', 'rx_fifo_errors', 'rx_missed_errors'] as const

export interface InterfaceDrops {
  iface: NetInterface
  byStat: Record<string, Growth>
  drops: number
  packets: number
  /** drops / (drops + packets) */
  share: number
}

/** Drops and packets of one interface over the window (or since boot). */
export function interfaceDrops(start: NetInterface | undefined, end: NetInterface, windowed: boolean): InterfaceDrops {
  const byStat: Record<string, Growth> = {}
  for (const s of [...DROP_STATS, 'rx_packets']) {
    const g = growth(start?.stats[s], end.stats[s], windowed)
    if (g) byStat[s] = g
  }
  const pick = (s: string) => (windowed ? byStat[s]?.delta : byStat[s]?.value)
  // A counter that went down (interface re-created) gives no delta: the interface is judged on the rest.
  const drops = DROP_STATS.reduce((a, s) => a + (pick(s) ?? 0), 0)
  const packets = pick('rx_packets') ?? 0
  return { iface: end, byStat, drops, packets, share: drops + packets > 0 ? drops / (drops + packets) : 0 }
}

/** Every interface's drops over the window, in the order of the end sample. */
export function interfacesDrops(facts: Facts, windowed: boolean): InterfaceDrops[] {
  return derived(facts, `interfacesDrops:${windowed}`, () =>
    joinSamples(facts.first('interfaces'), facts.get('interfaces'), (i) => i.name).map(({ start, end }) => interfaceDrops(start, end, windowed)),
  )
}

export interface SoftnetRow {
  end: SoftnetCpu
  cpu: number
  processed: Growth
  dropped: Growth
  squeezed: Growth
}

/** Every CPU's softnet counters over the window, in the order of the end sample. */
export function softnetRows(facts: Facts, windowed: boolean): SoftnetRow[] {
  return derived(facts, `softnetRows:${windowed}`, () =>
    joinSamples(facts.first('softnet'), facts.get('softnet'), (c) => c.cpu).map(({ start, end }) => ({
      end,
      cpu: end.cpu,
      processed: growth(start?.processed, end.processed, windowed)!,
      dropped: growth(start?.dropped, end.dropped, windowed)!,
      squeezed: growth(start?.timeSqueeze, end.timeSqueeze, windowed)!,
    })),
  )
}
