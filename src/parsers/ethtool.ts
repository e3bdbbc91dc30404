// ethtool output (ethtool 6.1, net/ethtool/ in the kernel): `ethtool -S IFACE` (driver statistics, ETHTOOL_GSTATS:
// names are the driver's own), `ethtool -g IFACE` (ring sizes, ETHTOOL_MSG_RINGS_GET: "Pre-set maximums" then
// "Current hardware settings"), `ethtool -i IFACE` (the driver's name). Values a driver does not report ("n/a")
// are undefined, never 0.
import { ParseError } from './parse-error.js'

/** `ethtool -S`: counter name → value. Lines are "     name: value" under a "NIC statistics:" header. */
export function parseEthtoolStats(text: string, what = 'ethtool -S'): Record<string, number> {
  const out: Record<string, number> = {}
  let lineNo = 0
  for (const line of text.split('\n')) {
    lineNo++
    const t = line.trim()
    if (t === '' || /^NIC statistics:$/.test(t)) continue
    const colon = t.lastIndexOf(':')
    if (colon <= 0) throw new ParseError(what, `line ${lineNo}: not "name: value": ${t.slice(0, 80)}`)
    const name = t.slice(0, colon).trim()
    const raw = t.slice(colon + 1).trim()
    // Newer ethtool groups some statistics under headers ("rx-pktsNtoM:"); only numbers are counters.
    if (raw === '') continue
    if (!/^\d+$/.test(raw)) throw new ParseError(what, `line ${lineNo}: ${name} is not a counter: ${raw.slice(0, 40)}`)
    out[name] = Number(raw)
  }
  return out
}

export interface RingSizes {
  rx?: number
  rxMini?: number
  rxJumbo?: number
  tx?: number
}

/** `ethtool -g`: the maximum and the current size of each ring. */
export interface RingParams {
  max: RingSizes
  current: RingSizes
}

const RING_FIELDS: Record<string, keyof RingSizes> = { 'RX': 'rx', 'RX Mini': 'rxMini', 'RX Jumbo': 'rxJumbo', 'TX': 'tx' }

export function parseEthtoolRings(text: string, what = 'ethtool -g'): RingParams {
  const out: RingParams = { max: {}, current: {} }
  let section: RingSizes | undefined
  let seen = 0
  for (const line of text.split('\n')) {
    const t = line.trim()
    if (/^Pre-set maximums:$/.test(t)) section = out.max
    else if (/^Current hardware settings:$/.test(t)) section = out.current
    else if (section) {
      const m = /^([A-Za-z ]+):\s*(\S+)$/.exec(t)
      const field = m && RING_FIELDS[m[1]]
      if (!m || !field) continue // RX Buf Len, CQE Size, TX Push, TCP data split: not ring sizes
      seen++
      if (/^\d+$/.test(m[2])) section[field] = Number(m[2])
      else if (m[2] !== 'n/a') throw new ParseError(what, `${m[1]}: not a size: ${m[2].slice(0, 40)}`)
    }
  }
  if (seen === 0) throw new ParseError(what, 'no "Pre-set maximums" / "Current hardware settings" ring sizes')
  return out
}

/** `ethtool -i`: the "driver:" line. */
export function parseEthtoolDriver(text: string): string | undefined {
  const m = /^driver:\s*(\S+)/m.exec(text)
  return m?.[1]
}
