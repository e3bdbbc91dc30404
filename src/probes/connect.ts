// One TCP connection attempt: the I/O behind `netdoc connect`. It resolves the name, opens one connection with
// a deadline, and returns what happened (errno, times); judging it is src/checks/support/connect-verdict.ts (pure).
// It is not a Source read: a connection attempt cannot be recorded in a snapshot and replayed.
import { lookup } from 'node:dns/promises'
import { isIP, Socket } from 'node:net'

import { runCommand } from './exec.js'

export interface ConnectAttempt {
  /** the address tried (after name resolution) */
  address?: string
  family?: 4 | 6
  /** connected; or failed with an errno (ECONNREFUSED, ETIMEDOUT, EHOSTUNREACH, ENOTFOUND...); or our deadline passed */
  outcome: 'connected' | 'error' | 'deadline'
  /** the phase that failed: the name lookup or the TCP connect */
  phase: 'dns' | 'connect'
  code?: string
  /** time spent in the name lookup and in connect(), ms */
  dnsMs: number
  connectMs: number
}

const now = () => Number(process.hrtime.bigint()) / 1e6

type Resolved = { address: string; family: 4 | 6 } | { code: string } | 'deadline'

/**
 * The name's first address as getaddrinfo gives it (/etc/hosts, nsswitch, DNS), through `getent ahosts` in a child
 * process: a lookup that outlasts the deadline is killed. In-process (dns.lookup) a hung resolver would hold the
 * process at exit, since node joins its thread pool, until the resolver gives up (10 s with the glibc defaults).
 * getent exits 2 both for "no such name" and "no resolver answered". Without getent: dns.lookup.
 */
async function resolveName(host: string, timeoutMs: number): Promise<Resolved> {
  const r = await runCommand(['getent', 'ahosts', host], { timeoutMs })
  if (r.timedOut) return 'deadline'
  if (r.missing) {
    try {
      const found = await lookup(host)
      return { address: found.address, family: found.family === 6 ? 6 : 4 }
    } catch (e) {
      return { code: (e as NodeJS.ErrnoException).code ?? 'EAI_FAIL' }
    }
  }
  const address = /^(\S+)\s+STREAM\b/m.exec(r.stdout)?.[1] ?? r.stdout.split(/\s+/)[0]
  if (r.exitCode === 0 && address && isIP(address)) return { address, family: isIP(address) === 6 ? 6 : 4 }
  return { code: r.exitCode === 2 ? 'ENOTFOUND' : 'EAI_FAIL' }
}

export async function attemptConnect(host: string, port: number, timeoutMs: number): Promise<ConnectAttempt> {
  const t0 = now()
  let address = host
  let family: 4 | 6 = isIP(host) === 6 ? 6 : 4
  if (isIP(host) === 0) {
    const r = await resolveName(host, timeoutMs)
    if (r === 'deadline') return { outcome: 'deadline', phase: 'dns', dnsMs: now() - t0, connectMs: 0 }
    if ('code' in r) return { outcome: 'error', phase: 'dns', code: r.code, dnsMs: now() - t0, connectMs: 0 }
    address = r.address
    family = r.family
  }
  const dnsMs = now() - t0
  const left = Math.max(1, timeoutMs - dnsMs)
  return new Promise((resolve) => {
    const t1 = now()
    const socket = new Socket()
    const done = (a: Omit<ConnectAttempt, 'address' | 'family' | 'dnsMs' | 'connectMs' | 'phase'>) => {
      clearTimeout(timer)
      socket.destroy()
      resolve({ ...a, phase: 'connect', address, family, dnsMs, connectMs: now() - t1 })
    }
    const timer = setTimeout(() => done({ outcome: 'deadline' }), left)
    socket.once('connect', () => done({ outcome: 'connected' }))
    socket.once('error', (err: NodeJS.ErrnoException) => done({ outcome: 'error', code: err.code ?? 'EUNKNOWN' }))
    socket.connect({ host: address, port, family })
  })
}
