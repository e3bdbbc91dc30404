import type { TcpInfo, TcpSocketNote } from '../model/facts.js'
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
  if (info.lastRcvMs !== undefined) n.lastRcvMs = info.lastRcvMs
  return n
}

// Established sockets streamed from ss and folded into counts, RTT histograms (per remote address) and two
// bounded lists; nothing holds every socket.
export const tcpInfo: Probe<'tcpInfo'> = {
  id: 'tcpInfo',
  sampled: true,
  reads: ['ss -tnimp state established'],
  sysctls: ['net.ipv4.tcp_rmem'],
  async collect(source, get) {
    // Autotuning starts every receive buffer at tcp_rmem[1]; a busy socket still below it did not autotune.
    let rmemDefault: number | undefined
    try {
      rmemDefault = sysctlNumbers((await get('sysctls')).get('net.ipv4.tcp_rmem'))?.[1]
    } catch {
      rmemDefault = undefined
    }
    const out: TcpInfo = { sockets: 0, remoteSockets: 0, rttHistogram: emptyHistogram(), byPeer: {}, topRetrans: [], smallRcvbuf: [], topDrops: [] }
    for await (const s of parseSs(source.lines({ cmd: ['ss', '-tnimp', 'state', 'established'] }), 'ESTAB')) {
      out.sockets++
      const info = parseTcpInfo(s.extra)
      const skmem = parseSkmem(s.extra)
      const rcvbuf = skmem?.rb
      const peer = unmapAddress(splitEndpoint(s.peer).address)
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
      if (rmemDefault && rcvbuf !== undefined && rcvbuf < rmemDefault && (info.bytesReceived ?? 0) >= BUSY_FACTOR * rcvbuf) {
        keepTop(out.smallRcvbuf, () => note(s, info, rcvbuf), (n) => n.bytesReceived ?? 0, info.bytesReceived ?? 0, SMALL_RCVBUF)
      }
      // The sockets TCP dropped segments on (backlog, receive queue, PAWS...): drops.tcp names them.
      if ((skmem?.d ?? 0) > 0) keepTop(out.topDrops!, () => note(s, info, rcvbuf, skmem!.d), (n) => n.drops ?? 0, skmem!.d, TOP_DROPS)
    }
    return out
  },
}
