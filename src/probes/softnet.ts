import { parseProcNetSoftnetStat } from '../parsers/proc-net-softnet-stat.js'
import type { Probe } from './probe.js'

// Per CPU, host-wide: a network namespace sees the same rows as the host.
export const softnet: Probe<'softnet'> = {
  id: 'softnet',
  reads: ['/proc/net/softnet_stat'],
  async collect(source) {
    return parseProcNetSoftnetStat(await source.text({ file: '/proc/net/softnet_stat' }))
  },
}
