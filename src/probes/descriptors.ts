import { Unavailable } from '../model/errors.js'
import type { ProcessDescriptors, SocketOwner } from '../model/facts.js'
import { parseOpenFilesLimit } from '../parsers/proc-pid-limits.js'
import { parseSs } from '../parsers/ss.js'
import { SS_CENSUS } from './census.js'
import type { FactGetter, Probe } from './probe.js'
import type { Source } from './source.js'

/** Every TCP socket with its process: fd limits need every socket owner, the one reader that does. */
export const SS_OWNERS = ['ss', '-tanp']

/** Processes owning TCP sockets, with their socket counts. */
async function socketOwners(source: Source, get: FactGetter): Promise<SocketOwner[]> {
  const census = await get('census')
  // A census read with owners (a netdoc 0.3 snapshot) has them; one from /proc/net/tcp has none to find.
  if (census.source !== SS_CENSUS.join(' ')) return census.owners
  const owners = new Map<number, SocketOwner>()
  for await (const s of parseSs(source.lines({ cmd: SS_OWNERS }))) {
    const p = s.processes[0]
    if (!p) continue
    const o = owners.get(p.pid)
    if (o) o.sockets++
    else owners.set(p.pid, { pid: p.pid, name: p.name, sockets: 1 })
  }
  return [...owners.values()]
}

/** The busiest socket owners read; a host with thousands of processes is not walked whole. */
export const MAX_PROCESSES = 200
const BATCH = 16

export const descriptors: Probe<'descriptors'> = {
  id: 'descriptors',
  sampled: false,
  reads: ['ss -tanp (the processes owning sockets)', '/proc/PID/limits and /proc/PID/fd/ of those processes'],
  async collect(source, get) {
    const owners = [...(await socketOwners(source, get))].sort((a, b) => b.sockets - a.sockets || a.pid - b.pid).slice(0, MAX_PROCESSES)
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
