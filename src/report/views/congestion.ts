// `netdoc congestion`: the congestion control in effect (configured, available, what sockets use), slow start
// after idle, and loss and RTT per destination from the live sockets (ss -ti), worst first.
import type { CheckOptions, Facts } from '../../model/check.js'
import { destinationLabel, destinationLosses } from '../../derived/congestion.js'
import { formatBits, percent } from '../../derived/format.js'
import { capped, Table } from '../layout.js'

export function congestionView(facts: Facts, options: CheckOptions): string {
  const out: string[] = []
  const sysctls = facts.has('sysctls') ? facts.get('sysctls') : new Map<string, string>()
  const info = facts.optional('tcpInfo')
  const used = Object.entries(info?.byCongestion ?? {}).sort((a, b) => b[1].sockets - a[1].sockets)
  const settings = new Table({ head: ['Setting', 'Value'] })
  settings.push(['tcp_congestion_control (new sockets)', sysctls.get('net.ipv4.tcp_congestion_control')?.trim() ?? '?'])
  settings.push(['tcp_available_congestion_control', sysctls.get('net.ipv4.tcp_available_congestion_control')?.trim() ?? '?'])
  settings.push(['in use by established sockets', used.length ? used.map(([cc, u]) => `${cc} ${u.sockets}`).join(', ') : '(none printed)'])
  settings.push(['default_qdisc', sysctls.get('net.core.default_qdisc')?.trim() ?? '?'])
  settings.push(['tcp_slow_start_after_idle', sysctls.get('net.ipv4.tcp_slow_start_after_idle')?.trim() ?? '?'])
  out.push('Congestion control in effect', settings.toString(), '')

  if (!info) return out.concat('Loss and RTT per destination: ss -ti not available', '').join('\n')
  const rows = destinationLosses(facts)
  const { shown, more } = capped(rows, options.maxDetails, 'destinations')
  const table = new Table({ head: ['Side', 'Destination', 'Conns', 'Segs out', 'Retrans', 'Share', 'Lost', 'RTT ms', 'RTT var', 'Min rate'] })
  for (const r of shown) {
    const d = r.destination
    table.push([
      d.side,
      destinationLabel(d),
      String(d.sockets),
      String(d.segsOut),
      String(d.retrans),
      r.share === undefined ? '' : percent(r.share, 2),
      String(d.lost),
      r.rttMeanMs === undefined ? '' : r.rttMeanMs.toFixed(1),
      d.rttSockets ? d.rttVarMaxMs.toFixed(1) : '',
      d.deliveryRateMinBps === undefined ? '' : formatBits(d.deliveryRateMinBps),
    ])
  }
  const ungrouped = info.destinationsUngrouped ? ` (${info.destinationsUngrouped} sockets beyond the table's cap not shown)` : ''
  out.push(`Loss and RTT per destination over the connections' lives (ss -ti, ${rows.length} destinations, worst first)${ungrouped}`, rows.length ? table.toString() : '(no established socket)')
  if (more) out.push(more)
  out.push('')
  return out.join('\n')
}
