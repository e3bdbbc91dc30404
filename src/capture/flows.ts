/**
 * TCP flow tracker: groups decoded segments into connections and tells observers about them. Pure: it is fed
 * segments in capture order and holds state for live flows only.
 *
 * PUBLIC INTERFACE (stable; the keepalive analyses and the resets analysis build on it):
 *
 *     const tracker = new FlowTracker({ closedQuietSeconds, idleSeconds, handshakeQuietSeconds })
 *     tracker.observe(observer)   // any number, before the first segment
 *     tracker.segment(seg)        // each TcpSegment (decode.ts), in capture order
 *     tracker.finish()            // end of capture: every live flow is closed with reason 'end'
 *
 *     interface FlowObserver<S> {
 *       open(flow): S                                  // a new connection: returns this observer's state for it
 *       segment(flow, state, seg, info): void          // each segment, after the flow was updated with it
 *       close(flow, state, reason): void               // the flow leaves the tracker (its state can be dropped)
 *     }
 *
 * `seg` and `info` are valid during the call only: the pipeline reuses one segment and the tracker one info object
 * for every packet (no allocation per packet), so an observer copies the fields it keeps (copySegment, decode.ts).
 *
 * Flow identity: the 4-tuple, split into a new flow when a SYN with another ISN arrives on a known 4-tuple
 * (ports reused within the capture; reason 'reused' for the old one). The client is the sender of the first SYN
 * (without ACK); a flow first seen on a SYN-ACK has the receiver as client; one first seen mid-connection
 * (`midstream`) takes as server the endpoint that `isServer` (the listening sockets of a live capture) names, else
 * the endpoint with the lower port (ephemeral ports are high); `flow.serverBy` says which.
 *
 * Per direction (`flow.sides[0]` client→server, `[1]` server→client): ISN, next expected sequence number (highest
 * seq + len + SYN + FIN seen, modulo 2^32), last ack, window, counts, SYN/FIN/RST seen. `SegmentInfo` classifies each
 * segment against the state before it: keepalive probes by Wireshark's rule (0 or 1 payload byte, seq = next
 * expected − 1, no SYN/FIN/RST, and the peer's window not 0, which would make it a zero-window probe), the keepalive ACK that answers one (a pure ACK from the peer while a probe is
 * outstanding), and retransmissions (payload entirely below the next expected sequence).
 *
 * Mid-connection (CONTRACT.md "Captures that start mid-connection"): a side first seen on a pure ACK has no known
 * next sequence, so that segment is held as unjudged and judged later, against what the peer acknowledges: an ACK
 * of its sequence + 1 makes it a keepalive probe (at next − 1) that the ACK answers; the same pure ACK again at
 * least MIN_PROBE_GAP later with nothing from the peer in between makes both probes, the first unanswered.
 * `SegmentInfo.lateProbe` reports such a probe once it is judged. While a side's next sequence is such a guess, an
 * ACK of the peer at or beyond it (data sent before the capture) makes it known, at that ACK.
 *
 * Eviction, on capture time (the latest timestamp seen): closed flows (RST, or FIN both ways) after
 * `closedQuietSeconds` without a segment (reason 'closed'); flows whose handshake never completed after
 * `handshakeQuietSeconds` (SYN retries are spent by then; reason 'idle'); any other flow after `idleSeconds`
 * (reason 'idle'; the default outlasts the kernel's 7200 s keepalive time so default keepalives still pair up).
 * A sweep runs at most once per second of capture time and per live-flow count of segments: amortised O(1).
 * Above `maxLiveFlows` (a SYN flood, a scan) closed and never-answered flows are shed at once, then the quietest.
 *
 * Cost per segment: flows are keyed by numbers (address id × 65536 + port, `srcId`/`dstId` from the decoder, or
 * interned from `src`/`dst` for hand-built segments) in a two-level Map; no string is made per segment, and the
 * flow of the previous segment is tried before the Map (a bulk stream's segments come in runs).
 */
import { formatEndpoint } from '../parsers/address.js'
import { ACK, FIN, RST, SYN, addressId, type TcpSegment } from './decode.js'

