// What the path does to each captured connection (congestion.flows): handshake RTT split at the capture point,
// data RTT samples in a bounded sketch, retransmissions (spurious, fast, timeout), duplicate ACKs, out-of-order,
// zero-window periods, window-full, idle gaps, and a verdict of what limits the connection. An observer on the
// flow tracker (flows.ts): O(1) work and no allocation per segment, a fixed state per flow (its RTT sketches are
// slots of one pool, taken at a direction's first sample). Results aggregate per server endpoint, rows capped, worst first.
// Words and fields: CONTRACT.md congestion.flows, src/model/paths.ts; kernel behaviour: KNOWLEDGE.md
// "Weak networks and congestion".
//
// RTT (Karn, RFC 6298 §3): one segment per direction is timed at a time, from the capture to the first ACK that
// covers it; a timed segment whose range is sent again is not sampled. So a sample measures the path beyond the
// capture point and back (the receiver's side of it), about one sample per round trip.
import type { CaptureSide, ConnectionPath, LimitedBy, ServerPaths } from '../../model/paths.js'
import { ACK, FIN, RST, SYN, type TcpSegment } from '../decode.js'
import { RttPool, RttSketch } from '../rtt-sketch.js'
import { seqAfter, type Flow, type FlowObserver, type FlowSide, type SegmentInfo } from '../flows.js'
import { midstreamOf } from './index.js'

/** the minimum RTO (TCP_RTO_MIN, 200 ms): a retransmission after this much quiet is a timeout */
const RTO_MIN = 0.2
/** a segment filling a gap this soon after the gap opened was reordered, not re-sent (Wireshark's 3 ms) */
const REORDER_SECONDS = 0.003
/** what makes a connection's verdict (the check's thresholds judge whether it is a problem); shares of bytes */
const VERDICT = { zeroWindowSeconds: 0.1, lossShare: 0.01, windowFullShare: 0.1, rttMs: 200, idleShare: 0.5 }

/** Per sending direction: what it sent, and what it advertised as a receiver. */
interface Side {
  data: number
  bytes: number
  retrans: number
  retransBytes: number
  spurious: number
  spuriousBytes: number
  fast: number
  timeout: number
  ooo: number
  windowFull: number
  idleGaps: number
  idleSeconds: number
  /** this side's duplicate ACKs (as the receiver of the peer's data; RFC 5681: same ACK and window) */
  dupAcksSent: number
  /** ACKs received that did not advance (window changes allowed) since the last that did, and when the last came */
  dupRun: number
  lastDupTs: number
  /** the timed segment: its end and time */
  timing: boolean
  timedEnd: number
  timedTs: number
  /** its RTT sketch's slot in the analysis's pool, taken at the first sample; -1 before */
  sketch: number
  /** the smallest RTT sample so far, seconds; 0 before the first */
  rttMinS: number
  /** the next sequence before this segment (the tracker's is already updated when an observer runs) */
  hi: number
  hiKnown: boolean
  lastTs: number
  lastDataTs: number
  /** this side's previous ACK and window, for the duplicate-ACK test */
  ackPrev: number
  winPrev: number
  ackKnown: boolean
  /** the receive window it advertised, bytes (scaled once the handshake told the scale) */
  rwnd: number
  /** the last gap in its sequence (a segment beyond the next expected): [holeStart, holeEnd) since holeTs */
  hole: boolean
  holeStart: number
  holeEnd: number
  holeTs: number
  /** zero-window periods it advertised */
  zwStart: number
  zwCount: number
  zwSeconds: number
  /** window scale option of its SYN; -1 none */
  wsOption: number
}

interface State {
  s: [Side, Side]
  synTs: number
  syns: number
  synAckTs: number
  synAcks: number
  synAckSeq: number
  handshake: { synToSynAck: number; synAckToAck: number } | undefined
  handshakeDone: boolean
  /** the handshake told both sides' window scale (0 when either lacks the option) */
  scaleKnown: boolean
  /** the tracker no longer guesses either side's next sequence: pure ACKs cannot move it */
  settled: boolean
  scale: [number, number]
  /** the current segment's time: a field, so the helpers below read it without a heap number per call */
  ts: number
}

