// A bounded sketch of RTT samples: a log-scale histogram of fixed size (4 buckets per doubling, 10 µs to ~168 s),
// with the exact minimum and maximum. Quantiles are read at a bucket's geometric middle, so they are within
// ±9 % of the true sample; memory is the same for 10 samples or 10 million. `RttSketch` is one sketch (per server
// endpoint); `RttPool` holds many in shared typed arrays (one per connection and direction, taken at the first
// sample and given back at the connection's end), so a connection costs no typed array of its own.

import type { RttMs } from '../model/paths.js'

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
  return { min: round(min), p50: round(quantileOf(counts, at, count, min, max, 0.5)), p95: round(quantileOf(counts, at, count, min, max, 0.95)), max: round(max) }
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
    const at = slot * BUCKETS
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

/**
 * Many sketches in shared typed arrays: slot i's buckets are counts[i × 96 ..], its count, min and max
 * stats[i × 3 ..]. A slot given back is zeroed when taken again; the arrays double when every slot is in use.
 */
export class RttPool {
  counts: Uint32Array
  private stats: Float64Array
  private readonly free: number[] = []
  private used = 0

  constructor(slots = 256) {
    this.counts = new Uint32Array(Math.max(1, slots) * BUCKETS)
    this.stats = new Float64Array(Math.max(1, slots) * 3)
  }

  take(): number {
    let slot = this.free.pop()
    if (slot === undefined) {
      slot = this.used++
      if (slot * 3 >= this.stats.length) this.grow()
    }
    this.counts.fill(0, slot * BUCKETS, (slot + 1) * BUCKETS)
    this.stats[slot * 3] = 0
    this.stats[slot * 3 + 1] = Infinity
    this.stats[slot * 3 + 2] = 0
    return slot
  }

  give(slot: number): void {
    this.free.push(slot)
  }

  add(slot: number, ms: number): void {
    const i = bucketOf(ms)
    if (i < 0) return
    this.counts[slot * BUCKETS + i]++
    const at = slot * 3
    this.stats[at]++
    if (ms < this.stats[at + 1]) this.stats[at + 1] = ms
    if (ms > this.stats[at + 2]) this.stats[at + 2] = ms
  }

  count(slot: number): number {
    return this.stats[slot * 3]
  }
  min(slot: number): number {
    return this.stats[slot * 3 + 1]
  }
  max(slot: number): number {
    return this.stats[slot * 3 + 2]
  }

  summary(slot: number): RttSummary | undefined {
    return summaryOf(this.counts, slot * BUCKETS, this.count(slot), this.min(slot), this.max(slot))
  }

  private grow(): void {
    const counts = new Uint32Array(this.counts.length * 2)
    counts.set(this.counts)
    this.counts = counts
    const stats = new Float64Array(this.stats.length * 2)
    stats.set(this.stats)
    this.stats = stats
  }
}
