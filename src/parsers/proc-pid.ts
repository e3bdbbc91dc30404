// Per-process files read for the holders of listening sockets (Documentation/filesystems/proc.rst):
// /proc/PID/stat (fields 2 comm, 4 ppid, 22 starttime in clock ticks since boot), /proc/PID/fdinfo/FD
// (`flags:` octal open flags; O_CLOEXEC is 02000000, fs/proc/fd.c seq_show), /proc/PID/task/TID/children
// (space-separated pids, CONFIG_PROC_CHILDREN), /proc/uptime (seconds since boot).
import { ParseError } from './parse-error.js'

export interface ProcStat {
  comm: string
  ppid: number
  /** clock ticks after boot */
  startTicks: number
}

/** comm is in parentheses and may itself hold `)` or spaces: the fields resume after the last `)`. */
export function parseProcPidStat(text: string, what: string): ProcStat {
  const open = text.indexOf('(')
  const close = text.lastIndexOf(')')
  if (open < 0 || close < open) throw new ParseError(what, 'no (comm) field')
  const rest = text.slice(close + 1).trim().split(/\s+/) // rest[0] is field 3 (state)
  const ppid = Number(rest[1])
  const startTicks = Number(rest[19])
  if (!Number.isInteger(ppid) || !Number.isInteger(startTicks)) throw new ParseError(what, 'ppid or starttime is not a number')
  return { comm: text.slice(open + 1, close), ppid, startTicks }
}

export const O_CLOEXEC = 0o2000000

/** The `flags:` line of /proc/PID/fdinfo/FD: true when the descriptor is close-on-exec. */
export function parseFdinfoCloexec(text: string, what: string): boolean {
  const m = /^flags:\s*([0-7]{1,12})$/m.exec(text)
  if (!m) throw new ParseError(what, 'no flags: line')
  return (parseInt(m[1], 8) & O_CLOEXEC) !== 0
}

export function parseChildren(text: string, what: string): number[] {
  const words = text.trim().split(/\s+/).filter((w) => w !== '')
  if (!words.every((w) => /^\d{1,10}$/.test(w))) throw new ParseError(what, 'not a list of pids')
  return words.map(Number)
}

export function parseUptime(text: string): number {
  const up = Number(text.trim().split(/\s+/)[0])
  if (!Number.isFinite(up)) throw new ParseError('/proc/uptime', 'not a number of seconds')
  return up
}

/** USER_HZ: the unit of starttime. 100 on every architecture Linux userspace runs on but alpha (sysconf(_SC_CLK_TCK)). */
export const CLOCK_TICKS = 100
