import type { FactId, FactTypes } from '../model/facts.js'
import { Unavailable, UsageError } from '../model/errors.js'
import { ParseError } from '../parsers/parse-error.js'
import { loadProbe, type FactGetter, type ProbeContext } from '../probes/index.js'
import type { Source } from '../probes/source.js'

export type SampleValues = Map<FactId, unknown>

/**
 * An input that could not be read (Unavailable: the command is missing, not permitted, timed out, not in the
 * snapshot) or made sense of (ParseError: a line ss should not print), as Unavailable; undefined for anything
 * else, which is a bug in netdoc.
 */
export function inputFailure(err: unknown): Unavailable | undefined {
  if (err instanceof Unavailable) return err
  if (err instanceof ParseError) return new Unavailable('error', err.message)
  return undefined
}

/** A mistake in netdoc's own code (a TypeError, a ReferenceError), not something the host lacks. */
export function isProgrammingError(err: unknown): boolean {
  return err instanceof TypeError || err instanceof ReferenceError
}

/**
 * What a probe throws, as its checks' `error` (CONTRACT: the rest of the run goes on). A programming error says it
 * is netdoc's bug, not the host's (DEBUG=netdoc prints the stack); anything else (a worker that ran out of memory)
 * keeps its own message.
 */
export function asUnavailable(err: unknown, what = 'an input'): Unavailable {
  const input = inputFailure(err)
  if (input) return input
  if (!isProgrammingError(err)) return new Unavailable('error', err instanceof Error ? err.message : String(err))
  if (process.env.DEBUG?.includes('netdoc')) console.error(err)
  return new Unavailable('error', internalError(err, what))
}

/** The text of a bug in netdoc met while reading `what`. */
export function internalError(err: unknown, what: string): string {
  return `internal error reading ${what}: ${err instanceof Error ? err.message : String(err)} (a bug in netdoc, not the host's fault; DEBUG=netdoc prints the stack)`
}

/**
 * Runs the probes of one sample, each once, concurrently. A probe may ask for another fact of the same sample
 * (through `get`); failures are kept as Unavailable values so the rest of the run goes on.
 */
export async function collectSample(source: Source, ids: FactId[], ctx: ProbeContext = {}): Promise<SampleValues> {
  const pending = new Map<FactId, Promise<unknown>>()
  const get: FactGetter = <K extends FactId>(id: K): Promise<FactTypes[K]> => {
    let p = pending.get(id)
    if (!p) {
      p = loadProbe(id).then((probe) => probe.collect(source, get, ctx))
      pending.set(id, p)
    }
    return p as Promise<FactTypes[K]>
  }
  const values: SampleValues = new Map()
  const failed = (id: FactId) => (err: unknown): Unavailable => asUnavailable(err, `the ${id} fact`)
  await Promise.all(
    ids.map(async (id) => {
      try {
        values.set(id, await get(id))
      } catch (err) {
        // A user's own input that is wrong (--pcap of a non-capture) stops the run with exit 2.
        if (err instanceof UsageError) throw err
        values.set(id, failed(id)(err))
      }
    }),
  )
  // Facts read only because a probe asked (the census under keepaliveSockets) are kept too: the owners pass
  // after the checks joins them (engine/attribution.ts). Checks still see only what they declare.
  for (const [id, p] of pending) {
    if (values.has(id)) continue
    values.set(id, await p.catch(failed(id)))
  }
  return values
}