export interface FlowSide {
  /** initial sequence number, when this side's SYN was seen */
  isn?: number
  /** next expected sequence number from this side; undefined until it sent a segment */
  nextSeq?: number
  /** the last acknowledgment number this side sent (with ACK set) */
  lastAck?: number
  /** last raw window field */
  window: number
  packets: number
  payloadBytes: number
  syn: boolean
  fin: boolean
  rst: boolean
  firstSeen: number
  lastSeen: number
  /** this side sent a keepalive probe that the peer has not answered yet */
  probeOutstanding: boolean
  /** nextSeq is known (a SYN or data from this side, or the peer acknowledged it), not a guess from a pure ACK */
  seqKnown: boolean
  /** this side's last segment was a pure ACK not judged yet (probe or plain ACK): its sequence number and time */
  unjudged: boolean
  unjudgedSeq: number
  unjudgedTs: number
  /**
   * nextSeq and lastAck as always-number fields, valid when `has` has bit 2 (nextSeq) or 4 (lastAck): an
   * observer's per-segment path reads these, since the getters' number | undefined is a new heap number per read
   */
  readonly nextValue: number
  readonly ackValue: number
  readonly has: number
}

export interface Flow {
  /** unique within one tracker, in order of creation */
  readonly id: number
  /** "addr:port" as ss writes it */
  readonly client: string
  readonly server: string
  readonly clientAddr: string
  readonly clientPort: number
  readonly serverAddr: string
  readonly serverPort: number
  firstSeen: number
  lastSeen: number
  packets: number
  /** the first segment seen was neither a SYN nor a SYN-ACK: the capture started mid-connection */
  readonly midstream: boolean
  /** how the client/server roles were told: the handshake, a local listening socket, or the lower port */
  readonly serverBy: 'handshake' | 'listener' | 'port'
  /** the tracker's own: a side's next sequence is still a guess (mid-connection judging runs while true) */
  guessing: boolean
  /** [client→server, server→client] */
  readonly sides: [FlowSide, FlowSide]
  /** one slot per observer, in registration order: what its open() returned */
  readonly ext: unknown[]
}

/** What the tracker made of one segment, judged on the state before it. */
export interface SegmentInfo {
  /** 0 = client→server, 1 = server→client */
  dir: 0 | 1
  keepalive: boolean
  keepaliveAck: boolean
  retransmission: boolean
  /** an earlier segment judged a keepalive probe only now (mid-connection, see the header); else undefined */
  lateProbe: LateProbe | undefined
}

export interface LateProbe {
  dir: 0 | 1
  ts: number
  /** this segment acknowledges it */
  answered: boolean
}

/** keepalive intervals are whole seconds (TCP_KEEPINTVL ≥ 1): identical pure ACKs closer than this are not probes */
const MIN_PROBE_GAP = 0.5

export type FlowEndReason = 'closed' | 'idle' | 'reused' | 'end'

export interface FlowObserver<S = unknown> {
  open(flow: Flow): S
  segment(flow: Flow, state: S, seg: TcpSegment, info: SegmentInfo): void
  close(flow: Flow, state: S, reason: FlowEndReason): void
}

export interface TrackerOptions {
  closedQuietSeconds: number
  handshakeQuietSeconds: number
  idleSeconds: number
  /** beyond this many live flows (a SYN flood, a scan) the tracker sheds the least useful ones at once */
  maxLiveFlows: number
  /** a local listening socket at this address and port (live capture): the server of a mid-connection flow */
  isServer?: (addr: string, port: number) => boolean
}

export const DEFAULT_TRACKER_OPTIONS: TrackerOptions = { closedQuietSeconds: 10, handshakeQuietSeconds: 135, idleSeconds: 7800, maxLiveFlows: 100_000 }

export interface TrackerStats {
  segments: number
  flows: number
  peakLiveFlows: number
  evicted: number
  /** flows ended early (reason 'idle') because maxLiveFlows was reached */
  shed: number
}

/** a after b in sequence space (RFC 9293 modular comparison) */
export const seqAfter = (a: number, b: number): boolean => ((a - b) | 0) > 0

/**
 * A FlowSide whose sequence numbers live in number fields with a flag beside them: a field that may be
 * undefined holds a uint32 above 2^31 as a new heap number on every store (one allocation per segment); a field
 * that is always a number is updated in place.
 */
