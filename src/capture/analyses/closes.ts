// How each captured connection ended (resets.closes): an observer on the flow tracker (flows.ts) that keeps, per
// flow, only who sent the first RST and the order of the last data each way, and classifies the flow when the
// tracker lets it go. Results aggregate per server endpoint: memory grows with servers and the row cap, not
// with packets. Words and fields: CONTRACT.md resets.closes; kernel behaviour: KNOWLEDGE.md "Resets and crashes".
import { CONNECTION_ENDS, type ConnectionEnd, type ConnectionEndRow, type ServerCloses } from '../../model/closes.js'
import { ACK, FIN, RST, SYN, type TcpSegment } from '../decode.js'
import { midstreamOf } from './index.js'
import { seqAfter, type Flow, type FlowEndReason, type FlowObserver, type SegmentInfo } from '../flows.js'

interface State {
  /** which side sent the first RST */
  rstBy?: 0 | 1
  /** at that RST: the peer's data was acknowledged by the resetter and not answered */
  unanswered?: boolean
  /** which side sent the first FIN */
  finBy?: 0 | 1
  /** order (segment index in this flow) of the last payload each way; -1 = none */
  lastData: [number, number]
  index: number
  /** client SYNs (without ACK) seen */
  syns: number
}

/** Ends that are not graceful come first in the rows, and make the finding fail. */
const ABNORMAL: ReadonlySet<ConnectionEnd> = new Set(['refused', 'timeout', 'abort', 'half-closed'])
const rank = (r: ConnectionEndRow) => (ABNORMAL.has(r.end) ? 0 : r.end === 'graceful' ? 2 : 1)

export function isAbnormal(end: ConnectionEnd): boolean {
  return ABNORMAL.has(end)
}

/** The verdict of one flow when the tracker lets it go. Pure; exported for tests. */
export function classify(flow: Flow, st: State, reason: FlowEndReason = 'end'): Pick<ConnectionEndRow, 'end' | 'by' | 'unanswered' | 'synRetransmissions'> {
  const [c, s] = flow.sides
  const side = (d: 0 | 1) => (d === 0 ? 'client' : 'server')
  const retrans = st.syns > 1 ? { synRetransmissions: st.syns - 1 } : {}
  if (st.rstBy !== undefined) {
    // A RST to a SYN that got no SYN-ACK: nothing listened (or a firewall rejected).
    if (!flow.midstream && c.syn && !s.syn && st.rstBy === 1) return { end: 'refused', ...retrans }
    return { end: 'abort', by: side(st.rstBy), unanswered: st.unanswered ?? false }
  }
  if (!flow.midstream && c.syn && !s.syn) return { end: 'timeout', synRetransmissions: Math.max(0, st.syns - 1) }
  if (c.fin && s.fin) return { end: 'graceful' }
  if (st.finBy !== undefined) return { end: 'half-closed', by: side(st.finBy) }
  // Begun before the capture and no end seen: open when still there at the capture's end; partial when it left
  // the tracker earlier (idle, or its ports reused), so the capture holds neither its start nor its end.
  if (flow.midstream && reason !== 'end') return { end: 'partial' }
  return { end: 'open' }
}

export interface ClosesOptions {
  /** rows kept per server endpoint (abnormal ones first); the rest are counted only */
  maxRows: number
}

interface Aggregate {
  out: ServerCloses
  /** kept rows by kind, each list capped, so a full list never costs a scan */
  abnormal: ConnectionEndRow[]
  other: ConnectionEndRow[]
}