const newSide = (): Side => ({
  data: 0, bytes: 0, retrans: 0, retransBytes: 0, spurious: 0, spuriousBytes: 0, fast: 0, timeout: 0, ooo: 0, windowFull: 0, idleGaps: 0, idleSeconds: 0,
  dupAcksSent: 0, dupRun: 0, lastDupTs: 0, timing: false, timedEnd: 0, timedTs: 0, sketch: -1, rttMinS: 0, hi: 0, hiKnown: false, lastTs: -1,
  lastDataTs: -1, ackPrev: 0, winPrev: 0, ackKnown: false, rwnd: -1, hole: false, holeStart: 0, holeEnd: 0, holeTs: 0, zwStart: -1, zwCount: 0,
  zwSeconds: 0, wsOption: -1,
})

/** Updates one flow's state with one segment (the observer's `segment`). */
function onSegment(rtt: RttPool, flow: Flow, st: State, seg: TcpSegment, info: SegmentInfo): void {
  const dir = info.dir
  const me = st.s[dir]
  const peer = st.s[dir ^ 1]
  const tMe = flow.sides[dir]
  const tPeer = flow.sides[dir ^ 1]
  const f = seg.flags
  const len = seg.payloadLen
  // a simple packet block (pcapng) has no timestamp: the tracker's capture time stands in
  const ts = Number.isNaN(seg.ts) ? flow.lastSeen : seg.ts
  st.ts = ts

  if (f & SYN) handshakeSyn(st, dir, seg)
  else if (dir === 0 && !st.handshakeDone && st.synAcks > 0 && f & ACK) {
    st.handshakeDone = true
    if (st.syns === 1 && st.synAcks === 1 && seg.ack === ((st.synAckSeq + 1) >>> 0)) {
      st.handshake = { synToSynAck: ms(st.synAckTs - st.synTs), synAckToAck: ms(ts - st.synAckTs) }
    }
  }

  if (f & ACK && !(f & RST)) {
    const ack = seg.ack
    // an RTT sample: the first ACK that covers the peer's timed segment
    if (peer.timing && !seqAfter(peer.timedEnd, ack)) {
      peer.timing = false
      const sample = ts - peer.timedTs
      if (peer.sketch < 0) peer.sketch = rtt.take()
      rtt.add(peer.sketch, ms(sample))
      if (sample >= 0 && (peer.rttMinS === 0 || sample < peer.rttMinS)) peer.rttMinS = sample
    }
    // an ACK that does not advance while the peer has data outstanding (no data of its own): the receiver saw a
    // hole. It is a duplicate ACK in RFC 5681's sense (§2) when the window is the same too; the kernel's SACK
    // recovery reacts to both, so both start the peer's fast-retransmit run.
    const pure = len === 0 && !(f & (SYN | FIN))
    if (pure && me.ackKnown && ack === me.ackPrev && seg.window !== 0 && !info.keepaliveAck && tPeer.has & 2 && seqAfter(tPeer.nextValue, ack)) {
      if (seg.window === me.winPrev) me.dupAcksSent++
      peer.dupRun++
      peer.lastDupTs = ts
    } else if (!me.ackKnown || seqAfter(ack, me.ackPrev)) peer.dupRun = 0
    me.ackPrev = ack
    me.winPrev = seg.window
    me.ackKnown = true
  }

  if (!(f & RST)) {
    // the window this side advertises: zero-window periods last until its window update
    if (seg.window === 0 && !(f & SYN)) {
      if (me.zwStart < 0) {
        me.zwStart = ts
        me.zwCount++
      }
    } else if (me.zwStart >= 0) {
      me.zwSeconds += ts - me.zwStart
      me.zwStart = -1
    }
    me.rwnd = f & SYN ? seg.window : st.scaleKnown ? seg.window * (1 << st.scale[dir]) : -1
  }

  if (len > 0 && !info.keepalive) {
    if (info.retransmission) resent(st, me, tPeer, seg)
    else newData(st, me, peer, tPeer, seg)
    me.lastDataTs = ts
  }

  me.lastTs = ts
  // this side's next sequence moves with data, SYN and FIN, and while the tracker still guesses it (either side)
  if (len > 0 || f & (SYN | FIN) || !st.settled) {
    syncNext(me, tMe)
    syncNext(peer, tPeer)
    st.settled = !flow.guessing
  }
}

function syncNext(side: Side, tracked: FlowSide): void {
  if (!(tracked.has & 2)) return
  side.hi = tracked.nextValue
  side.hiKnown = true
}