class Side implements FlowSide {
  // the tracker's own (the getters below are the FlowSide view): read these directly in the per-segment path,
  // since a getter's number | undefined result is a heap number again
  isnValue = 0
  nextValue = 0
  ackValue = 0
  /** bit 1: isn, 2: nextSeq, 4: lastAck are set */
  has = 0
  window = 0
  packets = 0
  payloadBytes = 0
  syn = false
  fin = false
  rst = false
  probeOutstanding = false
  seqKnown = false
  unjudged = false
  unjudgedSeq = 0
  unjudgedTs = 0
  // initialised as numbers, not declared by parameter properties: a class field declared without a value holds
  // undefined first, and a field that held undefined boxes every later store of a time (one heap number per segment)
  firstSeen = 0
  lastSeen = 0
  constructor(ts: number) {
    this.firstSeen = ts
    this.lastSeen = ts
  }
  get isn(): number | undefined {
    return this.has & 1 ? this.isnValue : undefined
  }
  set isn(v: number | undefined) {
    if (v === undefined) this.has &= ~1
    else {
      this.isnValue = v
      this.has |= 1
    }
  }
  get nextSeq(): number | undefined {
    return this.has & 2 ? this.nextValue : undefined
  }
  set nextSeq(v: number | undefined) {
    if (v === undefined) this.has &= ~2
    else {
      this.nextValue = v
      this.has |= 2
    }
  }
  get lastAck(): number | undefined {
    return this.has & 4 ? this.ackValue : undefined
  }
  set lastAck(v: number | undefined) {
    if (v === undefined) this.has &= ~4
    else {
      this.ackValue = v
      this.has |= 4
    }
  }
}

/**
 * Side's number fields hold small integers at first and doubles from their first value above 2^31 (a sequence
 * number, a byte count past 2 GB), and each such step changes the Side map, which throws away every function
 * compiled against it: in the middle of a capture, a deopt and a recompile of the hot path (six on the bench
 * capture when the bulk stream passed 2 GB). One Side written at load with such values takes every step first.
 */
function settleSideMap(): void {
  const s = new Side(0)
  s.isnValue = s.nextValue = s.ackValue = s.payloadBytes = s.unjudgedSeq = s.unjudgedTs = s.firstSeen = s.lastSeen = 2 ** 32 + 0.5
  s.has = s.window = s.packets = 1
  s.syn = s.fin = s.rst = s.probeOutstanding = s.seqKnown = s.unjudged = true
}
settleSideMap()

const newSide = (ts: number): FlowSide => new Side(ts)

/**
 * A live flow with the tracker's keys in it: its endpoints as numbers (address id × 65536 + port), the lower-port
 * one first, and its client's for the direction test. In the flow itself, not in an entry beside it: one object
 * less per connection for the scavenger to copy.
 */
interface Tracked extends Flow {
  readonly lo: number
  readonly hi: number
  readonly clientEndpoint: number
}

export class FlowTracker {
  /** lower-port endpoint → the other endpoint → flow; endpoints are numbers, so no string is made per segment */
  private readonly flows = new Map<number, Map<number, Tracked>>()
  private live = 0
  private readonly observers: FlowObserver<any>[] = []
  /** the flow of the previous segment */
  private last: Tracked | undefined
  /** handed to the observers with each segment, overwritten by the next */
  private readonly info: SegmentInfo = { dir: 0, keepalive: false, keepaliveAck: false, retransmission: false, lateProbe: undefined }
  private readonly opts: TrackerOptions
  private nextId = 1
  private now = 0
  /** the current segment's time (a field, not an argument: a number argument to a call not inlined is boxed) */
  private ts = 0
  private lastSweep = 0
  private sinceSweep = 0
  readonly stats: TrackerStats = { segments: 0, flows: 0, peakLiveFlows: 0, evicted: 0, shed: 0 }

  constructor(opts: Partial<TrackerOptions> = {}) {
    this.opts = { ...DEFAULT_TRACKER_OPTIONS, ...opts }
  }

