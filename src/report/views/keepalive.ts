// `netdoc keepalive`: the settings and the detection time, then per connection of the capture: probes, interval,
// answered, heartbeat period.
import { analysisOf } from '../../model/capture.js'
import type { Facts } from '../../model/check.js'
import { keepaliveSettings } from '../../derived/keepalive.js'
import { humanDuration, intervalSeconds, plural } from '../../derived/format.js'
import { capped, screenWidth, Table, wrap } from '../layout.js'

/** rows shown per table; the JSON report has them all */
const ROWS_SHOWN = 20

const secs = (s: number | undefined) => (s === undefined ? '' : intervalSeconds(s))

export function keepaliveView(facts: Facts, width = screenWidth()): string {
  const out: string[] = []
  const k = facts.has('sysctls') ? keepaliveSettings(facts.get('sysctls')) : undefined
  if (k) {
    const total = k.detectionSeconds
    out.push(...wrap(`Keepalive: time ${k.time} s · intvl ${k.intvl} s · probes ${k.probes} → a dead peer is detected after ${total} s = ${humanDuration(total)}`, width, '', '  '))
  } else out.push('Keepalive settings: not available')
  if (facts.has('keepaliveSockets')) {
    const ks = facts.get('keepaliveSockets')
    const { shown: groups, more } = capped([...ks.groups].sort((a, b) => b.without - a.without || b.with - a.with), ROWS_SHOWN, ['listener or destination', 'listeners and destinations'], 'with fewer sockets without keepalive')
    // the census's own counts: the groups below may come from the owners pass, read a moment later
    out.push(`Established sockets: ${ks.total}, ${ks.with} with keepalive, ${ks.total - ks.with} without`)
    if (groups.length) {
      const table = new Table({ head: ['Side', 'Listener / destination', 'Process', 'With keepalive', 'Without'] })
      for (const g of groups) table.push([g.side, (g.side === 'server' ? g.local : g.remote) ?? '', g.process ? `${g.process} (${g.pid})` : '', String(g.with), String(g.without)])
      out.push(table.toString())
      if (more) out.push(more)
    }
  }
  if (facts.has('capture')) {
    const cap = facts.get('capture')
    const beats = new Map(analysisOf(cap, 'heartbeat').map((h) => [`${h.client} ${h.server}`, h]))
    const rows = new Map<string, string[]>()
    for (const p of analysisOf(cap, 'keepalive')) {
      rows.set(`${p.client} ${p.server}`, [p.client, p.server, `${p.probes} (${p.by})`, secs(p.intervalSeconds), String(p.answered), String(p.unanswered), ''])
    }
    for (const [key, h] of beats) {
      const row = rows.get(key) ?? [h.client, h.server, '', '', '', '', '']
      row[6] = `${secs(h.periodSeconds)} · ${h.bytes} B ${h.pattern === 'request-response' ? 'request/reply' : 'one-way'}`
      rows.set(key, row)
    }
    const table = new Table({ head: ['Client', 'Server', 'Probes', 'Interval', 'Answered', 'Unanswered', 'Heartbeat'] })
    const { shown, more } = capped([...rows.values()], ROWS_SHOWN, 'connection', 'in the JSON report (--json)')
    for (const r of shown) table.push(r)
    out.push(`Capture: ${plural(cap.packets, 'packet')}, ${plural(cap.tcpSegments, 'TCP segment')}, ${plural(cap.connections, 'connection')}; ${rows.size} with keepalive probes or a heartbeat`)
    if (rows.size) out.push(table.toString())
    if (more) out.push(more)
  }
  return out.join('\n') + '\n'
}
