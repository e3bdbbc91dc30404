// Exit code 2 for anything netdoc could not do, with one or two lines on stderr and no stack trace
// (DEBUG=netdoc shows it). Used by bin/run.js around oclif's execute().
import { visibleLines } from '../report/escape.js'

export function messageOf(err: unknown): string {
  // a message may quote a file, an interface or a tool's own error: its control characters are shown, not sent
  if (err instanceof Error) return visibleLines(err.message.replace(/\n\s*See more help with --help.*$/s, '').replace(/^Parsing --\S+ \n\t/, '').trim())
  return visibleLines(String(err))
}

export function handleFatal(err: unknown): never {
  const e = err as { oclif?: { exit?: number }; code?: string }
  if (process.env.DEBUG?.includes('netdoc')) console.error(err)
  // oclif's own exit (this.exit(n)) is not an error.
  if (e?.code === 'EEXIT' && typeof e.oclif?.exit === 'number') process.exit(e.oclif.exit)
  const msg = messageOf(err)
  process.stderr.write(`netdoc: ${msg}\n`)
  process.exit(2)
}
