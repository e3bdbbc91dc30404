// `netdoc drops`: the receive path as one table, stage by stage in the order a packet meets them, each with its
// counters' growth over the window and the rate; the stages that dropped are marked (and bold in colour), the
// rest folded to one line each. Drawn from the same derivation drops.path judges (checks/support/receive-path.ts).
import type { Facts } from '../../model/check.js'
import { receivePath, STAGES, stageDrops, type StageRow } from '../../checks/support/receive-path.js'
import { visible } from '../escape.js'
import { capped, Table } from '../layout.js'
import { makeChalk } from '../style.js'

/** Rows per stage before "… N more": a host with a thousand veths still gets a readable view. */
const MAX_ROWS = 12

function subjectText(r: StageRow): string {
  const s = r.subject
  if (s.local) return visible(`${s.local}${s.process ? ` ${s.process}${s.pid ? `/${s.pid}` : ''}` : ''}`)
  return s.interface ? visible(s.interface) : ''
}

export async function dropsView(facts: Facts, windowSeconds: number, color: boolean): Promise<string> {
  const chalk = await makeChalk({ color })
  const w = windowSeconds
  const windowed = w > 0
  const rows = receivePath(facts, w)
  const table = new Table({ head: ['', 'Stage', 'Counter', 'Where', windowed ? 'Δ' : 'Total', windowed ? 'Rate/s' : '', 'Cause'] })
  const notes: string[] = []
  for (const stage of STAGES) {
    const mine = rows.filter((r) => r.stage === stage.id)
    const dropped = mine.filter((r) => r.status === 'dropped')
    const absent = mine.filter((r) => r.status === 'absent')
    const notRead = mine.filter((r) => r.status === 'not read')
    const quiet = mine.filter((r) => r.status === 'quiet')
    if (dropped.length) {
      const { shown, more } = capped(dropped, MAX_ROWS, `${stage.label} counters that dropped`)
      shown.forEach((r, i) => {
        const mark = i === 0 ? chalk.bold.red('▶') : ''
        const name = i === 0 ? chalk.bold(stage.label) : ''
        table.push([mark, name, r.counter, subjectText(r), String(windowed ? (r.delta ?? '?') : (r.value ?? '?')), windowed ? String(r.rate ?? '?') : '', r.cause])
      })
      if (more) notes.push(more)
    } else if (notRead.length && !quiet.length) {
      table.push(['', stage.label, notRead.map((r) => r.counter).join(', '), '', 'not read', '', notRead[0].cause])
    } else {
      const what = quiet.length === 1 && !quiet[0].subject.interface ? quiet[0].counter : `${quiet.length} counters`
      table.push(['', stage.label, what, '', windowed ? '0' : '0', windowed ? '0' : '', quiet.length === 1 && stage.id === 'socket' ? quiet[0].cause : 'no drop'])
    }
    if (absent.length) notes.push(`${stage.label}: absent on this kernel or driver (not 0): ${[...new Set(absent.map((r) => `${r.counter}${r.subject.interface ? ` (${visible(r.subject.interface)}${r.counter === 'ethtool -S' || r.counter.startsWith('(') ? `: ${r.cause}` : ''})` : ''}`))].join(', ')}`)
  }
  const total = STAGES.reduce((a, s) => a + stageDrops(rows.filter((r) => r.stage === s.id), w), 0)
  const head = `Receive path (${windowed ? `in the window of ${w.toFixed(1)} s` : 'since boot'}; NIC → socket): ${total ? `${total} dropped` : 'no drops'}`
  return `${head}\n${table.toString()}\n${notes.map((n) => `${n}\n`).join('')}`
}
