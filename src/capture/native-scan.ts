// The native fast path for pcap and pcapng files (src/native/pcap-scan.c, built by `npm run build:native` into
// build/Release): in C, it frames the records of a chunk (pcapng: its enhanced packet blocks) and decodes the
// common packet, a TCP segment, into a batch of numbers (docs/performance.md, "a sixth round: a native decoder").
// IPv6 addresses come as offsets into the chunk and are interned here, as decode.ts does. Every other record (UDP,
// fragments, anything it does not take whole) comes back for the JavaScript decoder, in file order, so results are
// the JavaScript path's. Without the built module (no compiler at install), with one of another version, or with
// NETDOC_NATIVE=0, the reader does it all in JavaScript.
import { createRequire } from 'node:module'

import type { CapturedPacket, PacketView } from './reader.js'
import { v6Slot, v6SlotIds, type Segment } from './decode.js'

/** `0` turns the native decoder off (tests hold the two paths to the same results; benchmarks compare them). */
export const NATIVE_ENV = 'NETDOC_NATIVE'

/** pcap-scan.c's NATIVE_ABI: the arguments, batch layout and out fields this file expects */
const NATIVE_ABI = 3

export interface NativeModule {
  scan(bytes: Uint8Array, pos: number, little: number, nanos: number, linkType: number, batch: ArrayBuffer, slots: number, out: Float64Array): number
  scanNg(bytes: Uint8Array, pos: number, little: number, ifaces: Float64Array, count: number, batch: ArrayBuffer, slots: number, out: Float64Array): number
  bytesPerSlot: number
  abi?: number
  // the flow engine (flow-engine.c, native-flows.ts)
  createEngine?(closedQuietSeconds: number, handshakeQuietSeconds: number, idleSeconds: number, maxLiveFlows: number, parts: number): unknown
  track?(engine: unknown, records: ArrayBuffer, events: Float64Array, out: Float64Array, batch: ArrayBuffer, slots: number, from: number, to: number, ids: Float64Array, order: number): number
  finish?(engine: unknown, records: ArrayBuffer, events: Float64Array, out: Float64Array): number
  trackAsync?(engine: unknown, records: ArrayBuffer, events: Float64Array, out: Float64Array, batch: ArrayBuffer, slots: number, from: number, to: number, ids: Float64Array, order: number): void
  join?(engine: unknown): number
  /** offsets in a flow record (doubles) and the interface's numbers: flow-engine.h */
  flowLayout?: Record<FlowLayoutKey, number>
}

type FlowLayoutKey =
  | 'stride' | 'side' | 'eventSize' | 'outFields' | 'id' | 'clientId' | 'clientPort' | 'serverId' | 'serverPort' | 'firstSeen' | 'lastSeen' | 'packets'
  | 'midstream' | 'serverBy' | 'guessing' | 'sides' | 'rstBy' | 'unanswered' | 'finBy' | 'syns' | 'hbSides' | 'hbCurrent' | 'congestion'
  | 'sideIsn' | 'sideNext' | 'sideAck' | 'sideHas' | 'sideWindow' | 'sidePackets' | 'sidePayloadBytes' | 'sideSyn' | 'sideFin' | 'sideRst'
  | 'sideProbeOutstanding' | 'sideSeqKnown' | 'sideUnjudged' | 'sideUnjudgedSeq' | 'sideUnjudgedTs' | 'sideFirstSeen' | 'sideLastSeen'
  | 'congestionFields' | 'congestionSketch' | 'congestionSide' | 'partHeartbeat' | 'partKeepalive' | 'partCloses' | 'partCongestion'
  | 'evOpen' | 'evClose' | 'evKeepalive' | 'evMessage' | 'evRtt' | 'statusDone' | 'statusNeedRoom' | 'statusNeedEvents' | 'statusNeedOrder'
  | 'reasonClosed' | 'reasonIdle' | 'reasonReused' | 'reasonEnd'

/**
 * A sink that takes the scanner's batches whole (the native flow tracker, native-flows.ts): the scanner writes the
 * IPv6 slots' address ids into `ids` and hands every record it did not decode to the JavaScript decoder first,
 * telling the sink which slot that is (handOver), so a segment from it lands in the batch, in file order.
 */
export interface BatchSink {
  segment(seg: Segment): void
  handOver(batch: NativeBatch, ids: Float64Array, i: number): void
  trackBatch(batch: NativeBatch, n: number, ids: Float64Array): void
}

