import { Unavailable } from '../model/errors.js'
import { parseProcNetSockstat } from '../parsers/proc-net-sockstat.js'
import type { Probe } from './probe.js'

export const sockstat: Probe<'sockstat'> = {
  id: 'sockstat',
  reads: ['/proc/net/sockstat', '/proc/net/sockstat6'],
  async collect(source) {
    const m = await source.textMany(['/proc/net/sockstat', '/proc/net/sockstat6'])
    const v4 = m.get('/proc/net/sockstat')
    if (v4 === undefined || v4 instanceof Unavailable) throw v4 ?? new Unavailable('error', '/proc/net/sockstat was not read')
    const v6 = m.get('/proc/net/sockstat6')
    // no IPv6 on this host: only its TCP6/UDP6 lines are missing
    return { ...parseProcNetSockstat(v4), ...(typeof v6 === 'string' ? parseProcNetSockstat(v6, '/proc/net/sockstat6') : {}) }
  },
}
