// Who holds the listening sockets: SO_REUSEPORT groups (several sockets on one address and port, each its own
// accept queue) and the processes holding each socket (every holder of ss users:((...)) with /proc facts).
// Shared by queues.reuseport-imbalance, queues.inherited-listener and the queues view; computed once per run.
import type { Facts } from '../model/check.js'
import type { Listener, ListenerHolder, ProcessRef } from '../model/facts.js'
import { derived } from './cache.js'
import { joinListeners, type ListenerWindow } from './listeners.js'

export interface ReuseportGroup {
  local: string
  port: number
  members: ListenerWindow[]
}

/** Listeners sharing one address and port in this namespace: a SO_REUSEPORT group (ss shows one row per socket). */
export function reuseportGroups(facts: Facts): readonly ReuseportGroup[] {
  return derived(facts, 'reuseportGroups', () => reuseportGroupsOf(facts))
}

function reuseportGroupsOf(facts: Facts): ReuseportGroup[] {
  const byLocal = new Map<string, ListenerWindow[]>()
  for (const w of joinListeners(facts)) {
    const list = byLocal.get(w.local) ?? []
    list.push(w)
    byLocal.set(w.local, list)
  }
  return [...byLocal.entries()]
    .filter(([, members]) => members.length > 1)
    .map(([local, members]) => ({ local, port: members[0].last.port, members }))
    .sort((a, b) => a.port - b.port || a.local.localeCompare(b.local))
}

/** What kind of process a holder is, judged against the listener's other holders. */
export type HolderRole =
  /** the one that made it, or one of several alike: pre-forked workers of one executable */
  | 'server'
  /** pid 1 (systemd socket activation) holds listeners for good */
  | 'activation'
  /** a process of another executable than the server: the listener leaked into it through exec */
  | 'leaked'

export interface HeldListener {
  listener: Listener
  holders: Array<ProcessRef & { info?: ListenerHolder; role: HolderRole }>
  /** the server's executable name: the oldest holder's that is not pid 1 */
  server?: string
  /** two or more independent holders of the server's executable (a graceful upgrade in progress): its age in s */
  handoverSeconds?: number
  handover: boolean
}

// Programs that never serve a listener of their own: one that holds a listener got it through exec.
const NOT_SERVERS = new Set(['sleep', 'sh', 'bash', 'dash', 'ash', 'zsh', 'ksh', 'mksh', 'fish', 'tcsh', 'csh', 'busybox', 'cat', 'tail', 'tee', 'timeout', 'nohup', 'env', 'sudo', 'su', 'script', 'less', 'more', 'watch', 'xargs', 'find', 'logger', 'flock', 'setsid', 'true', 'false', 'wait', 'head', 'grep', 'sed', 'awk', 'mawk', 'gawk'])

export const isNotAServer = (name: string | undefined): boolean => name !== undefined && NOT_SERVERS.has(name)

/** Every listener at the end of the window with its holders and their roles. */
export function heldListeners(facts: Facts): readonly HeldListener[] {
  return derived(facts, 'heldListeners', () => heldListenersOf(facts))
}

function heldListenersOf(facts: Facts): HeldListener[] {
  const infos = new Map<string, ListenerHolder>()
  for (const h of facts.optional('listenerHolders') ?? []) infos.set(`${h.pid}/${h.fd}`, h)
  return facts.get('listeners').map((listener) => judge(listener, infos))
}

function judge(listener: Listener, infos: Map<string, ListenerHolder>): HeldListener {
  const holders = listener.processes.map((p) => ({ ...p, info: infos.get(`${p.pid}/${p.fd}`), role: 'server' as HolderRole }))
  const nameOf = (h: (typeof holders)[number]) => h.info?.name ?? h.name
  // The server is the oldest holder that is neither pid 1 nor a program that never serves.
  const candidates = holders.filter((h) => h.pid !== 1 && !isNotAServer(nameOf(h)))
  const oldest = [...candidates].sort((a, b) => (b.info?.ageSeconds ?? -1) - (a.info?.ageSeconds ?? -1) || a.pid - b.pid)[0]
  const server = oldest ? nameOf(oldest) : undefined
  for (const h of holders) {
    if (h.pid === 1) h.role = 'activation'
    else if (isNotAServer(nameOf(h)) || (server !== undefined && nameOf(h) !== server)) h.role = 'leaked'
  }
  // Leaders of the server's executable: a holder whose parent holds nothing here (a master), or one with
  // children that hold it (a new master under the old one: nginx USR2). Pre-forked workers are neither.
  const pids = new Set(holders.map((h) => h.pid))
  const leaders = holders.filter((h) => h.role === 'server' && h.info?.ppid !== undefined && (!pids.has(h.info.ppid) || (h.info.children ?? []).some((c) => pids.has(c))))
  const out: HeldListener = { listener, holders, server, handover: leaders.length > 1 }
  if (out.handover) {
    const ages = leaders.map((h) => h.info?.ageSeconds).filter((a): a is number => a !== undefined)
    if (ages.length) out.handoverSeconds = Math.min(...ages)
  }
  return out
}
