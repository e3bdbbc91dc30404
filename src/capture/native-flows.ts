// The native flow engine (src/native/flow-engine.c) in the capture pipeline: the flow tracker (flows.ts) and the
// per-segment part of every analysis run in C on the scanner's batches (native-scan.ts), and this file gives the
// analyses what they do per flow, in JavaScript as before: a flow's open and close, its verdict, row and result.
// The engine writes each flow's state into a record of `records` (offsets from the module's flowLayout) and says
// in events, in order, what happened: a flow opened or closed (its record is read then, before the next call frees
// it), a segment the keepalive analysis must see (RSTs, probes and their answers), a heartbeat message's start, an
// RTT sample (the sketches stay here). So the facts are the JavaScript tracker's, which stays the reference: without
// the module, for a live capture, on the decode worker, or with NETDOC_NATIVE_FLOWS=0, the JavaScript tracker runs.
// test/unit/capture/native-flows.test.ts holds the two to the same facts.
import { formatEndpoint } from '../parsers/address.js'
import type { AnalysisName, CaptureAnalyses } from '../model/capture.js'
import { addressId, addressText, Segment, type TcpSegment } from './decode.js'
import { DEFAULT_TRACKER_OPTIONS, type Flow, type FlowEndReason, type FlowSide, type SegmentInfo, type TrackerOptions, type TrackerStats } from './flows.js'
import { NativeBatch, nativeModule, type BatchSink, type NativeModule } from './native-scan.js'
import { closesAnalysis, type ClosesNative } from './analyses/closes.js'
import { congestionAnalysis, type CongestionNative } from './analyses/congestion.js'
import { heartbeatAnalysis, type HeartbeatNative } from './analyses/heartbeat.js'
import { keepaliveAnalysis } from './analyses/keepalive.js'
import { ALL_ANALYSES, type AnalysisRun } from './analyses/index.js'

/** `0` keeps the JavaScript tracker with the native decoder (tests and benchmarks compare the two). */
export const NATIVE_FLOWS_ENV = 'NETDOC_NATIVE_FLOWS'

type Layout = NonNullable<NativeModule['flowLayout']>

const REASONS: FlowEndReason[] = []

/** The analyses the engine has a C part for, in ANALYSES' order (analyses/index.ts): the order observers run in. */
const NATIVE_ORDER = ['heartbeat', 'keepalive', 'closes', 'congestion'] as const satisfies readonly AnalysisName[]

interface Runs {
  heartbeat?: AnalysisRun<CaptureAnalyses['heartbeat']> & { native: HeartbeatNative }
  keepalive?: AnalysisRun<CaptureAnalyses['keepalive']>
  closes?: AnalysisRun<CaptureAnalyses['closes']> & { native: ClosesNative }
  congestion?: AnalysisRun<CaptureAnalyses['congestion']> & { native: CongestionNative }
}

/**
 * The native tracker with the named analyses attached (every one by default), or undefined when the engine is not
 * there (no module, NETDOC_NATIVE=0 or NETDOC_NATIVE_FLOWS=0) or an analysis has no C part.
 */
export function nativeTrackerWithAnalyses(names: readonly AnalysisName[] = ALL_ANALYSES, opts: Partial<TrackerOptions> = {}): { tracker: NativeFlowTracker; results(): Partial<CaptureAnalyses> } | undefined {
  const native = nativeModule()
  if (!native?.flowLayout || process.env[NATIVE_FLOWS_ENV] === '0' || opts.isServer) return undefined
  if (names.some((n) => !(NATIVE_ORDER as readonly string[]).includes(n))) return undefined
  const wanted = new Set(names)
  const runs: Runs = {}
  if (wanted.has('heartbeat')) runs.heartbeat = heartbeatAnalysis()
  if (wanted.has('keepalive')) runs.keepalive = keepaliveAnalysis()
  if (wanted.has('closes')) runs.closes = closesAnalysis()
  if (wanted.has('congestion')) runs.congestion = congestionAnalysis()
  const tracker = new NativeFlowTracker(native, { ...DEFAULT_TRACKER_OPTIONS, ...opts }, runs)
  return {
    tracker,
    results: () => {
      const out: Partial<CaptureAnalyses> = {}
      // in ANALYSES' order, as attachAnalyses gives them
      for (const name of ALL_ANALYSES) {
        const run = runs[name as keyof Runs]
        if (run) Object.assign(out, { [name]: run.result() })
      }
      return out
    },
  }
}

