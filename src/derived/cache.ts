// Derived data is computed once per run (Lighthouse's computed artifacts): the first reader computes it from the
// window's facts, every later reader (another check, a view) gets the same value.
import type { Facts } from '../model/check.js'

const byFacts = new WeakMap<object, Map<string, unknown>>()

/** The value of `compute` for these facts and this key, computed on first use. */
export function derived<T>(facts: Facts, key: string, compute: () => T): T {
  // A check's restricted view shares the run's cache; facts built by hand (tests) get their own.
  const owner = facts.window ?? facts
  let cache = byFacts.get(owner)
  if (!cache) byFacts.set(owner, (cache = new Map()))
  if (!cache.has(key)) cache.set(key, compute())
  return cache.get(key) as T
}
