// `netdoc congestion`: the congestion control in effect (configured, available, what sockets use), slow start
// after idle, and loss and RTT per destination from the live sockets (the tcpInfo fact), worst first; with a
// capture, the connections of each server endpoint (congestion.flows analysis), worst first.
import { analysisOf } from '../../model/capture.js'
import type { CheckOptions, Facts } from '../../model/check.js'
import type { ConnectionPath, ServerPaths } from '../../model/paths.js'
import { destinationLabel, destinationLosses } from '../../derived/congestion.js'
import { formatBits, percent, plural } from '../../derived/format.js'
import { capped, screenWidth, Table, wrap } from '../layout.js'

/** connections shown per server endpoint (the JSON report has up to --max-details) */
const ROWS_SHOWN = 10

export function congestionView(facts: Facts, options: CheckOptions): string {
  const out: string[] = []
  if (facts.has('capture')) out.push(connectionsView(analysisOf(facts.get('capture'), 'congestion'), Math.min(ROWS_SHOWN, options.maxDetails)))
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

  if (!info) return out.concat('Loss and RTT per destination: the established sockets could not be read', '').join('\n')
  const rows = destinationLosses(facts)
  const { shown, more } = capped(rows, options.maxDetails, 'destination')
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
  const ungrouped = info.destinationsUngrouped ? ` (${plural(info.destinationsUngrouped, 'socket')} beyond the table's cap not shown)` : ''
  const heading = `Loss and RTT per destination over the connections' lives (${info.source}, ${plural(rows.length, 'destination')}, worst first)${ungrouped}`
  out.push(...wrap(heading, screenWidth(), '', '  '), rows.length ? table.toString() : '(no established socket)')
  if (more) out.push(more)
  out.push('')
  return out.join('\n')
}

const msText = (v: number | undefined) => (v === undefined ? '' : v < 10 ? String(+v.toFixed(2)) : String(Math.round(v)))

const SIDE: Record<ServerPaths['captureSide'], string> = {
  client: 'captured near the client',
  server: 'captured near the server',
  between: 'captured between client and server',
  unknown: 'capture side not told',
}

/** Per server endpoint: one line of totals, then its worst connections. */
function connectionsView(servers: ServerPaths[], rowsShown: number): string {
  const lines = [`Connections in the capture by server endpoint (${servers.length}), worst first`]
  if (servers.length === 0) return lines.concat('(no TCP connection)', '').join('\n')
  for (const s of servers) {
    const rtt = s.rttMs ? `, RTT p50 ${msText(s.rttMs.p50)} ms p95 ${msText(s.rttMs.p95)} ms` : ''
    const zw = s.zeroWindowSeconds > 0 ? `, zero window ${s.zeroWindowSeconds.toFixed(1)} s` : ''
    const summary = `${s.server}: ${plural(s.connections, 'conn')}, ${s.retransmissions} of ${plural(s.dataSegments, 'data segment')} retransmitted (${s.spurious} spurious), ${percent(s.lossShare, 1)} of the bytes lost${rtt}${zw}; ${SIDE[s.captureSide]}`
    lines.push(...wrap(summary, screenWidth(), '', '  '))
    const { shown, more } = capped(s.rows, rowsShown, 'connection', 'in the JSON report (--json, --max-details)')
    const table = new Table({ head: ['Client', 'RTT p50/p95/max', 'SYN/ACK ms', 'Retr/spur', 'Lost', 'Fast/RTO', 'Zero win', 'Limited by'] })
    for (const r of shown) table.push(connectionRow(r))
    if (shown.length) lines.push(table.toString())
    if (more) lines.push(more)
  }
  lines.push('')
  return lines.join('\n')
}

/** One connection, compact (RTT in ms; the handshake split SYN→SYN-ACK/SYN-ACK→ACK; min, dup ACKs, window-full in the JSON) */
function connectionRow(r: ConnectionPath): string[] {
  const rtt = r.rttMs ? [r.rttMs.p50, r.rttMs.p95, r.rttMs.max].map(msText).join('/') : ''
  const hs = r.handshakeMs ? `${msText(r.handshakeMs.synToSynAck)}/${msText(r.handshakeMs.synAckToAck)}` : r.midstream ? 'midstream' : ''
  return [
    r.client,
    rtt,
    hs,
    `${r.retransmissions}/${r.spurious}`,
    percent(r.lossShare, 1),
    `${r.fastRetransmits}/${r.timeoutRetransmits}`,
    r.zeroWindowSeconds > 0 ? `${r.zeroWindowSeconds.toFixed(1)} s` : '',
    r.limitedBy ?? '',
  ]
}
