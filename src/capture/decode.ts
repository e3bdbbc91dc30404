/**
 * Packet decoder: link layer → IPv4/IPv6 → TCP segment. Link types (https://www.tcpdump.org/linktypes.html):
 * 0 NULL and 108 LOOP (address family first), 1 Ethernet (802.1Q/802.1ad tags skipped), 113 LINUX_SLL,
 * 276 LINUX_SLL2 (`tcpdump -i any`), 101/12/14 raw IP, 228 raw IPv4, 229 raw IPv6. IPv4 (RFC 791; non-first
 * fragments skipped) and IPv6 (RFC 8200, extension headers walked). TCP header from RFC 9293.
 *
 * The payload length comes from the IP header, not from the captured length, so a snaplen of 96 still counts
 * every byte. Anything that is not TCP, or is cut before the end of the TCP header, decodes to undefined.
 * TCP options are read on SYNs only (one flag test per segment otherwise): the window scale (RFC 7323 §2).
 *
 * A second, separate path for what decodeTcpInto does not take (the pipeline calls it only then, so the TCP path
 * pays nothing): decodeDatagramAt fills a reused IpDatagram with a UDP datagram (RFC 768) or an IP fragment of
 * any protocol: IPv4 MF flag, fragment offset and identification (RFC 791), the IPv6 Fragment header (next header
 * 44, RFC 8200 §4.5) after any other extension headers.
 */
import { ipv6Text } from '../parsers/address.js'

/**
 * A TCP segment. The decoder's segments compute `src`/`dst` on access (getters over `srcId`/`dstId`, so no string
 * is made per packet): copy a segment field by field, not with `{ ...seg }`, which drops the getters.
 */
export interface TcpSegment {
  /** capture timestamp, seconds since the epoch */
  ts: number
  /** addresses as text: 127.0.0.1, ::1 */
  readonly src: string
  readonly dst: string
  sport: number
  dport: number
  seq: number
  ack: number
  /** TCP flag bits (FIN 0x01 … CWR 0x80) */
  flags: number
  /** the raw window field (unscaled) */
  window: number
  /** TCP payload bytes, from the IP length */
  payloadLen: number
  ipVersion: 4 | 6
  /** on a SYN or SYN-ACK: its window scale option (shift count, 0–14), -1 without one; undefined/-1 on other segments */
  windowScale?: number
  /**
   * Address identities, set by the decoder so the tracker keys flows without making strings: equal ids ⇔ equal
   * addresses (IPv4: the 32-bit address; IPv6: an interned number ≥ 2^32). Hand-built segments may leave them out.
   */
  readonly srcId?: number
  readonly dstId?: number
}

export const FIN = 0x01
export const SYN = 0x02
export const RST = 0x04
export const PSH = 0x08
export const ACK = 0x10

export const LINKTYPE = { NULL: 0, ETHERNET: 1, RAW: 101, LOOP: 108, LINUX_SLL: 113, IPV4: 228, IPV6: 229, LINUX_SLL2: 276 } as const

/** Link types this decoder understands, for the message about a capture that has none of them. */
export const KNOWN_LINKTYPES = new Set<number>([0, 1, 12, 14, 101, 108, 113, 228, 229, 276])

const ETH_IPV4 = 0x0800
const ETH_IPV6 = 0x86dd
const V6_BASE = 4294967296

// IPv6 addresses interned to numbers (ids from 2^32 up), so flows are keyed by numbers; grows with distinct addresses.
const v6Ids = new Map<string, number>()
const v6Texts: string[] = []

function v6Id(text: string): number {
  let id = v6Ids.get(text)
  if (id === undefined) {
    id = V6_BASE + v6Texts.length
    v6Ids.set(text, id)
    v6Texts.push(text)
  }
  return id
}

/**
 * The last IPv6 addresses decoded, by their 16 bytes, in a table indexed by a hash of them, with their ids: a
 * packet from an address in the table costs four word compares instead of its text (two strings per IPv6
 * packet); the text is made and interned on a miss only. Equal bytes are the same address, so the ids are those
 * v6Id gives.
 */
const V6_SLOTS = 256
const v6SlotWords = new Int32Array(V6_SLOTS * 4)
/** 0: an empty slot (ids are ≥ 2^32) */
export const v6SlotIds = new Float64Array(V6_SLOTS)