function handshakeSyn(st: State, dir: 0 | 1, seg: TcpSegment): void {
  const ts = st.ts
  const ws = seg.windowScale ?? -1
  st.s[dir].wsOption = ws
  if (dir === 0 && !(seg.flags & ACK)) {
    if (st.syns++ === 0) st.synTs = ts
  } else if (dir === 1 && seg.flags & ACK) {
    if (st.synAcks++ === 0) {
      st.synAckTs = ts
      st.synAckSeq = seg.seq
    }
    // RFC 7323 §2.2: scaling is on only when both SYNs carry the option
    if (st.syns > 0) {
      const both = st.s[0].wsOption >= 0 && st.s[1].wsOption >= 0
      st.scale[0] = both ? st.s[0].wsOption : 0
      st.scale[1] = both ? st.s[1].wsOption : 0
      st.scaleKnown = true
    }
  }
}

/** A data segment below the highest sequence seen: out-of-order (filling a fresh gap) or a retransmission. */
function resent(st: State, me: Side, tPeer: FlowSide, seg: TcpSegment): void {
  const ts = st.ts
  const len = seg.payloadLen
  const seq = seg.seq
  const end = (seq + len) >>> 0
  me.data++
  me.bytes += len
  const rttS = me.rttMinS
  const inHole = me.hole && !seqAfter(me.holeStart, seq) && seqAfter(me.holeEnd, seq)
  if (inHole) {
    if (seq === me.holeStart) me.holeStart = end
    if (!seqAfter(me.holeEnd, me.holeStart)) me.hole = false
  }
  if (inHole && ts - me.holeTs < Math.max(REORDER_SECONDS, rttS / 2)) {
    me.ooo++
    return
  }
  me.retrans++
  me.retransBytes += len
  if (tPeer.has & 4 && !seqAfter(end, tPeer.ackValue)) {
    me.spurious++
    me.spuriousBytes += len
  } else if (me.dupRun >= 3 || (me.dupRun > 0 && ts - me.lastDupTs <= Math.max(0.01, 2 * (rttS || RTO_MIN)))) me.fast++
  else if (me.lastTs >= 0 && ts - me.lastTs >= RTO_MIN) me.timeout++
  // Karn: the timed segment was sent again, its ACK would not tell which copy it answers
  if (me.timing && seqAfter(me.timedEnd, seq)) me.timing = false
}

/** New data: a gap before it, an idle pause before it, the RTT timing, window-full. */
function newData(st: State, me: Side, peer: Side, tPeer: FlowSide, seg: TcpSegment): void {
  const ts = st.ts
  const acked = (tPeer.has & 4) !== 0
  const len = seg.payloadLen
  const seq = seg.seq
  const end = (seq + len) >>> 0
  me.data++
  me.bytes += len
  if (me.hiKnown) {
    if (seqAfter(seq, me.hi)) {
      // a gap: segments lost before the capture point (or reordered)
      me.hole = true
      me.holeStart = me.hi
      me.holeEnd = seq
      me.holeTs = ts
    }
    // application-limited: everything was acknowledged and the sender paused before sending again
    if (me.lastDataTs >= 0 && acked && tPeer.ackValue === me.hi) {
      const gap = ts - me.lastDataTs
      if (gap >= Math.max(RTO_MIN, 2 * me.rttMinS)) {
        me.idleGaps++
        me.idleSeconds += gap
      }
    }
  }
  if (!me.timing) {
    me.timing = true
    me.timedEnd = end
    me.timedTs = ts
  }
  // bytes in flight reached the receiver's advertised window (known only with the handshake's window scale)
  if (st.scaleKnown && acked && peer.rwnd > 0) {
    const inFlight = (end - tPeer.ackValue) >>> 0
    if (inFlight < 0x40000000 && inFlight >= peer.rwnd) me.windowFull++
  }
}

const ms = (seconds: number) => Math.max(0, seconds * 1000)
const round3 = (v: number) => Math.round(v * 1000) / 1000

/** Near which end the capture was taken, from the two halves of the RTT it sees (ms). */
export function sideOf(towardServer: number, towardClient: number): CaptureSide {
  if (Math.max(towardServer, towardClient) < 1) return 'unknown'
  if (towardServer >= 4 * towardClient) return 'client'
  if (towardClient >= 4 * towardServer) return 'server'
  return 'between'
}

/** What limits a connection, from its figures (the check's thresholds say whether that is a problem). */
export function verdictOf(r: Omit<ConnectionPath, 'limitedBy'>): LimitedBy | undefined {
  const duration = r.lastSeen - r.firstSeen
  if (r.zeroWindowSeconds >= VERDICT.zeroWindowSeconds) return 'receiver'
  if (r.retransmissions > r.spurious && r.lossShare >= VERDICT.lossShare) return 'network'
  if (r.dataSegments > 0 && r.windowFull / r.dataSegments >= VERDICT.windowFullShare) return 'receiver'
  if (r.rttMs && r.rttMs.p50 >= VERDICT.rttMs) return 'network'
  if (r.idleGaps > 0 && duration > 0 && r.idleSeconds / duration >= VERDICT.idleShare) return 'sender'
  return undefined
}

