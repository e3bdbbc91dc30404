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
  collect(source: Source, get: FactGetter, ctx?: ProbeContext): Promise<FactTypes[K]>
}

/** What a run asks of the probes beyond the defaults (from the configuration). */
export interface ProbeContext {
  /** sysctls to read besides SYSCTL_NAMES: those the configuration expects values of */
  extraSysctls?: string[]
}
