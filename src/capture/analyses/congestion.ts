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
import { BlockPool } from '../block-pool.js'
import { RttPool, RttSketch, type RttSummary } from '../rtt-sketch.js'
import { seqAfter, type Flow, type FlowObserver, type FlowSide, type SegmentInfo } from '../flows.js'
import { midstreamOf } from './index.js'

/** the minimum RTO (TCP_RTO_MIN, 200 ms): a retransmission after this much quiet is a timeout */
const RTO_MIN = 0.2
/** a segment filling a gap this soon after the gap opened was reordered, not re-sent (Wireshark's 3 ms) */
const REORDER_SECONDS = 0.003
/** what makes a connection's verdict (the check's thresholds judge whether it is a problem); shares of bytes */
const VERDICT = { zeroWindowSeconds: 0.1, lossShare: 0.01, windowFullShare: 0.1, rttMs: 200, idleShare: 0.5 }

// Per-connection state: a block of FLOW numbers in one shared Float64Array (a BlockPool), at the flow's base offset
// (what `open` returns): the client's side, the server's side (SIDE numbers each, at base + dir × SIDE), then the
// connection's own. Flags are 0/1; a field that can be "none" says so. A block is given back at the flow's end
// and reused: no object per connection for the old generation to collect, and a flow's state in adjacent cache
// lines instead of two objects whose number fields are heap numbers of their own.

// Per sending direction: what it sent, and what it advertised as a receiver. The fields read on every segment
// come first.
/** the next sequence before this segment (the tracker's is already updated when an observer runs), if known */
const HI = 0
const HI_KNOWN = 1
/** this side's last segment and last data segment; -1 before */
const LAST_TS = 2
const LAST_DATA_TS = 3
/** this side's previous ACK and window, for the duplicate-ACK test */
const ACK_PREV = 4
const WIN_PREV = 5
const ACK_KNOWN = 6
/** the receive window it advertised, bytes (scaled once the handshake told the scale); -1 unknown */
const RWND = 7
/** the timed segment: whether one is timed, its end and time */
const TIMING = 8
const TIMED_END = 9
const TIMED_TS = 10
/** ACKs received that did not advance (window changes allowed) since the last that did, and when the last came */
const DUP_RUN = 11
const LAST_DUP_TS = 12
/** the start of the zero-window period it advertises; -1 none */
const ZW_START = 13
const DATA = 14
const BYTES = 15
/** the smallest RTT sample so far, seconds; -1 before the first (0 is a sample: both stamps in one clock tick) */
const RTT_MIN = 16
/** its RTT sketch's slot in the pool (RttPool: a base offset); -1 before the first sample */
const SKETCH = 17
/** the last gap in its sequence (a segment beyond the next expected): [HOLE_START, HOLE_END) since HOLE_TS */
const HOLE = 18
const HOLE_START = 19
const HOLE_END = 20
const HOLE_TS = 21
const RETRANS = 22
const RETRANS_BYTES = 23
const SPURIOUS = 24
const SPURIOUS_BYTES = 25
const FAST = 26
const TIMEOUT = 27
const OOO = 28
const WINDOW_FULL = 29
const IDLE_GAPS = 30
const IDLE_SECONDS = 31
/** this side's duplicate ACKs (as the receiver of the peer's data; RFC 5681: same ACK and window) */
const DUP_ACKS_SENT = 32
const ZW_COUNT = 33
const ZW_SECONDS = 34
/** window scale option of its SYN; -1 none */
const WS_OPTION = 35
const SIDE = 36

