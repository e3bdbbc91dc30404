import { Unavailable } from '../model/errors.js'
import type { ListenerHolder } from '../model/facts.js'
import { CLOCK_TICKS, parseChildren, parseFdinfoCloexec, parseProcPidStat, parseUptime } from '../parsers/proc-pid.js'
import type { Probe } from './probe.js'
import type { Source } from './source.js'

/** A host with thousands of listening processes is not walked whole. */
export const MAX_HOLDERS = 400
const BATCH = 16

export const listenerHolders: Probe<'listenerHolders'> = {
  id: 'listenerHolders',
  reads: ['/proc/PID/stat, /proc/PID/fdinfo/FD, /proc/PID/task/PID/children of every holder of a listener (ss -ltnmp users)', '/proc/uptime'],
  async collect(source, get) {
    const seen = new Set<string>()
    const wanted: Array<{ pid: number; fd: number }> = []
    for (const l of await get('listeners')) {
      for (const p of l.processes) {
        const key = `${p.pid}/${p.fd}`
        if (p.fd === undefined || seen.has(key) || wanted.length >= MAX_HOLDERS) continue
        seen.add(key)
        wanted.push({ pid: p.pid, fd: p.fd })
      }
    }
    if (wanted.length === 0) return []
    const uptime = parseUptime(await source.text({ file: '/proc/uptime' }))
    const out: ListenerHolder[] = []
    for (let i = 0; i < wanted.length; i += BATCH) {
      out.push(...(await Promise.all(wanted.slice(i, i + BATCH).map((w) => holder(source, w.pid, w.fd, uptime)))))
    }
    return out
  },
}

async function holder(source: Source, pid: number, fd: number, uptime: number): Promise<ListenerHolder> {
  const h: ListenerHolder = { pid, fd }
  const reasons: string[] = []
  const read = async (file: string): Promise<string | undefined> => {
    try {
      return await source.text({ file })
    } catch (err) {
      if (!(err instanceof Unavailable)) throw err
      reasons.push(err.reason) // the process exited since ss saw it, or no permission
      return undefined
    }
  }
  const [stat, fdinfo, children] = await Promise.all([read(`/proc/${pid}/stat`), read(`/proc/${pid}/fdinfo/${fd}`), read(`/proc/${pid}/task/${pid}/children`)])
  if (stat !== undefined) {
    const s = parseProcPidStat(stat, `/proc/${pid}/stat`)
    h.name = s.comm
    h.ppid = s.ppid
    h.ageSeconds = Math.max(0, Math.round(uptime - s.startTicks / CLOCK_TICKS))
  }
  if (fdinfo !== undefined) h.cloexec = parseFdinfoCloexec(fdinfo, `/proc/${pid}/fdinfo/${fd}`)
  if (children !== undefined) h.children = parseChildren(children, `/proc/${pid}/task/${pid}/children`)
  if (reasons.length) h.unreadable = reasons.join('; ')
  return h
}
