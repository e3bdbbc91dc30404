import { censusOf, censusOfSsLines, type CensusSocket } from '../census/census.js'
import { Unavailable } from '../model/errors.js'
import { parseProcNetTcp } from '../parsers/proc-net-tcp.js'
import type { Probe } from './probe.js'
import type { Source } from './source.js'

// No -p: ss -p walks every process's fd table (most of its time on a busy host) and TIME_WAIT has no owner anyway.
// The owners a finding or a view names are looked up afterwards, only when one needs them (engine/attribution.ts).
export const SS_CENSUS = ['ss', '-tano']
/** What snapshots of netdoc 0.3 recorded (owners inline); the parser reads both. */
export const SS_CENSUS_WITH_OWNERS = ['ss', '-tanpo']

export const census: Probe<'census'> = {
  id: 'census',
  sampled: true,
  reads: ['ss -tano', '/proc/net/tcp, /proc/net/tcp6 (when ss is missing)'],
  async collect(source) {
    // One pass: the LISTEN lines come before the sockets they serve (see CensusBuilder), so no `ss -l` first.
    // The same pass gives keepalive.sockets its timers (-o).
    const fromSs = (cmd: string[]) => censusOfSsLines(source.lineBatches({ cmd }), cmd.join(' '))
    try {
      return await fromSs(SS_CENSUS)
    } catch (err) {
      if (!(err instanceof Unavailable)) throw err
      let failed = err
      // a snapshot of netdoc 0.3 recorded the census with owners inline
      if (source.kind === 'snapshot' && err.kind === 'skip') {
        try {
          return await fromSs(SS_CENSUS_WITH_OWNERS)
        } catch (legacy) {
          if (!(legacy instanceof Unavailable)) throw legacy
          failed = legacy
        }
      }
      if (!/not found/.test(failed.reason)) throw failed
      return censusOf(procSockets(source), '/proc/net/tcp + /proc/net/tcp6')
    }
  },
}

/** Without ss: the same sockets from /proc/net/tcp and tcp6, without their processes. */
async function* procSockets(source: Source): AsyncIterable<CensusSocket> {
  for (const file of ['/proc/net/tcp', '/proc/net/tcp6']) {
    try {
      for await (const line of source.lines({ file })) {
        for (const s of parseProcNetTcp([line], file)) yield { state: s.state, local: s.local, peer: s.remote, processes: [] }
      }
    } catch (err) {
      if (err instanceof Unavailable && err.kind === 'skip') continue // no IPv6
      throw err
    }
  }
}
