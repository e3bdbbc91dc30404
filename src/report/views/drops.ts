// `netdoc drops`: the receive path as one table, stage by stage in the order a packet meets them, each with its
// counters' growth over the window and the rate; the stages that dropped are marked (and bold in colour) with the
// cause of each counter under the table, the quiet ones folded to one line each. Drawn from the same derivation
// drops.path judges (checks/support/receive-path.ts); the verdicts are the findings printed below it.
import type { Facts } from '../../model/check.js'
import { plural } from '../../derived/format.js'
import { pathDrops, receivePath, STAGES, type StageRow } from '../../derived/receive-path.js'
import { visible } from '../escape.js'
import { capped, screenWidth, Table, wrap } from '../layout.js'
import { makeChalk } from '../style.js'

/** Rows per stage before "… N more": a host with a thousand veths still gets a readable view. */
const MAX_ROWS = 12

function subjectText(r: StageRow): string {
  const s = r.subject
  if (s.local) return visible(`${s.local}${s.process ? ` ${s.process}${s.pid ? `/${s.pid}` : ''}` : ''}`)
  return s.interface ? visible(s.interface) : ''
}

export async function dropsView(facts: Facts, windowSeconds: number, color = false): Promise<string> {
  const chalk = await makeChalk({ color })
  const width = screenWidth()
  const w = windowSeconds
  const windowed = w > 0
  const rows = receivePath(facts, w)
  const table = new Table({ head: ['', 'Stage', 'Counter', 'Where', windowed ? 'Δ' : 'Total', windowed ? 'Rate/s' : '', 'State'] })
  const causes: string[] = [] // 'included': a counter already counted in another row of its stage (ListenOverflows in ListenDrops)
  const notes: string[] = []
  for (const stage of STAGES) {
    const mine = rows.filter((r) => r.stage === stage.id)
    const dropped = mine.filter((r) => r.status === 'dropped')
    const absent = mine.filter((r) => r.status === 'absent')
    const notRead = mine.filter((r) => r.status === 'not read')
    const quiet = mine.filter((r) => r.status === 'quiet')
    if (dropped.length) {
      const { shown, more } = capped(dropped, MAX_ROWS, `${stage.label} counter`, 'that dropped')
      shown.forEach((r, i) => {
        table.push([i === 0 ? chalk.bold.red('▶') : '', i === 0 ? chalk.bold(stage.label) : '', r.counter, subjectText(r), String(windowed ? (r.delta ?? '?') : (r.value ?? '?')), windowed ? (r.rate === undefined ? '?' : String(+r.rate.toFixed(1))) : '', r.partOf ? 'included' : 'dropped'])
        causes.push(...wrap(`${r.counter}${subjectText(r) ? ` (${subjectText(r)})` : ''}: ${r.cause}`, width, `  ${stage.label}: `, '    '))
      })
      if (more) notes.push(more)
    } else if (notRead.length && !quiet.length) {
      table.push(['', stage.label, notRead.map((r) => r.counter).join(', '), '', '', '', 'not read'])
      notes.push(`${stage.label} not read: ${notRead[0].cause}`)
    } else if (!quiet.length && absent.length) {
      table.push(['', stage.label, plural(absent.length, 'counter'), '', '', '', 'absent'])
    } else {
      const what = quiet.length === 1 && !quiet[0].subject.interface ? quiet[0].counter : plural(quiet.length, 'counter')
      table.push(['', stage.label, what, '', '0', windowed ? '0' : '', 'quiet'])
    }
    if (absent.length) {
      const names = [...new Set(absent.map((r) => (r.subject.interface ? `${visible(r.subject.interface)} ${r.counter}` : r.counter)))]
      notes.push(`${stage.label}: absent on this kernel or driver (not 0): ${names.join(', ')}`)
    }
  }
  const total = pathDrops(rows, w)
  const head = `Receive path, NIC to socket (${windowed ? `in the window of ${w.toFixed(1)} s` : 'since boot'}): ${total ? `${plural(total, 'packet')} dropped` : 'no drops'}`
  const body = [head, table.toString()]
  if (causes.length) body.push('Why each counter grows:', ...causes)
  for (const n of notes) body.push(...wrap(n, width))
  return body.join('\n') + '\n'
}
