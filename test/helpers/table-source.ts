// A Source answering from a table of key label → text (no I/O), for probe tests: a missing key fails as a
// missing file does on the host (skip), an Unavailable value as the probe's error, another Error as a bug would.
import { Unavailable } from '../../src/model/errors.js'
import { keyLabel, type ProbeKey, type Source } from '../../src/probes/source.js'

export /** A Source answering from a table of key label → text; anything else (or an Unavailable value) fails like the host would. */
function tableSource(table: Record<string, string | Error>): Source {
  const read = (key: ProbeKey): string => {
    const v = table[keyLabel(key)]
    if (v === undefined) throw new Unavailable('skip', `${keyLabel(key)} does not exist on this system`)
    if (v instanceof Error) throw v
    return v
  }
  const source: Source = {
    description: 'fixture',
    kind: 'snapshot',
    text: async (key) => read(key),
    async *lines(key) {
      yield* read(key).split('\n')
    },
    async *lineBatches(key) {
      yield read(key).split('\n')
    },
    async textMany(paths) {
      return new Map(paths.map((p) => [p, (() => { try { return read({ file: p }) } catch (e) { return e as Unavailable } })()]))
    },
    forSample: () => source,
  }
  return source
}


/** Wraps a source (and the source of every sample of it) and tells `note` each command read through it. */
export function notingCommands(inner: Source, note: (key: Extract<ProbeKey, { cmd: string[] }>) => void): Source {
  const noted = (key: ProbeKey) => {
    if ('cmd' in key) note(key)
  }
  return {
    description: inner.description,
    kind: inner.kind,
    text: (key) => (noted(key), inner.text(key)),
    lines: (key) => (noted(key), inner.lines(key)),
    lineBatches: (key) => (noted(key), inner.lineBatches(key)),
    textMany: (paths) => inner.textMany(paths),
    forSample: (sample) => notingCommands(inner.forSample(sample), note),
  }
}
