// The census joined with an attribution pass (src/probes/owners.ts): the owners of the states that pass read,
// put where the census had none. A group the pass replaced carries the pass's counts and names the pass as its
// `source`; every other group keeps the census's counts and source, also one whose sockets the pass names no
// process for either (connections still in an accept queue): replacing it would change only where its count came from.
import type { OwnedState } from '../model/check.js'
import type { CloseWaitGroup, KeepaliveGroup, SocketCensus } from '../model/facts.js'

const endpoint = (g: CloseWaitGroup): string => `${g.side}|${g.local ?? g.remote}`
const keepaliveKey = (g: KeepaliveGroup): string => `${g.side}|${g.side === 'server' ? g.local : g.remote}`

function groupBy<T>(items: T[], key: (t: T) => string): Map<string, T[]> {
  const out = new Map<string, T[]>()
  for (const t of items) {
    const k = key(t)
    const list = out.get(k)
    if (list) list.push(t)
    else out.set(k, [t])
  }
  return out
}

/** What stands for a census group: the pass's groups of its key when it has no process and one of those names one; else itself. */
function replacement<G extends { pid?: number }>(group: G, passGroups: G[] | undefined): G[] {
  return group.pid === undefined && passGroups?.some((p) => p.pid !== undefined) ? passGroups : [group]
}

/**
 * `listening`: each listener's process. `close-wait`: a CLOSE_WAIT group without a process becomes the owned
 * pass's groups of its endpoint, one per process, when the pass names one (their counts are the pass's, read a
 * moment later; the check bounds them by the census's). `established`: keepalive groups without a process
 * likewise (per listener endpoint, or per process and destination).
 */
export function withOwners(census: SocketCensus, owned: SocketCensus, states: readonly OwnedState[]): SocketCensus {
  const out: SocketCensus = { ...census, attributed: { source: owned.source, states: [...states] } }
  if (states.includes('listening')) {
    const owner = new Map(owned.listening.filter((l) => l.pid !== undefined).map((l) => [l.local, { pid: l.pid!, process: l.process }]))
    out.listening = census.listening.map((l) => (l.pid === undefined && owner.has(l.local) ? { ...l, ...owner.get(l.local) } : l))
    out.listeners = census.listeners.map((l) => (l.pid === undefined && owner.has(l.local) ? { ...l, ...owner.get(l.local) } : l))
  }
  if (states.includes('close-wait')) {
    const byEndpoint = groupBy(owned.closeWait, endpoint)
    out.closeWait = census.closeWait.flatMap((g) => replacement(g, byEndpoint.get(endpoint(g))))
  }
  if (states.includes('established') && census.keepalive && owned.keepalive) {
    const byGroup = groupBy(owned.keepalive.groups, keepaliveKey)
    const groups: KeepaliveGroup[] = census.keepalive.groups.flatMap((g) => replacement(g, byGroup.get(keepaliveKey(g))))
    out.keepalive = { ...census.keepalive, groups }
  }
  return out
}
