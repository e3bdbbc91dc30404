// The native flow engine (src/native/flow-engine.c) in the capture pipeline: the flow tracker (flows.ts) and the
// per-segment part of every analysis run in C on the scanner's batches (native-scan.ts), and this file gives the
// analyses what they do per flow, in JavaScript as before: a flow's open and close, its verdict, row and result.
// The engine writes each flow's state into a record of `records` (offsets from the module's flowLayout) and says
// in events, in order, what happened: a flow opened or closed (its record is read then; the engine frees it two
// calls later), a segment the keepalive analysis must see (RSTs, probes and their answers), a heartbeat message's
// start, an RTT sample (the sketches stay here). Asked to (engineThread), the engine tracks each batch on a thread of
// its own while this thread reads the last batch's events and the scanner frames the next (trackBatch).
// The facts are the JavaScript tracker's, which stays the reference: without the module, for a live capture, on the
// decode worker, or with NETDOC_NATIVE_FLOWS=0, the JavaScript tracker runs. test/unit/capture/native-flows.test.ts
// holds the two to the same facts.
import { formatEndpoint } from '../parsers/address.js'
import type { AnalysisName, CaptureAnalyses } from '../model/capture.js'
import { addressId, addressText, Segment, type TcpSegment } from './decode.js'
import { DEFAULT_TRACKER_OPTIONS, type Flow, type FlowEndReason, type FlowSide, type SegmentInfo, type TrackerOptions, type TrackerStats } from './flows.js'
import { NativeBatch, nativeModule, type BatchSink, type NativeModule } from './native-scan.js'
import type { ClosesNative } from './analyses/closes.js'
import type { CongestionNative } from './analyses/congestion.js'
import type { HeartbeatNative } from './analyses/heartbeat.js'
import { ALL_ANALYSES, ANALYSES, type AnalysisRun } from './analyses/index.js'

/**
 * `0` keeps the JavaScript tracker with the native decoder (tests and benchmarks compare the two); `thread` runs the
 * engine on a thread of its own, `sync` on the JavaScript thread, whatever the cores.
 */
export const NATIVE_FLOWS_ENV = 'NETDOC_NATIVE_FLOWS'

/**
 * Whether the engine tracks on a thread of its own: only when asked (`NETDOC_NATIVE_FLOWS=thread`). On this project's
 * 2-core VM a batch took the engine 0.59 ms on its own thread against 0.2 ms on the JavaScript thread, with V8's own
 * threads turned off too (docs/performance.md, "an eighth round"), so the whole run was slower; that is not a matter
 * of a second core's load, so more cores are not assumed to change it. Pure; exported for tests.
 */
export function engineThread(env: string | undefined): boolean {
  return env === 'thread'
}

type Layout = NonNullable<NativeModule['flowLayout']>

const REASONS: FlowEndReason[] = []

/** a call's events and its out fields (flow-engine.h OUT_FIELDS) */
interface Job {
  events: Float64Array
  out: Float64Array
}

/** runSync's status for a batch not tracked yet */
const START = -1

/** the slots of the batch for segments outside the scanner's */
const OWN_SLOTS = 1024

/** The analyses the engine has a C part for, in ANALYSES' order (analyses/index.ts): the order observers run in. */
const NATIVE_ORDER = ['heartbeat', 'keepalive', 'closes', 'congestion'] as const satisfies readonly AnalysisName[]

interface Runs {
  heartbeat?: AnalysisRun<CaptureAnalyses['heartbeat']> & { native: HeartbeatNative }
  keepalive?: AnalysisRun<CaptureAnalyses['keepalive']>
  closes?: AnalysisRun<CaptureAnalyses['closes']> & { native: ClosesNative }
  congestion?: AnalysisRun<CaptureAnalyses['congestion']> & { native: CongestionNative }
}

/** Whether the engine can track a capture with these analyses: the module built (and not turned off), each with a C part. */
export function nativeFlowsFor(names: readonly AnalysisName[] = ALL_ANALYSES): boolean {
  return nativeModule()?.flowLayout !== undefined && process.env[NATIVE_FLOWS_ENV] !== '0' && names.every((n) => (NATIVE_ORDER as readonly string[]).includes(n))
}

/**
 * The native tracker with the named analyses attached (every one by default), or undefined when the engine is not
 * there (no module, NETDOC_NATIVE=0 or NETDOC_NATIVE_FLOWS=0) or an analysis has no C part.
 */
