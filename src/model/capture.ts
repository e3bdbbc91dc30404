// What a capture (--pcap FILE or --capture IFACE) yields for the checks: counts, notes, and one result per
// analysis (src/capture/analyses/index.ts). Each analysis aggregates as the capture streams: its result grows with
// the connections it reports, not with packets.

import type { ServerCloses } from './closes.js'
import type { ServerPaths } from './paths.js'

/** Keepalive probes seen on one connection (tracker rule: 0/1 byte at next − 1, no SYN/FIN/RST). */
export interface KeepaliveConnection {
  client: string
  server: string
  /** who sent the probes */
  by: 'client' | 'server' | 'both'
  probes: number
  /** probes answered by a keepalive ACK */
  answered: number
  /** probes with no keepalive ACK before the next probe or the connection's end */
  unanswered: number
  /** median gap between consecutive probes of the same side, seconds; undefined with one probe */
  intervalSeconds?: number
  /** median gap between answered probes (≈ TCP_KEEPIDLE) and between unanswered ones (≈ TCP_KEEPINTVL) */
  answeredIntervalSeconds?: number
  unansweredIntervalSeconds?: number
  /** the connection ended with a RST or no answer after its last probes */
  endedBy?: 'rst' | 'fin' | 'open'
  firstProbe: number
  lastProbe: number
  /** begun before the capture; how its server was told (a local listener, else the lower port) */
  midstream?: true
  serverBy?: 'listener' | 'port'
}

/** An application heartbeat: small messages at a regular period on an otherwise quiet connection. */
export interface HeartbeatConnection {
  client: string
  server: string
  /** who starts each exchange */
  by: 'client' | 'server'
  pattern: 'request-response' | 'one-way'
  messages: number
  periodSeconds: number
  /** typical (median) payload of one message, bytes */
  bytes: number
  replyBytes?: number
  /** begun before the capture; how its server was told (a local listener, else the lower port) */
  midstream?: true
  serverBy?: 'listener' | 'port'
}

/** One line per analysis; the resets analysis adds `closes` here. */
export interface CaptureAnalyses {
  keepalive: KeepaliveConnection[]
  heartbeat: HeartbeatConnection[]
  /** how connections ended, per server endpoint (resets.closes) */
  closes: ServerCloses[]
  /** what the path does to each connection, per server endpoint (congestion.flows) */
  congestion: ServerPaths[]
}

/** One UDP flow of a capture (src/capture/udp-fragments.ts): its datagram sizes and what came in fragments. */
export interface UdpFlow {
  client: string
  server: string
  /** how the server was told: always the lower port (no UDP listeners are given to the UDP tracker); 'listener' is TCP's */
  serverBy: 'listener' | 'port'
  datagrams: number
  /** UDP datagram sizes (header and payload), bytes: the largest, and the median of the latest 1024 */
  maxBytes: number
  p50Bytes: number
  /** datagrams that came in IP fragments, and their fragments (missing ones included, estimated) */
  fragmented: number
  fragments: number
  /** the most fragments of one datagram */
  maxFragments: number
  /** fragmented datagrams whose fragments did not all come (reassembly time-out, or gone by the capture's end) */
  incomplete: number
  /** fragments missing from those, estimated from the missing bytes and the datagram's largest fragment */
  missingFragments: number
  /** who sent the fragmented datagrams */
  fragmentedBy?: 'client' | 'server' | 'both'
  firstSeen: number
  lastSeen: number
}

/** UDP datagrams and IP fragments of a capture, beside the TCP analyses. */
export interface UdpFragments {
  /** worst first: incomplete datagrams, then fragmented ones, then the largest */
  flows: UdpFlow[]
  /** UDP datagrams seen (a fragmented one counts once) and IP fragments of UDP datagrams */
  datagrams: number
  fragments: number
  /** the MTU the datagrams are judged against: the largest fragment's IP length, else 1500 */
  mtu: number
  mtuFrom: 'largest fragment' | 'default'
  /** incomplete datagrams whose first fragment never came (no UDP header, so no ports and no flow) */
  unattributed: number
  /** pending datagrams dropped when the reassembly table was full (counted incomplete) */
  evicted: number
  /** datagrams still being reassembled when the capture ended right after their last fragment (not judged) */
  cutByEnd: number
  /** the reassembly time-out applied, seconds (the kernel's ipfrag_time default) */
  reassemblySeconds: number
  /** datagrams not tracked because their flow was new when the flow table was full */
  flowsShed?: number
}

export type CaptureOrigin =
  | { kind: 'file'; path: string }
  | { kind: 'live'; interface: string; seconds: number; filter?: string; writtenTo?: string; via?: 'cap' | 'tcpdump' }

export interface CaptureFact {
  origin: CaptureOrigin
  format?: 'pcap' | 'pcapng'
  packets: number
  tcpSegments: number
  connections: number
  peakLiveFlows: number
  firstTs?: number
  lastTs?: number
  /** a final record was cut short: analysed up to the cut */
  truncated?: { offset: number; missing: number }
  /** no packet could be decoded as TCP (unknown link type, no IP, no TCP): why; the capture checks are `error` */
  undecodable?: string
  /** for the report's notes: truncation, unknown link types, what was read */
  notes: string[]
  /** the results of the analyses this run attached: those the selected checks and views declare (captureAnalyses) */
  analyses: Partial<CaptureAnalyses>
  /** UDP flows and IP fragments (absent in captures read before netdoc decoded UDP) */
  udp?: UdpFragments
}

/** The name of one capture analysis (a key of CaptureAnalyses). */
export type AnalysisName = keyof CaptureAnalyses

/**
 * One analysis's result. A run attaches only the analyses its checks and views declare (CheckMeta.captureAnalyses,
 * ViewEntry.captureAnalyses): reading one that was not declared is a bug in the reader, said loudly, never an
 * empty result that would pass.
 */
export function analysisOf<K extends AnalysisName>(cap: CaptureFact, name: K): CaptureAnalyses[K] {
  const result = cap.analyses[name]
  if (result === undefined) throw new Error(`the capture analysis "${name}" did not run: declare it in captureAnalyses of the check or view that reads it`)
  return result as CaptureAnalyses[K]
}
