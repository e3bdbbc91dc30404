// The analysis worker (threaded.ts starts it): the whole one-thread pipeline, reader → decoder → its own flow
// tracker → the analyses named in workerData, over the capture file, while the main thread runs the same pipeline
// with the other analyses. The tracker is deterministic, so both threads see the same flows and each analysis's
// result comes whole from one thread: it posts its results (structured clone: plain data) and nothing is merged.
// UDP datagrams and IP fragments stay on the main thread: here only TCP is decoded.
import { parentPort, workerData } from 'node:worker_threads'

import type { AnalysisName } from '../model/capture.js'
import { attachAnalyses } from './analyses/index.js'
import { fileChunks } from './file-chunks.js'
import { FlowTracker } from './flows.js'
import { analyseStream } from './pipeline.js'
import { CaptureFormatError } from './reader.js'
import type { AnalysisWorkerMessage } from './threaded.js'

const port = parentPort!
const { path, names } = workerData as { path: string; names: AnalysisName[] }

async function main(): Promise<void> {
  const tracker = new FlowTracker()
  const analyses = attachAnalyses(tracker, names)
  await analyseStream(fileChunks(path), tracker)
  const m: AnalysisWorkerMessage = { kind: 'results', analyses: analyses.results() }
  port.postMessage(m)
}

main().catch((err: unknown) => {
  const e = err as NodeJS.ErrnoException
  const m: AnalysisWorkerMessage = { kind: 'error', message: e.message ?? String(err) }
  if (err instanceof CaptureFormatError) m.offset = err.offset
  if (e.code) m.code = e.code
  port.postMessage(m)
})
