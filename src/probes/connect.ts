// One TCP connection attempt: the I/O behind `netdoc connect`. It resolves the name, opens one connection with
// a deadline, and returns what happened (errno, times); judging it is src/checks/connect-verdict.ts (pure).
// It is not a Source read: a connection attempt cannot be recorded in a snapshot and replayed.
import { lookup } from 'node:dns/promises'
import { isIP, Socket } from 'node:net'

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

export async function attemptConnect(host: string, port: number, timeoutMs: number): Promise<ConnectAttempt> {
  const t0 = now()
  let address = host
  let family: 4 | 6 = isIP(host) === 6 ? 6 : 4
  if (isIP(host) === 0) {
    let timer: NodeJS.Timeout | undefined
    const deadline = new Promise<'deadline'>((resolve) => (timer = setTimeout(() => resolve('deadline'), timeoutMs)))
    try {
      const r = await Promise.race([lookup(host), deadline])
      if (r === 'deadline') return { outcome: 'deadline', phase: 'dns', dnsMs: now() - t0, connectMs: 0 }
      address = r.address
      family = r.family === 6 ? 6 : 4
    } catch (err) {
      return { outcome: 'error', phase: 'dns', code: (err as NodeJS.ErrnoException).code ?? 'EAI_FAIL', dnsMs: now() - t0, connectMs: 0 }
    } finally {
      clearTimeout(timer)
    }
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