// The connection's own, after its two sides.
/** the current segment's time: a field, so the helpers read it without a heap number per call */
const TS = 2 * SIDE
const SYN_TS = TS + 1
const SYNS = TS + 2
const SYN_ACK_TS = TS + 3
const SYN_ACKS = TS + 4
const SYN_ACK_SEQ = TS + 5
const HANDSHAKE_DONE = TS + 6
/** the handshake was clean (one SYN, one SYN-ACK, its ACK): its two halves in ms */
const HANDSHAKE = TS + 7
const SYN_TO_SYN_ACK = TS + 8
const SYN_ACK_TO_ACK = TS + 9
/** the handshake told both sides' window scale: the factor 2^scale at SCALE + dir (1 when either lacks the option) */
const SCALE_KNOWN = TS + 10
const SCALE = TS + 11
/** the tracker no longer guesses either side's next sequence: pure ACKs cannot move it */
const SETTLED = TS + 13
/** settled, and the handshake's ACK is behind (or no SYN-ACK was seen): `onSegment`'s common case may apply */
const COMMON = TS + 14
const FLOW = TS + 15

/** a new flow's block: zeros but for the "none" fields */
const FRESH = new Float64Array(FLOW)
for (const side of [0, SIDE]) for (const field of [LAST_TS, LAST_DATA_TS, RWND, SKETCH, ZW_START, WS_OPTION, RTT_MIN]) FRESH[side + field] = -1

/**
 * Updates one flow's state (its block at c) with one segment (the observer's `segment`). The common case, an ACK
 * without SYN, FIN or RST on a settled connection that is no keepalive, keepalive ACK or retransmission and
 * neither advertises a zero window nor ends one, takes one short sequence: what `anySegment` does for such a
 * segment, without the tests whose answer is known. Every other segment goes through `anySegment`.
 */
function onSegment(F: Float64Array, rtt: RttPool, flow: Flow, c: number, seg: TcpSegment, info: SegmentInfo): void {
  const dir = info.dir
  const me = c + dir * SIDE
  const window = seg.window
  if ((seg.flags & (SYN | FIN | RST | ACK)) !== ACK || F[c + COMMON] === 0 || window === 0 || F[me + ZW_START] >= 0 || info.keepalive || info.keepaliveAck || info.retransmission) {
    anySegment(F, rtt, flow, c, seg, info)
    return
  }
  const peer = c + (dir ^ 1) * SIDE
  const tPeer = flow.sides[dir ^ 1]
  const len = seg.payloadLen
  const ts = Number.isNaN(seg.ts) ? flow.lastSeen : seg.ts
  F[c + TS] = ts
  const ack = seg.ack
  // seqAfter(a, b) is written out here and in newData as ((a - b) | 0) > 0: past V8's inlining budget it is a
  // call, and a call boxes its two numbers (two heap numbers per segment)
  if (F[peer + TIMING] !== 0 && ((F[peer + TIMED_END] - ack) | 0) <= 0) rttSample(F, rtt, c, peer)
  const ackPrev = F[me + ACK_PREV]
  if (len === 0 && ack === ackPrev && F[me + ACK_KNOWN] !== 0 && tPeer.has & 2 && ((tPeer.nextValue - ack) | 0) > 0) {
    if (window === F[me + WIN_PREV]) F[me + DUP_ACKS_SENT]++
    F[peer + DUP_RUN]++
    F[peer + LAST_DUP_TS] = ts
  } else if (F[me + ACK_KNOWN] === 0 || ((ack - ackPrev) | 0) > 0) F[peer + DUP_RUN] = 0
  F[me + ACK_PREV] = ack
  F[me + WIN_PREV] = window
  F[me + ACK_KNOWN] = 1
  F[me + RWND] = F[c + SCALE_KNOWN] !== 0 ? window * F[c + SCALE + dir] : -1
  F[me + LAST_TS] = ts
  if (len > 0) {
    newData(F, c, me, peer, tPeer, seg)
    F[me + LAST_DATA_TS] = ts
    // settled stays so: the tracker never guesses again
    syncNext(F, me, flow.sides[dir])
    syncNext(F, peer, tPeer)
  }
}

