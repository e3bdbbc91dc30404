// /proc/PID/limits (fs/proc/base.c proc_pid_limits; man 5 proc): a table "Limit  Soft Limit  Hard Limit  Units".
// Only the open-files line matters here: "Max open files            1024                 524288               files".
import { ParseError } from './parse-error.js'

export interface OpenFilesLimit {
  /** undefined when "unlimited" */
  soft?: number
  hard?: number
}

export function parseOpenFilesLimit(text: string, what = '/proc/PID/limits'): OpenFilesLimit {
  const line = text.split('\n').find((l) => l.startsWith('Max open files'))
  if (!line) throw new ParseError(what, 'no "Max open files" line')
  const [soft, hard] = line.slice('Max open files'.length).trim().split(/\s+/)
  const num = (v: string | undefined) => {
    if (v === 'unlimited') return undefined
    const n = Number(v)
    if (!Number.isFinite(n)) throw new ParseError(what, `Max open files: not a number: ${v}`)
    return n
  }
  return { soft: num(soft), hard: num(hard) }
}