  observe<S>(observer: FlowObserver<S>): void {
    if (this.stats.segments > 0) throw new Error('FlowTracker.observe() must be called before the first segment')
    this.observers.push(observer)
  }

  get liveFlows(): number {
    return this.live
  }

  segment(seg: TcpSegment): void {
    this.stats.segments++
    if (seg.ts > this.now) this.now = seg.ts
    this.ts = seg.ts
    if (Number.isNaN(seg.ts)) this.ts = this.now
    const a = (seg.srcId ?? addressId(seg.src)) * 65536 + seg.sport
    const b = (seg.dstId ?? addressId(seg.dst)) * 65536 + seg.dport
    // the endpoint with the lower port (usually the server) first, so both directions name the same flow
    const aFirst = seg.sport < seg.dport || (seg.sport === seg.dport && a < b)
    // The previous segment's flow first (a bulk stream's segments come in runs); the endpoints go to the Map and
    // open() only on a miss, in a call of their own: used here only in comparisons they stay unboxed.
    let flow = this.last
    if (flow === undefined || flow.lo !== (aFirst ? a : b) || flow.hi !== (aFirst ? b : a) || (seg.flags & (SYN | ACK)) === SYN) flow = this.lookup(seg, a, b, aFirst)
    this.last = flow
    const dir: 0 | 1 = flow.clientEndpoint === a ? 0 : 1
    const info = this.update(flow, dir, seg)
    for (let i = 0; i < this.observers.length; i++) this.observers[i].segment(flow, flow.ext[i], seg, info)
    if (++this.sinceSweep >= this.live && this.now - this.lastSweep >= 1) this.sweep()
  }

  /** The flow of a segment by its endpoints; a new one for an unknown pair or a SYN with another ISN. */
  private lookup(seg: TcpSegment, a: number, b: number, aFirst: boolean): Tracked {
    const lo = aFirst ? a : b
    const hi = aFirst ? b : a
    let flow = this.flows.get(lo)?.get(hi)
    if (flow && (seg.flags & (SYN | ACK)) === SYN) {
      const dir = flow.clientEndpoint === a ? 0 : 1
      const isn = flow.sides[dir].isn
      if (dir === 1 || isn === undefined || isn !== seg.seq) {
        this.end(flow, 'reused')
        flow = undefined
      }
    }
    return flow ?? this.open(lo, hi, a, seg, this.ts)
  }

  finish(): void {
    for (const inner of this.flows.values()) for (const flow of inner.values()) this.end(flow, 'end')
  }

  private open(lo: number, hi: number, srcEndpoint: number, seg: TcpSegment, ts: number): Tracked {
    const synAck = (seg.flags & (SYN | ACK)) === (SYN | ACK)
    const syn = (seg.flags & (SYN | ACK)) === SYN
    // Who is the client: the SYN's sender, the SYN-ACK's receiver, else the side that is not a local listener,
    // else the higher port.
    let serverBy: Flow['serverBy'] = 'handshake'
    let srcIsClient = syn
    if (!syn && !synAck) {
      const isServer = this.opts.isServer
      const dstListens = isServer?.(seg.dst, seg.dport) ?? false
      if (dstListens || isServer?.(seg.src, seg.sport)) {
        serverBy = 'listener'
        srcIsClient = dstListens
      } else {
        serverBy = 'port'
        srcIsClient = seg.sport > seg.dport || (seg.sport === seg.dport && seg.src > seg.dst)
      }
    }
    // plain variables, not an array destructured: that inlines the iterator protocol, which made open() the
    // costliest function to compile of the capture
    const src = seg.src
    const dst = seg.dst
    const ca = srcIsClient ? src : dst
    const cp = srcIsClient ? seg.sport : seg.dport
    const sa = srcIsClient ? dst : src
    const sp = srcIsClient ? seg.dport : seg.sport
    const flow: Tracked = {
      id: this.nextId++,
      client: formatEndpoint(ca, cp),
      server: formatEndpoint(sa, sp),
      clientAddr: ca,
      clientPort: cp,
      serverAddr: sa,
      serverPort: sp,
      firstSeen: ts,
      lastSeen: ts,
      packets: 0,
      midstream: !syn && !synAck,
      serverBy,
      guessing: true,
      sides: [newSide(ts), newSide(ts)],
      // its length from the start: an empty array grown by one element takes room for 17
      ext: new Array(this.observers.length),
      lo,
      hi,
      clientEndpoint: srcIsClient ? srcEndpoint : srcEndpoint === lo ? hi : lo,
    }
    let inner = this.flows.get(lo)
    if (!inner) this.flows.set(lo, (inner = new Map()))
    inner.set(hi, flow)
    this.live++
    this.stats.flows++
    if (this.live > this.stats.peakLiveFlows) this.stats.peakLiveFlows = this.live
    for (let i = 0; i < this.observers.length; i++) flow.ext[i] = this.observers[i].open(flow)
    if (this.live > this.opts.maxLiveFlows) this.shed(flow)
    return flow
  }

