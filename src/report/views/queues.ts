// `netdoc queues`: one row per listener with its accept queue at both samples and its drops.
import type { Facts } from '../../model/check.js'
import { joinListeners } from '../../derived/listeners.js'
import { Table } from '../layout.js'

export function queuesView(facts: Facts): string {
  if (!facts.has('listeners')) return 'Listeners: not available\n'
  const rows = [...joinListeners(facts)].sort((a, b) => b.peakFill - a.peakFill || (b.dropsDelta ?? 0) - (a.dropsDelta ?? 0) || a.last.port - b.last.port)
  const somaxconn = facts.has('sysctls') ? facts.get('sysctls').get('net.core.somaxconn') : undefined
  const synBacklog = facts.has('sysctls') ? facts.get('sysctls').get('net.ipv4.tcp_max_syn_backlog') : undefined
  const table = new Table({ head: ['Listener', 'Process', 'Accept queue', 'Limit', 'Fill', 'Drops (window)', 'Drops (total)'] })
  for (const w of rows) {
    const l = w.last
    const p = l.processes[0]
    table.push([
      l.local,
      p ? `${p.name} (${p.pid})` : '',
      String(w.peakRecvQ),
      l.sendQ === undefined ? '?' : String(l.sendQ),
      l.sendQ ? `${Math.round(w.peakFill * 100)} %${w.full ? ' FULL' : ''}` : '',
      w.dropsDelta === undefined ? '' : String(w.dropsDelta),
      l.drops === undefined ? '' : String(l.drops),
    ])
  }
  const head = `Listeners (${rows.length}) · net.core.somaxconn ${somaxconn ?? '?'} · net.ipv4.tcp_max_syn_backlog ${synBacklog ?? '?'}`
  return `${head}\n${rows.length ? table.toString() : '(no TCP listener)'}\n`
}