/** A flow's side as the JavaScript tracker has it, from a record (at the flow's end). */
function sideOf(R: Float64Array, at: number, L: Layout): FlowSide {
  const has = R[at + L.sideHas]
  return {
    isn: has & 1 ? R[at + L.sideIsn] : undefined,
    nextSeq: has & 2 ? R[at + L.sideNext] : undefined,
    lastAck: has & 4 ? R[at + L.sideAck] : undefined,
    nextValue: R[at + L.sideNext],
    ackValue: R[at + L.sideAck],
    has,
    window: R[at + L.sideWindow],
    packets: R[at + L.sidePackets],
    payloadBytes: R[at + L.sidePayloadBytes],
    syn: R[at + L.sideSyn] !== 0,
    fin: R[at + L.sideFin] !== 0,
    rst: R[at + L.sideRst] !== 0,
    firstSeen: R[at + L.sideFirstSeen],
    lastSeen: R[at + L.sideLastSeen],
    probeOutstanding: R[at + L.sideProbeOutstanding] !== 0,
    seqKnown: R[at + L.sideSeqKnown] !== 0,
    unjudged: R[at + L.sideUnjudged] !== 0,
    unjudgedSeq: R[at + L.sideUnjudgedSeq],
    unjudgedTs: R[at + L.sideUnjudgedTs],
  }
}

/** a flow's sides and observer slots until its end: no analysis reads them before (their state is in the record) */
const NOT_YET = Object.freeze([Object.freeze({}), Object.freeze({})]) as unknown as [FlowSide, FlowSide]
const NO_EXT: unknown[] = Object.freeze([]) as unknown as unknown[]

/** What a flow carries here between its open and close events: the Flow the analyses see, and their states. */
interface Live {
  flow: Flow & { firstSeen: number; lastSeen: number; packets: number; guessing: boolean; sides: [FlowSide, FlowSide] }
  heartbeat: unknown
  keepalive: unknown
}

export class NativeFlowTracker implements BatchSink {
  readonly stats: TrackerStats = { segments: 0, flows: 0, peakLiveFlows: 0, evicted: 0, shed: 0 }
  private live = 0
  private readonly native: NativeModule
  private readonly L: Layout
  private readonly engine: unknown
  private records: ArrayBuffer
  private R: Float64Array
  private events: Float64Array
  private readonly out: Float64Array
  private readonly bySlot: (Live | undefined)[] = []
  private readonly runs: Runs
  /** one segment from the JavaScript decoder, outside a batch */
  private readonly one: NativeBatch
  private readonly oneIds = new Float64Array(2)
  /** while the scanner hands the JavaScript decoder a batch's record: where its segment goes */
  private slotBatch: NativeBatch | undefined
  private slotIds: Float64Array | undefined
  private slot = -1
  /** the keepalive analysis's view of an event's segment */
  private readonly kaSeg = new Segment()
  private readonly kaInfo: SegmentInfo = { dir: 0, keepalive: false, keepaliveAck: false, retransmission: false, lateProbe: undefined }

  constructor(native: NativeModule, opts: TrackerOptions, runs: Runs) {
    this.native = native
    this.L = native.flowLayout!
    const L = this.L
    if (REASONS.length === 0) {
      REASONS[L.reasonClosed] = 'closed'
      REASONS[L.reasonIdle] = 'idle'
      REASONS[L.reasonReused] = 'reused'
      REASONS[L.reasonEnd] = 'end'
    }
    this.runs = runs
    const parts = (runs.heartbeat ? L.partHeartbeat : 0) | (runs.keepalive ? L.partKeepalive : 0) | (runs.closes ? L.partCloses : 0) | (runs.congestion ? L.partCongestion : 0)
    this.engine = native.createEngine!(opts.closedQuietSeconds, opts.handshakeQuietSeconds, opts.idleSeconds, opts.maxLiveFlows, parts)
    this.records = new ArrayBuffer(1024 * L.stride * 8)
    this.R = new Float64Array(this.records)
    this.events = new Float64Array(16384 * L.eventSize)
    this.out = new Float64Array(L.outFields)
    this.one = new NativeBatch(1, native.bytesPerSlot)
  }

