// A capture file on two threads, two ways. Split (analysesOnWorker, analysis-worker.ts): a worker reads, decodes
// and tracks the file itself and runs WORKER_ANALYSES while this thread does the same with the other analyses
// (fact.ts captureFactSplit); the tracker is deterministic, so each result comes whole from one thread and only
// the union of results is taken. Decoded on a worker (analyseFileThreaded, decode-worker.ts): the worker reads
// and decodes into batches (and tracks UDP datagrams and IP fragments) while this thread tracks flows and runs
// the analyses on the previous batch: the same segments in the same order. Either way the same fact as the
// one-thread pipeline (pipeline.ts). Worth it only for big files with a core to spare: captureThreads decides.
import { type ResourceLimits, Worker } from 'node:worker_threads'

import { Batch, type WorkerMessage } from './batch.js'
import { addressId, FIRST_V6_ID, KNOWN_LINKTYPES, Segment } from './decode.js'
import type { FlowTracker } from './flows.js'
import type { PipelineSummary } from './pipeline.js'
import { setCaptureHeapFlags } from './heap-flags.js'
import { CaptureFormatError } from './reader.js'
import type { AnalysisName, CaptureAnalyses, UdpFragments } from '../model/capture.js'

/**
 * The analyses the analysis worker runs when a capture file is split across two threads (NETDOC_CAPTURE_THREADS=split);
 * the main thread runs the others and UDP. One list, chosen by cost: congestion.flows costs about what reading,
 * decoding and tracking cost together, and the other analyses together less.
 */
export const WORKER_ANALYSES: readonly AnalysisName[] = ['congestion']

/**
 * A capture file smaller than this is read on one thread: a worker costs 40-150 ms to start, load its modules and
 * warm up, and the second core saves ~1 ms per MB of a capture with every analysis (docs/performance.md, "Two cores").
 */
export const MIN_THREADED_BYTES = 64 << 20

/**
 * The analysis worker's heap: a young generation of 4 MB. V8 lets a busy isolate's semi-spaces grow to 16 MB each,
 * which a second heap would add to the main thread's: the worker with congestion.flows peaked at 151 MB RSS with the
 * default and 114 MB with this, same CPU (docs/performance.md, "Two cores"). Old space is not bounded: the
 * tracker bounds the flows it keeps (maxLiveFlows), and a bound here would fail big captures.
 */
export const WORKER_RESOURCE_LIMITS: ResourceLimits = { maxYoungGenerationSizeMb: 4 }

/** The decode worker by default from this many cores: on 2, one thread is as fast for less CPU (captureThreads). */
export const MIN_DECODE_WORKER_CORES = 3

/** How a capture file is read: one thread, decoded on a worker (decode-worker.ts), or analyses split (analysis-worker.ts). */
export type CaptureThreads = 'one' | 'decode' | 'split'

/**
 * The choice, a pure function of the file's size, the cores this process may use, the analyses asked for and
 * NETDOC_CAPTURE_THREADS. By default the decode worker when the file repays a worker, a core is there beyond the
 * two that one thread keeps busy (its JS thread, and V8's compiler and GC threads: ~1.2 cores) and the main thread
 * has the most work to give: congestion.flows and another analysis. On 2 cores the decode worker took the same
 * wall time as one thread on a quiet machine and no less at load 2-3, for 0.3-0.8 s more CPU and 3-8 MB more
 * (docs/performance.md, branch issue-17j): one thread there. With one group of analyses
 * the decode worker cost more wall and CPU time than it saved, and 40-50 MB more. The split is never the default:
 * each thread reads, decodes and tracks, so it costs ~1.2 s more CPU over the bench capture than the decode
 * worker for the same critical path, and 2 cores cannot hide that (docs/performance.md, "Two cores").
 * With the native flow engine (`nativeFlows`: native-flows.ts) one thread does it all: the per-segment work the
 * decode worker took off the main thread is in C there, and the worker would take the engine's place with the
 * JavaScript tracker (docs/performance.md, "a seventh round").
 * `1` forces one thread, `2` the decode worker, `split` the split, whatever the size and cores.
 */
export function captureThreads(bytes: number, cores: number, names: readonly AnalysisName[], env?: string, nativeFlows = false): CaptureThreads {
  if (env === '1') return 'one'
  if (env === '2') return 'decode'
  if (env === 'split') return 'split'
  if (nativeFlows) return 'one'
  const congestionAndMore = names.includes('congestion') && names.length > 1
  return congestionAndMore && bytes >= MIN_THREADED_BYTES && cores >= MIN_DECODE_WORKER_CORES ? 'decode' : 'one'
}