/**
 * The slot of v6SlotIds that holds the id of the address at d[off..off+16). A slot, not the id: a number above
 * 2^31 returned from a call is a new heap number, an element read by the caller is not.
 */
export function v6Slot(d: Uint8Array, off: number): number {
  const w0 = (d[off] << 24) | (d[off + 1] << 16) | (d[off + 2] << 8) | d[off + 3]
  const w1 = (d[off + 4] << 24) | (d[off + 5] << 16) | (d[off + 6] << 8) | d[off + 7]
  const w2 = (d[off + 8] << 24) | (d[off + 9] << 16) | (d[off + 10] << 8) | d[off + 11]
  const w3 = (d[off + 12] << 24) | (d[off + 13] << 16) | (d[off + 14] << 8) | d[off + 15]
  const slot = Math.imul(w0 ^ Math.imul(w1, 31) ^ Math.imul(w2, 961) ^ Math.imul(w3, 29791), 0x9e3779b1) >>> 24
  const w = slot * 4
  if (v6SlotIds[slot] === 0 || v6SlotWords[w] !== w0 || v6SlotWords[w + 1] !== w1 || v6SlotWords[w + 2] !== w2 || v6SlotWords[w + 3] !== w3) {
    v6SlotWords[w] = w0
    v6SlotWords[w + 1] = w1
    v6SlotWords[w + 2] = w2
    v6SlotWords[w + 3] = w3
    v6SlotIds[slot] = v6Id(ipv6Text(d, off))
  }
  return slot
}

/** The identity of an address given as text (for segments built by hand). */
export function addressId(text: string): number {
  const m = /^(\d+)\.(\d+)\.(\d+)\.(\d+)$/.exec(text)
  if (m) return ((Number(m[1]) << 24) | (Number(m[2]) << 16) | (Number(m[3]) << 8) | Number(m[4])) >>> 0
  return v6Id(text)
}

/** IPv6 addresses interned in this thread from the `from`-th on, in id order (the decode worker sends them along). */
export function internedSince(from: number): string[] {
  return v6Texts.slice(from)
}

/** the first IPv6 address id: ids below it are IPv4 addresses */
export const FIRST_V6_ID = V6_BASE

export function addressText(id: number): string {
  if (id < V6_BASE) return `${id >>> 24}.${(id >>> 16) & 255}.${(id >>> 8) & 255}.${id & 255}`
  return v6Texts[id - V6_BASE]
}

/**
 * A decoded segment: numbers only; the address strings are made when asked for. The pipeline decodes every
 * packet into one reused Segment (decodeTcpInto), so nothing is allocated per packet: whoever keeps a segment
 * beyond the call copies it (copySegment).
 */
export class Segment implements TcpSegment {
  ts = 0
  srcId = 0
  dstId = 0
  sport = 0
  dport = 0
  seq = 0
  ack = 0
  flags = 0
  window = 0
  payloadLen = 0
  ipVersion: 4 | 6 = 4
  windowScale = -1
  get src(): string {
    return addressText(this.srcId)
  }
  get dst(): string {
    return addressText(this.dstId)
  }
}

/** A copy of a segment that stays valid after the call it was given in (a reused Segment does not). */
export function copySegment(seg: TcpSegment): TcpSegment {
  const { ts, src, dst, sport, dport, seq, ack, flags, window, payloadLen, ipVersion } = seg
  const copy: TcpSegment = { ts, src, dst, sport, dport, seq, ack, flags, window, payloadLen, ipVersion }
  if (seg.srcId !== undefined && seg.dstId !== undefined) Object.assign(copy, { srcId: seg.srcId, dstId: seg.dstId })
  if (seg.windowScale !== undefined) copy.windowScale = seg.windowScale
  return copy
}

/** Decodes one captured frame; undefined when it is not a (complete enough) TCP segment. */
export function decodeTcp(linkType: number, d: Uint8Array, ts: number, origLen: number): TcpSegment | undefined {
  return decodeTcpAt(linkType, d, 0, d.length, ts, origLen)
}

/** The same on bytes [start, end) of a bigger buffer (no copy, no view); a new segment each call. */
export function decodeTcpAt(linkType: number, d: Uint8Array, start: number, end: number, ts: number, origLen: number): TcpSegment | undefined {
  const seg = new Segment()
  seg.ts = ts
  return decodeTcpInto(seg, linkType, d, start, end, origLen) ? seg : undefined
}

