// The socket census: one pass over a TCP socket table (ss -tano, or /proc/net/tcp*), aggregated as it is read.
// Memory grows with distinct destinations, listeners and processes, never with the number of sockets.
// "Side" (CONTRACT.md): a socket whose local port is a listening port on its address (or the wildcard) is server
// side; every other socket holds an ephemeral port and is client side.
import type { CloseWaitGroup, DestinationCensus, ListenerCensus, ListeningSocket, ProcessRef, SocketCensus, SocketOwner, StateCounts } from '../model/facts.js'
import { formatEndpoint, splitEndpoint, unmapAddress } from '../parsers/address.js'
import { eachSs, type SsSocket } from '../parsers/ss.js'
import { KeepaliveBuilder } from './keepalive.js'

/** What the census needs of one socket; both parseSs and parseProcNetTcp give it. */
export interface CensusSocket {
  state: string
  local: string
  /** ss calls it peer, /proc/net/tcp remote */
  peer: string
  processes: ProcessRef[]
}

/** Beyond this many client-side destinations the rest are only counted (a table of unrelated peers cannot grow memory). */
export const MAX_DESTINATIONS = 100_000

/** 127.0.0.1%lo → 127.0.0.1, ::ffff:10.0.0.1 → 10.0.0.1; wildcards stay as written (0.0.0.0, ::, *). */
function plainAddress(address: string): string {
  if (address === '') return '*'
  const a = address.includes('%') ? address.slice(0, address.indexOf('%')) : address
  return a.startsWith('::ffff:') ? unmapAddress(a) : a
}

/** A peer as ss writes it, with an IPv4-mapped address unmapped ([::ffff:10.0.0.2]:80 → 10.0.0.2:80). */
function plainPeer(peer: string): string {
  if (!peer.startsWith('[::ffff:')) return peer
  const p = splitEndpoint(peer)
  return formatEndpoint(unmapAddress(p.address), p.port)
}

const bump = (states: StateCounts, state: string) => {
  states[state] = (states[state] ?? 0) + 1
}

export class CensusBuilder {
  private total = 0
  private ungrouped = 0
  private readonly states: StateCounts = {}
  /** port → address ('*' for a wildcard) → the listener as ss writes it */
  private readonly listenPorts = new Map<number, Map<string, string>>()
  /** client-side groups in the order they came, and found by local address then peer (no key string per socket) */
  private readonly destinations: DestinationCensus[] = []
  private readonly destinationsBy = new Map<string, Map<string, DestinationCensus>>()
  private readonly listeners = new Map<string, ListenerCensus>()
  private readonly closeWait = new Map<string, CloseWaitGroup>()
  private readonly owners = new Map<number, SocketOwner>()
  /** the process of each listener, from its LISTEN line */
  private readonly listenerOwners = new Map<string, ProcessRef>()

  /**
   * Sockets follow their listener in one pass: ss (inet_diag) and /proc/net/tcp* list a family's listening table
   * before its established table, and the clients of a dual-stack IPv6 listener are IPv6 (mapped) sockets. Tests
   * may seed listeners here.
   */
  constructor(listening: Iterable<string> = []) {
    for (const l of listening) this.addListening(l)
  }

  private addListening(local: string): void {
    const { address, port } = splitEndpoint(local)
    if (!Number.isFinite(port)) return
    let byAddr = this.listenPorts.get(port)
    if (!byAddr) this.listenPorts.set(port, (byAddr = new Map()))
    const a = plainAddress(address)
    if (!byAddr.has(a)) byAddr.set(a, local)
  }

  /**
   * The listener whose port this local endpoint is, or undefined for a client-side (ephemeral) port. ss writes a
   * dual-stack IPv6 wildcard as `*` and an IPv6-only one as `[::]`; /proc writes both as `[::]`, and the IPv4
   * clients of a dual-stack listener as mapped addresses (unmapped here), so `::` also serves IPv4.
   */
  private listenerOf(address: string, port: number): string | undefined {
    const byAddr = this.listenPorts.get(port)
    if (!byAddr) return undefined
    const v4 = !address.includes(':')
    return byAddr.get(address) ?? byAddr.get('*') ?? byAddr.get('::') ?? (v4 ? byAddr.get('0.0.0.0') : undefined)
  }

