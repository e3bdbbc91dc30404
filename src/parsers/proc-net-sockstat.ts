// /proc/net/sockstat and /proc/net/sockstat6 (net/ipv4/proc.c sockstat_seq_show, net/ipv6/proc.c):
// "TCP: inuse 5 orphan 0 tw 2 alloc 7 mem 1" → { TCP: { inuse: 5, orphan: 0, tw: 2, alloc: 7, mem: 1 } }.
// Every line is kept, whatever its fields: "sockets: used N" becomes { sockets: { used: N } }.
// TCP/UDP mem is in pages and counts the whole host (tcp_memory_allocated is not per namespace).
import type { Sockstat } from '../model/facts.js'
import { ParseError } from './parse-error.js'

export function parseProcNetSockstat(text: string, what = '/proc/net/sockstat'): Sockstat {
  const out: Sockstat = {}
  for (const line of text.split('\n')) {
    if (line.trim() === '') continue
    const m = /^(\w+):\s*(.*)$/.exec(line.trim())
    if (!m) throw new ParseError(what, `not a "NAME: key value ..." line: ${line.slice(0, 80)}`)
    const parts = m[2].split(/\s+/).filter(Boolean)
    if (parts.length % 2 !== 0) throw new ParseError(what, `${m[1]}: keys and values do not pair: ${m[2]}`)
    const fields: Record<string, number> = {}
    for (let i = 0; i < parts.length; i += 2) {
      const v = Number(parts[i + 1])
      if (!Number.isFinite(v)) throw new ParseError(what, `${m[1]} ${parts[i]} is not a number: ${parts[i + 1]}`)
      fields[parts[i]] = v
    }
    out[m[1]] = fields
  }
  return out
}