/**
 * Decodes bytes [start, end) into `out` (reused by the caller); false when it is not a TCP segment. The caller
 * sets `out.ts` (the time is no argument: a number argument to a call that is not inlined is boxed, per packet).
 */
export function decodeTcpInto(out: Segment, linkType: number, d: Uint8Array, start: number, end: number, origLen: number): boolean {
  const off = ipHeaderAt(linkType, d, start, end)
  if (off < 0 || off >= end) return false
  const version = d[off] >> 4
  if (version === 4) return ipv4(out, d, off, end, origLen - (off - start))
  if (version === 6) return ipv6(out, d, off, end, origLen - (off - start))
  return false
}

/** `wire`: bytes on the wire from the IP header on (for an IP length of 0 under TSO/GRO). */
function ipv4(out: Segment, d: Uint8Array, off: number, end: number, wire: number): boolean {
  if (end < off + 20 || d[off] >> 4 !== 4) return false
  const ihl = (d[off] & 0x0f) * 4
  if (ihl < 20 || d[off + 9] !== 6) return false
  // A non-first fragment carries no TCP header.
  if ((((d[off + 6] & 0x1f) << 8) | d[off + 7]) !== 0) return false
  let total = (d[off + 2] << 8) | d[off + 3]
  if (total === 0) total = wire
  const src = ((d[off + 12] << 24) | (d[off + 13] << 16) | (d[off + 14] << 8) | d[off + 15]) >>> 0
  const dst = ((d[off + 16] << 24) | (d[off + 17] << 16) | (d[off + 18] << 8) | d[off + 19]) >>> 0
  out.srcId = src
  out.dstId = dst
  out.ipVersion = 4
  return tcp(out, d, off + ihl, end, total - ihl)
}

function ipv6(out: Segment, d: Uint8Array, off: number, end: number, wire: number): boolean {
  if (end < off + 40 || d[off] >> 4 !== 6) return false
  let plen = (d[off + 4] << 8) | d[off + 5]
  if (plen === 0) plen = wire - 40 // jumbogram or offload
  let next = d[off + 6]
  let p = off + 40
  // Extension headers (RFC 8200 §4): hop-by-hop 0, routing 43, fragment 44, destination 60, AH 51, mobility 135,
  // HIP 139, shim6 140. Bounded: each step advances at least 8 bytes within the captured data.
  while (next !== 6) {
    if (p + 8 > end) return false
    let hlen: number
    if (next === 0 || next === 43 || next === 60 || next === 135 || next === 139 || next === 140) hlen = (d[p + 1] + 1) * 8
    else if (next === 51) hlen = (d[p + 1] + 2) * 4
    else if (next === 44) {
      if ((((d[p + 2] << 8) | d[p + 3]) & 0xfff8) !== 0) return false // not the first fragment
      hlen = 8
    } else return false
    next = d[p]
    p += hlen
    plen -= hlen
  }
  if (end < p + 20) return false
  out.srcId = v6SlotIds[v6Slot(d, off + 8)]
  out.dstId = v6SlotIds[v6Slot(d, off + 24)]
  out.ipVersion = 6
  return tcp(out, d, p, end, plen)
}

function tcp(out: Segment, d: Uint8Array, off: number, end: number, ipPayload: number): boolean {
  if (end < off + 20) return false
  const hlen = (d[off + 12] >> 4) * 4
  if (hlen < 20) return false
  const payload = ipPayload - hlen
  out.sport = (d[off] << 8) | d[off + 1]
  out.dport = (d[off + 2] << 8) | d[off + 3]
  out.seq = ((d[off + 4] << 24) | (d[off + 5] << 16) | (d[off + 6] << 8) | d[off + 7]) >>> 0
  out.ack = ((d[off + 8] << 24) | (d[off + 9] << 16) | (d[off + 10] << 8) | d[off + 11]) >>> 0
  const flags = d[off + 13]
  out.flags = flags
  out.window = (d[off + 14] << 8) | d[off + 15]
  out.payloadLen = payload > 0 ? payload : 0
  out.windowScale = flags & SYN && hlen > 20 ? windowScaleOption(d, off + 20, Math.min(off + hlen, end)) : -1
  return true
}

