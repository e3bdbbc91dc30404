import type { TcpDestination, TcpInfo, TcpSocketNote } from '../model/facts.js'
import { isLoopback, splitEndpoint, unmapAddress } from '../parsers/address.js'
import { parseSkmem, parseSs, type SsSocket } from '../parsers/ss.js'
import { emptyHistogram, parseTcpInfo, rttBucket, type TcpInfoFields } from '../parsers/ss-tcp-info.js'
import { sysctlNumbers } from '../parsers/sysctl.js'
import type { Probe } from './probe.js'

/** How many sockets each bounded list keeps. */
const TOP_RETRANS = 20
const SMALL_RCVBUF = 100
const TOP_DROPS = 20
/** A socket is "busy" for the SO_RCVBUF inference when it has received this many times its buffer. */
const BUSY_FACTOR = 64
const IDLE_SENDERS = 100
/** A socket is idle for slow start after idle when it has sent nothing for this long (above any RTO floor). */
const IDLE_MS = 1000
/** How many destinations the loss table keeps; sockets toward others are counted as ungrouped. */
const MAX_DESTINATIONS = 4096

export const SS_TCP_INFO = ['ss', '-tnimp', 'state', 'established']

/** Adds one socket to its destination's sums. */
function addToDestination(d: TcpDestination, s: SsSocket, info: TcpInfoFields, rcvbuf: number | undefined): void {
  d.sockets++
  d.segsOut += info.segsOut ?? 0
  const retrans = info.retransTotal ?? info.retransNow ?? 0
  d.retrans += retrans
  d.lost += info.lost ?? 0
  d.bytesSent += info.bytesSent ?? 0
  d.bytesRetrans += info.bytesRetrans ?? 0
  if (info.rttMs !== undefined) {
    d.rttSockets++
    d.rttSumMs += info.rttMs
    d.rttMaxMs = Math.max(d.rttMaxMs, info.rttMs)
    d.rttVarMaxMs = Math.max(d.rttVarMaxMs, info.rttVarMs ?? 0)
  }
  if (info.deliveryRateBps !== undefined) d.deliveryRateMinBps = Math.min(d.deliveryRateMinBps ?? Infinity, info.deliveryRateBps)
  if (retrans > 0 && retrans > (d.worst?.retransTotal ?? d.worst?.retransNow ?? 0)) d.worst = note(s, info, rcvbuf)
}

/** Counts a socket under a key (an algorithm, a path MTU), keeping the first socket as the example. */
function countBy(table: Record<string, { sockets: number; example: TcpSocketNote }>, key: string, make: () => TcpSocketNote): void {
  const t = table[key]
  if (t) t.sockets++
  else table[key] = { sockets: 1, example: make() }
}

/** Keeps the `cap` largest items by `score` in a sorted array: memory bounded whatever the socket count. */
function keepTop<T>(list: T[], make: () => T, score: (t: T) => number, value: number, cap: number): void {
  // Most sockets do not make the list: decide on the score before building the item.
  if (list.length >= cap && value <= score(list[list.length - 1])) return
  const item = make()
  let i = list.length
  while (i > 0 && score(list[i - 1]) < score(item)) i--
  list.splice(i, 0, item)
  if (list.length > cap) list.pop()
}

function note(s: SsSocket, info: TcpInfoFields, rcvbuf: number | undefined, drops?: number): TcpSocketNote {
  const n: TcpSocketNote = { local: s.local, peer: s.peer }
  if (drops !== undefined) n.drops = drops
  const p = s.processes[0]
  if (p) {
    n.process = p.name
    n.pid = p.pid
  }
  if (info.retransNow !== undefined) n.retransNow = info.retransNow
  if (info.retransTotal !== undefined) n.retransTotal = info.retransTotal
  if (info.rttMs !== undefined) n.rttMs = info.rttMs
  if (rcvbuf !== undefined) n.rcvbuf = rcvbuf
  if (info.bytesReceived !== undefined) n.bytesReceived = info.bytesReceived
  if (info.bytesSent !== undefined) n.bytesSent = info.bytesSent
  if (info.lastRcvMs !== undefined) n.lastRcvMs = info.lastRcvMs
  if (info.lastSndMs !== undefined) n.lastSndMs = info.lastSndMs
  if (info.congestion !== undefined) n.congestion = info.congestion
  if (info.pmtu !== undefined) n.pmtu = info.pmtu
  if (info.segsOut !== undefined) n.segsOut = info.segsOut
  return n
}

