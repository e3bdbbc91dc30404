// The block pool behind congestion.flows' per-connection state and its pooled RTT sketches: a block given back is
// the next one taken, fresh again; growth keeps every block's contents; a block given back twice (which would
// later hand one block to two connections) throws.
import { BlockPool } from '../../../src/capture/block-pool.js'
import { RttPool, RttSketch } from '../../../src/capture/rtt-sketch.js'

const fresh = Float64Array.of(-1, 0, 7)

describe('BlockPool', () => {
  test('a block given back twice throws, and so does one never taken', () => {
    const pool = new BlockPool(fresh, 4)
    const a = pool.take()
    pool.take()
    pool.give(a)
    expect(() => pool.give(a)).toThrow(/given back twice/)
    expect(() => pool.give(3 * fresh.length)).toThrow(/not the base of a block taken/)
    expect(() => pool.give(a + 1)).toThrow(/not the base of a block taken/)
  })

  test('a block taken again after its give is reused, and fresh; it can be given back again', () => {
    const pool = new BlockPool(fresh, 4)
    const a = pool.take()
    const b = pool.take()
    pool.f.fill(42, a, a + fresh.length)
    pool.give(a)
    expect(pool.take()).toBe(a)
    expect([...pool.f.subarray(a, a + fresh.length)]).toEqual([-1, 0, 7])
    expect(pool.take()).not.toBe(b)
    pool.give(a)
    pool.give(b)
    expect(new Set([pool.take(), pool.take()])).toEqual(new Set([a, b]))
  })

  test('growing keeps every block, and the free flags of the blocks before it', () => {
    const pool = new BlockPool(fresh, 1)
    const bases = Array.from({ length: 9 }, (_, i) => {
      const base = pool.take()
      pool.f[base + 1] = i + 1
      return base
    })
    expect(new Set(bases).size).toBe(9)
    expect(bases.map((base) => pool.f[base + 1])).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9])
    pool.give(bases[0])
    for (let i = 0; i < 9; i++) pool.take()
    expect(() => pool.give(bases[0])).not.toThrow()
    expect(() => pool.give(bases[0])).toThrow(/given back twice/)
  })
})

describe('RttPool: sketches as pool blocks', () => {
  test("a slot's samples survive the pool's growth, and a reused slot starts empty", () => {
    const pool = new RttPool(1)
    const first = pool.take()
    const alone = new RttSketch()
    for (const ms of [1, 5, 20, 300]) {
      pool.add(first, ms)
      alone.add(ms)
    }
    const others = Array.from({ length: 6 }, () => pool.take())
    const other = new RttSketch()
    for (let ms = 1; ms <= 100; ms++) {
      other.add(ms)
      for (const slot of others) pool.add(slot, ms)
    }
    for (const slot of others) expect(pool.summary(slot)).toEqual(other.summary())
    expect(pool.summary(first)).toEqual(alone.summary())
    const merged = new RttSketch()
    merged.mergeSlot(pool, first)
    expect(merged.summary()).toEqual(alone.summary())
    pool.give(first)
    expect(() => pool.give(first)).toThrow(/given back twice/)
    const again = pool.take()
    expect(again).toBe(first)
    expect(pool.count(again)).toBe(0)
    expect(pool.summary(again)).toBeUndefined()
    pool.add(again, 2)
    expect(pool.summary(again)).toEqual({ min: 2, p50: 2, p95: 2, max: 2 })
  })
})
