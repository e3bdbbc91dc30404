// How captured connections ended (the resets.closes analysis, src/capture/analyses/closes.ts), as CONTRACT.md
// names it: the `end` words and the fields of a details row.

export type ConnectionEnd = 'graceful' | 'refused' | 'timeout' | 'abort' | 'half-closed' | 'open' | 'partial'

export const CONNECTION_ENDS: readonly ConnectionEnd[] = ['graceful', 'refused', 'timeout', 'abort', 'half-closed', 'open', 'partial']

export interface ConnectionEndRow {
  client: string
  server: string
  end: ConnectionEnd
  /** abort: the side whose RST came first; half-closed: the side that sent the FIN */
  by?: 'client' | 'server'
  /** abort: the RST came after the peer's data that the resetting side had acknowledged but never answered */
  unanswered?: boolean
  /** capture timestamps, seconds since the epoch */
  firstSeen: number
  lastSeen: number
  packets: number
  /** timeout (and refused): SYNs sent again after the first */
  synRetransmissions?: number
  /** the connection began before the capture (its handshake is not in it) */
  midstream?: true
  /** for such a connection, how the server was told: a local listening socket (live capture) or the lower port */
  serverBy?: 'listener' | 'port'
}

/** The connections of one server endpoint: counts per end, and rows (abnormal first, at most the analysis' cap). */
export interface ServerCloses {
  server: string
  counts: Record<ConnectionEnd, number>
  /** aborts by side; those by the server after unanswered requests (the TCPAbortOnClose signature) */
  abortsByClient: number
  abortsByServer: number
  unansweredAborts: number
  /** half-closed connections whose FIN came from the server (it closed or died; the client never closed) */
  halfClosedByServer: number
  /** the most SYN retransmissions one timed-out connection showed */
  maxSynRetransmissions: number
  rows: ConnectionEndRow[]
  /** rows left out beyond the cap (still counted) */
  rowsOmitted: number
}