function rowOf(rtt: RttPool, flow: Flow, st: State): { row: ConnectionPath; sketch: number } {
  const [c, s] = st.s
  for (const side of st.s) {
    // a zero window still open at the end lasted at least until the connection's last segment
    if (side.zwStart >= 0) {
      side.zwSeconds += Math.max(0, flow.lastSeen - side.zwStart)
      side.zwStart = -1
    }
  }
  const cn = c.sketch >= 0 ? rtt.count(c.sketch) : 0
  const sn = s.sketch >= 0 ? rtt.count(s.sketch) : 0
  let captureSide: CaptureSide = 'unknown'
  if (st.handshake) captureSide = sideOf(st.handshake.synToSynAck, st.handshake.synAckToAck)
  else if (cn > 0 && sn > 0) captureSide = sideOf(rtt.min(c.sketch), rtt.min(s.sketch))
  // the timed direction that measures the far half of the path: the client's data near the client, the server's
  // near the server, else whichever has more samples
  const rttOf: 'client' | 'server' | undefined =
    cn + sn === 0 ? undefined : captureSide === 'client' && cn > 0 ? 'client' : captureSide === 'server' && sn > 0 ? 'server' : cn > sn ? 'client' : 'server'
  const sketch = rttOf === 'client' ? c.sketch : rttOf === 'server' ? s.sketch : -1
  const rttMs = sketch >= 0 ? rtt.summary(sketch) : undefined
  const data = c.data + s.data
  const bytes = c.bytes + s.bytes
  const retrans = c.retrans + s.retrans
  const spurious = c.spurious + s.spurious
  const retransBytes = c.retransBytes + s.retransBytes
  const spuriousBytes = c.spuriousBytes + s.spuriousBytes
  const zwBy = c.zwSeconds + s.zwSeconds > 0 || c.zwCount + s.zwCount > 0 ? (c.zwSeconds >= s.zwSeconds ? 'client' : 'server') : undefined
  // built in place, in the fields' order, without spreads or a copy for the verdict: one object per connection
  const row: ConnectionPath = { client: flow.client, server: flow.server, firstSeen: flow.firstSeen, lastSeen: flow.lastSeen, packets: flow.packets } as ConnectionPath
  if (st.handshake) row.handshakeMs = { synToSynAck: round3(st.handshake.synToSynAck), synAckToAck: round3(st.handshake.synAckToAck) }
  if (rttMs) {
    row.rttMs = rttMs
    row.rttSpreadMs = round3(rttMs.p95 - rttMs.min)
    row.rttOf = rttOf
  }
  row.rttSamples = sketch >= 0 ? rtt.count(sketch) : 0
  row.captureSide = captureSide
  row.dataSegments = data
  row.dataBytes = bytes
  row.retransmissions = retrans
  row.retransmittedBytes = retransBytes
  row.spurious = spurious
  row.spuriousBytes = spuriousBytes
  row.lossShare = bytes > 0 ? round3((retransBytes - spuriousBytes) / bytes) : 0
  row.fastRetransmits = c.fast + s.fast
  row.timeoutRetransmits = c.timeout + s.timeout
  row.duplicateAcks = c.dupAcksSent + s.dupAcksSent
  row.outOfOrder = c.ooo + s.ooo
  row.zeroWindows = c.zwCount + s.zwCount
  row.zeroWindowSeconds = round3(c.zwSeconds + s.zwSeconds)
  if (zwBy) row.zeroWindowBy = zwBy
  row.windowFull = c.windowFull + s.windowFull
  row.windowScaleKnown = st.scaleKnown
  row.idleGaps = c.idleGaps + s.idleGaps
  row.idleSeconds = round3(c.idleSeconds + s.idleSeconds)
  const limitedBy = verdictOf(row)
  if (limitedBy) row.limitedBy = limitedBy
  if (flow.midstream) Object.assign(row, midstreamOf(flow))
  return { row, sketch }
}

