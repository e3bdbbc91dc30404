// Addresses as `ss` writes them: 127.0.0.1:8080, [::1]:8080, *:8080, 127.0.0.1%lo:8080.

export interface Endpoint {
  address: string
  port: number
}

/** Splits ss's "addr:port" at the last colon; the port may be "*" (peer of a listener) → NaN. */
export function splitEndpoint(text: string): Endpoint {
  // Scanned from the end by hand, the port's digits read on the way: the census splits the ends of every
  // socket, and lastIndexOf is a call into V8's runtime (plus a slice and a Number() per port).
  let i = text.length - 1
  let port = 0
  let scale = 1
  for (; i >= 0; i--) {
    const c = text.charCodeAt(i)
    if (c === 58 /* : */) break
    if (c >= 48 && c <= 57 && scale <= 10000) {
      port += (c - 48) * scale
      scale *= 10
    } else scale = Infinity // not 1 to 5 plain digits: Number() reads it below
  }
  if (i < 0) return { address: text, port: NaN }
  let address = text.slice(0, i)
  if (address.startsWith('[') && address.endsWith(']')) address = address.slice(1, -1)
  if (scale === 1 || scale === Infinity) {
    const rest = text.slice(i + 1)
    return { address, port: rest === '*' ? NaN : Number(rest) }
  }
  return { address, port }
}

/** "127.0.0.1:80", "[::1]:80": how ss (and the report) writes an endpoint. */
export function formatEndpoint(address: string, port: number): string {
  return address.includes(':') ? `[${address}]:${port}` : `${address}:${port}`
}

/** ::ffff:10.0.0.1 → 10.0.0.1, so mapped IPv4 peers count with their IPv4 twins. */
export function unmapAddress(address: string): string {
  const m = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address)
  return m ? m[1] : address
}

export function isWildcard(address: string): boolean {
  return address === '*' || address === '0.0.0.0' || address === '::' || address === ''
}

export function isLoopback(address: string): boolean {
  const a = unmapAddress(address.replace(/%.*$/, ''))
  return a === '::1' || a.startsWith('127.')
}

/**
 * RFC 5952 text of the 16 bytes at `off`: longest run (≥ 2) of zero groups as ::, lower-case hex; the one IPv6
 * formatter (captures decode.ts, /proc/net/tcp6).
 */
export function ipv6Text(d: ArrayLike<number>, off = 0): string {
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
