import { Unavailable } from '../model/errors.js'
import type { ProcessDescriptors, SocketOwner } from '../model/facts.js'
import { parseOpenFilesLimit } from '../parsers/proc-pid-limits.js'
import { SS_CENSUS } from './ss-commands.js'
import type { FactGetter, Probe } from './probe.js'

/** Processes owning TCP sockets, with their socket counts: fd limits need every socket's owner. */
async function socketOwners(get: FactGetter): Promise<SocketOwner[]> {
  const census = await get('census')
  // A census read with owners (a netdoc 0.3 snapshot) has them; one from /proc/net/tcp has none to find.
  if (census.source !== SS_CENSUS.join(' ')) return census.owners
  return (await get('ownedCensus')).owners
}

/** The busiest socket owners read; a host with thousands of processes is not walked whole. */
export const MAX_PROCESSES = 200
const BATCH = 16

export const descriptors: Probe<'descriptors'> = {
  id: 'descriptors',
  reads: ['ss -tanpo (the processes owning sockets: the owners pass of the first sample)', '/proc/PID/limits and /proc/PID/fd/ of those processes'],
  async collect(source, get) {
    const owners = [...(await socketOwners(get))].sort((a, b) => b.sockets - a.sockets || a.pid - b.pid).slice(0, MAX_PROCESSES)
    const out: ProcessDescriptors[] = []
    for (let i = 0; i < owners.length; i += BATCH) {
      const batch = owners.slice(i, i + BATCH)
      out.push(
        ...(await Promise.all(
          batch.map(async (o): Promise<ProcessDescriptors> => {
            const d: ProcessDescriptors = { pid: o.pid, name: o.name, sockets: o.sockets }
            try {
              const limits = parseOpenFilesLimit(await source.text({ file: `/proc/${o.pid}/limits` }), `/proc/${o.pid}/limits`)
              d.limit = limits.soft
              if (limits.hard !== undefined) d.hardLimit = limits.hard
              const fds = await source.text({ dir: `/proc/${o.pid}/fd` })
              d.open = fds.split('\n').filter((l) => l !== '').length
            } catch (err) {
              if (!(err instanceof Unavailable)) throw err
              d.unreadable = err.reason // the process exited since ss saw it, or no permission
            }
            return d
          }),
        )),
      )
    }
    return out
  },
}
