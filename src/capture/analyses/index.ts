// Every analysis that a capture feeds, by the name of its result in CaptureAnalyses (src/model/capture.ts).
// Adding one: a file here exporting an AnalysisFactory, its type line in CaptureAnalyses, one line below.
import type { AnalysisName, CaptureAnalyses } from '../../model/capture.js'
import type { Flow, FlowObserver, FlowTracker } from '../flows.js'
import { closesAnalysis } from './closes.js'
import { congestionAnalysis } from './congestion.js'
import { heartbeatAnalysis } from './heartbeat.js'
import { keepaliveAnalysis } from './keepalive.js'

export interface AnalysisRun<T> {
  observer: FlowObserver<any>
  /** called once, after the tracker finished */
  result(): T
}

export type AnalysisFactory<T> = () => AnalysisRun<T>

export const ANALYSES: { [K in keyof CaptureAnalyses]: AnalysisFactory<CaptureAnalyses[K]> } = {
  heartbeat: heartbeatAnalysis,
  keepalive: keepaliveAnalysis,
  closes: () => closesAnalysis(),
  congestion: () => congestionAnalysis(),
}

/** Every analysis, for a run that does not say which it needs. */
export const ALL_ANALYSES = Object.keys(ANALYSES) as AnalysisName[]

/**
 * Registers the named analyses (every one by default) on the tracker; `results()` after tracker.finish(). An
 * analysis no check reads is not attached: each costs per-segment work (congestion.flows most).
 */
export function attachAnalyses(tracker: FlowTracker, names: readonly AnalysisName[] = ALL_ANALYSES): { results(): Partial<CaptureAnalyses> } {
  const wanted = new Set(names)
  const runs = Object.entries(ANALYSES).filter(([name]) => wanted.has(name as AnalysisName)).map(([name, make]) => {
    const run = make()
    tracker.observe(run.observer)
    return [name, run] as const
  })
  return { results: () => Object.fromEntries(runs.map(([name, run]) => [name, run.result()])) as Partial<CaptureAnalyses> }
}

/** The fields a result carries for a connection begun before the capture: its roles were guessed, and how. */
export function midstreamOf(flow: Flow): { midstream?: true; serverBy?: 'listener' | 'port' } {
  if (!flow.midstream) return {}
  return flow.serverBy === 'handshake' ? { midstream: true } : { midstream: true, serverBy: flow.serverBy }
}