/** A worker's module beside this one; run from src/ (jest), the built one in dist/. */
function workerUrl(file: 'decode-worker.js' | 'analysis-worker.js'): URL {
  const url = new URL(`./${file}`, import.meta.url)
  return url.pathname.includes('/src/capture/') ? new URL(url.href.replace('/src/capture/', '/dist/capture/')) : url
}

/** Feeds the capture file at `path` through the tracker, decoded on a worker thread, and finishes it. */
export function analyseFileThreaded(path: string, tracker: FlowTracker, onBytes?: (bytes: number) => void): Promise<{ summary: PipelineSummary; udp: UdpFragments }> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(workerUrl('decode-worker.js'), { workerData: { path }, resourceLimits: WORKER_RESOURCE_LIMITS })
    worker.on('online', setCaptureHeapFlags)
    const seg = new Segment()
    // the worker's IPv6 ids (from FIRST_V6_ID, in order) → this thread's
    const v6: number[] = []
    let settled = false
    const fail = (err: unknown) => {
      if (settled) return
      settled = true
      void worker.terminate()
      reject(err)
    }
    worker.on('message', (m: WorkerMessage) => {
      if (settled) return
      try {
        if (m.kind === 'batch') {
          for (const text of m.v6) v6.push(addressId(text))
          feed(new Batch(m.buf), m.count, seg, v6, tracker)
          worker.postMessage({ buf: m.buf }, [m.buf])
          onBytes?.(m.bytes)
        } else if (m.kind === 'end') {
          settled = true
          void worker.terminate()
          tracker.finish()
          const { summary, tcpSegments, udpPackets, firstTs, lastTs } = m
          const out: PipelineSummary = { ...summary, tcpSegments, udpPackets, unknownLinkTypes: summary.linkTypes.filter((l) => !KNOWN_LINKTYPES.has(l)) }
          if (firstTs !== undefined) out.firstTs = firstTs
          if (lastTs !== undefined) out.lastTs = lastTs
          resolve({ summary: out, udp: m.udp })
        } else {
          fail(workerError(m))
        }
      } catch (err) {
        fail(err)
      }
    })
    worker.on('error', fail)
    worker.on('exit', (code) => fail(new Error(`the capture decode worker stopped (exit code ${code}) before the end of ${path}`)))
  })
}

/** A function of its own, on locals: a received message is a slow object to read a loop bound from. */
function feed(batch: Batch, count: number, seg: Segment, v6: number[], tracker: FlowTracker): void {
  for (let i = 0; i < count; i++) {
    batch.get(i, seg, FIRST_V6_ID, v6)
    tracker.segment(seg)
  }
}

type ErrorMessage = { kind: 'error'; message: string; offset?: number; code?: string }

/** A worker's error as the one-thread pipeline would have thrown it: a CaptureFormatError, or an error with its code. */
function workerError(m: ErrorMessage): Error {
  return m.offset !== undefined ? new CaptureFormatError(m.message, m.offset) : Object.assign(new Error(m.message), m.code ? { code: m.code } : {})
}

/** analysis worker → main */
export type AnalysisWorkerMessage = { kind: 'results'; analyses: Partial<CaptureAnalyses> } | ErrorMessage

/** A run of some analyses on a worker thread; `stop()` ends it early (the main thread failed). */
export interface WorkerAnalyses {
  results: Promise<Partial<CaptureAnalyses>>
  stop(): void
}

/**
 * Runs the named analyses over the capture file at `path` on a worker thread that reads, decodes and tracks it
 * itself (analysis-worker.ts): the same flows as this thread's tracker, so its results are what this thread would
 * have computed. `resourceLimits` bounds the worker's heap (memory: two heaps now).
 */
export function analysesOnWorker(path: string, names: readonly AnalysisName[], resourceLimits = WORKER_RESOURCE_LIMITS): WorkerAnalyses {
  const worker = new Worker(workerUrl('analysis-worker.js'), { workerData: { path, names }, resourceLimits })
  worker.on('online', setCaptureHeapFlags)
  let settled = false
  const results = new Promise<Partial<CaptureAnalyses>>((resolve, reject) => {
    const fail = (err: unknown) => {
      if (settled) return
      settled = true
      void worker.terminate()
      reject(err)
    }
    worker.on('message', (m: AnalysisWorkerMessage) => {
      if (settled) return
      if (m.kind === 'error') return fail(workerError(m))
      settled = true
      void worker.terminate()
      resolve(m.analyses)
    })
    worker.on('error', fail)
    worker.on('exit', (code) => fail(new Error(`the capture analysis worker stopped (exit code ${code}) before the end of ${path}`)))
  })
  return {
    results,
    stop() {
      settled = true
      void worker.terminate()
    },
  }
}
