import type { AnalysisName } from '../model/capture.js'
import type { FactId, FactTypes } from '../model/facts.js'
import type { Source } from './source.js'

export type FactGetter = <K extends FactId>(id: K) => Promise<FactTypes[K]>

/** What a capture probe is asked to read: a user's file (--pcap) or a live capture (--capture). */
export interface CaptureRequest {
  pcap?: string
  capture?: { interface: string; seconds: number; filter?: string; write?: string; with?: 'auto' | 'cap' | 'tcpdump' }
  /** the analyses to attach: those the selected checks and views read (every one when absent) */
  analyses?: AnalysisName[]
}

/** Inputs of a run that come from flags or the configuration rather than from the Source. */
export interface ProbeContext {
  /** the sysctls to read: what the selected checks, their probes and the view declare, and the expected ones */
  sysctls?: string[]
  capture?: CaptureRequest
  /** progress text for stderr (a terminal only); undefined when nobody shows it */
  progress?: (text: string) => void
}

/** What the engine knows of a probe before it imports it (probes/index.ts PROBE_INFO). */
export interface ProbeInfo {
  /** read at both ends of the window (counters, socket tables) or once (settings) */
  sampled: boolean
  /** sysctls it reads itself (through get('sysctls')) */
  sysctls?: string[]
}

/** Reads one fact through a Source (the only I/O), then hands the text to a pure parser. */
export interface Probe<K extends FactId> {
  id: K
  /** what it reads, for `netdoc checks` (the catalogue, made at build time) */
  reads: string[]
  /** may ask for other facts of the same sample through `get` */
  collect(source: Source, get: FactGetter, ctx?: ProbeContext): Promise<FactTypes[K]>
}
