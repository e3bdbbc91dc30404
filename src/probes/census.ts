import { censusOf, censusOfSsLines, type CensusSocket } from '../census/census.js'
import { Unavailable } from '../model/errors.js'
import { parseProcNetTcp } from '../parsers/proc-net-tcp.js'
import type { Probe } from './probe.js'
import type { Source } from './source.js'
import { SS_CENSUS, SS_CENSUS_WITH_OWNERS } from './ss-commands.js'

export const census: Probe<'census'> = {
  id: 'census',
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
