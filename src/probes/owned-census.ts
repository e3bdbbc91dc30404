// Every socket with its process: one full `ss -p` pass (ss walks every process's descriptors, whatever the filter).
// Read only when asked: fd limits (the descriptors probe) need every socket's owner, and the owners pass after the
// checks takes this one when its sample has it (engine/attribution.ts), so a sample walks the descriptors once.
import { Unavailable } from '../model/errors.js'
import { collectEveryOwner, type EveryOwnerRead } from './owners.js'
import type { Probe } from './probe.js'

/** What snapshots of netdoc 0.4 before the shared pass recorded for fd limits: no timers, so no keepalive fact. */
export const OWNERS_WITHOUT_TIMERS: EveryOwnerRead = { cmd: ['ss', '-tanp'], timers: false }

export const ownedCensus: Probe<'ownedCensus'> = {
  id: 'ownedCensus',
  reads: ['ss -tanpo (every socket with its process)'],
  async collect(source, get) {
    // the census's listeners decide each socket's side, as in the owners pass
    const listening = (await get('census')).listening.map((l) => l.local)
    try {
      return await collectEveryOwner(source, listening)
    } catch (err) {
      if (!(err instanceof Unavailable && err.kind === 'skip' && source.kind === 'snapshot')) throw err
      return collectEveryOwner(source, listening, OWNERS_WITHOUT_TIMERS)
    }
  },
}
