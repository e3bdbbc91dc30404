// /proc/net/snmp6: one "Name value" pair per line (net/ipv6/proc.c). Names already carry the 6: Udp6InErrors.
import type { Counters } from '../model/facts.js'
import { ParseError } from './parse-error.js'

export function parseProcNetSnmp6(text: string): Counters {
  const counters: Counters = {}
  for (const line of text.split('\n')) {
    if (line.trim() === '') continue
    const [name, value, extra] = line.trim().split(/\s+/)
    const n = Number(value)
    if (extra !== undefined || !Number.isFinite(n)) throw new ParseError('/proc/net/snmp6', `not a "name value" line: ${line.slice(0, 80)}`)
    counters[name] = n
  }
  return counters
}