/** The window scale option (kind 3, length 3) among TCP options [p, end); -1 when absent or malformed. */
function windowScaleOption(d: Uint8Array, p: number, end: number): number {
  while (p < end) {
    const kind = d[p]
    if (kind === 0) return -1 // end of options
    if (kind === 1) {
      p++ // no-op
      continue
    }
    if (p + 1 >= end) return -1
    const len = d[p + 1]
    if (len < 2) return -1
    if (kind === 3) return len === 3 && p + 2 < end ? Math.min(d[p + 2], 14) : -1
    p += len
  }
  return -1
}

/**
 * A UDP datagram or an IP fragment, filled in place by decodeDatagramAt: the caller reuses one, so nothing is
 * allocated per packet (the tracker copies what it keeps).
 */
export class IpDatagram {
  ts = 0
  ipVersion: 4 | 6 = 4
  /** address identities, as TcpSegment's (addressText makes the text) */
  srcId = 0
  dstId = 0
  /** the upper-layer protocol: 17 UDP; a fragment's is its datagram's (IPv4 header; IPv6 Fragment header) */
  proto = 0
  /** this IP packet's length, headers included (from the IP header, so a short snaplen still counts every byte) */
  ipLen = 0
  /** IPv4 MF set or offset ≠ 0; IPv6 a Fragment header */
  fragment = false
  /** where this fragment's data starts in its datagram, bytes */
  fragOffset = 0
  moreFragments = false
  /** IPv4 Identification (16 bits), IPv6 Fragment header Identification (32 bits) */
  fragId = 0
  /** bytes of the datagram this packet carries: IP payload after the headers (IPv6: after the Fragment header) */
  fragBytes = 0
  /** a UDP header is here (an unfragmented datagram or a first fragment, captured far enough) */
  udp = false
  sport = 0
  dport = 0
  /** the UDP Length field: header and payload of the whole datagram */
  udpLength = 0
}

const UDP = 17

/** Decodes a frame that is a UDP datagram or an IP fragment into `out`; false for anything else. */
export function decodeDatagramAt(linkType: number, d: Uint8Array, start: number, end: number, ts: number, origLen: number, out: IpDatagram): boolean {
  const off = ipHeaderAt(linkType, d, start, end)
  if (off < 0 || off >= end) return false
  out.ts = ts
  out.udp = false
  const version = d[off] >> 4
  if (version === 4) return datagramV4(d, off, end, origLen - (off - start), out)
  if (version === 6) return datagramV6(d, off, end, origLen - (off - start), out)
  return false
}

/**
 * The offset of the IP header in a frame, or -1 when the link layer carries no IPv4/IPv6: the one link-layer walk
 * of the TCP and the datagram paths.
 */
function ipHeaderAt(linkType: number, d: Uint8Array, start: number, end: number): number {
  let proto: number
  let off: number
  switch (linkType) {
    case 1: {
      if (end - start < 14) return -1
      off = start + 12
      proto = (d[off] << 8) | d[off + 1]
      // VLAN tags: 802.1Q, 802.1ad, and the old QinQ 0x9100
      while ((proto === 0x8100 || proto === 0x88a8 || proto === 0x9100) && off + 6 <= end) {
        off += 4
        proto = (d[off] << 8) | d[off + 1]
      }
      return proto === ETH_IPV4 || proto === ETH_IPV6 ? off + 2 : -1
    }
    case 113:
      if (end - start < 16) return -1
      proto = (d[start + 14] << 8) | d[start + 15]
      return proto === ETH_IPV4 || proto === ETH_IPV6 ? start + 16 : -1
    case 276:
      if (end - start < 20) return -1
      proto = (d[start] << 8) | d[start + 1]
      return proto === ETH_IPV4 || proto === ETH_IPV6 ? start + 20 : -1
    case 0:
    case 108: {
      if (end - start < 4) return -1
      // NULL: the family in the writer's byte order; LOOP: network order. AF_INET is 2 everywhere, AF_INET6 is
      // 10 (Linux), 24, 28 or 30 (BSDs, macOS).
      const o = start
      const be = ((d[o] << 24) | (d[o + 1] << 16) | (d[o + 2] << 8) | d[o + 3]) >>> 0
      const le = ((d[o + 3] << 24) | (d[o + 2] << 16) | (d[o + 1] << 8) | d[o]) >>> 0
      const af = linkType === 108 ? be : be < 256 ? be : le
      return af === 2 || af === 10 || af === 24 || af === 28 || af === 30 ? start + 4 : -1
    }
    case 101:
    case 12:
    case 14:
    case 228:
    case 229:
      return end - start < 1 ? -1 : start
    default:
      return -1
  }
}