export function nativeTrackerWithAnalyses(names: readonly AnalysisName[] = ALL_ANALYSES, opts: Partial<TrackerOptions> = {}): { tracker: NativeFlowTracker; results(): Partial<CaptureAnalyses> } | undefined {
  const native = nativeModule()
  if (!native || !nativeFlowsFor(names) || opts.isServer) return undefined
  // ANALYSES' own factories, with their options: the runs the JavaScript tracker would attach (their `native` hooks
  // are there, the map's type does not say so)
  const runs: Runs = {}
  for (const name of NATIVE_ORDER) if (names.includes(name)) Object.assign(runs, { [name]: ANALYSES[name]() })
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

/**
 * A flow's side as the JavaScript tracker has it, read from its record at the flow's end: valid while the analyses'
 * close() runs (the engine frees the record two calls later), which is all they read it for; no copy per flow.
 */
class RecordSide implements FlowSide {
  constructor(
    private readonly R: Float64Array,
    private readonly at: number,
    private readonly L: Layout,
  ) {}
  get has(): number {
    return this.R[this.at + this.L.sideHas]
  }
  get isn(): number | undefined {
    return this.has & 1 ? this.R[this.at + this.L.sideIsn] : undefined
  }
  get nextSeq(): number | undefined {
    return this.has & 2 ? this.R[this.at + this.L.sideNext] : undefined
  }
  get lastAck(): number | undefined {
    return this.has & 4 ? this.R[this.at + this.L.sideAck] : undefined
  }
  get nextValue(): number {
    return this.R[this.at + this.L.sideNext]
  }
  get ackValue(): number {
    return this.R[this.at + this.L.sideAck]
  }
  get window(): number {
    return this.R[this.at + this.L.sideWindow]
  }
  get packets(): number {
    return this.R[this.at + this.L.sidePackets]
  }
  get payloadBytes(): number {
    return this.R[this.at + this.L.sidePayloadBytes]
  }
  get syn(): boolean {
    return this.R[this.at + this.L.sideSyn] !== 0
  }
  get fin(): boolean {
    return this.R[this.at + this.L.sideFin] !== 0
  }
  get rst(): boolean {
    return this.R[this.at + this.L.sideRst] !== 0
  }
  get firstSeen(): number {
    return this.R[this.at + this.L.sideFirstSeen]
  }
  get lastSeen(): number {
    return this.R[this.at + this.L.sideLastSeen]
  }
  get probeOutstanding(): boolean {
    return this.R[this.at + this.L.sideProbeOutstanding] !== 0
  }
  get seqKnown(): boolean {
    return this.R[this.at + this.L.sideSeqKnown] !== 0
  }
  get unjudged(): boolean {
    return this.R[this.at + this.L.sideUnjudged] !== 0
  }
  get unjudgedSeq(): number {
    return this.R[this.at + this.L.sideUnjudgedSeq]
  }
  get unjudgedTs(): number {
    return this.R[this.at + this.L.sideUnjudgedTs]
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
  /** two calls' events and out: the engine fills one while this reads the other (trackAsync) */
  private readonly jobs: [Job, Job]
  /** the events being read (drain) */
  private events: Float64Array
  /** the call on the engine's own thread, joined before the next */
  private flight: { job: Job; batch: NativeBatch; n: number; ids: Float64Array } | undefined
  /** every call on this thread, or the engine on its own (engineThread) */
  private readonly sync = !engineThread(process.env[NATIVE_FLOWS_ENV])
  private readonly bySlot: (Live | undefined)[] = []
  private readonly texts = new Map<number, string>()
  private readonly servers = new Map<number, string>()
  private readonly runs: Runs
  /**
   * Segments from the JavaScript decoder outside the scanner's batches (a capture the scanner does not frame, a
   * pcapng simple packet block), gathered into a batch of their own: tracked when it is full, before the scanner's
   * next batch and at the end, so the order stays the file's.
   */
  private readonly own: NativeBatch
  private readonly ownIds = new Float64Array(2 * OWN_SLOTS)
  private owned = 0
  /** while the scanner hands the JavaScript decoder a batch's record: where its segment goes */
  private slotBatch: NativeBatch | undefined
  private slotIds: Float64Array | undefined
  private slot = -1
  /** the keepalive analysis's view of an event's segment */
  private readonly kaSeg = new Segment()
  private readonly kaInfo: SegmentInfo = { dir: 0, keepalive: false, keepaliveAck: false, retransmission: false, lateProbe: undefined }

  constructor(native: NativeModule, opts: TrackerOptions, runs: Runs) {
    this.native = native
    // a copy: the module's object, its 60 properties set one by one from C, is a dictionary (a hash lookup per read)
    this.L = { ...native.flowLayout! }
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
    const job = (): Job => ({ events: new Float64Array(16384 * L.eventSize), out: new Float64Array(L.outFields) })
    this.jobs = [job(), job()]
    this.events = this.jobs[0].events
    this.own = new NativeBatch(OWN_SLOTS, native.bytesPerSlot)
  }

  get liveFlows(): number {
    return this.live
  }

  /** A segment from the JavaScript decoder: into the batch slot the scanner is handing over, else into its own. */
  segment(seg: TcpSegment): void {
    const inBatch = this.slot >= 0
    const b = inBatch ? this.slotBatch! : this.own
    const ids = inBatch ? this.slotIds! : this.ownIds
    const i = inBatch ? this.slot : this.owned++
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
    if (!inBatch && this.owned === OWN_SLOTS) this.flushOwn()
  }

  private flushOwn(): void {
    const n = this.owned
    this.owned = 0
    if (n === 0) return
    this.settle()
    this.runSync(this.jobs[0], this.own, n, this.ownIds, 0, START)
  }

  /** The scanner is handing slot i of its batch to the JavaScript decoder (-1: done): a segment from it goes there. */
  handOver(batch: NativeBatch, ids: Float64Array, i: number): void {
    this.slotBatch = batch
    this.slotIds = ids
    this.slot = i
  }

  /**
   * Tracks the batch's n slots (native-scan.ts: IPv6 and JavaScript-decoded ones with their ids in `ids`; the
   * scanner fills its other batch next, so this one stays as it is until the call after the next). On the
   * engine's own thread: while it tracks this batch, this thread reads the last batch's events (the analyses'
   * per-flow work) and the scanner frames the next. A call that stopped early (a record to add, the events full,
   * roles to tell) is finished here before the next starts, so the order stays the file's.
   */
  trackBatch(batch: NativeBatch, n: number, ids: Float64Array): void {
    this.flushOwn()
    if (this.sync) return this.runSync(this.jobs[0], batch, n, ids, 0, START)
    const f = this.flight
    this.flight = undefined
    if (f) {
      const next = this.native.join!(this.engine)
      if (f.job.out[1] === this.L.statusDone) {
        this.start(f.job === this.jobs[0] ? this.jobs[1] : this.jobs[0], batch, n, ids)
        this.drain(f.job)
        return
      }
      this.drain(f.job)
      this.runSync(f.job, f.batch, f.n, f.ids, next, f.job.out[1])
    }
    this.start(this.jobs[0], batch, n, ids)
  }

  private start(job: Job, batch: NativeBatch, n: number, ids: Float64Array): void {
    this.native.trackAsync!(this.engine, this.records, job.events, job.out, batch.buffer, batch.slots, 0, n, ids, -1)
    this.flight = { job, batch, n, ids }
  }

  /** The call in flight joined, its events read, and finished here if it stopped early. */
  private settle(): void {
    const f = this.flight
    if (!f) return
    this.flight = undefined
    const next = this.native.join!(this.engine)
    this.drain(f.job)
    this.runSync(f.job, f.batch, f.n, f.ids, next, f.job.out[1])
  }

  /** Tracks batch [from, n) here, after what stopped the last call (`status`; START for a new batch). */
  private runSync(job: Job, batch: NativeBatch, n: number, ids: Float64Array, from: number, status: number): void {
    const L = this.L
    let order = -1
    for (;;) {
      if (status === L.statusDone) return
      if (status === L.statusNeedRoom) this.growRecords()
      else if (status === L.statusNeedEvents) {
        if (job.out[0] < job.events.length / L.eventSize / 2) job.events = new Float64Array(job.events.length * 2)
      } else if (status === L.statusNeedOrder) order = addressText(job.out[9]) > addressText(job.out[10]) ? 1 : 0
      from = this.native.track!(this.engine, this.records, job.events, job.out, batch.buffer, batch.slots, from, n, ids, order)
      order = -1
      this.drain(job)
      status = job.out[1]
    }
  }

  finish(): void {
    this.flushOwn()
    this.settle()
    const L = this.L
    const job = this.jobs[0]
    while (job.events.length / L.eventSize < this.live + 16) job.events = new Float64Array(job.events.length * 2)
    this.native.finish!(this.engine, this.records, job.events, job.out)
    this.drain(job)
  }

  private readStats(o: Float64Array): void {
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

  /** The events of a call, in order; then the counts it ended with. */
  private drain(job: Job): void {
    const L = this.L
    const ev = (this.events = job.events)
    const n = job.out[0]
    for (let k = 0; k < n; k++) {
      const p = k * L.eventSize
      // small integers as such (| 0): a double handed to a call is a heap number
      const kind = ev[p] | 0
      const slot = ev[p + 1] | 0
      // the events' numbers read where they are used, not passed: a double argument is a heap number
      if (kind === L.evRtt) this.runs.congestion!.native.rtt(this.R, slot * L.stride + L.congestion + (ev[p + 2] | 0) * L.congestionSide, ev, p + 3)
      else if (kind === L.evMessage) this.runs.heartbeat!.native.message(this.heartbeatOf(this.bySlot[slot]!) as never, (ev[p + 3] | 0) as 0 | 1, ev, p + 2)
      else if (kind === L.evKeepalive) this.keepaliveEvent(slot, p)
      else if (kind === L.evOpen) this.opened(slot)
      else if (kind === L.evClose) this.closed(slot, REASONS[ev[p + 2] | 0])
    }
    this.readStats(job.out)
  }

  private opened(slot: number): void {
    const R = this.R
    const L = this.L
    const at = slot * L.stride
    const clientAddr = this.textOf(R[at + L.clientId])
    const serverAddr = this.textOf(R[at + L.serverId])
    const clientPort = R[at + L.clientPort]
    const serverPort = R[at + L.serverPort]
    const ts = R[at + L.firstSeen]
    const flow: Live['flow'] = {
      id: R[at + L.id],
      client: formatEndpoint(clientAddr, clientPort),
      server: this.serverText(serverAddr, R[at + L.serverId], serverPort),
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
    // the analyses' per-flow states are made when first needed (a message, a keepalive segment, the close): most
    // flows of a big capture never probe, and those of a flood or a scan never carry data, and a state made at
    // the open would be copied by every scavenge until the close (open() has no other effect)
    this.bySlot[slot] = { flow, heartbeat: undefined, keepalive: undefined }
  }

  /** the heartbeat analysis's state of a live flow, made at its first use */
  private heartbeatOf(live: Live): unknown {
    return (live.heartbeat ??= this.runs.heartbeat!.observer.open(live.flow))
  }

  /** the keepalive analysis's state of a live flow, made at its first use */
  private keepaliveOf(live: Live): unknown {
    return (live.keepalive ??= this.runs.keepalive!.observer.open(live.flow))
  }

  /** an address's text, made once per address (flows share a few: a server's, a client host's) */
  private textOf(id: number): string {
    let text = this.texts.get(id)
    if (text === undefined) {
      text = addressText(id)
      if (this.texts.size < 65536) this.texts.set(id, text)
    }
    return text
  }

  /** a server endpoint's text, made once per endpoint */
  private serverText(addr: string, id: number, port: number): string {
    const key = id * 65536 + port
    let text = this.servers.get(key)
    if (text === undefined) {
      text = formatEndpoint(addr, port)
      if (this.servers.size < 65536) this.servers.set(key, text)
    }
    return text
  }

  private keepaliveEvent(slot: number, p: number): void {
    const live = this.bySlot[slot]!
    const seg = this.kaSeg
    const info = this.kaInfo
    const ev = this.events
    const bits = ev[p + 3]
    seg.ts = ev[p + 2]
    seg.flags = bits >>> 8
    info.dir = (bits & 1) as 0 | 1
    info.keepalive = (bits & 2) !== 0
    info.keepaliveAck = (bits & 4) !== 0
    info.lateProbe = bits & 8 ? { dir: ((bits >> 4) & 1) as 0 | 1, ts: ev[p + 4], answered: (bits & 32) !== 0 } : undefined
    this.runs.keepalive!.observer.segment(live.flow, this.keepaliveOf(live), seg, info)
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
    flow.sides = [new RecordSide(R, at + L.sides, L), new RecordSide(R, at + L.sides + L.side, L)]
    const { heartbeat, keepalive, closes, congestion } = this.runs
    // the observers' close in registration order (ANALYSES)
    if (heartbeat) heartbeat.native.close(flow, this.heartbeatOf(live) as never, reason, R[at + L.hbSides] !== 0, R[at + L.hbCurrent], R[at + L.hbCurrent + 1])
    if (keepalive) keepalive.observer.close(flow, this.keepaliveOf(live), reason)
    if (closes) {
      const rstBy = R[at + L.rstBy]
      const finBy = R[at + L.finBy]
      const unanswered = R[at + L.unanswered]
      closes.native.close(flow, rstBy < 0 ? undefined : (rstBy as 0 | 1), unanswered < 0 ? undefined : unanswered !== 0, finBy < 0 ? undefined : (finBy as 0 | 1), R[at + L.syns], reason)
    }
    if (congestion) congestion.native.close(flow, R, at + L.congestion)
  }
}