export function closesAnalysis(opts: ClosesOptions = { maxRows: 1000 }) {
  const servers = new Map<string, Aggregate>()

  const observer: FlowObserver<State> = {
    // every field from the start: one shape for every flow's state, whatever its first FIN or RST adds
    open: () => ({ rstBy: undefined, unanswered: undefined, finBy: undefined, lastData: [-1, -1], index: 0, syns: 0 }),
    segment(flow: Flow, st: State, seg: TcpSegment, info: SegmentInfo) {
      const i = st.index++
      const dir = info.dir
      if (dir === 0 && (seg.flags & (SYN | ACK)) === SYN) st.syns++
      if (seg.flags & FIN && st.finBy === undefined) st.finBy = dir
      if (seg.flags & RST) {
        if (st.rstBy === undefined) {
          st.rstBy = dir
          const me = flow.sides[dir]
          const peer = flow.sides[dir ^ 1]
          // The peer sent data after this side's last data, and this side's kernel had acknowledged all of it:
          // the application had the request and never answered (closed or died with it unread).
          const peerSpoke = st.lastData[dir ^ 1] > st.lastData[dir]
          const acked = me.lastAck !== undefined && peer.nextSeq !== undefined && !seqAfter(peer.nextSeq, me.lastAck)
          st.unanswered = peerSpoke && acked
        }
      } else if (seg.payloadLen > 0 && !info.keepalive) st.lastData[dir] = i
    },
    close(flow: Flow, st: State, reason: FlowEndReason) {
      const verdict = classify(flow, st, reason)
      let agg = servers.get(flow.server)
      if (!agg) {
        const counts = Object.fromEntries(CONNECTION_ENDS.map((e) => [e, 0])) as ServerCloses['counts']
        const out: ServerCloses = { server: flow.server, counts, abortsByClient: 0, abortsByServer: 0, unansweredAborts: 0, halfClosedByServer: 0, maxSynRetransmissions: 0, rows: [], rowsOmitted: 0 }
        agg = { out, abnormal: [], other: [] }
        servers.set(flow.server, agg)
      }
      const out = agg.out
      out.counts[verdict.end]++
      if (verdict.end === 'abort') {
        if (verdict.by === 'client') out.abortsByClient++
        else out.abortsByServer++
        if (verdict.by === 'server' && verdict.unanswered) out.unansweredAborts++
      }
      if (verdict.end === 'half-closed' && verdict.by === 'server') out.halfClosedByServer++
      if (verdict.end === 'timeout') out.maxSynRetransmissions = Math.max(out.maxSynRetransmissions, verdict.synRetransmissions ?? 0)
      const list = isAbnormal(verdict.end) ? agg.abnormal : agg.other
      if (list.length < opts.maxRows) {
        const row: ConnectionEndRow = { client: flow.client, server: flow.server, ...verdict, firstSeen: flow.firstSeen, lastSeen: flow.lastSeen, packets: flow.packets }
        list.push(Object.assign(row, midstreamOf(flow)))
      }
    },
  }
  // The native flow engine (native-flows.ts) does segment() in C and gives the state at the flow's end, into one
  // State for every flow (close keeps nothing of it)
  const ended: State = { rstBy: undefined, unanswered: undefined, finBy: undefined, lastData: [-1, -1], index: 0, syns: 0 }
  const native: ClosesNative = {
    close(flow, rstBy, unanswered, finBy, syns, reason) {
      ended.rstBy = rstBy
      ended.unanswered = unanswered
      ended.finBy = finBy
      ended.syns = syns
      observer.close(flow, ended, reason)
    },
  }
  return {
    observer,
    native,
    /** per server endpoint, those with the most abnormal ends first; rows abnormal first, then open/partial, then graceful */
    result(): ServerCloses[] {
      const list = [...servers.values()].map(({ out, abnormal, other }) => {
        const rows = [...abnormal.sort(byTime), ...other.sort((a, b) => rank(a) - rank(b) || byTime(a, b))].slice(0, opts.maxRows)
        const total = CONNECTION_ENDS.reduce((n, e) => n + out.counts[e], 0)
        return { ...out, rows, rowsOmitted: total - rows.length }
      })
      const abnormalCount = (s: ServerCloses) => CONNECTION_ENDS.filter(isAbnormal).reduce((n, e) => n + s.counts[e], 0)
      return list.sort((a, b) => abnormalCount(b) - abnormalCount(a) || a.server.localeCompare(b.server))
    },
  }
}

export interface ClosesNative {
  close(flow: Flow, rstBy: 0 | 1 | undefined, unanswered: boolean | undefined, finBy: 0 | 1 | undefined, syns: number, reason: FlowEndReason): void
}

const byTime = (a: ConnectionEndRow, b: ConnectionEndRow) => a.firstSeen - b.firstSeen
