// `netdoc mtu`: fragmentation and reassembly counters over the window, interface MTUs, and the path MTUs the
// sockets use (pmtu in the tcpInfo fact); with a capture, its UDP flows (sizes, fragments, fragments missing).
import type { Facts } from '../../model/check.js'
import type { UdpFragments } from '../../model/capture.js'
import { readCounter } from '../../derived/counters.js'
import { plural } from '../../derived/format.js'
import { capped, foldZeros, screenWidth, Table, wrap } from '../layout.js'

/** UDP flows shown (worst first; the JSON report has a finding per fragmented flow, up to --max-details) */
const UDP_ROWS_SHOWN = 20

const COUNTERS = ['IpReasmReqds', 'IpReasmOKs', 'IpReasmFails', 'IpReasmTimeout', 'IpFragOKs', 'IpFragCreates', 'IpFragFails', 'Ip6ReasmReqds', 'Ip6ReasmOKs', 'Ip6ReasmFails', 'Ip6ReasmTimeout', 'Ip6FragOKs', 'Ip6FragCreates', 'Ip6FragFails', 'Icmp6InPktTooBigs']

export function mtuView(facts: Facts, windowSeconds: number): string {
  const out: string[] = []
  if (facts.has('counters')) {
    const rows = COUNTERS.map((n) => readCounter(facts, n, windowSeconds)).filter((c) => c !== undefined)
    const { shown, zero } = foldZeros(rows, (c) => c.value === 0)
    const t = new Table({ head: ['Counter', 'Since boot', windowSeconds > 0 ? `In ${windowSeconds} s` : 'Window'] })
    for (const c of shown) t.push([c.name, String(c.value), c.delta === undefined ? '' : String(c.delta)])
    out.push('Fragmentation and reassembly (/proc/net/snmp, /proc/net/snmp6)')
    if (shown.length) out.push(t.toString())
    if (zero.length) out.push(...wrap(`${shown.length ? 'zero' : 'all zero'}: ${zero.map((c) => c.name).join(', ')}`, screenWidth(), '', '  '))
    out.push('')
  }
  const sysctls = facts.has('sysctls') ? facts.get('sysctls') : new Map<string, string>()
  const s = new Table({ head: ['Setting', 'Value'] })
  for (const name of ['net.ipv4.tcp_mtu_probing', 'net.ipv4.ipfrag_time', 'net.ipv4.ipfrag_high_thresh']) s.push([name, sysctls.get(name)?.trim() ?? '?'])
  out.push('Settings', s.toString(), '')

  const ifaces = facts.optional('interfaces') ?? []
  const sockets = facts.optional('tcpInfo')
  const pmtus = Object.entries(sockets?.byPmtu ?? {}).sort((a, b) => Number(a[0]) - Number(b[0]))
  const t = new Table({ head: ['MTU of', 'Bytes', 'Sockets'] })
  for (const i of ifaces) if (i.mtu !== undefined) t.push([`interface ${i.name}`, String(i.mtu), ''])
  for (const [p, v] of pmtus) t.push([`path (e.g. ${v.example.peer})`, p, String(v.sockets)])
  out.push(`Interface and path MTUs${sockets ? ` (path: pmtu of ${sockets.source})` : ''}`, t.length ? t.toString() : '(none readable)', '')
  const udp = facts.optional('capture')?.udp
  if (udp) out.push(udpFlowsView(udp), '')
  return out.join('\n')
}

function udpFlowsView(udp: UdpFragments): string {
  if (udp.datagrams === 0 && udp.fragments === 0) return 'UDP flows in the capture: none (no UDP datagram or IP fragment)'
  const mtu = udp.mtuFrom === 'default' ? `MTU ${udp.mtu} assumed (no fragment in the capture)` : `MTU ${udp.mtu} (the largest fragment)`
  const lines = [`UDP flows in the capture: ${plural(udp.datagrams, 'datagram')}, ${plural(udp.fragments, 'IP fragment')}; ${mtu}, reassembly time-out ${udp.reassemblySeconds} s`]
  if (udp.flows.length === 0) lines.push('(no UDP flow: no datagram with its ports)')
  else {
    const { shown, more } = capped(udp.flows, UDP_ROWS_SHOWN, 'UDP flow', '(the fragmented ones are findings in --json, up to --max-details)')
    const t = new Table({ head: ['Client', 'Server', 'Datagrams', 'Largest', 'Median', 'Fragmented', 'Frags max', 'Incomplete', 'Missing'] })
    for (const f of shown) {
      t.push([f.client, f.server, String(f.datagrams), String(f.maxBytes), String(f.p50Bytes), f.fragmented ? `${f.fragmented}${f.fragmentedBy ? ` (${f.fragmentedBy})` : ''}` : '0', String(f.maxFragments), String(f.incomplete), String(f.missingFragments)])
    }
    lines.push(t.toString())
    if (more) lines.push(more)
  }
  const apart = [
    udp.unattributed ? `${plural(udp.unattributed, 'incomplete datagram')} whose first fragment never came (no ports)` : '',
    udp.evicted ? `${udp.evicted} dropped from the full reassembly table` : '',
    udp.cutByEnd ? `${udp.cutByEnd} cut by the end of the capture (not judged)` : '',
    udp.flowsShed ? `${plural(udp.flowsShed, 'datagram')} of flows beyond the flow table` : '',
  ].filter(Boolean)
  if (apart.length) lines.push(...wrap(`also: ${apart.join('; ')}`, screenWidth(), '', '  '))
  return lines.join('\n')
}