  /**
   * Too many live flows: end closed and never-answered ones first, then the quietest, down to 90 % of the cap.
   * Each pass ends at least a tenth of the cap, so the cost per new flow stays O(1) amortised.
   */
  private shed(keep: Tracked): void {
    const target = Math.floor(this.opts.maxLiveFlows * 0.9)
    const passes: Array<(f: Flow) => boolean> = [
      (f) => f.sides[0].rst || f.sides[1].rst || (f.sides[0].fin && f.sides[1].fin) || (!f.midstream && f.sides[1].packets === 0),
    ]
    for (let q = this.opts.idleSeconds; q > 0.001; q /= 4) passes.push((f) => this.now - f.lastSeen >= q)
    passes.push(() => true)
    for (const drop of passes) {
      for (const inner of this.flows.values()) {
        for (const flow of inner.values()) {
          if (this.live <= target) return
          if (flow !== keep && drop(flow)) {
            this.stats.shed++
            this.end(flow, 'idle')
          }
        }
      }
    }
  }

  private update(flow: Flow, dir: 0 | 1, seg: TcpSegment): SegmentInfo {
    const ts = this.ts
    const me = flow.sides[dir] as Side
    const peer = flow.sides[dir ^ 1] as Side
    const f = seg.flags
    const len = seg.payloadLen
    const control = (f & (SYN | FIN | RST)) !== 0
    // Only while a side's next sequence is a guess (mid-connection): once both are known, one test per segment.
    // The calls take the time from the field, not the local `ts`: a local handed to two calls was boxed once per
    // segment, ahead of the branches that make the calls.
    const lateProbe = flow.guessing ? judgeMidstream(dir, me, peer, seg, this.ts) : undefined
    const hasNext = (me.has & 2) !== 0
    const next = me.nextValue
    // A zero-window probe looks the same on the wire (also at next − 1): it is one when the peer's window is 0.
    // Read on every segment, not only on a probe's: a load first reached after update() was compiled deopts it.
    const peerWindowShut = peer.packets > 0 && peer.window === 0
    const keepalive = !control && len <= 1 && hasNext && seg.seq === ((next - 1) >>> 0) && !peerWindowShut
    const keepaliveAck = !control && len === 0 && (f & ACK) !== 0 && (peer.probeOutstanding || (lateProbe !== undefined && lateProbe.answered))
    const retransmission = !keepalive && len > 0 && hasNext && !seqAfter((seg.seq + len) >>> 0, next)

    if (keepalive) me.probeOutstanding = true
    else if (len > 0 || control) me.probeOutstanding = false
    if (keepaliveAck || control) peer.probeOutstanding = false

    if (f & SYN) {
      me.syn = true
      if (!(me.has & 1)) me.isn = seg.seq
    }
    if (f & FIN) me.fin = true
    if (f & RST) me.rst = true
    if (!(f & RST)) {
      const end = (seg.seq + len + (f & SYN ? 1 : 0) + (f & FIN ? 1 : 0)) >>> 0
      if (!hasNext || seqAfter(end, next)) {
        me.nextValue = end
        me.has |= 2
      }
    }
    if (flow.guessing) {
      if (!me.seqKnown) learnSeq(me, seg, this.ts, keepalive)
      flow.guessing = !me.seqKnown || !peer.seqKnown || me.unjudged || peer.unjudged
    }
    if (f & ACK) {
      me.ackValue = seg.ack
      me.has |= 4
    }
    me.window = seg.window
    me.packets++
    me.payloadBytes += len
    me.lastSeen = ts
    flow.packets++
    if (ts > flow.lastSeen) flow.lastSeen = ts
    const info = this.info
    info.dir = dir
    info.keepalive = keepalive
    info.keepaliveAck = keepaliveAck
    info.retransmission = retransmission
    info.lateProbe = lateProbe
    return info
  }

