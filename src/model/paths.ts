// What a capture says about each connection's path (congestion.flows): RTT, loss, windows, and what limits it.
// Words: CONTRACT.md congestion.flows; kernel behaviour: KNOWLEDGE.md "Weak networks and congestion".

export type LimitedBy = 'receiver' | 'network' | 'sender'

/**
 * Where the capture seems taken, from the halves of the RTT it sees: near the client SYN→SYN-ACK (out to the
 * server and back) is long and SYN-ACK→ACK (the client's own turnaround) short; near the server the opposite;
 * `between` when both halves are long; `unknown` when both are too short to tell (one host, a LAN).
 */
export type CaptureSide = 'client' | 'server' | 'between' | 'unknown'

export interface RttMs {
  min: number
  p50: number
  p95: number
  max: number
}

/** One connection. Counts are of data segments (payload > 0, keepalive probes left out). */
export interface ConnectionPath {
  client: string
  server: string
  firstSeen: number
  lastSeen: number
  packets: number
  /** the handshake, split at the capture point (absent when it is not in the capture or a SYN was repeated) */
  handshakeMs?: { synToSynAck: number; synAckToAck: number }
  /** data RTT samples (a data segment to the first ACK covering it; never a retransmitted one), bounded sketch */
  rttMs?: RttMs
  rttSamples: number
  /** p95 − min of the samples: how much the RTT swings above its floor */
  rttSpreadMs?: number
  /** whose data segments were timed: the client's (the path beyond the capture point toward the server) or the server's */
  rttOf?: 'client' | 'server'
  captureSide: CaptureSide
  dataSegments: number
  dataBytes: number
  /** data segments that re-send sequence space already seen (out-of-order ones left out), spurious ones included */
  retransmissions: number
  retransmittedBytes: number
  /** retransmissions of what the receiver had already acknowledged: the sender's mistake, not loss */
  spurious: number
  spuriousBytes: number
  /**
   * (retransmitted − spurious bytes) / data bytes. Bytes, not segments: a capture on a sending host sees TSO/GSO
   * segments of many MSS that are re-sent as MSS-sized ones, so a segment share would overstate the loss.
   */
  lossShare: number
  /** after duplicate ACKs (≥ 3, or one within about an RTT): fast retransmit / SACK recovery */
  fastRetransmits: number
  /** after the sender was quiet ≥ 200 ms (the minimum RTO) with no duplicate ACK: a retransmission timeout */
  timeoutRetransmits: number
  duplicateAcks: number
  /** a segment below the highest sequence seen that arrived shortly after the gap opened: reordered, not re-sent */
  outOfOrder: number
  /** zero-window periods (the receiver advertised 0 until its window update) and their total time */
  zeroWindows: number
  zeroWindowSeconds: number
  zeroWindowBy?: 'client' | 'server'
  /** data segments that filled the receiver's advertised window (bytes in flight reached it) */
  windowFull: number
  /** the window scale was in the handshake; without it (midstream) window-full is not judged */
  windowScaleKnown: boolean
  /** the sender had nothing in flight and sent again after a pause (≥ 200 ms and ≥ 2 RTT): application-limited */
  idleGaps: number
  idleSeconds: number
  limitedBy?: LimitedBy
  /** begun before the capture; how its server was told (a local listener, else the lower port) */
  midstream?: true
  serverBy?: 'listener' | 'port'
}

/** The connections of one server endpoint. */
export interface ServerPaths {
  server: string
  connections: number
  dataSegments: number
  dataBytes: number
  retransmissions: number
  spurious: number
  retransmittedBytes: number
  spuriousBytes: number
  fastRetransmits: number
  timeoutRetransmits: number
  /** (retransmitted − spurious bytes) / data bytes, over all its connections */
  lossShare: number
  zeroWindowSeconds: number
  zeroWindowConnections: number
  windowFull: number
  /** every RTT sample of its connections, merged */
  rttMs?: RttMs
  rttSamples: number
  rttSpreadMs?: number
  /** connections by what limits them */
  limitedBy: Record<LimitedBy, number>
  /** the side most of its connections' handshakes point to */
  captureSide: CaptureSide
  /** worst first (by loss share, zero-window time, a verdict, RTT p95), capped */
  rows: ConnectionPath[]
  rowsOmitted: number
  /**
   * The zero-window seconds of the connections left out of `rows` that had a zero window, largest first: rows are
   * kept by loss first, so a stall on a connection with less loss than the kept ones is only here. Capped at as
   * many as rows are (`omittedZeroWindowsCapped`: the smallest were dropped). Absent when there are none.
   */
  omittedZeroWindows?: number[]
  omittedZeroWindowsCapped?: true
}
