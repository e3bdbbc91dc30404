// Which established TCP sockets have a keepalive timer, from the `-o` column of `ss -tano` (misc/ss.c tcp_timer_print: the timer
// column is `timer:(keepalive,...)` only for sockets with SO_KEEPALIVE and nothing else pending). Aggregated per
// local listener (server side) or per process and destination (client side) as the lines stream by; per socket
// only a 53-bit id is kept, so the window can tell sockets present in both samples.
import type { EstablishedKeepalive, KeepaliveGroup } from '../model/facts.js'
import { parseTimer, type SsSocket } from '../parsers/ss.js'

/** A 53-bit id of a socket's "local peer" (two 32-bit FNV-1a hashes). */
export function socketId(local: string, peer: string): number {
  // the hash of `${local} ${peer}`, without building that string for every socket; Math.imul keeps 32 bits
  let a = 0x811c9dc5
  let b = 0x01000193
  for (let i = 0; i < local.length; i++) {
    const c = local.charCodeAt(i)
    a = Math.imul(a ^ c, 0x01000193)
    b = Math.imul(b ^ c, 0x5bd1e995)
  }
  a = Math.imul(a ^ 32, 0x01000193)
  b = Math.imul(b ^ 32, 0x5bd1e995)
  for (let i = 0; i < peer.length; i++) {
    const c = peer.charCodeAt(i)
    a = Math.imul(a ^ c, 0x01000193)
    b = Math.imul(b ^ c, 0x5bd1e995)
  }
  return (a >>> 0) * 2097152 + (b & 0x1fffff)
}

type Group = Omit<KeepaliveGroup, 'source'>

/** Aggregates established sockets as they stream by; which side a socket is on is the census's to say (census.ts). */
export class KeepaliveBuilder {
  /** the groups in the order their first socket came (given the read's source in result()) */
  private readonly groups: Group[] = []
  /** server-side groups by local endpoint (no key built per socket), client-side by process and peer */
  private readonly serverGroups = new Map<string, Group>()
  private readonly clientGroups = new Map<string, Group>()
  private readonly ids = new Set<number>()
  private total = 0
  private withTimer = 0

  /** `server`: the census found the socket's listener. Sockets not ESTAB are ignored. */
  add(s: SsSocket, server: boolean): void {
    if (s.state !== 'ESTAB') return
    this.total++
    const id = socketId(s.local, s.peer)
    this.ids.add(id)
    const p = s.processes[0]
    const byKey = server ? this.serverGroups : this.clientGroups
    const key = server ? s.local : `${p ? `${p.name}/${p.pid}` : '?'} ${s.peer}`
    let g = byKey.get(key)
    if (!g) {
      g = server ? { side: 'server', local: s.local, with: 0, without: 0, withoutIds: [] } : { side: 'client', remote: s.peer, with: 0, without: 0, withoutIds: [] }
      if (p) {
        g.process = p.name
        g.pid = p.pid
      }
      byKey.set(key, g)
      this.groups.push(g)
    }
    // most sockets have no keepalive timer: the substring rules them out before the timer's regex
    if (s.extra.includes('timer:(keepalive,') && parseTimer(s.extra)?.name === 'keepalive') {
      g.with++
      this.withTimer++
    } else {
      g.without++
      g.withoutIds.push(id)
    }
  }

  result(source: string): EstablishedKeepalive {
    return { source, total: this.total, with: this.withTimer, ids: this.ids, groups: this.groups.map((g) => ({ ...g, source })) }
  }
}
