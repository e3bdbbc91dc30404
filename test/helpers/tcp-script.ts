// Scripted TCP connections with chosen timestamps, for the path analysis (congestion.flows): a connection is a
// list of segments written step by step (handshake, data, ACKs, window updates), fed to the tracker as they are or
// written as a pcap (Ethernet + IPv4/IPv6 + TCP with the window-scale option on SYNs; headers only, the payload
// counted by the IP length as a snaplen would; the IP and Ethernet headers are ip-packets.ts's). tcpdump -r reads
// the files, so they are valid captures.
import { ACK, SYN, type TcpSegment } from '../../src/capture/decode.js'
import { writePcap, type RawRecord } from './capture-files.js'
import { ethernet, ipv4Packets, ipv6Packets } from './ip-packets.js'

const TCP = 6

export interface Endpoints {
  client: string
  clientPort: number
  server: string
  serverPort: number
}

export interface ScriptedSegment extends TcpSegment {
  /** window scale option to write on a SYN */
  windowScale?: number
}

/** One connection: each side's next sequence number and what it last acknowledged, so steps stay consistent. */
export class TcpScript {
  readonly segments: ScriptedSegment[] = []
  /** next sequence per side: [client, server] */
  next: [number, number]
  private readonly v6: boolean

  constructor(
    readonly ends: Endpoints,
    isn: [number, number] = [1_000_000, 5_000_000],
  ) {
    this.next = [...isn]
    this.v6 = ends.client.includes(':')
  }

  private push(dir: 0 | 1, ts: number, flags: number, seq: number, ack: number, window: number, payloadLen: number, windowScale?: number): ScriptedSegment {
    const e = this.ends
    const [src, sport, dst, dport] = dir === 0 ? [e.client, e.clientPort, e.server, e.serverPort] : [e.server, e.serverPort, e.client, e.clientPort]
    const s: ScriptedSegment = { ts, src, dst, sport, dport, seq: seq >>> 0, ack: ack >>> 0, flags, window, payloadLen, ipVersion: this.v6 ? 6 : 4 }
    if (windowScale !== undefined) s.windowScale = windowScale
    this.segments.push(s)
    return s
  }

  /** SYN at t, SYN-ACK after `toSynAck` s, ACK `toAck` s after that; window scale options when given. */
  handshake(t: number, toSynAck: number, toAck: number, scale?: [number, number]): this {
    const [c, s] = this.next
    this.push(0, t, SYN, c, 0, 64240, 0, scale?.[0] ?? -1)
    this.push(1, t + toSynAck, SYN | ACK, s, c + 1, 65160, 0, scale?.[1] ?? -1)
    this.next = [c + 1, s + 1]
    this.push(0, t + toSynAck + toAck, ACK, c + 1, s + 1, 502, 0)
    return this
  }

  /** `len` bytes of new data from `dir` at t (ACKing what the peer sent); returns its sequence number. */
  data(dir: 0 | 1, t: number, len: number, window = 502): number {
    const seq = this.next[dir]
    this.push(dir, t, ACK, seq, this.next[dir ^ 1], window, len)
    this.next[dir] = seq + len
    return seq
  }

  /** the same bytes again (a retransmission) */
  resend(dir: 0 | 1, t: number, seq: number, len: number, window = 502): void {
    this.push(dir, t, ACK, seq, this.next[dir ^ 1], window, len)
  }

  /** a pure ACK from `dir` of everything the peer sent (or of `ackNo`), with this window */
  ack(dir: 0 | 1, t: number, window = 502, ackNo = this.next[dir ^ 1]): void {
    this.push(dir, t, ACK, this.next[dir], ackNo, window, 0)
  }

  /** a zero-window probe from `dir`: no data, one below the next sequence */
  windowProbe(dir: 0 | 1, t: number): void {
    this.push(dir, t, ACK, this.next[dir] - 1, this.next[dir ^ 1], 502, 0)
  }
}

/** One Ethernet frame of a segment: headers only (the payload is counted by the IP length, as with a snaplen). */
export function frameOf(s: ScriptedSegment): { data: Buffer; origLen: number } {
  const opts = s.flags & SYN ? Buffer.from([2, 4, 0x05, 0xb4, 1, ...(s.windowScale !== undefined && s.windowScale >= 0 ? [3, 3, s.windowScale] : [1, 1, 1])]) : Buffer.alloc(0)
  const tcpLen = 20 + opts.length
  const tcp = Buffer.alloc(tcpLen)
  tcp.writeUInt16BE(s.sport, 0)
  tcp.writeUInt16BE(s.dport, 2)
  tcp.writeUInt32BE(s.seq >>> 0, 4)
  tcp.writeUInt32BE(s.ack >>> 0, 8)
  tcp[12] = (tcpLen / 4) << 4
  tcp[13] = s.flags
  tcp.writeUInt16BE(s.window, 14)
  opts.copy(tcp, 20)
  // Linux sends TCP with Don't Fragment and IP id 0 (path MTU discovery)
  const [ip] = s.ipVersion === 4 ? ipv4Packets(s.src, s.dst, tcp, { proto: TCP, id: 0, df: true, notCaptured: s.payloadLen }) : ipv6Packets(s.src, s.dst, tcp, { proto: TCP, notCaptured: s.payloadLen })
  const data = ethernet(ip)
  return { data, origLen: data.length + s.payloadLen }
}

/** A pcap (Ethernet, µs) of segments, sorted by time. */
export function pcapOf(segments: ScriptedSegment[]): Buffer {
  const records: RawRecord[] = [...segments]
    .sort((a, b) => a.ts - b.ts)
    .map((s) => {
      const { data, origLen } = frameOf(s)
      const sec = Math.floor(s.ts)
      return { sec, frac: Math.min(999_999, Math.round((s.ts - sec) * 1e6)), data, origLen }
    })
  return writePcap({ nano: false, linkType: 1, snaplen: 262144, records }, false)
}
