// `netdoc timewait`: socket states, who holds TIME_WAIT (per destination or listener, with side), CLOSE_WAIT by
// process. Drawn from the end sample of the census.
import type { Facts } from '../../model/check.js'
import { stateCount } from '../../derived/census.js'
import { Table } from '../layout.js'

const TOP = 10

export function timewaitView(facts: Facts): string {
  if (!facts.has('census')) return 'Socket census: not available\n'
  const c = facts.get('census')
  const out: string[] = []

  const states = new Table({ head: ['State', 'Sockets'] })
  for (const [s, n] of Object.entries(c.states).sort((a, b) => b[1] - a[1])) states.push([s, String(n)])
  out.push(`TCP sockets (${c.total}, from ${c.source})`, c.total ? states.toString() : '(no TCP socket)', '')

  const holders = [
    ...c.destinations.map((d) => ({ side: 'client', local: d.local, peer: d.remote, tw: stateCount(d.states, 'TIME-WAIT'), total: d.total })),
    ...c.listeners.map((l) => ({ side: 'server', local: l.local, peer: '(clients)', tw: stateCount(l.states, 'TIME-WAIT'), total: l.total })),
  ]
    .filter((h) => h.tw > 0)
    .sort((a, b) => b.tw - a.tw)
  const tw = new Table({ head: ['Side', 'Local', 'Remote', 'TIME-WAIT', 'All states'] })
  for (const h of holders.slice(0, TOP)) tw.push([h.side, h.local, h.peer, String(h.tw), String(h.total)])
  out.push(`TIME_WAIT by destination and listener (top ${Math.min(TOP, holders.length)} of ${holders.length})`, holders.length ? tw.toString() : '(none)', '')

  const cw = [...c.closeWait].sort((a, b) => b.count - a.count)
  const cwt = new Table({ head: ['Process', 'Side', 'Endpoint', 'CLOSE-WAIT'] })
  for (const g of cw.slice(0, TOP)) cwt.push([g.pid !== undefined ? `${g.process} (${g.pid})` : '?', g.side, g.local ?? g.remote ?? '', String(g.count)])
  out.push(`CLOSE_WAIT by process (top ${Math.min(TOP, cw.length)} of ${cw.length})`, cw.length ? cwt.toString() : '(none)', '')
  return out.join('\n')
}
