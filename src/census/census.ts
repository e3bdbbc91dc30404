// The socket census: one pass over a TCP socket table (ss -tano, or /proc/net/tcp*), aggregated as it is read.
// Memory grows with distinct destinations, listeners and processes, never with the number of sockets.
// "Side" (CONTRACT.md): a socket whose local port is a listening port on its address (or the wildcard) is server
// side; every other socket holds an ephemeral port and is client side.
import type { CloseWaitGroup, DestinationCensus, ListenerCensus, ListeningSocket, ProcessRef, SocketCensus, SocketOwner, StateCounts } from '../model/facts.js'
import { formatEndpoint, splitEndpoint, unmapAddress } from '../parsers/address.js'
import { eachSs, type SsSocket, type TimeWaitSink } from '../parsers/ss.js'
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

/**
 * The counts per state of one group, by state number (the builder numbers the states it sees): one array slot
 * per state instead of a property per state name, which kept V8 recompiling the census while it ran. The
 * states come out in the order first seen, as a StateCounts object would hold them.
 */
class Tally {
  total = 0
  private readonly counts: number[] = []
  private readonly order: number[] = []

  add(state: number): void {
    this.total++
    while (this.counts.length <= state) this.counts.push(0)
    if (this.counts[state]++ === 0) this.order.push(state)
  }

  states(names: readonly string[]): StateCounts {
    const out: StateCounts = {}
    for (const i of this.order) out[names[i]] = this.counts[i]
    return out
  }
}

interface Destination {
  local: string
  remote: string
  tally: Tally
}

export class CensusBuilder implements TimeWaitSink {
  private ungrouped = 0
  /** every state name seen, numbered in the order first seen */
  private readonly stateNames: string[] = []
  private readonly stateIds = new Map<string, number>()
  private readonly timeWait = this.stateId('TIME-WAIT')
  private readonly all = new Tally()
  /** port → address ('*' for a wildcard) → the listener as ss writes it */
  private readonly listenPorts = new Map<number, Map<string, string>>()
  /** client-side groups in the order they came, and found by local address then peer (no key string per socket) */
  private readonly destinations: Destination[] = []
  private readonly destinationsBy = new Map<string, Map<string, Destination>>()
  /** server-side groups by listener, in the order they came */
  private readonly listeners = new Map<string, Tally>()
  /** CLOSE_WAIT groups, given the read's source in result() */
  private readonly closeWait = new Map<string, Omit<CloseWaitGroup, 'source'>>()
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

  private stateId(state: string): number {
    let id = this.stateIds.get(state)
    if (id === undefined) {
      id = this.stateNames.length
      this.stateNames.push(state)
      this.stateIds.set(state, id)
    }
    return id
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
    const state = this.stateId(s.state)
    this.all.add(state)
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
    const listener = this.group(state, s.local, s.peer)
    if (s.state === 'CLOSE-WAIT') this.addCloseWait(s, listener !== undefined, owner)
    return listener !== undefined ? 'server' : 'client'
  }

  /** A TIME-WAIT socket by its two ends (no process owns one): what `add` does with it, without a socket object. */
  addTimeWait(local: string, peer: string): void {
    this.all.add(this.timeWait)
    this.group(this.timeWait, local, peer)
  }

  /** Counts a socket that is not listening in its listener's group (server side, returned) or its destination's. */
  private group(state: number, localEnd: string, peer: string): string | undefined {
    const local = splitEndpoint(localEnd)
    const address = plainAddress(local.address)
    const listener = this.listenerOf(address, local.port)
    if (listener !== undefined) {
      let g = this.listeners.get(listener)
      if (!g) this.listeners.set(listener, (g = new Tally()))
      g.add(state)
      return listener
    }
    const remote = plainPeer(peer)
    let byRemote = this.destinationsBy.get(address)
    if (!byRemote) this.destinationsBy.set(address, (byRemote = new Map()))
    let d = byRemote.get(remote)
    if (!d) {
      if (this.destinations.length >= MAX_DESTINATIONS) {
        this.ungrouped++
        return undefined
      }
      d = { local: address, remote, tally: new Tally() }
      byRemote.set(remote, d)
      this.destinations.push(d)
    }
    d.tally.add(state)
    return undefined
  }

  private addCloseWait(s: CensusSocket, server: boolean, owner: ProcessRef | undefined): void {
    const where = server ? s.local : plainPeer(s.peer)
    const key = `${server ? 's' : 'c'}|${where}|${owner?.pid ?? ''}`
    const g = this.closeWait.get(key)
    if (g) {
      g.count++
      return
    }
    const group: Omit<CloseWaitGroup, 'source'> = server ? { side: 'server', local: where, count: 1 } : { side: 'client', remote: where, count: 1 }
    if (owner) {
      group.pid = owner.pid
      group.process = owner.name
    }
    this.closeWait.set(key, group)
  }

  result(source: string): SocketCensus {
    const names = this.stateNames
    const listening: ListeningSocket[] = []
    for (const [port, byAddr] of this.listenPorts) {
      for (const local of byAddr.values()) {
        const p = this.listenerOwners.get(local)
        listening.push(p ? { local, port, pid: p.pid, process: p.name } : { local, port })
      }
    }
    const listeners: ListenerCensus[] = []
    for (const [local, tally] of this.listeners) {
      const l: ListenerCensus = { local, states: tally.states(names), total: tally.total }
      const p = this.listenerOwners.get(local)
      listeners.push(p ? { ...l, pid: p.pid, process: p.name } : l)
    }
    return {
      source,
      total: this.all.total,
      states: this.all.states(names),
      destinations: this.destinations.map((d): DestinationCensus => ({ local: d.local, remote: d.remote, states: d.tally.states(names), total: d.tally.total })),
      listeners,
      closeWait: [...this.closeWait.values()].map((g) => ({ ...g, source })),
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
  return { ...b.result(source), keepalive: keepalive.result(source) }
}

/**
 * censusWithKeepalive straight from ss lines: each socket folded as its line is parsed, without a generator
 * between (a promise per socket was a sixth of the census's time on 60 000 sockets). Lines may come in batches
 * (Source.lineBatches: an await per batch). `keep` filters sockets. `timers: false` for a read without `-o`: no
 * timer column says nothing of a socket's keepalive (unknown, not off), so that census has no keepalive fact.
 */
export async function censusOfSsLines(
  lines: AsyncIterable<string | string[]> | Iterable<string | string[]>,
  source: string,
  opts: { listening?: Iterable<string>; keep?: (s: SsSocket) => boolean; impliedState?: string; timers?: boolean } = {},
): Promise<SocketCensus> {
  const b = new CensusBuilder(opts.listening)
  const keepalive = opts.timers === false ? undefined : new KeepaliveBuilder()
  const keep = opts.keep
  await eachSs(
    lines,
    (s) => {
      if (keep && !keep(s)) return
      const side = b.add(s)
      if (side && keepalive) keepalive.add(s, side === 'server')
    },
    opts.impliedState,
    // TIME-WAIT sockets by their ends alone (no keepalive timer, no owner), unless a filter must see them
    keep ? undefined : b,
  )
  const census = b.result(source)
  return keepalive ? { ...census, keepalive: keepalive.result(source) } : census
}