/** Worst first: by the loss share, then the zero-window time, then those with a verdict, then the RTT p95. */
export function worstFirst(a: ConnectionPath, b: ConnectionPath): number {
  return (
    b.lossShare - a.lossShare ||
    b.zeroWindowSeconds - a.zeroWindowSeconds ||
    Number(b.limitedBy !== undefined) - Number(a.limitedBy !== undefined) ||
    (b.rttMs?.p95 ?? 0) - (a.rttMs?.p95 ?? 0) ||
    a.firstSeen - b.firstSeen
  )
}

interface Aggregate {
  out: ServerPaths
  sketch: RttSketch
  sides: Record<CaptureSide, number>
  rows: ConnectionPath[]
}

export interface CongestionOptions {
  /** rows kept per server endpoint (worst first); the rest are counted only */
  maxRows: number
}

export function congestionAnalysis(opts: CongestionOptions = { maxRows: 1000 }) {
  const servers = new Map<string, Aggregate>()
  const rtt = new RttPool()
  const trim = (rows: ConnectionPath[]) => rows.sort(worstFirst).slice(0, opts.maxRows)

  const observer: FlowObserver<State> = {
    open: () => ({ s: [newSide(), newSide()], synTs: 0, syns: 0, synAckTs: 0, synAcks: 0, synAckSeq: 0, handshake: undefined, handshakeDone: false, scaleKnown: false, settled: false, scale: [0, 0], ts: 0 }),
    segment: (flow, st, seg, info) => onSegment(rtt, flow, st, seg, info),
    close(flow: Flow, st: State) {
      const { row, sketch } = rowOf(rtt, flow, st)
      let agg = servers.get(flow.server)
      if (!agg) {
        const out: ServerPaths = {
          server: flow.server, connections: 0, dataSegments: 0, dataBytes: 0, retransmissions: 0, spurious: 0, retransmittedBytes: 0, spuriousBytes: 0, fastRetransmits: 0, timeoutRetransmits: 0,
          lossShare: 0, zeroWindowSeconds: 0, zeroWindowConnections: 0, windowFull: 0, rttSamples: 0, limitedBy: { receiver: 0, network: 0, sender: 0 },
          captureSide: 'unknown', rows: [], rowsOmitted: 0,
        }
        agg = { out, sketch: new RttSketch(), sides: { client: 0, server: 0, between: 0, unknown: 0 }, rows: [] }
        servers.set(flow.server, agg)
      }
      const o = agg.out
      o.connections++
      o.dataSegments += row.dataSegments
      o.dataBytes += row.dataBytes
      o.spuriousBytes += row.spuriousBytes
      o.retransmissions += row.retransmissions
      o.spurious += row.spurious
      o.retransmittedBytes += row.retransmittedBytes
      o.fastRetransmits += row.fastRetransmits
      o.timeoutRetransmits += row.timeoutRetransmits
      o.zeroWindowSeconds += row.zeroWindowSeconds
      if (row.zeroWindows > 0) o.zeroWindowConnections++
      o.windowFull += row.windowFull
      if (row.limitedBy) o.limitedBy[row.limitedBy]++
      agg.sides[row.captureSide]++
      if (sketch >= 0) agg.sketch.mergeSlot(rtt, sketch)
      for (const side of st.s) if (side.sketch >= 0) rtt.give(side.sketch)
      agg.rows.push(row)
      if (agg.rows.length >= 2 * opts.maxRows) agg.rows = trim(agg.rows)
    },
  }
  return {
    observer,
    /** per server endpoint, the worst first (by loss share, then zero-window time, then RTT) */
    result(): ServerPaths[] {
      const list = [...servers.values()].map(({ out, sketch, sides, rows }): ServerPaths => {
        const kept = trim(rows)
        const rttMs = sketch.summary()
        const known = (['client', 'server', 'between'] as const).filter((s) => sides[s] > 0).sort((a, b) => sides[b] - sides[a])
        return {
          ...out,
          lossShare: out.dataBytes > 0 ? round3((out.retransmittedBytes - out.spuriousBytes) / out.dataBytes) : 0,
          zeroWindowSeconds: round3(out.zeroWindowSeconds),
          ...(rttMs ? { rttMs, rttSpreadMs: round3(rttMs.p95 - rttMs.min) } : {}),
          rttSamples: sketch.count,
          captureSide: known[0] ?? 'unknown',
          rows: kept,
          rowsOmitted: out.connections - kept.length,
        }
      })
      return list.sort((a, b) => b.lossShare - a.lossShare || b.zeroWindowSeconds - a.zeroWindowSeconds || (b.rttMs?.p95 ?? 0) - (a.rttMs?.p95 ?? 0) || a.server.localeCompare(b.server))
    },
  }
}
