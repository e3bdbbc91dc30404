// A bounded sketch of RTT samples: a log-scale histogram of fixed size (4 buckets per doubling, 10 µs to ~168 s),
// with the exact minimum and maximum. Quantiles are read at a bucket's geometric middle, so they are within
// ±9 % of the true sample; memory is the same for 10 samples or 10 million. `RttSketch` is one sketch (per server
// endpoint); `RttPool` holds many as blocks of one pool (one per connection and direction, taken at the first
// sample and given back at the connection's end), so a connection costs no typed array of its own.

import type { RttMs } from '../model/paths.js'
import { BlockPool } from './block-pool.js'

const PER_DOUBLING = 4
const BUCKETS = 24 * PER_DOUBLING
const FLOOR_MS = 0.01

/** min, p50, p95, max in ms: the model's RttMs */
export type RttSummary = RttMs

/** the bucket of a sample; -1 for one that is not a duration (NaN, negative, infinite) */
function bucketOf(ms: number): number {
  if (!(ms >= 0) || ms === Infinity) return -1
  return ms <= FLOOR_MS ? 0 : Math.min(BUCKETS - 1, Math.floor(Math.log2(ms / FLOOR_MS) * PER_DOUBLING))
}

/** the q-quantile (0–1) of the buckets at counts[at ..], clamped to the exact min and max */
function quantileOf(counts: Uint32Array, at: number, count: number, min: number, max: number, q: number): number {
  const rank = Math.max(1, Math.ceil(q * count))
  let seen = 0
  for (let i = 0; i < BUCKETS; i++) {
    seen += counts[at + i]
    if (seen >= rank) {
      const middle = FLOOR_MS * 2 ** ((i + 0.5) / PER_DOUBLING)
      return Math.min(max, Math.max(min, middle))
    }
  }
  return max
}

const round = (v: number) => Math.round(v * 1000) / 1000

function summaryOf(counts: Uint32Array, at: number, count: number, min: number, max: number): RttSummary | undefined {
  if (count === 0) return undefined
  return fillSummary({ min: 0, p50: 0, p95: 0, max: 0 }, counts, at, count, min, max)
}

function fillSummary(into: RttSummary, counts: Uint32Array, at: number, count: number, min: number, max: number): RttSummary {
  into.min = round(min)
  into.p50 = round(quantileOf(counts, at, count, min, max, 0.5))
  into.p95 = round(quantileOf(counts, at, count, min, max, 0.95))
  into.max = round(max)
  return into
}

export class RttSketch {
  private readonly counts = new Uint32Array(BUCKETS)
  count = 0
  min = Infinity
  max = 0

  add(ms: number): void {
    const i = bucketOf(ms)
    if (i < 0) return
    this.counts[i]++
    this.count++
    if (ms < this.min) this.min = ms
    if (ms > this.max) this.max = ms
  }

  /** adds a pooled sketch's samples */
  mergeSlot(pool: RttPool, slot: number): void {
    const at = pool.bucketsAt(slot)
    for (let i = 0; i < BUCKETS; i++) this.counts[i] += pool.counts[at + i]
    const count = pool.count(slot)
    if (count === 0) return
    this.count += count
    if (pool.min(slot) < this.min) this.min = pool.min(slot)
    if (pool.max(slot) > this.max) this.max = pool.max(slot)
  }

  summary(): RttSummary | undefined {
    return summaryOf(this.counts, 0, this.count, this.min, this.max)
  }
}

// A pooled sketch is a block of the pool (block-pool.ts): its count, min and max, then its 96 bucket counts as
// Uint32 pairs in 48 doubles (read through a Uint32Array over the pool's buffer), the 408 bytes a sketch of its own
// would take.
const COUNT = 0
const MIN = 1
const MAX = 2
const BUCKETS_AT = 3
const SKETCH = BUCKETS_AT + BUCKETS / 2
const FRESH = new Float64Array(SKETCH)
FRESH[MIN] = Infinity

/**
 * Many sketches in one block pool. A slot is its block's base offset; given back, it is reset when taken again.
 */
export class RttPool {
  private readonly pool: BlockPool
  /** the pool's buffer as bucket counts: a slot's buckets at counts[(slot + 3) × 2 ..] */
  counts: Uint32Array

  constructor(slots = 256) {
    this.pool = new BlockPool(FRESH, slots)
    this.counts = new Uint32Array(this.pool.f.buffer)
  }

  take(): number {
    const slot = this.pool.take()
    // the pool grew: a new buffer
    if (this.counts.buffer !== this.pool.f.buffer) this.counts = new Uint32Array(this.pool.f.buffer)
    return slot
  }

  /** gives a slot back; one given back already throws (BlockPool) */
  give(slot: number): void {
    this.pool.give(slot)
  }

  add(slot: number, ms: number): void {
    const i = bucketOf(ms)
    if (i < 0) return
    this.counts[bucketsAt(slot) + i]++
    const f = this.pool.f
    f[slot + COUNT]++
    if (ms < f[slot + MIN]) f[slot + MIN] = ms
    if (ms > f[slot + MAX]) f[slot + MAX] = ms
  }

  count(slot: number): number {
    return this.pool.f[slot + COUNT]
  }
  min(slot: number): number {
    return this.pool.f[slot + MIN]
  }
  max(slot: number): number {
    return this.pool.f[slot + MAX]
  }

  /** where a slot's bucket counts start in `counts` */
  bucketsAt(slot: number): number {
    return bucketsAt(slot)
  }

  summary(slot: number): RttSummary | undefined {
    return summaryOf(this.counts, bucketsAt(slot), this.count(slot), this.min(slot), this.max(slot))
  }

  /** the summary into `into`, an object the caller reuses; false (and `into` untouched) without a sample */
  summaryInto(slot: number, into: RttSummary): boolean {
    const count = this.count(slot)
    if (count === 0) return false
    fillSummary(into, this.counts, bucketsAt(slot), count, this.min(slot), this.max(slot))
    return true
  }
}

const bucketsAt = (slot: number) => (slot + BUCKETS_AT) * 2
