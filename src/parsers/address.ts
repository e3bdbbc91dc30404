// Addresses as `ss` writes them: 127.0.0.1:8080, [::1]:8080, *:8080, 127.0.0.1%lo:8080.

export interface Endpoint {
  address: string
  port: number
}

/** Splits ss's "addr:port" at the last colon; the port may be "*" (peer of a listener) → NaN. */
export function splitEndpoint(text: string): Endpoint {
  const i = text.lastIndexOf(':')
  if (i < 0) return { address: text, port: NaN }
  let address = text.slice(0, i)
  if (address.startsWith('[') && address.endsWith(']')) address = address.slice(1, -1)
  const port = text.slice(i + 1)
  return { address, port: port === '*' ? NaN : Number(port) }
}

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
