import { Unavailable } from '../model/errors.js'
import { parseProcNetSockstat } from '../parsers/proc-net-sockstat.js'
import type { Probe } from './probe.js'

export const sockstat: Probe<'sockstat'> = {
  id: 'sockstat',
  sampled: true,
  reads: ['/proc/net/sockstat', '/proc/net/sockstat6'],
  async collect(source) {
    const v4 = parseProcNetSockstat(await source.text({ file: '/proc/net/sockstat' }))
    try {
      return { ...v4, ...parseProcNetSockstat(await source.text({ file: '/proc/net/sockstat6' }), '/proc/net/sockstat6') }
    } catch (err) {
      if (err instanceof Unavailable && err.kind === 'skip') return v4 // no IPv6
      throw err
    }
  },
}