/** The first ACK that covers the peer's timed segment: an RTT sample (at the segment's time, F[c + TS]). */
function rttSample(F: Float64Array, rtt: RttPool, c: number, peer: number): void {
  F[peer + TIMING] = 0
  const sample = F[c + TS] - F[peer + TIMED_TS]
  // an ACK stamped before its segment (captures merged from interfaces, clocks stepped) is not a duration
  if (sample < 0) return
  if (F[peer + SKETCH] < 0) F[peer + SKETCH] = rtt.take()
  rtt.add(F[peer + SKETCH] | 0, ms(sample))
  if (F[peer + RTT_MIN] < 0 || sample < F[peer + RTT_MIN]) F[peer + RTT_MIN] = sample
}

/** Any segment: every case of the analysis. */
function anySegment(F: Float64Array, rtt: RttPool, flow: Flow, c: number, seg: TcpSegment, info: SegmentInfo): void {
  const dir = info.dir
  const me = c + dir * SIDE
  const peer = c + (dir ^ 1) * SIDE
  const tMe = flow.sides[dir]
  const tPeer = flow.sides[dir ^ 1]
  const f = seg.flags
  const len = seg.payloadLen
  // a simple packet block (pcapng) has no timestamp: the tracker's capture time stands in
  const ts = Number.isNaN(seg.ts) ? flow.lastSeen : seg.ts
  F[c + TS] = ts

  if (f & SYN) handshakeSyn(F, c, dir, seg)
  else if (dir === 0 && F[c + HANDSHAKE_DONE] === 0 && F[c + SYN_ACKS] > 0 && f & ACK) {
    F[c + HANDSHAKE_DONE] = 1
    if (F[c + SYNS] === 1 && F[c + SYN_ACKS] === 1 && seg.ack === ((F[c + SYN_ACK_SEQ] + 1) >>> 0)) {
      F[c + HANDSHAKE] = 1
      F[c + SYN_TO_SYN_ACK] = ms(F[c + SYN_ACK_TS] - F[c + SYN_TS])
      F[c + SYN_ACK_TO_ACK] = ms(ts - F[c + SYN_ACK_TS])
    }
  }

  if (f & ACK && !(f & RST)) {
    const ack = seg.ack
    // an RTT sample: the first ACK that covers the peer's timed segment
    if (F[peer + TIMING] !== 0 && !seqAfter(F[peer + TIMED_END], ack)) rttSample(F, rtt, c, peer)
    // an ACK that does not advance while the peer has data outstanding (no data of its own): the receiver saw a
    // hole. It is a duplicate ACK in RFC 5681's sense (§2) when the window is the same too; the kernel's SACK
    // recovery reacts to both, so both start the peer's fast-retransmit run.
    const pure = len === 0 && !(f & (SYN | FIN))
    if (pure && F[me + ACK_KNOWN] !== 0 && ack === F[me + ACK_PREV] && seg.window !== 0 && !info.keepaliveAck && tPeer.has & 2 && seqAfter(tPeer.nextValue, ack)) {
      if (seg.window === F[me + WIN_PREV]) F[me + DUP_ACKS_SENT]++
      F[peer + DUP_RUN]++
      F[peer + LAST_DUP_TS] = ts
    } else if (F[me + ACK_KNOWN] === 0 || seqAfter(ack, F[me + ACK_PREV])) F[peer + DUP_RUN] = 0
    F[me + ACK_PREV] = ack
    F[me + WIN_PREV] = seg.window
    F[me + ACK_KNOWN] = 1
  }

  if (!(f & RST)) {
    // the window this side advertises: zero-window periods last until its window update
    if (seg.window === 0 && !(f & SYN)) {
      if (F[me + ZW_START] < 0) {
        F[me + ZW_START] = ts
        F[me + ZW_COUNT]++
      }
    } else if (F[me + ZW_START] >= 0) {
      F[me + ZW_SECONDS] += ts - F[me + ZW_START]
      F[me + ZW_START] = -1
    }
    F[me + RWND] = f & SYN ? seg.window : F[c + SCALE_KNOWN] !== 0 ? seg.window * F[c + SCALE + dir] : -1
  }

  if (len > 0 && !info.keepalive) {
    if (info.retransmission) resent(F, c, me, tPeer, seg)
    else newData(F, c, me, peer, tPeer, seg)
    F[me + LAST_DATA_TS] = ts
  }

  F[me + LAST_TS] = ts
  // this side's next sequence moves with data, SYN and FIN, and while the tracker still guesses it (either side)
  if (len > 0 || f & (SYN | FIN) || F[c + SETTLED] === 0) {
    syncNext(F, me, tMe)
    syncNext(F, peer, tPeer)
    F[c + SETTLED] = flow.guessing ? 0 : 1
  }
  F[c + COMMON] = F[c + SETTLED] !== 0 && (F[c + HANDSHAKE_DONE] !== 0 || F[c + SYN_ACKS] === 0) ? 1 : 0
}

