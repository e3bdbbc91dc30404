// Fixed-size blocks of numbers in one shared Float64Array, for per-connection state (congestion.ts's flow blocks,
// rtt-sketch.ts's pooled sketches): taken when a connection needs one, given back at its end and reused, so a
// connection costs no object or typed array of its own. The array doubles when every block is in use.

export class BlockPool {
  /** the blocks: block k is f[k × size .. (k + 1) × size) */
  f: Float64Array
  /** numbers per block */
  readonly size: number
  /** what a block holds when taken */
  private readonly fresh: Float64Array
  /** 1 for a block given back and not yet taken again: a second give of it is a bug */
  private isFree: Uint8Array
  /** the base offsets of the free blocks */
  private readonly free: number[] = []
  /** blocks ever taken (the ones below it are in use or free) */
  private used = 0

  constructor(fresh: Float64Array, blocks = 256) {
    this.size = fresh.length
    this.fresh = fresh
    this.f = new Float64Array(Math.max(1, blocks) * this.size)
    this.isFree = new Uint8Array(Math.max(1, blocks))
  }

  /** a block's base offset, its contents `fresh` */
  take(): number {
    let base = this.free.pop()
    if (base === undefined) {
      base = this.used++ * this.size
      if (base + this.size > this.f.length) this.grow()
    } else this.isFree[base / this.size] = 0
    this.f.set(this.fresh, base)
    return base
  }

  /** gives a taken block back; a block that is not in use (given back already, or never taken) throws */
  give(base: number): void {
    const block = base / this.size
    if (!Number.isInteger(block) || block < 0 || block >= this.used) throw new Error(`block pool: ${base} is not the base of a block taken`)
    if (this.isFree[block] !== 0) throw new Error(`block pool: block ${block} given back twice`)
    this.isFree[block] = 1
    this.free.push(base)
  }

  private grow(): void {
    const f = new Float64Array(this.f.length * 2)
    f.set(this.f)
    this.f = f
    const isFree = new Uint8Array(this.isFree.length * 2)
    isFree.set(this.isFree)
    this.isFree = isFree
  }
}