  private end(flow: Tracked, reason: FlowEndReason): void {
    if (this.last === flow) this.last = undefined
    const inner = this.flows.get(flow.lo)
    if (inner?.delete(flow.hi)) {
      this.live--
      if (inner.size === 0) this.flows.delete(flow.lo)
    }
    for (let i = 0; i < this.observers.length; i++) this.observers[i].close(flow, flow.ext[i], reason)
  }

  private sweep(): void {
    this.lastSweep = this.now
    this.sinceSweep = 0
    const { closedQuietSeconds, handshakeQuietSeconds, idleSeconds } = this.opts
    for (const inner of this.flows.values()) for (const flow of inner.values()) {
      const quiet = this.now - flow.lastSeen
      const c = flow.sides[0]
      const s = flow.sides[1]
      if (c.rst || s.rst || (c.fin && s.fin)) {
        if (quiet >= closedQuietSeconds) this.evict(flow, 'closed')
      } else if (!flow.midstream && s.packets === 0 ? quiet >= handshakeQuietSeconds : quiet >= idleSeconds) {
        this.evict(flow, 'idle')
      }
    }
  }

  private evict(flow: Tracked, reason: FlowEndReason): void {
    this.stats.evicted++
    this.end(flow, reason)
  }
}

const isPureAck = (seg: TcpSegment): boolean => seg.payloadLen === 0 && (seg.flags & (SYN | FIN | RST | ACK)) === ACK

/**
 * Mid-connection judging (see the header), before the segment updates the state: the peer's unjudged pure ACK
 * against what this segment acknowledges, this side's repeated pure ACK against a silent peer.
 */
function judgeMidstream(dir: 0 | 1, me: FlowSide, peer: FlowSide, seg: TcpSegment, ts: number): LateProbe | undefined {
  let lateProbe: LateProbe | undefined
  if (!peer.seqKnown && seg.flags & ACK) {
    // the peer's unjudged pure ACK was a probe when this acknowledges one byte beyond it
    if (peer.unjudged) {
      if (seg.ack === ((peer.unjudgedSeq + 1) >>> 0)) lateProbe = { dir: (dir ^ 1) as 0 | 1, ts: peer.unjudgedTs, answered: true }
      if (lateProbe || seg.ack === peer.unjudgedSeq) peer.unjudged = false
    }
    // what this side acknowledges the peer sent: its next sequence is at least that (data before the capture)
    if (peer.nextSeq !== undefined && !seqAfter(peer.nextSeq, seg.ack)) {
      peer.nextSeq = seg.ack
      peer.seqKnown = true
    }
  }
  // a silent peer: the same pure ACK again after a keepalive-like gap, nothing from the peer between; both probes
  if (me.unjudged && isPureAck(seg) && seg.seq === me.unjudgedSeq && seg.ack === me.lastAck && ts - me.unjudgedTs >= MIN_PROBE_GAP && !(peer.packets > 0 && peer.lastSeen >= me.unjudgedTs)) {
    lateProbe = { dir, ts: me.unjudgedTs, answered: false }
    me.nextSeq = (seg.seq + 1) >>> 0
    me.seqKnown = true
    me.unjudged = false
  }
  return lateProbe
}

/** A side whose next sequence is not known yet: data or a SYN makes it known; a pure ACK is held unjudged. */
function learnSeq(me: FlowSide, seg: TcpSegment, ts: number, keepalive: boolean): void {
  if (seg.payloadLen > 0 || seg.flags & SYN) {
    me.seqKnown = true
    me.unjudged = false
  } else if (!keepalive && !me.unjudged && isPureAck(seg)) {
    me.unjudged = true
    me.unjudgedSeq = seg.seq
    me.unjudgedTs = ts
  }
}
