import type { CheckMeta } from '../model/check.js'
import { UsageError } from '../model/errors.js'

/** A selector matches a check by its id or any prefix of it: "queues" every queue check, "queues.accept" two. */
const matches = (id: string, sel: string) => id.startsWith(sel)

/** The checks of the given topics, then --only and --skip. Unknown names are a usage error. */
export function selectChecks<C extends { meta: CheckMeta }>(all: readonly C[], opts: { topics?: string[]; only?: string[]; skip?: string[] }): C[] {
  const validate = (flag: string, sels: string[]) => {
    for (const s of sels) {
      if (!all.some((c) => matches(c.meta.id, s))) throw new UsageError(`${flag} ${s}: no check has that id or prefix (see \`netdoc checks\`)`)
    }
  }
  const topics = opts.topics ?? []
  const only = opts.only ?? []
  const skip = opts.skip ?? []
  validate('topic', topics)
  validate('--only', only)
  validate('--skip', skip)
  return all.filter(
    (c) =>
      (topics.length === 0 || topics.some((t) => matches(c.meta.id, t))) &&
      (only.length === 0 || only.some((s) => matches(c.meta.id, s))) &&
      !skip.some((s) => matches(c.meta.id, s)),
  )
}

export function splitList(v: string | undefined): string[] {
  return v ? v.split(',').map((s) => s.trim()).filter(Boolean) : []
}
