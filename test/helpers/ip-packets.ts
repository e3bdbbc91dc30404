// Crafted IPv4/IPv6 packets for the UDP and fragment tests and tcp-script.ts's TCP segments: a UDP datagram cut
// into fragments the way the kernel cuts it (IPv4: offsets in 8-byte units, MF on all but the last; IPv6: a
// Fragment header after any other extension headers), written independently of src/capture/decode.ts. Raw IP
// (link type 101) or Ethernet frames.
import { writePcap } from './capture-files.js'

const bytes = (n: number, fill = 0) => Buffer.alloc(n, fill)

export function udpDatagram(sport: number, dport: number, payload: number): Buffer {
  const b = bytes(8 + payload, 0x61)
  b.writeUInt16BE(sport, 0)
  b.writeUInt16BE(dport, 2)
  b.writeUInt16BE(8 + payload, 4)
  b.writeUInt16BE(0, 6)
  return b
}

function ipv4Header(src: string, dst: string, proto: number, id: number, offset: number, more: boolean, payloadLen: number, df = false): Buffer {
  const h = bytes(20)
  h[0] = 0x45
  h.writeUInt16BE(20 + payloadLen, 2)
  h.writeUInt16BE(id, 4)
  h.writeUInt16BE((df ? 0x4000 : 0) | (more ? 0x2000 : 0) | (offset / 8), 6)
  h[8] = 64
  h[9] = proto
  src.split('.').forEach((o, i) => (h[12 + i] = Number(o)))
  dst.split('.').forEach((o, i) => (h[16 + i] = Number(o)))
  let sum = 0
  for (let i = 0; i < 20; i += 2) sum += h.readUInt16BE(i)
  while (sum > 0xffff) sum = (sum & 0xffff) + (sum >> 16)
  h.writeUInt16BE(~sum & 0xffff, 10)
  return h
}

/**
 * Options of one IP packet: `notCaptured`, bytes after `upper` that the IP length counts but the packet does not
 * carry (a payload cut by the snaplen: tcp-script.ts writes headers only); an unfragmented packet only.
 */
interface Unfragmented {
  notCaptured?: number
}

/**
 * An IPv4 packet of `upper` (protocol `proto`), cut into fragments of at most `mtu` bytes (1 when mtu is 0); `df`
 * sets Don't Fragment (what Linux sends on TCP: path MTU discovery).
 */
export function ipv4Packets(src: string, dst: string, upper: Buffer, opts: { mtu?: number; id?: number; proto?: number; df?: boolean } & Unfragmented = {}): Buffer[] {
  const proto = opts.proto ?? 17
  const id = opts.id ?? 0x1234
  const mtu = opts.mtu ?? 0
  const length = upper.length + (opts.notCaptured ?? 0)
  if (!mtu || length + 20 <= mtu) return [Buffer.concat([ipv4Header(src, dst, proto, id, 0, false, length, opts.df), upper])]
  if (opts.notCaptured) throw new Error('ipv4Packets: notCaptured is for an unfragmented packet')
  const step = Math.floor((mtu - 20) / 8) * 8
  const out: Buffer[] = []
  for (let at = 0; at < upper.length; at += step) {
    const part = upper.subarray(at, at + step)
    out.push(Buffer.concat([ipv4Header(src, dst, proto, id, at, at + step < upper.length, part.length), part]))
  }
  return out
}

function ipv6Address(text: string): Buffer {
  const b = bytes(16)
  const [head, tail] = text.split('::')
  const h = head ? head.split(':') : []
  const t = tail !== undefined ? (tail ? tail.split(':') : []) : []
  const groups = [...h, ...Array(8 - h.length - t.length).fill('0'), ...t]
  groups.forEach((g, i) => b.writeUInt16BE(parseInt(g, 16), i * 2))
  return b
}

/** An extension header of 8 bytes (hop-by-hop 0, destination options 60) with `next` after it. */
export function extensionHeader(next: number): Buffer {
  const b = bytes(8)
  b[0] = next
  b[1] = 0 // (0 + 1) × 8 bytes
  b[2] = 1 // PadN
  b[3] = 4
  return b
}

/**
 * An IPv6 packet of `upper`, cut into fragments of at most `mtu` bytes (none when mtu is 0), with `before`
 * extension headers (types, each 8 bytes) ahead of the Fragment header in every fragment (the unfragmentable part).
 */
export function ipv6Packets(src: string, dst: string, upper: Buffer, opts: { mtu?: number; id?: number; proto?: number; before?: number[] } & Unfragmented = {}): Buffer[] {
  const proto = opts.proto ?? 17
  const before = opts.before ?? []
  const mtu = opts.mtu ?? 0
  // the unfragmentable part: the fixed header's next header, then each extension header pointing to the next
  const chain = [...before, mtu ? 44 : proto]
  const exts = before.map((_t, i) => extensionHeader(chain[i + 1]))
  const fixed = (payloadLen: number) => {
    const h = bytes(40)
    h[0] = 0x60
    h.writeUInt16BE(payloadLen, 4)
    h[6] = chain[0]
    h[7] = 64
    ipv6Address(src).copy(h, 8)
    ipv6Address(dst).copy(h, 24)
    return h
  }
  const unfrag = Buffer.concat(exts)
  if (!mtu) return [Buffer.concat([fixed(unfrag.length + upper.length + (opts.notCaptured ?? 0)), unfrag, upper])]
  if (opts.notCaptured) throw new Error('ipv6Packets: notCaptured is for an unfragmented packet')
  const step = Math.floor((mtu - 40 - unfrag.length - 8) / 8) * 8
  const out: Buffer[] = []
  for (let at = 0; at < upper.length; at += step) {
    const part = upper.subarray(at, at + step)
    const frag = bytes(8)
    frag[0] = proto
    frag.writeUInt16BE(at | (at + step < upper.length ? 1 : 0), 2)
    frag.writeUInt32BE(opts.id ?? 0xabcdef01, 4)
    out.push(Buffer.concat([fixed(unfrag.length + 8 + part.length), unfrag, frag, part]))
  }
  return out
}

/** An Ethernet frame around an IP packet (the ethertype from its version). */
export function ethernet(ip: Buffer): Buffer {
  const h = bytes(14)
  h.writeUInt16BE(ip[0] >> 4 === 6 ? 0x86dd : 0x0800, 12)
  return Buffer.concat([h, ip])
}

/** A pcap (link type 101 raw IP, or 1 with ethernet frames) of packets at the given times (seconds). */
export function ipPcap(packets: Array<{ ts: number; data: Buffer }>, linkType = 101, snaplen = 65535): Buffer {
  return writePcap(
    {
      nano: false,
      linkType,
      snaplen,
      records: packets.map((p) => ({ sec: Math.floor(p.ts), frac: Math.round((p.ts - Math.floor(p.ts)) * 1e6), data: p.data.subarray(0, snaplen), origLen: p.data.length })),
    },
    false,
  )
}
