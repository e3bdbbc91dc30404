// The retransmission share of the window, for tcp.retransmits and the buffers view. Tcp OutSegs counts segments
// sent "excluding those containing only retransmitted octets" (RFC 1213 tcpOutSegs; the kernel counts a
// retransmission in RetransSegs only), so the segments sent are OutSegs + RetransSegs and the share is
// RetransSegs / (OutSegs + RetransSegs).
import type { Facts } from '../model/check.js'
import { readCounter, type CounterReading } from './counters.js'

export interface RetransmissionShare {
  retrans: CounterReading
  out: CounterReading
  /** retransmitted segments in the window (since boot when there is none) */
  retransmitted: number
  /** every segment sent, retransmissions included */
  sent: number
  /** retransmitted / sent; 0 when nothing was sent */
  share: number
}

/** undefined when this kernel lacks RetransSegs or OutSegs */
export function retransmissionShare(facts: Facts, windowSeconds: number): RetransmissionShare | undefined {
  const retrans = readCounter(facts, 'TcpRetransSegs', windowSeconds)
  const out = readCounter(facts, 'TcpOutSegs', windowSeconds)
  if (!retrans || !out) return undefined
  const windowed = windowSeconds > 0
  const retransmitted = windowed ? (retrans.delta ?? 0) : retrans.value
  const sent = (windowed ? (out.delta ?? 0) : out.value) + retransmitted
  return { retrans, out, retransmitted, sent, share: sent > 0 ? retransmitted / sent : 0 }
}
