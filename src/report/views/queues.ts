// `netdoc queues`: one row per listener with its accept queue at both samples and its drops; SO_REUSEPORT groups
// member by member; who holds each listener (every holder, close-on-exec, age).
import type { Facts } from '../../model/check.js'
import { joinListeners } from '../../derived/listeners.js'
import { heldListeners, reuseportGroups, type HeldListener } from '../../derived/listener-topology.js'
import { capped, Table } from '../layout.js'

const MAX_HOLDER_ROWS = 20

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
  const out = [head, rows.length ? table.toString() : '(no TCP listener)', '']

  const groups = reuseportGroups(facts)
  if (groups.length) {
    const gt = new Table({ head: ['SO_REUSEPORT group', 'Member', 'Accept queue', 'Limit', 'Drops (window)'] })
    for (const g of groups) {
      g.members.forEach((m, i) => {
        const p = m.last.processes[0]
        gt.push([i === 0 ? `${g.local} (${g.members.length})` : '', p ? `${p.name} (${p.pid})` : `#${i + 1}`, String(m.peakRecvQ), m.last.sendQ === undefined ? '?' : String(m.last.sendQ), m.dropsDelta === undefined ? '' : String(m.dropsDelta)])
      })
    }
    out.push(`SO_REUSEPORT groups (${groups.length}): one accept queue per member`, gt.toString(), '')
  }

  const held = heldListeners(facts).filter((h) => h.holders.length > 0)
  if (held.length) {
    // Listeners with something to see first: a leaked holder, then several holders.
    const rank = (h: HeldListener) => (h.holders.some((x) => x.role === 'leaked') ? 0 : h.handover ? 1 : h.holders.length > 1 ? 2 : 3)
    const { shown, more } = capped([...held].sort((a, b) => rank(a) - rank(b) || a.listener.port - b.listener.port), MAX_HOLDER_ROWS, 'listener')
    const ht = new Table({ head: ['Listener', 'Holders (name pid/fd role)', 'Close-on-exec', 'Oldest'] })
    for (const h of shown) {
      const names = h.holders.map((x) => `${x.info?.name ?? x.name} ${x.pid}/${x.fd ?? '?'}${x.role === 'server' ? '' : ` ${x.role}`}`)
      const flags = new Set(h.holders.map((x) => (x.info?.cloexec === undefined ? '?' : x.info.cloexec ? 'yes' : 'no')))
      const ages = h.holders.map((x) => x.info?.ageSeconds).filter((a): a is number => a !== undefined)
      ht.push([h.listener.local, names.slice(0, 4).join(', ') + (names.length > 4 ? ` (+${names.length - 4})` : ''), [...flags].join('/'), ages.length ? `${Math.max(...ages)} s` : '?'])
    }
    out.push(`Holders of each listener${handoverNote(held)}`, ht.toString(), ...(more ? [more] : []), '')
  }
  return out.join('\n')
}

const handoverNote = (held: HeldListener[]) => (held.some((h) => h.handover) ? ' (a handover between two generations is in progress)' : '')
