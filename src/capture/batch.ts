// Decoded TCP segments packed into one ArrayBuffer, to cross from the decode worker (decode-worker.ts) to the
// thread that tracks flows without a copy (the buffer is transferred, then handed back for reuse). One typed
// array per field, each of the field's own width, so packing and unpacking are plain loads and stores (no
// conversion per segment): ts, srcId, dstId as doubles, seq, ack, payloadLen as uint32, ports and window as
// uint16, flags, IP version and window scale as bytes. IPv6 ids are the worker's own; a batch carries the addresses the worker
// interned since the last batch, and the receiver maps them to its own ids.
import type { ReadSummary } from './reader.js'
import type { UdpFragments } from '../model/capture.js'
import type { Segment } from './decode.js'

/**
 * Segments per batch (45 bytes each: 0.7 MB). More than a 1 MiB chunk of the smallest TCP records (~70 bytes) holds,
 * so one chunk fills at most one batch and the worker's pool is not outgrown; 65 536 (2.9 MB) held 4 MB more in
 * flight, 4096 made a new batch per chunk (180 MB peak RSS; docs/performance.md, "Two cores").
 */
export const BATCH_SEGMENTS = 16384
const BYTES_PER_SEGMENT = 45

export class Batch {
  readonly ts: Float64Array
  readonly src: Float64Array
  readonly dst: Float64Array
  readonly seq: Uint32Array
  readonly ack: Uint32Array
  readonly len: Uint32Array
  readonly sport: Uint16Array
  readonly dport: Uint16Array
  readonly window: Uint16Array
  readonly flags: Uint8Array
  readonly ipVersion: Uint8Array
  /** the SYN's window scale option, -1 when absent */
  readonly windowScale: Int8Array

  constructor(readonly buffer: ArrayBuffer = new ArrayBuffer(BATCH_SEGMENTS * BYTES_PER_SEGMENT)) {
    const n = BATCH_SEGMENTS
    this.ts = new Float64Array(buffer, 0, n)
    this.src = new Float64Array(buffer, 8 * n, n)
    this.dst = new Float64Array(buffer, 16 * n, n)
    this.seq = new Uint32Array(buffer, 24 * n, n)
    this.ack = new Uint32Array(buffer, 28 * n, n)
    this.len = new Uint32Array(buffer, 32 * n, n)
    this.sport = new Uint16Array(buffer, 36 * n, n)
    this.dport = new Uint16Array(buffer, 38 * n, n)
    this.window = new Uint16Array(buffer, 40 * n, n)
    this.flags = new Uint8Array(buffer, 42 * n, n)
    this.ipVersion = new Uint8Array(buffer, 43 * n, n)
    this.windowScale = new Int8Array(buffer, 44 * n, n)
  }

  put(i: number, seg: Segment): void {
    this.ts[i] = seg.ts
    this.src[i] = seg.srcId
    this.dst[i] = seg.dstId
    this.seq[i] = seg.seq
    this.ack[i] = seg.ack
    this.len[i] = seg.payloadLen
    this.sport[i] = seg.sport
    this.dport[i] = seg.dport
    this.window[i] = seg.window
    this.flags[i] = seg.flags
    this.ipVersion[i] = seg.ipVersion
    this.windowScale[i] = seg.windowScale
  }

  /** Fills `seg` from slot i; `v6` maps the sender's IPv6 ids (from `firstV6` on) to this thread's. */
  get(i: number, seg: Segment, firstV6: number, v6: number[]): void {
    const src = this.src[i]
    const dst = this.dst[i]
    seg.ts = this.ts[i]
    seg.srcId = src < firstV6 ? src : v6[src - firstV6]
    seg.dstId = dst < firstV6 ? dst : v6[dst - firstV6]
    seg.seq = this.seq[i]
    seg.ack = this.ack[i]
    seg.payloadLen = this.len[i]
    seg.sport = this.sport[i]
    seg.dport = this.dport[i]
    seg.window = this.window[i]
    seg.flags = this.flags[i]
    seg.ipVersion = this.ipVersion[i] === 6 ? 6 : 4
    seg.windowScale = this.windowScale[i]
  }
}

/** worker → main */
export type WorkerMessage =
  | { kind: 'batch'; buf: ArrayBuffer; count: number; bytes: number; v6: string[] }
  | { kind: 'end'; summary: ReadSummary; tcpSegments: number; udpPackets: number; udp: UdpFragments; firstTs?: number; lastTs?: number }
  | { kind: 'error'; message: string; offset?: number; code?: string }