  get liveFlows(): number {
    return this.live
  }

  /** A segment from the JavaScript decoder: into the batch slot the scanner is handing over, else tracked alone. */
  segment(seg: TcpSegment): void {
    const inBatch = this.slot >= 0
    const b = inBatch ? this.slotBatch! : this.one
    const ids = inBatch ? this.slotIds! : this.oneIds
    const i = inBatch ? this.slot : 0
    b.ts[i] = seg.ts
    ids[2 * i] = seg.srcId ?? addressId(seg.src)
    ids[2 * i + 1] = seg.dstId ?? addressId(seg.dst)
    b.sport[i] = seg.sport
    b.dport[i] = seg.dport
    b.seq[i] = seg.seq
    b.ack[i] = seg.ack
    b.len[i] = seg.payloadLen
    b.window[i] = seg.window
    b.flags[i] = seg.flags
    // an int8 in the batch: the engine reads the option as congestion.ts does (`>= 0`, then `1 << ws`, a shift by
    // ws & 31), so a hand-built segment's 200 is 8 there too (the decoders cap it at 14)
    const ws = seg.windowScale ?? -1
    b.wscale[i] = ws >= 0 ? ws & 31 : -1
    // any kind but 4 and 0: the addresses are the ids
    b.kind[i] = 7
    if (!inBatch) this.trackBatch(this.one, 1, this.oneIds)
  }

  /** The scanner is handing slot i of its batch to the JavaScript decoder (-1: done): a segment from it goes there. */
  handOver(batch: NativeBatch, ids: Float64Array, i: number): void {
    this.slotBatch = batch
    this.slotIds = ids
    this.slot = i
  }

  /** Tracks the batch's n slots (native-scan.ts: IPv6 and JavaScript-decoded ones with their ids in `ids`). */
  trackBatch(batch: NativeBatch, n: number, ids: Float64Array): void {
    const native = this.native
    const L = this.L
    let from = 0
    let order = -1
    for (;;) {
      const next = native.track!(this.engine, this.records, this.events, this.out, batch.buffer, batch.slots, from, n, ids, order)
      this.drain()
      const status = this.out[1]
      order = -1
      if (status === L.statusDone) break
      if (status === L.statusNeedRoom) this.growRecords()
      else if (status === L.statusNeedEvents) {
        if (this.out[0] < this.events.length / L.eventSize / 2) this.events = new Float64Array(this.events.length * 2)
      } else if (status === L.statusNeedOrder) order = addressText(this.out[9]) > addressText(this.out[10]) ? 1 : 0
      from = next
    }
    this.readStats()
  }

  finish(): void {
    const L = this.L
    while (this.events.length / L.eventSize < this.live + 16) this.events = new Float64Array(this.events.length * 2)
    this.native.finish!(this.engine, this.records, this.events, this.out)
    this.drain()
    this.readStats()
  }

  private readStats(): void {
    const o = this.out
    this.stats.segments = o[2]
    this.stats.flows = o[3]
    this.stats.peakLiveFlows = o[4]
    this.stats.evicted = o[5]
    this.stats.shed = o[6]
    this.live = o[7]
  }

  private growRecords(): void {
    const bigger = new ArrayBuffer(this.records.byteLength * 2)
    new Float64Array(bigger).set(this.R)
    this.records = bigger
    this.R = new Float64Array(bigger)
  }