function syncNext(F: Float64Array, side: number, tracked: FlowSide): void {
  if (!(tracked.has & 2)) return
  F[side + HI] = tracked.nextValue
  F[side + HI_KNOWN] = 1
}

function handshakeSyn(F: Float64Array, c: number, dir: 0 | 1, seg: TcpSegment): void {
  const ts = F[c + TS]
  F[c + dir * SIDE + WS_OPTION] = seg.windowScale ?? -1
  if (dir === 0 && !(seg.flags & ACK)) {
    if (F[c + SYNS]++ === 0) F[c + SYN_TS] = ts
  } else if (dir === 1 && seg.flags & ACK) {
    if (F[c + SYN_ACKS]++ === 0) {
      F[c + SYN_ACK_TS] = ts
      F[c + SYN_ACK_SEQ] = seg.seq
    }
    // RFC 7323 §2.2: scaling is on only when both SYNs carry the option
    if (F[c + SYNS] > 0) {
      const both = F[c + WS_OPTION] >= 0 && F[c + SIDE + WS_OPTION] >= 0
      F[c + SCALE] = both ? 1 << F[c + WS_OPTION] : 1
      F[c + SCALE + 1] = both ? 1 << F[c + SIDE + WS_OPTION] : 1
      F[c + SCALE_KNOWN] = 1
    }
  }
}

/** A data segment below the highest sequence seen: out-of-order (filling a fresh gap) or a retransmission. */
function resent(F: Float64Array, c: number, me: number, tPeer: FlowSide, seg: TcpSegment): void {
  const ts = F[c + TS]
  const len = seg.payloadLen
  const seq = seg.seq
  const end = (seq + len) >>> 0
  F[me + DATA]++
  F[me + BYTES] += len
  const rttS = F[me + RTT_MIN]
  const inHole = F[me + HOLE] !== 0 && !seqAfter(F[me + HOLE_START], seq) && seqAfter(F[me + HOLE_END], seq)
  if (inHole) {
    if (seq === F[me + HOLE_START]) F[me + HOLE_START] = end
    if (!seqAfter(F[me + HOLE_END], F[me + HOLE_START])) F[me + HOLE] = 0
  }
  if (inHole && ts - F[me + HOLE_TS] < Math.max(REORDER_SECONDS, rttS / 2)) {
    F[me + OOO]++
    return
  }
  F[me + RETRANS]++
  F[me + RETRANS_BYTES] += len
  const dupRun = F[me + DUP_RUN]
  if (tPeer.has & 4 && !seqAfter(end, tPeer.ackValue)) {
    F[me + SPURIOUS]++
    F[me + SPURIOUS_BYTES] += len
  } else if (dupRun >= 3 || (dupRun > 0 && ts - F[me + LAST_DUP_TS] <= Math.max(0.01, 2 * (rttS >= 0 ? rttS : RTO_MIN)))) F[me + FAST]++
  else if (F[me + LAST_TS] >= 0 && ts - F[me + LAST_TS] >= RTO_MIN) F[me + TIMEOUT]++
  // Karn: the timed segment was sent again, its ACK would not tell which copy it answers
  if (F[me + TIMING] !== 0 && seqAfter(F[me + TIMED_END], seq)) F[me + TIMING] = 0
}

