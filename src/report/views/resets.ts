// `netdoc resets`: the reset and abort counters with their causes (window growth and since-boot totals).
import Table from 'cli-table3'

import type { Facts } from '../../model/check.js'
import { readCauses } from '../../checks/reset-causes.js'
import { PLAIN_TABLE } from '../style.js'

export function resetsView(facts: Facts, windowSeconds: number): string {
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
