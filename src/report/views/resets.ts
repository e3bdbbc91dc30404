// `netdoc resets`: the reset and abort counters with their causes (window growth and since-boot totals); with a
// capture, the connection ends counted per server endpoint and one table of the abnormal connections.
import { analysisOf } from '../../model/capture.js'
import type { Facts } from '../../model/check.js'
import { CONNECTION_ENDS, type ServerCloses } from '../../model/closes.js'
import { plural } from '../../derived/format.js'
import { readCauses } from '../../derived/reset-causes.js'
import { isAbnormal } from '../../capture/analyses/closes.js'
import { capped, foldZeros, Table } from '../layout.js'

/** abnormal rows shown (the JSON report has up to --max-details per server) */
const ROWS_SHOWN = 20

export function resetsView(facts: Facts, windowSeconds: number): string {
  const out = [countersView(facts, windowSeconds)]
  if (facts.has('capture')) out.push(connectionsView(analysisOf(facts.get('capture'), 'closes')))
  return out.join('\n')
}

function countersView(facts: Facts, windowSeconds: number): string {
  if (!facts.has('counters')) return 'Reset counters: not available\n'
  const causes = readCauses(facts, windowSeconds)
  const windowed = windowSeconds > 0
  const title = `How connections ended abortively${windowed ? ` (window ${windowSeconds.toFixed(1)} s)` : ' (since boot)'}`
  if (!causes.length) return `${title}\n(this kernel has none of the reset counters)\n`
  // Counters that never moved say so in one line; the table keeps those with something to say.
  const { shown, zero } = foldZeros(causes, (c) => c.reading.value === 0 && !c.reading.delta)
  const head = ['Counter', 'Since boot', ...(windowed ? ['Window', 'Rate'] : []), 'Cause']
  const table = new Table({ head })
  for (const c of shown) {
    const d = c.reading.delta
    const window = windowed ? [d === undefined ? '?' : `+${d}`, d === undefined ? '' : `${(d / windowSeconds).toFixed(1)}/s`] : []
    table.push([c.cause.short, String(c.reading.value), ...window, c.cause.cause.split(':')[0]])
  }
  const lines = [title]
  if (shown.length) lines.push(table.toString())
  if (zero.length) lines.push(`zero since boot: ${zero.map((c) => c.cause.short).join(', ')}`)
  return lines.join('\n') + '\n'
}

const clock = (ts: number) => new Date(ts * 1000).toISOString().slice(11, 23)

/** One table for the whole capture: a line of counts per server, then its abnormal connections, capped. */
function connectionsView(servers: ServerCloses[]): string {
  const lines = [`Connection ends in the capture (${plural(servers.length, 'server endpoint')})`]
  for (const s of servers) lines.push(`  ${s.server}: ${CONNECTION_ENDS.filter((e) => s.counts[e] > 0).map((e) => `${e} ${s.counts[e]}`).join(', ')}`)
  const abnormal = servers.flatMap((s) => s.rows.filter((r) => isAbnormal(r.end)).map((r) => ({ server: s.server, r })))
  if (abnormal.length) {
    const { shown, more } = capped(abnormal, ROWS_SHOWN, 'abnormal connection', 'in the JSON report (--json, --max-details)')
    const table = new Table({ head: ['Server', 'Client', 'End', 'By', 'Unanswered', 'When (UTC)', 'Packets'] })
    for (const { server, r } of shown) {
      const when = r.end === 'timeout' && r.synRetransmissions ? `${clock(r.firstSeen)} (${plural(r.synRetransmissions + 1, 'SYN')})` : clock(r.lastSeen)
      table.push([server, r.client, r.midstream ? `${r.end} (midstream)` : r.end, r.by ?? '', r.unanswered === undefined ? '' : r.unanswered ? 'yes' : 'no', when, String(r.packets)])
    }
    lines.push(table.toString())
    if (more) lines.push(more)
  }
  return lines.join('\n') + '\n'
}