// Established sockets streamed from ss and folded into counts, RTT histograms (per remote address) and two
// bounded lists; nothing holds every socket.
export const tcpInfo: Probe<'tcpInfo'> = {
  id: 'tcpInfo',
  reads: [SS_TCP_INFO.join(' ')],
  async collect(source, get) {
    // Autotuning starts every receive buffer at tcp_rmem[1]; a busy socket still below it did not autotune.
    let rmemDefault: number | undefined
    try {
      rmemDefault = sysctlNumbers((await get('sysctls')).get('net.ipv4.tcp_rmem'))?.[1]
    } catch {
      rmemDefault = undefined
    }
    // Server side is a socket whose local port listens: its destination is the client's address, not its port.
    let listening = new Set<number>()
    try {
      listening = new Set((await get('listeners')).map((l) => l.port))
    } catch {
      listening = new Set() // without listeners every socket is grouped by its remote endpoint
    }
    const out: TcpInfo = { source: SS_TCP_INFO.join(' '), sockets: 0, remoteSockets: 0, rttHistogram: emptyHistogram(), byPeer: {}, topRetrans: [], smallRcvbuf: [], byCongestion: {}, destinations: [], destinationsUngrouped: 0, byPmtu: {}, idleSenders: [], topDrops: [] }
    const destinations = new Map<string, TcpDestination>()
    for await (const s of parseSs(source.lines({ cmd: SS_TCP_INFO }), 'ESTAB')) {
      out.sockets++
      const info = parseTcpInfo(s.extra)
      const skmem = parseSkmem(s.extra)
      const rcvbuf = skmem?.rb
      const peer = unmapAddress(splitEndpoint(s.peer).address)
      const localPort = splitEndpoint(s.local).port
      const server = listening.has(localPort)
      const key = server ? `${s.local} ${peer}` : s.peer
      let d = destinations.get(key)
      if (!d && destinations.size < MAX_DESTINATIONS) {
        d = server
          ? { side: 'server', local: s.local, remote: peer, sockets: 0, segsOut: 0, retrans: 0, lost: 0, bytesSent: 0, bytesRetrans: 0, rttSockets: 0, rttSumMs: 0, rttMaxMs: 0, rttVarMaxMs: 0 }
          : { side: 'client', remote: s.peer, sockets: 0, segsOut: 0, retrans: 0, lost: 0, bytesSent: 0, bytesRetrans: 0, rttSockets: 0, rttSumMs: 0, rttMaxMs: 0, rttVarMaxMs: 0 }
        destinations.set(key, d)
      }
      if (d) addToDestination(d, s, info, rcvbuf)
      else out.destinationsUngrouped!++
      if (info.congestion !== undefined) countBy(out.byCongestion!, info.congestion, () => note(s, info, rcvbuf))
      if (info.pmtu !== undefined) countBy(out.byPmtu!, String(info.pmtu), () => note(s, info, rcvbuf))
      if (!isLoopback(peer) && info.rttMs !== undefined) {
        out.remoteSockets++
        const b = rttBucket(info.rttMs)
        out.rttHistogram[b]++
        const p = (out.byPeer[peer] ??= { sockets: 0, rttHistogram: emptyHistogram() })
        p.sockets++
        p.rttHistogram[b]++
      }
      if ((info.retransTotal ?? info.retransNow ?? 0) > 0) {
        keepTop(out.topRetrans, () => note(s, info, rcvbuf), (n) => n.retransTotal ?? n.retransNow ?? 0, info.retransTotal ?? info.retransNow ?? 0, TOP_RETRANS)
      }
      if ((info.lastSndMs ?? 0) >= IDLE_MS && (info.bytesSent ?? 0) > 0) {
        keepTop(out.idleSenders!, () => note(s, info, rcvbuf), (n) => n.bytesSent ?? 0, info.bytesSent ?? 0, IDLE_SENDERS)
      }
      if (rmemDefault && rcvbuf !== undefined && rcvbuf < rmemDefault && (info.bytesReceived ?? 0) >= BUSY_FACTOR * rcvbuf) {
        keepTop(out.smallRcvbuf, () => note(s, info, rcvbuf), (n) => n.bytesReceived ?? 0, info.bytesReceived ?? 0, SMALL_RCVBUF)
      }
      // The sockets TCP dropped segments on (backlog, receive queue, PAWS...): drops.tcp names them.
      if ((skmem?.d ?? 0) > 0) keepTop(out.topDrops!, () => note(s, info, rcvbuf, skmem!.d), (n) => n.drops ?? 0, skmem!.d, TOP_DROPS)
    }
    out.destinations = [...destinations.values()]
    return out
  },
}
