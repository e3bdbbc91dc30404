import { Unavailable } from '../model/errors.js'
import type { ProcessDescriptors } from '../model/facts.js'
import { parseOpenFilesLimit } from '../parsers/proc-pid-limits.js'
import type { Probe } from './probe.js'

/** The busiest socket owners read; a host with thousands of processes is not walked whole. */
export const MAX_PROCESSES = 200
const BATCH = 16

export const descriptors: Probe<'descriptors'> = {
  id: 'descriptors',
  sampled: false,
  reads: ['/proc/PID/limits and /proc/PID/fd/ of the processes owning sockets (from ss -tanpo)'],
  async collect(source, get) {
    const owners = [...(await get('census')).owners].sort((a, b) => b.sockets - a.sockets || a.pid - b.pid).slice(0, MAX_PROCESSES)
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
