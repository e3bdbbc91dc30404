import { UsageError } from '../model/errors.js'

/** "10Gbit", "100Mbit/s", "1.5G", "800000000" → bit/s */
export function parseBandwidth(text: string, flag = '--bandwidth'): number {
  const m = /^(\d+(?:\.\d+)?)\s*([kmgt]?)(?:bit|b|bps)?(?:\/s)?$/i.exec(text.trim())
  if (!m) throw new UsageError(`${flag} ${text}: not a bandwidth; write it like 10Gbit, 100Mbit or 1.5G`)
  const mult = { '': 1, k: 1e3, m: 1e6, g: 1e9, t: 1e12 }[m[2].toLowerCase() as '' | 'k' | 'm' | 'g' | 't']
  return Number(m[1]) * mult
}

/** "50ms", "0.2s", "1.5" (seconds), "300us" → seconds */
export function parseDurationFlag(text: string, flag: string): number {
  const m = /^(\d+(?:\.\d+)?)\s*(us|µs|ms|s|sec|m|min)?$/i.exec(text.trim())
  if (!m) throw new UsageError(`${flag} ${text}: not a duration; write it like 50ms, 2s or 2`)
  const unit = (m[2] ?? 's').toLowerCase()
  const mult = unit === 'us' || unit === 'µs' ? 1e-6 : unit === 'ms' ? 1e-3 : unit === 'm' || unit === 'min' ? 60 : 1
  return Number(m[1]) * mult
}
