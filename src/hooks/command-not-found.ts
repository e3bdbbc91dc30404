// A mistyped command (`netdoc chek`): "did you mean `netdoc check`?" and exit 2. At a terminal,
// @oclif/plugin-not-found asks "Did you mean check?" and runs it on yes; without one (CI, pipes, cron) it would
// print no suggestion at all, and nobody can answer a prompt, so the suggestion is one line on stderr.
import type { Hook } from '@oclif/core'

import { visibleLines } from '../report/escape.js'

/** Edit distance (insertions, deletions, substitutions) between two short words. */
export function editDistance(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j)
  for (let i = 1; i <= a.length; i++) {
    const row = [i]
    for (let j = 1; j <= b.length; j++) row[j] = Math.min(prev[j] + 1, row[j - 1] + 1, prev[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1))
    prev = row
  }
  return prev[b.length]
}

/** The visible command closest to `id`, when it is close enough to be what was meant. */
export function closestCommand(id: string, ids: string[]): string | undefined {
  let best: { id: string; d: number } | undefined
  for (const c of ids) {
    const d = editDistance(id, c)
    if (!best || d < best.d) best = { id: c, d }
  }
  return best && best.d <= Math.max(2, Math.floor(best.id.length / 3)) ? best.id : undefined
}

const hook: Hook.CommandNotFound = async function (opts) {
  if (process.stdin.isTTY && process.stderr.isTTY) {
    const { default: prompt } = await import('@oclif/plugin-not-found')
    // its "no" ends in exit 127; netdoc's could-not-do-it is exit 2 (CONTRACT.md)
    const exit2 = (message: string | Error) => {
      process.stderr.write(`${opts.config.bin}: ${message instanceof Error ? message.message : message}\n`)
      return this.exit(2)
    }
    return prompt.call({ ...this, error: exit2 }, opts)
  }
  const visible = opts.config.commands.filter((c) => !c.hidden).flatMap((c) => [c.id, ...c.aliases])
  const typed = opts.id.replaceAll(':', ' ')
  const suggestion = closestCommand(opts.id, visible)
  const bin = opts.config.bin
  // what was typed is the user's, shown with its control characters escaped
  const message = `${visibleLines(typed)} is not a ${bin} command${suggestion ? `; did you mean \`${bin} ${suggestion.replaceAll(':', ' ')}\`?` : ''}`
  process.stderr.write(`${bin}: ${message}\n${bin}: \`${bin} --help\` lists the commands\n`)
  this.exit(2)
}

export default hook
