// A bounded sketch of RTT samples: a log-scale histogram of fixed size (4 buckets per doubling, 10 µs to ~168 s),
// with the exact minimum and maximum. Quantiles are read at a bucket's geometric middle, so they are within
// ±9 % of the true sample; memory is the same for 10 samples or 10 million (one per connection and direction).

const PER_DOUBLING = 4
const BUCKETS = 24 * PER_DOUBLING
const FLOOR_MS = 0.01

export interface RttSummary {
  min: number
  p50: number
  p95: number
  max: number
}

export class RttSketch {
  private readonly counts = new Uint32Array(BUCKETS)
  count = 0
  min = Infinity
  max = 0

  add(ms: number): void {
    if (!(ms >= 0) || ms === Infinity) return
    const i = ms <= FLOOR_MS ? 0 : Math.min(BUCKETS - 1, Math.floor(Math.log2(ms / FLOOR_MS) * PER_DOUBLING))
    this.counts[i]++
    this.count++
    if (ms < this.min) this.min = ms
    if (ms > this.max) this.max = ms
  }

  merge(other: RttSketch): void {
    for (let i = 0; i < BUCKETS; i++) this.counts[i] += other.counts[i]
    this.count += other.count
    if (other.min < this.min) this.min = other.min
    if (other.max > this.max) this.max = other.max
  }

  /** the q-quantile (0–1), clamped to the exact min and max; undefined without samples */
  quantile(q: number): number | undefined {
    if (this.count === 0) return undefined
    const rank = Math.max(1, Math.ceil(q * this.count))
    let seen = 0
    for (let i = 0; i < BUCKETS; i++) {
      seen += this.counts[i]
      if (seen >= rank) {
        const middle = FLOOR_MS * 2 ** ((i + 0.5) / PER_DOUBLING)
        return Math.min(this.max, Math.max(this.min, middle))
      }
    }
    return this.max
  }

  summary(): RttSummary | undefined {
    if (this.count === 0) return undefined
    const round = (v: number) => Math.round(v * 1000) / 1000
    return { min: round(this.min), p50: round(this.quantile(0.5)!), p95: round(this.quantile(0.95)!), max: round(this.max) }
  }
}
