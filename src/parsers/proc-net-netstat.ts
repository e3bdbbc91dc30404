// /proc/net/netstat and /proc/net/snmp: pairs of lines, "TcpExt: Name1 Name2 ..." then "TcpExt: 1 2 ...".
// Kernel: net/ipv4/proc.c (netstat_seq_show, snmp_seq_show); names documented in
// Documentation/networking/snmp_counter.rst. Keys are nstat's names: the prefix without ':' + the field name.
import type { Counters } from '../model/facts.js'
import { ParseError } from './parse-error.js'

export function parseProcNetNetstat(text: string, what = '/proc/net/netstat'): Counters {
  const counters: Counters = {}
  const lines = text.split('\n').filter((l) => l.trim() !== '')
  if (lines.length % 2 !== 0) throw new ParseError(what, `odd number of lines (${lines.length}): header and value lines must pair`)
  for (let i = 0; i < lines.length; i += 2) {
    const names = lines[i].trim().split(/\s+/)
    const values = lines[i + 1].trim().split(/\s+/)
    const prefix = names[0]
    if (!prefix.endsWith(':') || values[0] !== prefix) throw new ParseError(what, `line ${i + 1}: expected a "${prefix}" header followed by its values`)
    const group = prefix.slice(0, -1)
    if (names.length !== values.length) throw new ParseError(what, `${group} has ${names.length - 1} names but ${values.length - 1} values`)
    for (let j = 1; j < names.length; j++) {
      const n = Number(values[j])
      if (!Number.isFinite(n)) throw new ParseError(what, `${group}${names[j]} is not a number: ${values[j]}`)
      counters[group + names[j]] = n
    }
  }
  return counters
}

export const parseProcNetSnmp = (text: string): Counters => parseProcNetNetstat(text, '/proc/net/snmp')

/** Which file a counter comes from, for evidence. */
export function counterSource(name: string): string {
  if (/^(TcpExt|IpExt|MPTcpExt)/.test(name)) return '/proc/net/netstat'
  if (/^(Ip6|Icmp6|Udp6|UdpLite6)/.test(name)) return '/proc/net/snmp6'
  return '/proc/net/snmp'
}
