// /proc/net/sockstat and /proc/net/sockstat6 (net/ipv4/proc.c sockstat_seq_show, net/ipv6/proc.c):
// "TCP: inuse 46 orphan 0 tw 0 alloc 46 mem 715", one protocol per line, then name/value pairs.
// `tw` counts this namespace's TIME_WAIT sockets; `orphan` and `mem` (pages) are host-wide.
import type { Sockstat } from '../model/facts.js'
import { ParseError } from './parse-error.js'

export function parseProcNetSockstat(text: string, what = '/proc/net/sockstat'): Sockstat {
  const out: Sockstat = {}
  for (const line of text.split('\n')) {
    if (line.trim() === '') continue
    const m = /^(\w+):\s*(.*)$/.exec(line.trim())
    if (!m) throw new ParseError(what, `not a "PROTO: name value ..." line: ${line.slice(0, 80)}`)
    const parts = m[2].split(/\s+/).filter(Boolean)
    if (parts.length % 2 !== 0) throw new ParseError(what, `${m[1]}: names and values do not pair: ${m[2].slice(0, 80)}`)
    const fields: Record<string, number> = {}
    for (let i = 0; i < parts.length; i += 2) {
      const n = Number(parts[i + 1])
      if (!Number.isFinite(n)) throw new ParseError(what, `${m[1]} ${parts[i]} is not a number: ${parts[i + 1]}`)
      fields[parts[i]] = n
    }
    out[m[1]] = { ...out[m[1]], ...fields }
  }
  return out
}