const isBatchSink = (sink: { segment(seg: Segment): void }): sink is BatchSink => typeof (sink as Partial<BatchSink>).trackBatch === 'function'


let loaded: NativeModule | null | undefined

/** A module of another version (left from an older build) is not used: its batch would be read wrong. */
export function ownVersion(m: { abi?: unknown }): boolean {
  return m.abi === NATIVE_ABI
}

/** The built module, or undefined when it is not there (or turned off): loaded once per thread. */
export function nativeModule(): NativeModule | undefined {
  if (process.env[NATIVE_ENV] === '0') return undefined
  if (loaded === undefined) {
    try {
      // two levels below the package root from both src/capture (jest) and dist/capture
      const m = createRequire(import.meta.url)('../../build/Release/netdoc_native.node') as NativeModule
      loaded = ownVersion(m) ? m : null
    } catch {
      loaded = null
    }
  }
  return loaded ?? undefined
}

/** pcap-scan.c's NG_MAX_IFACES */
const MAX_NG_INTERFACES = 1024

/** Slots per native call: a 1 MiB chunk of the smallest records (~70 bytes) takes one call or two. */
const SLOTS = 8192

/** The batch the C code fills, one array per field (the layout of batch.h's batch_at). */
export class NativeBatch {
  readonly buffer: ArrayBuffer
  readonly slots: number
  readonly ts: Float64Array
  /** an IPv4 address; an IPv6 address's offset in the chunk */
  readonly src: Uint32Array
  readonly dst: Uint32Array
  /** a segment's sequence number; a record's start in the chunk */
  readonly seq: Uint32Array
  /** a segment's acknowledgment number; a record's end */
  readonly ack: Uint32Array
  /** a segment's payload length; a record's length on the wire */
  readonly len: Uint32Array
  readonly sport: Uint16Array
  readonly dport: Uint16Array
  readonly window: Uint16Array
  readonly flags: Uint8Array
  /** 4 or 6: a decoded segment over IPv4 or IPv6; 0: a record for the JavaScript decoder */
  readonly kind: Uint8Array
  readonly wscale: Int8Array

  constructor(n: number, bytesPerSlot: number) {
    this.slots = n
    const b = (this.buffer = new ArrayBuffer(n * bytesPerSlot))
    this.ts = new Float64Array(b, 0, n)
    this.src = new Uint32Array(b, 8 * n, n)
    this.dst = new Uint32Array(b, 12 * n, n)
    this.seq = new Uint32Array(b, 16 * n, n)
    this.ack = new Uint32Array(b, 20 * n, n)
    this.len = new Uint32Array(b, 24 * n, n)
    this.sport = new Uint16Array(b, 28 * n, n)
    this.dport = new Uint16Array(b, 30 * n, n)
    this.window = new Uint16Array(b, 32 * n, n)
    this.flags = new Uint8Array(b, 34 * n, n)
    this.kind = new Uint8Array(b, 35 * n, n)
    this.wscale = new Int8Array(b, 36 * n, n)
  }
}

/** The reader's view of slot i, a record the C code left for the JavaScript decoder (an ng record's interface in sport). */
function recordView(b: NativeBatch, i: number, view: PacketView, ng: NgInterfaces | undefined): void {
  view.ts = b.ts[i]
  view.start = b.seq[i]
  view.end = b.ack[i]
  view.origLen = b.len[i]
  if (ng) {
    view.interfaceId = b.sport[i]
    view.linkType = ng.linkTypes[b.sport[i]]
    view.section = ng.section
  }
}

/** A pcapng section's interfaces as scanNg reads them: link type, units per second, seconds per unit, offset. */
export interface NgInterfaces {
  table: Float64Array
  count: number
  linkTypes: number[]
  section: number
}

/**
 * Frames pcap records (CaptureReader's pcapRecords hands it the chunk first) and pcapng enhanced packet blocks
 * (pcapngBlocks does): records and bytes are what the last call framed, for the reader's counts.
 */
export interface PcapScanner {
  scan(b: Uint8Array, pos: number, little: boolean, nanos: boolean, linkType: number, view: PacketView): number
  scanNg(b: Uint8Array, pos: number, little: boolean, ifaces: NgInterfaces, view: PacketView): number
  records: number
  bytes: number
}

/**
 * A scanner that gives the decoded segments to `sink.segment` (in the reused `seg`) and every other record to
 * `packet`, as the reader would, and after each batch tells `counted` how many segments it decoded and their first
 * and last time; undefined without the native module.
 */
