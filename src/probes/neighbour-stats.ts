import { Unavailable } from '../model/errors.js'
import type { NeighbourStats } from '../model/facts.js'
import { parseProcNetStat } from '../parsers/proc-net-stat.js'
import type { Probe } from './probe.js'

const FILES = { arp: '/proc/net/stat/arp_cache', ndisc: '/proc/net/stat/ndisc_cache' } as const

export const neighbourStats: Probe<'neighbourStats'> = {
  id: 'neighbourStats',
  reads: [FILES.arp, FILES.ndisc],
  async collect(source) {
    const out: NeighbourStats = {}
    for (const [table, file] of Object.entries(FILES) as Array<[keyof NeighbourStats, string]>) {
      try {
        out[table] = parseProcNetStat(await source.text({ file }), file)
      } catch (err) {
        if (!(err instanceof Unavailable && err.kind === 'skip')) throw err // no IPv6: no ndisc_cache
      }
    }
    // The neighbour tables are the host's, shown only in the initial network namespace.
    if (!out.arp && !out.ndisc) throw new Unavailable('skip', `${FILES.arp} is absent: the neighbour tables are shown only in the host's initial network namespace`)
    return out
  },
}