function datagramV4(d: Uint8Array, off: number, end: number, wire: number, out: IpDatagram): boolean {
  if (end < off + 20) return false
  const ihl = (d[off] & 0x0f) * 4
  if (ihl < 20) return false
  const proto = d[off + 9]
  const offset = (((d[off + 6] & 0x1f) << 8) | d[off + 7]) * 8
  const more = (d[off + 6] & 0x20) !== 0
  const fragment = more || offset !== 0
  if (!fragment && proto !== UDP) return false
  let total = (d[off + 2] << 8) | d[off + 3]
  if (total === 0) total = wire
  if (total < ihl) return false
  out.ipVersion = 4
  out.srcId = ((d[off + 12] << 24) | (d[off + 13] << 16) | (d[off + 14] << 8) | d[off + 15]) >>> 0
  out.dstId = ((d[off + 16] << 24) | (d[off + 17] << 16) | (d[off + 18] << 8) | d[off + 19]) >>> 0
  out.proto = proto
  out.ipLen = total
  out.fragment = fragment
  out.fragOffset = offset
  out.moreFragments = more
  out.fragId = (d[off + 4] << 8) | d[off + 5]
  out.fragBytes = total - ihl
  if (proto === UDP && offset === 0) udpHeader(d, off + ihl, end, out)
  return true
}

function datagramV6(d: Uint8Array, off: number, end: number, wire: number, out: IpDatagram): boolean {
  if (end < off + 40) return false
  let plen = (d[off + 4] << 8) | d[off + 5]
  if (plen === 0) plen = wire - 40
  const ipLen = 40 + plen
  let next = d[off + 6]
  let p = off + 40
  let fragment = false
  let fragmentable = 0
  let offset = 0
  let more = false
  let id = 0
  // Extension headers as in ipv6(), up to the upper-layer header; a non-first fragment's data after its Fragment
  // header is the middle of the datagram, so the walk stops there. Bounded: each step advances at least 8 bytes.
  for (;;) {
    if (next === 0 || next === 43 || next === 60 || next === 135 || next === 139 || next === 140 || next === 51) {
      if (p + 8 > end) return false
      const hlen = next === 51 ? (d[p + 1] + 2) * 4 : (d[p + 1] + 1) * 8
      next = d[p]
      p += hlen
      plen -= hlen
    } else if (next === 44 && !fragment) {
      if (p + 8 > end) return false
      fragment = true
      offset = ((d[p + 2] << 8) | d[p + 3]) & 0xfff8
      more = (d[p + 3] & 1) !== 0
      id = ((d[p + 4] << 24) | (d[p + 5] << 16) | (d[p + 6] << 8) | d[p + 7]) >>> 0
      next = d[p]
      p += 8
      plen -= 8
      fragmentable = plen
      if (offset !== 0) break
    } else break
  }
  if ((!fragment && next !== UDP) || plen < 0) return false
  out.ipVersion = 6
  out.srcId = v6SlotIds[v6Slot(d, off + 8)]
  out.dstId = v6SlotIds[v6Slot(d, off + 24)]
  out.proto = next
  out.ipLen = ipLen
  out.fragment = fragment
  out.fragOffset = offset
  out.moreFragments = more
  out.fragId = id
  // a fragment's share of its datagram is what follows the Fragment header (RFC 8200 §4.5 "Fragmentable Part")
  out.fragBytes = fragment ? fragmentable : plen
  if (next === UDP && offset === 0) udpHeader(d, p, end, out)
  return true
}

function udpHeader(d: Uint8Array, p: number, end: number, out: IpDatagram): void {
  if (p + 8 > end) return
  out.udp = true
  out.sport = (d[p] << 8) | d[p + 1]
  out.dport = (d[p + 2] << 8) | d[p + 3]
  out.udpLength = (d[p + 4] << 8) | d[p + 5]
}