export function nativePcapScanner(seg: Segment, sink: { segment(seg: Segment): void }, packet: (p: CapturedPacket) => void, counted?: (segments: number, first: number, last: number) => void): PcapScanner | undefined {
  const native = nativeModule()
  if (!native) return undefined
  const batch = new NativeBatch(SLOTS, native.bytesPerSlot)
  const out = new Float64Array(7)
  const { ts, src, dst, seq, ack, len, sport, dport, window, flags, kind, wscale } = batch
  /** gives the batch's n slots to segment() or packet(); an ng record's interface is in sport */
  const deliver = (b: Uint8Array, n: number, view: PacketView, ng: NgInterfaces | undefined) => {
    for (let i = 0; i < n; i++) {
      const k = kind[i]
      if (k !== 0) {
        seg.ts = ts[i]
        if (k === 4) {
          seg.srcId = src[i]
          seg.dstId = dst[i]
          seg.ipVersion = 4
        } else {
          seg.srcId = v6SlotIds[v6Slot(b, src[i])]
          seg.dstId = v6SlotIds[v6Slot(b, dst[i])]
          seg.ipVersion = 6
        }
        seg.sport = sport[i]
        seg.dport = dport[i]
        seg.seq = seq[i]
        seg.ack = ack[i]
        seg.flags = flags[i]
        seg.window = window[i]
        seg.payloadLen = len[i]
        seg.windowScale = wscale[i]
        sink.segment(seg)
      } else {
        recordView(batch, i, view, ng)
        packet(view)
      }
    }
  }
  // A sink that takes batches whole: IPv6 ids and the JavaScript decoder's records first, then the batch to it.
  // Two batches in turn: the sink may still be tracking the last while the next is framed (native-flows.ts).
  const batchSink = isBatchSink(sink) ? sink : undefined
  const batches = batchSink ? [batch, new NativeBatch(SLOTS, native.bytesPerSlot)] : [batch]
  // a batch's IPv6 and JavaScript-decoded address ids, for a sink that takes batches only
  const idsOf = batchSink ? batches.map(() => new Float64Array(2 * SLOTS)) : []
  let active = 0
  /** the batch the C code fills next */
  let current = batch
  const handOver = (b: Uint8Array, n: number, view: PacketView, ng: NgInterfaces | undefined) => {
    const to = batchSink!
    const B = current
    const ids = idsOf[active]
    // every slot an IPv4 segment (out[6]): nothing to do here
    if (out[6] !== n) {
      for (let i = 0; i < n; i++) {
        const k = B.kind[i]
        if (k === 6) {
          ids[2 * i] = v6SlotIds[v6Slot(b, B.src[i])]
          ids[2 * i + 1] = v6SlotIds[v6Slot(b, B.dst[i])]
        } else if (k === 0) {
          recordView(B, i, view, ng)
          to.handOver(B, ids, i)
          packet(view)
          to.handOver(B, ids, -1)
        }
      }
    }
    to.trackBatch(B, n, ids)
    active = (active + 1) % batches.length
    current = batches[active]
  }
  /** calls the C code until a batch comes back short (it stopped before a record it does not take), delivering each */
  const drain = (b: Uint8Array, pos: number, view: PacketView, ng: NgInterfaces | undefined, call: (pos: number) => number): number => {
    scanner.records = 0
    scanner.bytes = 0
    for (;;) {
      const next = call(pos)
      const n = out[0]
      scanner.records += out[1]
      scanner.bytes += out[2]
      // counted per batch (the C code counts them), not per segment
      if (out[3] > 0) counted?.(out[3], out[4], out[5])
      if (batchSink) handOver(b, n, view, ng)
      else deliver(b, n, view, ng)
      pos = next
      if (n < SLOTS) return pos
    }
  }
  const scanner: PcapScanner = {
    records: 0,
    bytes: 0,
    scan: (b, pos, little, nanos, linkType, view) => drain(b, pos, view, undefined, (at) => native.scan(b, at, little ? 1 : 0, nanos ? 1 : 0, linkType, current.buffer, SLOTS, out)),
    scanNg(b, pos, little, ifaces, view) {
      // more interfaces than the C code keeps a time cache for: the reader reads the section itself
      if (ifaces.count > MAX_NG_INTERFACES) {
        scanner.records = 0
        scanner.bytes = 0
        return pos
      }
      view.bytes = b
      return drain(b, pos, view, ifaces, (at) => native.scanNg(b, at, little ? 1 : 0, ifaces.table, ifaces.count, current.buffer, SLOTS, out))
    },
  }
  return scanner
}
