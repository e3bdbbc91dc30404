import { Unavailable } from '../model/errors.js'
import { parseConntrackStats } from '../parsers/conntrack-stats.js'
import { parseProcNetStat } from '../parsers/proc-net-stat.js'
import type { Probe } from './probe.js'

const PROCFS = '/proc/net/stat/nf_conntrack'

export const conntrackStats: Probe<'conntrackStats'> = {
  id: 'conntrackStats',
  reads: [PROCFS, 'conntrack -S (when the procfs file is missing)'],
  async collect(source) {
    try {
      return parseProcNetStat(await source.text({ file: PROCFS }), PROCFS)
    } catch (err) {
      if (!(err instanceof Unavailable && err.kind === 'skip')) throw err
    }
    // Kernels built without CONFIG_NF_CONNTRACK_PROCFS, or conntrack not loaded: ask over netlink.
    try {
      return parseConntrackStats(await source.text({ cmd: ['conntrack', '-S'] }))
    } catch (err) {
      if (!(err instanceof Unavailable)) throw err
      // A missing tool is a skip that says which of the two to provide; a failing one (no CAP_NET_ADMIN) an error.
      const kind = /not found/.test(err.reason) ? 'skip' : err.kind
      throw new Unavailable(kind, `no conntrack statistics: ${PROCFS} is missing and conntrack -S gave none (${err.reason})`)
    }
  },
}
