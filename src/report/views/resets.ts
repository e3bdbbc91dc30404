// `netdoc resets`: the reset and abort counters with their causes (window growth and since-boot totals); with a
// capture, a table per server endpoint: its connection ends counted, then its abnormal connections.
import Table from 'cli-table3'

import type { Facts } from '../../model/check.js'
import { CONNECTION_ENDS, type ServerCloses } from '../../model/closes.js'
import { readCauses } from '../../checks/support/reset-causes.js'
import { isAbnormal } from '../../capture/analyses/closes.js'
import { PLAIN_TABLE } from '../style.js'

/** abnormal rows shown per server endpoint (the JSON report has up to --max-details) */
const ROWS_SHOWN = 20

export function resetsView(facts: Facts, windowSeconds: number): string {
  const out = [countersView(facts, windowSeconds)]
  if (facts.has('capture')) out.push(...facts.get('capture').analyses.closes.map(serverView))
  return out.join('\n')
}

function countersView(facts: Facts, windowSeconds: number): string {
  if (!facts.has('counters')) return 'Reset counters: not available\n'
  const causes = readCauses(facts, windowSeconds)
  const windowed = windowSeconds > 0
  const head = ['Counter', 'Since boot', ...(windowed ? ['Window', 'Rate'] : []), 'Cause']
  const table = new Table({ head, ...PLAIN_TABLE })
  for (const c of causes) {
    const d = c.reading.delta
    const window = windowed ? [d === undefined ? '?' : `+${d}`, d === undefined ? '' : `${(d / windowSeconds).toFixed(1)}/s`] : []
    table.push([c.cause.short, String(c.reading.value), ...window, c.cause.cause.split(':')[0]])
  }
  const title = `How connections ended abortively${windowed ? ` (window ${windowSeconds.toFixed(1)} s)` : ' (since boot)'}`
  return `${title}\n${causes.length ? table.toString() : '(this kernel has none of the reset counters)'}\n`
}

const clock = (ts: number) => new Date(ts * 1000).toISOString().slice(11, 23)

function serverView(s: ServerCloses): string {
  const counts = CONNECTION_ENDS.filter((e) => s.counts[e] > 0).map((e) => `${e} ${s.counts[e]}`)
  const abnormal = s.rows.filter((r) => isAbnormal(r.end))
  const lines = [`Server ${s.server}: ${counts.join(', ')}`]
  if (abnormal.length) {
    const table = new Table({ head: ['Client', 'End', 'By', 'Unanswered', 'When (UTC)', 'Packets'], ...PLAIN_TABLE })
    for (const r of abnormal.slice(0, ROWS_SHOWN)) {
      const when = r.end === 'timeout' && r.synRetransmissions ? `${clock(r.firstSeen)} (${r.synRetransmissions + 1} SYNs)` : clock(r.lastSeen)
      table.push([r.client, r.midstream ? `${r.end} (midstream)` : r.end, r.by ?? '', r.unanswered === undefined ? '' : r.unanswered ? 'yes' : 'no', when, String(r.packets)])
    }
    lines.push(table.toString())
    const more = abnormal.length - ROWS_SHOWN
    if (more > 0) lines.push(`… ${more} more abnormal connections in the JSON report (--json, --max-details)`)
  }
  return lines.join('\n') + '\n'
}
