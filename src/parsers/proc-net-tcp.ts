// /proc/net/tcp and /proc/net/tcp6 (net/ipv4/tcp_ipv4.c get_tcp4_sock, Documentation/networking/proc_net_tcp.rst):
// the fallback when `ss` is missing. No process names and, for listeners, no backlog limit.
import { formatEndpoint, ipv6Text } from './address.js'
import { ParseError } from './parse-error.js'

export const TCP_STATES: Record<string, string> = {
  '01': 'ESTAB', '02': 'SYN-SENT', '03': 'SYN-RECV', '04': 'FIN-WAIT-1', '05': 'FIN-WAIT-2', '06': 'TIME-WAIT',
  '07': 'CLOSED', '08': 'CLOSE-WAIT', '09': 'LAST-ACK', '0A': 'LISTEN', '0B': 'CLOSING', '0C': 'NEW-SYN-RECV',
}

export interface ProcTcpSocket {
  state: string
  local: string
  remote: string
  /** for LISTEN: current accept-queue length; otherwise bytes unread */
  rxQueue: number
  txQueue: number
  uid: number
  inode: number
}

/** 0100007F → 127.0.0.1 (host byte order of a little-endian machine, as the kernel prints it). */
function hexToV4(hex: string): string {
  const n = parseInt(hex, 16)
  return [n & 255, (n >>> 8) & 255, (n >>> 16) & 255, n >>> 24].join('.')
}

/** 32 hex digits, four little-endian 32-bit words → RFC 5952 text. */
function hexToV6(hex: string): string {
  const bytes: number[] = []
  for (let w = 0; w < 4; w++) {
    const word = hex.slice(w * 8, w * 8 + 8)
    for (let b = 3; b >= 0; b--) bytes.push(parseInt(word.slice(b * 2, b * 2 + 2), 16))
  }
  return ipv6Text(bytes)
}

const HEX = /^[0-9A-Fa-f]+$/

function endpoint(text: string, lineNo: number, what: string): string {
  const [hex, portHex, more] = text.split(':')
  // parseInt reads a prefix and gives NaN for none: only whole hex fields are addresses (else "127.0.0.1:NaN")
  if (!portHex || more !== undefined || !(hex.length === 8 || hex.length === 32) || !HEX.test(hex) || !HEX.test(portHex) || portHex.length > 4) {
    throw new ParseError(what, `line ${lineNo}: bad address ${text}`)
  }
  const address = hex.length === 8 ? hexToV4(hex) : hexToV6(hex)
  return formatEndpoint(address, parseInt(portHex, 16))
}

export function* parseProcNetTcp(lines: Iterable<string>, what = '/proc/net/tcp'): Iterable<ProcTcpSocket> {
  let lineNo = 0
  for (const line of lines) {
    lineNo++
    const t = line.trim()
    if (t === '' || t.startsWith('sl')) continue
    const f = t.split(/\s+/)
    if (f.length < 10) throw new ParseError(what, `line ${lineNo}: too few fields`)
    const queues = f[4].split(':')
    if (queues.length !== 2 || !queues.every((h) => HEX.test(h) && h.length <= 8)) throw new ParseError(what, `line ${lineNo}: bad tx_queue:rx_queue ${f[4]}`)
    const [tx, rx] = queues.map((h) => parseInt(h, 16))
    if (!/^\d{1,10}$/.test(f[7]) || !/^\d{1,20}$/.test(f[9])) throw new ParseError(what, `line ${lineNo}: bad uid or inode: ${f[7]} ${f[9]}`)
    yield {
      state: TCP_STATES[f[3]] ?? `UNKNOWN-${f[3]}`,
      local: endpoint(f[1], lineNo, what),
      remote: endpoint(f[2], lineNo, what),
      txQueue: tx,
      rxQueue: rx,
      uid: Number(f[7]),
      inode: Number(f[9]),
    }
  }
}
