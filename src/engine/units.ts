import { isIPv6 } from 'node:net'

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

export interface HostPort {
  host: string
  port: number
  /** as ss writes an endpoint: 127.0.0.1:80, [::1]:80, example.com:80 */
  label: string
}

/** "127.0.0.1:80", "[::1]:80", "example.com:443" → host and port; IPv6 literals need brackets. */
export function parseHostPort(text: string, what = 'HOST:PORT'): HostPort {
  const m = /^(?:\[([^\]]*)\]|([^:[\]]+)):(\d+)$/.exec(text.trim())
  if (!m) {
    const hint = (text.match(/:/g) ?? []).length > 1 && !text.startsWith('[') ? '; write IPv6 addresses in brackets, e.g. [::1]:8080' : ''
    throw new UsageError(`${what} ${text}: expected HOST:PORT, e.g. 127.0.0.1:8080 or example.com:443${hint}`)
  }
  const [, v6, name, portText] = m
  const port = Number(portText)
  if (!Number.isInteger(port) || port < 1 || port > 65535) throw new UsageError(`${what} ${text}: port ${portText} is out of range (1-65535)`)
  if (v6 !== undefined) {
    if (!isIPv6(v6)) throw new UsageError(`${what} ${text}: [${v6}] is not an IPv6 address`)
    return { host: v6, port, label: `[${v6}]:${port}` }
  }
  if (!/^[A-Za-z0-9_.-]+$/.test(name) || name.startsWith('-') || name.startsWith('.')) throw new UsageError(`${what} ${text}: "${name}" is not a host name or IPv4 address`)
  return { host: name, port, label: `${name}:${port}` }
}
