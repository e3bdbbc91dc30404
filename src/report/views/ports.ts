// `netdoc ports`: the ephemeral range, reserved ports, the destinations using most ports (bar of used/usable) and
// the descriptor use of the busiest socket owners.
import type { Facts } from '../../model/check.js'
import { portRange, portsUsed, stateList } from '../../derived/census.js'
import { plural } from '../../derived/format.js'
import { screenWidth, Table, wrap } from '../layout.js'

const TOP = 10

export function bar(share: number, width = 20): string {
  const full = Math.max(0, Math.min(width, Math.round(share * width)))
  return '#'.repeat(full) + '.'.repeat(width - full)
}

export function portsView(facts: Facts, width = screenWidth()): string {
  const out: string[] = []
  if (!facts.has('sysctls')) return 'Port range: sysctls not readable\n'
  const sysctls = facts.get('sysctls')
  const r = portRange(sysctls)
  const reserved = r.reservedList.map(([a, b]) => (a === b ? `${a}` : `${a}-${b}`)).join(',') || 'none'
  out.push(
    ...wrap(`Ephemeral range ${r.low}-${r.high}: ${plural(r.size, 'port')}, ${r.reserved} reserved inside it (ip_local_reserved_ports: ${reserved}), ${r.usable} usable per destination · tcp_tw_reuse ${sysctls.get('net.ipv4.tcp_tw_reuse') ?? '?'}`, width, '', '  '),
    '',
  )
  if (facts.has('census')) {
    const dests = facts
      .get('census')
      .destinations.map((d) => ({ d, ...portsUsed(d, sysctls) }))
      .sort((a, b) => b.used - a.used)
    const t = new Table({ head: ['Local', 'Destination', 'Ports used', '', 'States'] })
    for (const { d, used, reusable } of dests.slice(0, TOP)) {
      t.push([d.local, d.remote, `${used}/${r.usable}`, bar(used / r.usable), stateList(d.states) + (reusable ? ` (${reusable} TIME-WAIT reusable)` : '')])
    }
    out.push(`Destinations by ephemeral ports used (top ${Math.min(TOP, dests.length)} of ${dests.length})`, dests.length ? t.toString() : '(no client-side socket)', '')
  }
  if (facts.has('descriptors')) {
    const procs = [...facts.get('descriptors')].sort((a, b) => (b.open ?? 0) / (b.limit ?? Infinity) - (a.open ?? 0) / (a.limit ?? Infinity) || b.sockets - a.sockets)
    const t = new Table({ head: ['Process', 'TCP sockets', 'Open files', 'Limit', 'Fill'] })
    for (const p of procs.slice(0, TOP)) {
      t.push([`${p.name} (${p.pid})`, String(p.sockets), p.open === undefined ? '?' : String(p.open), p.limit === undefined ? 'unlimited' : String(p.limit), p.open !== undefined && p.limit ? `${bar(p.open / p.limit, 10)} ${Math.round((p.open / p.limit) * 100)} %` : ''])
    }
    out.push(`Descriptors of the busiest socket owners (top ${Math.min(TOP, procs.length)} of ${procs.length})`, procs.length ? t.toString() : '(no socket-owning process visible: ss -p names only the processes this user may inspect; root sees all)', '')
  }
  return out.join('\n')
}
