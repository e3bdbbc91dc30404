import type { FactId, FactTypes } from '../model/facts.js'
import type { Source } from './source.js'

export type FactGetter = <K extends FactId>(id: K) => Promise<FactTypes[K]>

/** Reads one fact through a Source (the only I/O), then hands the text to a pure parser. */
export interface Probe<K extends FactId> {
  id: K
  /** read at both ends of the window (counters, socket tables) or once (settings) */
  sampled: boolean
  /** what it reads, for `netdoc checks` */
  reads: string[]
  /** may ask for other facts of the same sample through `get` */
  collect(source: Source, get: FactGetter): Promise<FactTypes[K]>
}
