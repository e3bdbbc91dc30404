/**
 * Packet decoder: link layer → IPv4/IPv6 → TCP segment. Link types (https://www.tcpdump.org/linktypes.html):
 * 0 NULL and 108 LOOP (address family first), 1 Ethernet (802.1Q/802.1ad tags skipped), 113 LINUX_SLL,
 * 276 LINUX_SLL2 (`tcpdump -i any`), 101/12/14 raw IP, 228 raw IPv4, 229 raw IPv6. IPv4 (RFC 791; non-first
 * fragments skipped) and IPv6 (RFC 8200, extension headers walked). TCP header from RFC 9293.
 *
 * The payload length comes from the IP header, not from the captured length, so a snaplen of 96 still counts
 * every byte. Anything that is not TCP, or is cut before the end of the TCP header, decodes to undefined.
 */

export interface TcpSegment {
  /** capture timestamp, seconds since the epoch */
  ts: number
  /** addresses as text: 127.0.0.1, ::1 */
  src: string
  dst: string
  sport: number
  dport: number
  seq: number
  ack: number
  /** TCP flag bits (FIN 0x01 … CWR 0x80, see TCP_FLAGS) */
  flags: number
  /** the raw window field (unscaled) */
  window: number
  /** TCP payload bytes, from the IP length */
  payloadLen: number
  ipVersion: 4 | 6
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

/** Decodes one captured frame; undefined when it is not a (complete enough) TCP segment. */
export function decodeTcp(linkType: number, d: Uint8Array, ts: number, origLen: number): TcpSegment | undefined {
  let off: number
  let proto: number // an ethertype, or 4/6 for "look at the version nibble"
  switch (linkType) {
    case 1: {
      if (d.length < 14) return undefined
      off = 12
      proto = (d[off] << 8) | d[off + 1]
      // VLAN tags: 802.1Q, 802.1ad, and the old QinQ 0x9100
      while ((proto === 0x8100 || proto === 0x88a8 || proto === 0x9100) && off + 6 <= d.length) {
        off += 4
        proto = (d[off] << 8) | d[off + 1]
      }
      off += 2
      break
    }
    case 113:
      if (d.length < 16) return undefined
      proto = (d[14] << 8) | d[15]
      off = 16
      break
    case 276:
      if (d.length < 20) return undefined
      proto = (d[0] << 8) | d[1]
      off = 20
      break
    case 0:
    case 108: {
      if (d.length < 4) return undefined
      // NULL: the family in the writer's byte order; LOOP: network order. Try both; AF_INET is 2 everywhere,
      // AF_INET6 is 10 (Linux), 24, 28 or 30 (BSDs, macOS).
      const be = ((d[0] << 24) | (d[1] << 16) | (d[2] << 8) | d[3]) >>> 0
      const le = ((d[3] << 24) | (d[2] << 16) | (d[1] << 8) | d[0]) >>> 0
      const af = linkType === 108 ? be : be < 256 ? be : le
      proto = af === 2 ? ETH_IPV4 : af === 10 || af === 24 || af === 28 || af === 30 ? ETH_IPV6 : -1
      off = 4
      break
    }
    case 101:
    case 12:
    case 14:
    case 228:
    case 229:
      if (d.length < 1) return undefined
      off = 0
      proto = d[0] >> 4 === 4 ? ETH_IPV4 : d[0] >> 4 === 6 ? ETH_IPV6 : -1
      break
    default:
      return undefined
  }
  if (proto === ETH_IPV4) return ipv4(d, off, ts, origLen)
  if (proto === ETH_IPV6) return ipv6(d, off, ts, origLen)
  return undefined
}

function ipv4(d: Uint8Array, off: number, ts: number, origLen: number): TcpSegment | undefined {
  if (d.length < off + 20 || d[off] >> 4 !== 4) return undefined
  const ihl = (d[off] & 0x0f) * 4
  if (ihl < 20 || d[off + 9] !== 6) return undefined
  // A non-first fragment carries no TCP header.
  if ((((d[off + 6] & 0x1f) << 8) | d[off + 7]) !== 0) return undefined
  let total = (d[off + 2] << 8) | d[off + 3]
  // TSO/GRO captures may show 0 here: fall back to the length on the wire.
  if (total === 0) total = origLen - off
  const src = `${d[off + 12]}.${d[off + 13]}.${d[off + 14]}.${d[off + 15]}`
  const dst = `${d[off + 16]}.${d[off + 17]}.${d[off + 18]}.${d[off + 19]}`
  return tcp(d, off + ihl, total - ihl, ts, src, dst, 4)
}

function ipv6(d: Uint8Array, off: number, ts: number, origLen: number): TcpSegment | undefined {
  if (d.length < off + 40 || d[off] >> 4 !== 6) return undefined
  let plen = (d[off + 4] << 8) | d[off + 5]
  if (plen === 0) plen = origLen - off - 40 // jumbogram or offload
  let next = d[off + 6]
  const src = ipv6Text(d, off + 8)
  const dst = ipv6Text(d, off + 24)
  let p = off + 40
  // Extension headers (RFC 8200 §4): hop-by-hop 0, routing 43, fragment 44, destination 60, AH 51, mobility 135,
  // HIP 139, shim6 140. Bounded: each step advances at least 8 bytes within the captured data.
  while (next !== 6) {
    if (p + 8 > d.length) return undefined
    let hlen: number
    if (next === 0 || next === 43 || next === 60 || next === 135 || next === 139 || next === 140) hlen = (d[p + 1] + 1) * 8
    else if (next === 51) hlen = (d[p + 1] + 2) * 4
    else if (next === 44) {
      if ((((d[p + 2] << 8) | d[p + 3]) & 0xfff8) !== 0) return undefined // not the first fragment
      hlen = 8
    } else return undefined
    next = d[p]
    p += hlen
    plen -= hlen
  }
  return tcp(d, p, plen, ts, src, dst, 6)
}

function tcp(d: Uint8Array, off: number, ipPayload: number, ts: number, src: string, dst: string, ipVersion: 4 | 6): TcpSegment | undefined {
  if (d.length < off + 20) return undefined
  const hlen = (d[off + 12] >> 4) * 4
  if (hlen < 20) return undefined
  return {
    ts,
    src,
    dst,
    sport: (d[off] << 8) | d[off + 1],
    dport: (d[off + 2] << 8) | d[off + 3],
    seq: ((d[off + 4] << 24) | (d[off + 5] << 16) | (d[off + 6] << 8) | d[off + 7]) >>> 0,
    ack: ((d[off + 8] << 24) | (d[off + 9] << 16) | (d[off + 10] << 8) | d[off + 11]) >>> 0,
    flags: d[off + 13],
    window: (d[off + 14] << 8) | d[off + 15],
    payloadLen: Math.max(0, ipPayload - hlen),
    ipVersion,
  }
}

/** RFC 5952 text of the 16 bytes at `off`: longest run (≥ 2) of zero groups as ::, lower-case hex. */
export function ipv6Text(d: Uint8Array, off: number): string {
  const g: number[] = new Array(8)
  for (let i = 0; i < 8; i++) g[i] = (d[off + 2 * i] << 8) | d[off + 2 * i + 1]
  // IPv4-mapped ::ffff:a.b.c.d as ss writes it
  if (g[0] === 0 && g[1] === 0 && g[2] === 0 && g[3] === 0 && g[4] === 0 && g[5] === 0xffff) {
    return `::ffff:${d[off + 12]}.${d[off + 13]}.${d[off + 14]}.${d[off + 15]}`
  }
  let bestStart = -1
  let bestLen = 1
  for (let i = 0; i < 8; ) {
    if (g[i] !== 0) {
      i++
      continue
    }
    let j = i
    while (j < 8 && g[j] === 0) j++
    if (j - i > bestLen) {
      bestStart = i
      bestLen = j - i
    }
    i = j
  }
  if (bestStart < 0) return g.map((x) => x.toString(16)).join(':')
  const head = g.slice(0, bestStart).map((x) => x.toString(16)).join(':')
  const tail = g.slice(bestStart + bestLen).map((x) => x.toString(16)).join(':')
  return `${head}::${tail}`
}

/** "127.0.0.1:80", "[::1]:80": how ss (and the report) writes an endpoint. */
export function endpointText(addr: string, port: number): string {
  return addr.includes(':') ? `[${addr}]:${port}` : `${addr}:${port}`
}
