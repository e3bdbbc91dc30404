// The one rule for kernel counters over the window: growth is end − start, and a counter that went down was reset
// (module reload, interface or namespace re-created), so it has no growth: only its end value is judged.
import type { Facts } from '../model/check.js'
import type { Counters } from '../model/facts.js'

/** A since-boot counter at both ends of the window; delta undefined when there is no window or it went down. */
export interface Growth {
  value: number
  delta?: number
}

export function growth(start: number | undefined, end: number | undefined, windowed: boolean): Growth | undefined {
  if (end === undefined) return undefined
  if (!windowed || start === undefined || end < start) return { value: end }
  return { value: end, delta: end - start }
}

export interface CounterReading extends Growth {
  name: string
}

/** A counter of the counters fact at both ends of the window, or undefined when this kernel lacks it. */
export function readCounter(facts: Facts, name: string, windowSeconds: number): CounterReading | undefined {
  const end: Counters = facts.get('counters')
  const windowed = windowSeconds > 0
  const g = growth(windowed ? facts.first('counters')[name] : undefined, end[name], windowed)
  return g && { name, ...g }
}

/** Rows of two samples joined by key (CPUs by id, interfaces by name); a subject in only one sample has one side. */
export function joinSamples<T>(start: T[], end: T[], key: (t: T) => string | number): Array<{ start?: T; end: T }> {
  const before = new Map(start.map((t) => [key(t), t]))
  return end.map((t) => ({ start: start === end ? undefined : before.get(key(t)), end: t }))
}

/** A counter's growth per second over the window; undefined without a window or a delta. */
export const perSecond = (c: CounterReading | undefined, windowSeconds: number): number | undefined =>
  c?.delta === undefined || windowSeconds <= 0 ? undefined : c.delta / windowSeconds