/** New data: a gap before it, an idle pause before it, the RTT timing, window-full. */
function newData(F: Float64Array, c: number, me: number, peer: number, tPeer: FlowSide, seg: TcpSegment): void {
  const ts = F[c + TS]
  const acked = (tPeer.has & 4) !== 0
  const len = seg.payloadLen
  const seq = seg.seq
  const end = (seq + len) >>> 0
  F[me + DATA]++
  F[me + BYTES] += len
  if (F[me + HI_KNOWN] !== 0) {
    const hi = F[me + HI]
    if (((seq - hi) | 0) > 0) {
      // a gap: segments lost before the capture point (or reordered)
      F[me + HOLE] = 1
      F[me + HOLE_START] = hi
      F[me + HOLE_END] = seq
      F[me + HOLE_TS] = ts
    }
    // application-limited: everything was acknowledged and the sender paused before sending again
    if (F[me + LAST_DATA_TS] >= 0 && acked && tPeer.ackValue === hi) {
      const gap = ts - F[me + LAST_DATA_TS]
      if (gap >= Math.max(RTO_MIN, 2 * F[me + RTT_MIN])) {
        F[me + IDLE_GAPS]++
        F[me + IDLE_SECONDS] += gap
      }
    }
  }
  if (F[me + TIMING] === 0) {
    F[me + TIMING] = 1
    F[me + TIMED_END] = end
    F[me + TIMED_TS] = ts
  }
  // bytes in flight reached the receiver's advertised window (known only with the handshake's window scale)
  const rwnd = F[peer + RWND]
  if (F[c + SCALE_KNOWN] !== 0 && acked && rwnd > 0) {
    const inFlight = (end - tPeer.ackValue) >>> 0
    if (inFlight < 0x40000000 && inFlight >= rwnd) F[me + WINDOW_FULL]++
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

/** a zero window still open at the end lasted at least until the connection's last segment */
function endZeroWindow(F: Float64Array, side: number, lastSeen: number): void {
  if (F[side + ZW_START] < 0) return
  F[side + ZW_SECONDS] += Math.max(0, lastSeen - F[side + ZW_START])
  F[side + ZW_START] = -1
}

/** A row with every field in the report's order, the optional ones undefined (JSON leaves them out): added one by
 * one, 30 fields regrew the row's property store ~10 times, 2 KB of garbage per connection. */
function emptyRow(): ConnectionPath {
  return {
    client: '', server: '', firstSeen: 0, lastSeen: 0, packets: 0, handshakeMs: undefined, rttMs: undefined, rttSpreadMs: undefined, rttOf: undefined, rttSamples: 0,
    captureSide: 'unknown', dataSegments: 0, dataBytes: 0, retransmissions: 0, retransmittedBytes: 0, spurious: 0, spuriousBytes: 0, lossShare: 0, fastRetransmits: 0,
    timeoutRetransmits: 0, duplicateAcks: 0, outOfOrder: 0, zeroWindows: 0, zeroWindowSeconds: 0, zeroWindowBy: undefined, windowFull: 0, windowScaleKnown: false,
    idleGaps: 0, idleSeconds: 0, limitedBy: undefined,
  }
}

/** The parts of a row the analysis reuses for every connection (fillRow). */
interface RowScratch {
  row: ConnectionPath
  handshakeMs: { synToSynAck: number; synAckToAck: number }
  rttMs: RttSummary
}

const rowScratch = (): RowScratch => ({ row: emptyRow(), handshakeMs: { synToSynAck: 0, synAckToAck: 0 }, rttMs: { min: 0, p50: 0, p95: 0, max: 0 } })

/**
 * The connection's figures, at its end, into the scratch row (its nested parts the scratch's too); the sketch whose
 * samples they are (-1: none). Most connections of a big capture are only summed and sorted against the cut, never
 * kept: keptRow copies one that is. TurboFan compiles this for all 12 000 rows of a big capture, so it stays plain:
 * no closures, no arrays.
 */
function fillRow(sc: RowScratch, F: Float64Array, rtt: RttPool, flow: Flow, b: number): number {
  const c = b
  const s = b + SIDE
  endZeroWindow(F, c, flow.lastSeen)
  endZeroWindow(F, s, flow.lastSeen)
  const cSketch = F[c + SKETCH]
  const sSketch = F[s + SKETCH]
  const cn = cSketch >= 0 ? rtt.count(cSketch) : 0
  const sn = sSketch >= 0 ? rtt.count(sSketch) : 0
  const handshake = F[b + HANDSHAKE] !== 0
  let captureSide: CaptureSide = 'unknown'
  if (handshake) captureSide = sideOf(F[b + SYN_TO_SYN_ACK], F[b + SYN_ACK_TO_ACK])
  else if (cn > 0 && sn > 0) captureSide = sideOf(rtt.min(cSketch), rtt.min(sSketch))
  // the timed direction that measures the far half of the path: the client's data near the client, the server's
  // near the server, else whichever has more samples
  const rttOf: 'client' | 'server' | undefined =
    cn + sn === 0 ? undefined : captureSide === 'client' && cn > 0 ? 'client' : captureSide === 'server' && sn > 0 ? 'server' : cn > sn ? 'client' : 'server'
  const sketch = rttOf === 'client' ? cSketch : rttOf === 'server' ? sSketch : -1
  const rttMs = sketch >= 0 && rtt.summaryInto(sketch, sc.rttMs) ? sc.rttMs : undefined
  const bytes = F[c + BYTES] + F[s + BYTES]
  const retransBytes = F[c + RETRANS_BYTES] + F[s + RETRANS_BYTES]
  const spuriousBytes = F[c + SPURIOUS_BYTES] + F[s + SPURIOUS_BYTES]
  const zwBy = (F[c + ZW_SECONDS] + F[s + ZW_SECONDS]) > 0 || (F[c + ZW_COUNT] + F[s + ZW_COUNT]) > 0 ? (F[c + ZW_SECONDS] >= F[s + ZW_SECONDS] ? 'client' : 'server') : undefined
  let handshakeMs: RowScratch['handshakeMs'] | undefined
  if (handshake) {
    handshakeMs = sc.handshakeMs
    handshakeMs.synToSynAck = round3(F[b + SYN_TO_SYN_ACK])
    handshakeMs.synAckToAck = round3(F[b + SYN_ACK_TO_ACK])
  }
  const row = sc.row
  row.client = flow.client
  row.server = flow.server
  row.firstSeen = flow.firstSeen
  row.lastSeen = flow.lastSeen
  row.packets = flow.packets
  row.handshakeMs = handshakeMs
  row.rttMs = rttMs
  row.rttSpreadMs = rttMs ? round3(rttMs.p95 - rttMs.min) : undefined
  row.rttOf = rttMs ? rttOf : undefined
  row.rttSamples = sketch >= 0 ? rtt.count(sketch) : 0
  row.captureSide = captureSide
  row.dataSegments = F[c + DATA] + F[s + DATA]
  row.dataBytes = bytes
  row.retransmissions = F[c + RETRANS] + F[s + RETRANS]
  row.retransmittedBytes = retransBytes
  row.spurious = F[c + SPURIOUS] + F[s + SPURIOUS]
  row.spuriousBytes = spuriousBytes
  row.lossShare = bytes > 0 ? round3((retransBytes - spuriousBytes) / bytes) : 0
  row.fastRetransmits = F[c + FAST] + F[s + FAST]
  row.timeoutRetransmits = F[c + TIMEOUT] + F[s + TIMEOUT]
  row.duplicateAcks = F[c + DUP_ACKS_SENT] + F[s + DUP_ACKS_SENT]
  row.outOfOrder = F[c + OOO] + F[s + OOO]
  row.zeroWindows = F[c + ZW_COUNT] + F[s + ZW_COUNT]
  row.zeroWindowSeconds = round3(F[c + ZW_SECONDS] + F[s + ZW_SECONDS])
  row.zeroWindowBy = zwBy
  row.windowFull = F[c + WINDOW_FULL] + F[s + WINDOW_FULL]
  row.windowScaleKnown = F[b + SCALE_KNOWN] !== 0
  row.idleGaps = F[c + IDLE_GAPS] + F[s + IDLE_GAPS]
  row.idleSeconds = round3(F[c + IDLE_SECONDS] + F[s + IDLE_SECONDS])
  row.limitedBy = undefined
  row.limitedBy = verdictOf(row)
  return sketch
}

/** A row of its own from the scratch one, for a connection the rows keep (the fields in the same order). */
function keptRow(sc: RowScratch, flow: Flow): ConnectionPath {
  const { row } = sc
  const { handshakeMs: hs, rttMs: r } = row
  const kept: ConnectionPath = { ...row, handshakeMs: hs && { synToSynAck: hs.synToSynAck, synAckToAck: hs.synAckToAck }, rttMs: r && { min: r.min, p50: r.p50, p95: r.p95, max: r.max } }
  if (flow.midstream) Object.assign(kept, midstreamOf(flow))
  return kept
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

export interface CongestionNative {
  /** an RTT sample (ms, samples[at]) for the side whose block starts at F[side] */
  rtt(F: Float64Array, side: number, samples: Float64Array, at: number): void
  close(flow: Flow, F: Float64Array, base: number): void
}

interface Aggregate {
  out: ServerPaths
  sketch: RttSketch
  sides: Record<CaptureSide, number>
  rows: ConnectionPath[]
  /** after the first trim, the last row kept: a later row that does not sort before it can never be kept */
  cut?: ConnectionPath
  /** the zero-window seconds of the rows left out that had a zero window (ServerPaths.omittedZeroWindows) */
  omittedZw: number[]
  omittedZwCapped: boolean
}

export interface CongestionOptions {
  /** rows kept per server endpoint (worst first); the rest are counted only */
  maxRows: number
  /** connections whose state the pools hold before they first grow (tests: any size gives the same result) */
  poolFlows?: number
  /** tests: every segment through anySegment, to hold onSegment's short path to what the full path does */
  fullPathOnly?: boolean
}

export function congestionAnalysis(opts: CongestionOptions = { maxRows: 1000 }) {
  const servers = new Map<string, Aggregate>()
  const slots = new BlockPool(FRESH, opts.poolFlows)
  const rtt = new RttPool(opts.poolFlows === undefined ? undefined : 2 * opts.poolFlows)
  const scratch = rowScratch()
  /** the maxRows worst rows; what a zero window the others had goes to the aggregate's omitted list */
  const trim = (agg: Aggregate): ConnectionPath[] => {
    const sorted = agg.rows.sort(worstFirst)
    for (let i = opts.maxRows; i < sorted.length; i++) leftOut(agg, sorted[i])
    return sorted.slice(0, opts.maxRows)
  }
  const leftOut = (agg: Aggregate, row: ConnectionPath) => {
    if (row.zeroWindowSeconds <= 0) return
    agg.omittedZw.push(row.zeroWindowSeconds)
    if (agg.omittedZw.length >= 2 * opts.maxRows) {
      agg.omittedZw = agg.omittedZw.sort((a, b) => b - a).slice(0, opts.maxRows)
      agg.omittedZwCapped = true
    }
  }

  const observer: FlowObserver<number> = {
    open: () => slots.take(),
    segment: opts.fullPathOnly ? (flow, base, seg, info) => anySegment(slots.f, rtt, flow, base, seg, info) : (flow, base, seg, info) => onSegment(slots.f, rtt, flow, base, seg, info),
    close(flow: Flow, base: number) {
      closeBlock(flow, slots.f, base)
      slots.give(base)
    },
  }
  /** a flow's end: its row from its block (F at base), its sketches given back */
  function closeBlock(flow: Flow, F: Float64Array, base: number): void {
    const sketch = fillRow(scratch, F, rtt, flow, base)
    const row = scratch.row
    let agg = servers.get(flow.server)
    if (!agg) {
      const out: ServerPaths = {
        server: flow.server, connections: 0, dataSegments: 0, dataBytes: 0, retransmissions: 0, spurious: 0, retransmittedBytes: 0, spuriousBytes: 0, fastRetransmits: 0, timeoutRetransmits: 0,
        lossShare: 0, zeroWindowSeconds: 0, zeroWindowConnections: 0, windowFull: 0, rttSamples: 0, limitedBy: { receiver: 0, network: 0, sender: 0 },
        captureSide: 'unknown', rows: [], rowsOmitted: 0,
      }
      agg = { out, sketch: new RttSketch(), sides: { client: 0, server: 0, between: 0, unknown: 0 }, rows: [], omittedZw: [], omittedZwCapped: false }
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
    if (F[base + SKETCH] >= 0) rtt.give(F[base + SKETCH] | 0)
    if (F[base + SIDE + SKETCH] >= 0) rtt.give(F[base + SIDE + SKETCH] | 0)
    // A row that sorts after the cut now sorts after at least maxRows rows for good (rows only join): not kept,
    // so it dies young instead of being copied by the scavenger and sorted (the sort is stable: a tie with the
    // cut goes after it)
    if (agg.cut === undefined || worstFirst(agg.cut, row) > 0) {
      agg.rows.push(keptRow(scratch, flow))
      if (agg.rows.length >= 2 * opts.maxRows) {
        agg.rows = trim(agg)
        agg.cut = agg.rows[agg.rows.length - 1]
      }
    } else leftOut(agg, row)
  }
  // The native flow engine (native-flows.ts) does segment() in C on a block of this layout in its own records: an
  // RTT sample goes to the side's sketch here (taken at its first), and the flow's end to closeBlock
  const native: CongestionNative = {
    rtt(F, side, samples, at) {
      if (F[side + SKETCH] < 0) F[side + SKETCH] = rtt.take()
      rtt.add(F[side + SKETCH] | 0, samples[at])
    },
    close: closeBlock,
  }
  return {
    observer,
    native,
    /** per server endpoint, the worst first (by loss share, then zero-window time, then RTT) */
    result(): ServerPaths[] {
      const list = [...servers.values()].map((agg): ServerPaths => {
        const { out, sketch, sides } = agg
        // as trim() does, without changing the aggregate (result() may be asked twice)
        const sorted = [...agg.rows].sort(worstFirst)
        const kept = sorted.slice(0, opts.maxRows)
        const allOmittedZw = [...agg.omittedZw, ...sorted.slice(opts.maxRows).filter((r) => r.zeroWindowSeconds > 0).map((r) => r.zeroWindowSeconds)].sort((a, b) => b - a)
        const omittedZw = allOmittedZw.slice(0, opts.maxRows)
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
          ...(omittedZw.length > 0 ? { omittedZeroWindows: omittedZw } : {}),
          ...(agg.omittedZwCapped || allOmittedZw.length > opts.maxRows ? { omittedZeroWindowsCapped: true as const } : {}),
        }
      })
      return list.sort((a, b) => b.lossShare - a.lossShare || b.zeroWindowSeconds - a.zeroWindowSeconds || (b.rttMs?.p95 ?? 0) - (a.rttMs?.p95 ?? 0) || a.server.localeCompare(b.server))
    },
  }
}
