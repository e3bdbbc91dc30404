// How numbers are written for people, once for checks and views alike: bytes, bit rates, durations, shares.
// (Endpoints and IPv6 text are written by parsers/address.ts formatEndpoint, the one place for them.)

/** 6291456 → "6 MiB", 62500000 → "59.6 MiB" (binary units, as the sysctls are bytes) */
export function formatBytes(n: number): string {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB']
  let v = n
  let u = 0
  while (Math.abs(v) >= 1024 && u < units.length - 1) {
    v /= 1024
    u++
  }
  const text = u === 0 || Number.isInteger(v) ? String(Math.round(v)) : v.toFixed(1)
  return `${text} ${units[u]}`
}

/** 1e10 → "10 Gbit/s" (decimal units, as links are sold) */
export function formatBits(bps: number): string {
  const units: Array<[number, string]> = [[1e12, 'Tbit/s'], [1e9, 'Gbit/s'], [1e6, 'Mbit/s'], [1e3, 'kbit/s']]
  for (const [div, unit] of units) if (bps >= div) return `${+(bps / div).toFixed(2)} ${unit}`
  return `${Math.round(bps)} bit/s`
}

/** 0.0123 s → "12.3 ms" */
export const formatMs = (seconds: number): string => `${+(seconds * 1000).toFixed(3)} ms`

/** 7875 → "2 h 11 min 15 s" */
export function humanDuration(total: number): string {
  const s = Math.round(total)
  const parts: string[] = []
  const d = Math.floor(s / 86400)
  const h = Math.floor((s % 86400) / 3600)
  const m = Math.floor((s % 3600) / 60)
  const r = s % 60
  if (d) parts.push(`${d} d`)
  if (h) parts.push(`${h} h`)
  if (m) parts.push(`${m} min`)
  if (r || parts.length === 0) parts.push(`${r} s`)
  return parts.join(' ')
}

/** A wait as connect() users think of it: "7 s", "2 min 11 s" (seconds up to two minutes, then minutes). */
export function formatSeconds(s: number): string {
  if (s < 120) return `${s} s`
  const m = Math.floor(s / 60)
  return `${m} min${s % 60 ? ` ${s % 60} s` : ''}`
}

/** "2.0 s": how the window is written in messages. */
export const seconds = (s: number): string => `${s.toFixed(1)} s`

/** An interval measured on the wire: "0.50 s", "75 s". */
export const intervalSeconds = (s: number): string => `${s < 10 ? s.toFixed(2) : s.toFixed(0)} s`

/** A share as a percentage: whole by default ("42 %"), else up to `digits` decimals without trailing zeros ("0.125 %"). */
export const percent = (share: number, digits = 0): string => (digits === 0 ? `${Math.round(share * 100)} %` : `${+(share * 100).toFixed(digits)} %`)

export const plural = (n: number, word: string, many = word + 's'): string => `${n} ${n === 1 ? word : many}`

/** The word that agrees with a count: a verb after `plural` ('is' / 'are'), a phrase in its place. */
export const agree = (n: number, one: string, many: string): string => (n === 1 ? one : many)

/** "3.5/s" — how a rate is written in messages. */
export const rate = (r: number): string => `${r < 10 ? r.toFixed(1) : Math.round(r)}/s`
