// Small statistics on per-flow lists, shared by the analyses and the UDP tracker: a leaf module, so the decode
// worker (which runs the UDP tracker and no analysis) does not load the analyses to get them.

/** Median of a non-empty list (sorts it). */
export function median(xs: number[]): number | undefined {
  if (xs.length === 0) return undefined
  const s = [...xs].sort((a, b) => a - b)
  const m = s.length >> 1
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2
}

/** Keeps at most `max` values (the most recent), so a long capture cannot grow one flow's state without bound. */
export function pushBounded(xs: number[], v: number, max = 1024): void {
  if (xs.length >= max) xs.shift()
  xs.push(v)
}