  /** Counts one socket; says which side it is on (undefined for a listening socket): the one rule for "side". */
  add(s: CensusSocket): 'server' | 'client' | undefined {
    this.total++
    bump(this.states, s.state)
    const owner = s.processes[0]
    if (owner) {
      const o = this.owners.get(owner.pid)
      if (o) o.sockets++
      else this.owners.set(owner.pid, { pid: owner.pid, name: owner.name, sockets: 1 })
    }
    if (s.state === 'LISTEN') {
      this.addListening(s.local)
      if (owner) this.listenerOwners.set(s.local, owner)
      return undefined
    }
    const local = splitEndpoint(s.local)
    const address = plainAddress(local.address)
    const listener = this.listenerOf(address, local.port)
    if (listener !== undefined) {
      let g = this.listeners.get(listener)
      if (!g) this.listeners.set(listener, (g = { local: listener, states: {}, total: 0 }))
      g.total++
      bump(g.states, s.state)
    } else {
      const remote = plainPeer(s.peer)
      let byRemote = this.destinationsBy.get(address)
      if (!byRemote) this.destinationsBy.set(address, (byRemote = new Map()))
      let d = byRemote.get(remote)
      if (!d) {
        if (this.destinations.length >= MAX_DESTINATIONS) this.ungrouped++
        else {
          d = { local: address, remote, states: {}, total: 0 }
          byRemote.set(remote, d)
          this.destinations.push(d)
        }
      }
      if (d) {
        d.total++
        bump(d.states, s.state)
      }
    }
    if (s.state === 'CLOSE-WAIT') this.addCloseWait(s, listener !== undefined, owner)
    return listener !== undefined ? 'server' : 'client'
  }

  private addCloseWait(s: CensusSocket, server: boolean, owner: ProcessRef | undefined): void {
    const where = server ? s.local : plainPeer(s.peer)
    const key = `${server ? 's' : 'c'}|${where}|${owner?.pid ?? ''}`
    const g = this.closeWait.get(key)
    if (g) {
      g.count++
      return
    }
    const group: CloseWaitGroup = server ? { side: 'server', local: where, count: 1 } : { side: 'client', remote: where, count: 1 }
    if (owner) {
      group.pid = owner.pid
      group.process = owner.name
    }
    this.closeWait.set(key, group)
  }

  result(source: string): SocketCensus {
    const listening: ListeningSocket[] = []
    for (const [port, byAddr] of this.listenPorts) {
      for (const local of byAddr.values()) {
        const p = this.listenerOwners.get(local)
        listening.push(p ? { local, port, pid: p.pid, process: p.name } : { local, port })
      }
    }
    return {
      source,
      total: this.total,
      states: this.states,
      destinations: [...this.destinations],
      listeners: [...this.listeners.values()].map((l) => {
        const p = this.listenerOwners.get(l.local)
        return p ? { ...l, pid: p.pid, process: p.name } : l
      }),
      closeWait: [...this.closeWait.values()],
      listening,
      owners: [...this.owners.values()],
      ungrouped: this.ungrouped,
    }
  }
}

/** Aggregates a stream of sockets (sync or async) into a census. */
export async function censusOf(sockets: AsyncIterable<CensusSocket> | Iterable<CensusSocket>, source: string, listening: Iterable<string> = []): Promise<SocketCensus> {
  const b = new CensusBuilder(listening)
  for await (const s of sockets) b.add(s)
  return b.result(source)
}

/**
 * The census of `ss -tano` and the keepalive timers of its established sockets, in one pass (one ss per sample,
 * not two), each socket's side decided once, by the census. The owners pass (probes/owners.ts) uses it too.
 */
export async function censusWithKeepalive(sockets: AsyncIterable<SsSocket> | Iterable<SsSocket>, source: string, listening: Iterable<string> = []): Promise<SocketCensus> {
  const b = new CensusBuilder(listening)
  const keepalive = new KeepaliveBuilder()
  for await (const s of sockets) {
    const side = b.add(s)
    if (side) keepalive.add(s, side === 'server')
  }
  return { ...b.result(source), keepalive: keepalive.result() }
}

/**
 * censusWithKeepalive straight from ss lines: each socket folded as its line is parsed, without a generator
 * between (a promise per socket was a sixth of the census's time on 60 000 sockets). Lines may come in batches
 * (Source.lineBatches: an await per batch). `keep` filters sockets.
 */
export async function censusOfSsLines(lines: AsyncIterable<string | string[]> | Iterable<string | string[]>, source: string, opts: { listening?: Iterable<string>; keep?: (s: SsSocket) => boolean; impliedState?: string } = {}): Promise<SocketCensus> {
  const b = new CensusBuilder(opts.listening)
  const keepalive = new KeepaliveBuilder()
  const keep = opts.keep
  await eachSs(
    lines,
    (s) => {
      if (keep && !keep(s)) return
      const side = b.add(s)
      if (side) keepalive.add(s, side === 'server')
    },
    opts.impliedState,
  )
  return { ...b.result(source), keepalive: keepalive.result() }
}