  /** The events of the last call, in order. */
  private drain(): void {
    const L = this.L
    const ev = this.events
    const n = this.out[0]
    for (let k = 0; k < n; k++) {
      const p = k * L.eventSize
      const kind = ev[p]
      const slot = ev[p + 1]
      if (kind === L.evRtt) this.runs.congestion!.native.rtt(this.R, slot * L.stride + L.congestion + ev[p + 2] * L.congestionSide, ev[p + 3])
      else if (kind === L.evMessage) this.runs.heartbeat!.native.message(this.bySlot[slot]!.heartbeat as never, ev[p + 3] as 0 | 1, ev[p + 2], ev[p + 4])
      else if (kind === L.evKeepalive) this.keepaliveEvent(slot, ev[p + 2], ev[p + 3], ev[p + 4])
      else if (kind === L.evOpen) this.opened(slot)
      else if (kind === L.evClose) this.closed(slot, REASONS[ev[p + 2]])
    }
  }

  private opened(slot: number): void {
    const R = this.R
    const L = this.L
    const at = slot * L.stride
    const clientAddr = addressText(R[at + L.clientId])
    const serverAddr = addressText(R[at + L.serverId])
    const clientPort = R[at + L.clientPort]
    const serverPort = R[at + L.serverPort]
    const ts = R[at + L.firstSeen]
    const flow: Live['flow'] = {
      id: R[at + L.id],
      client: formatEndpoint(clientAddr, clientPort),
      server: formatEndpoint(serverAddr, serverPort),
      clientAddr,
      clientPort,
      serverAddr,
      serverPort,
      firstSeen: ts,
      lastSeen: ts,
      packets: 0,
      midstream: R[at + L.midstream] !== 0,
      serverBy: R[at + L.serverBy] === 0 ? 'handshake' : 'port',
      guessing: true,
      // the sides as they are at the flow's end (closed() reads them from the record): no analysis reads them before
      sides: NOT_YET,
      ext: NO_EXT,
    }
    const { heartbeat, keepalive } = this.runs
    this.bySlot[slot] = { flow, heartbeat: heartbeat?.observer.open(flow), keepalive: keepalive?.observer.open(flow) }
  }

  private keepaliveEvent(slot: number, ts: number, bits: number, lateTs: number): void {
    const live = this.bySlot[slot]!
    const seg = this.kaSeg
    const info = this.kaInfo
    seg.ts = ts
    seg.flags = bits >>> 8
    info.dir = (bits & 1) as 0 | 1
    info.keepalive = (bits & 2) !== 0
    info.keepaliveAck = (bits & 4) !== 0
    info.lateProbe = bits & 8 ? { dir: ((bits >> 4) & 1) as 0 | 1, ts: lateTs, answered: (bits & 32) !== 0 } : undefined
    this.runs.keepalive!.observer.segment(live.flow, live.keepalive, seg, info)
  }

  private closed(slot: number, reason: FlowEndReason): void {
    const R = this.R
    const L = this.L
    const at = slot * L.stride
    const live = this.bySlot[slot]!
    this.bySlot[slot] = undefined
    const flow = live.flow
    flow.lastSeen = R[at + L.lastSeen]
    flow.packets = R[at + L.packets]
    flow.guessing = R[at + L.guessing] !== 0
    flow.sides = [sideOf(R, at + L.sides, L), sideOf(R, at + L.sides + L.side, L)]
    const { heartbeat, keepalive, closes, congestion } = this.runs
    // the observers' close in registration order (ANALYSES)
    if (heartbeat) heartbeat.native.close(flow, live.heartbeat as never, R[at + L.hbSides] !== 0, R[at + L.hbCurrent], R[at + L.hbCurrent + 1])
    if (keepalive) keepalive.observer.close(flow, live.keepalive, reason)
    if (closes) {
      const rstBy = R[at + L.rstBy]
      const finBy = R[at + L.finBy]
      const unanswered = R[at + L.unanswered]
      closes.native.close(flow, rstBy < 0 ? undefined : (rstBy as 0 | 1), unanswered < 0 ? undefined : unanswered !== 0, finBy < 0 ? undefined : (finBy as 0 | 1), R[at + L.syns], reason)
    }
    if (congestion) congestion.native.close(flow, R, at + L.congestion)
  }
}
