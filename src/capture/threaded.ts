// A capture file on two threads: the decode worker (decode-worker.ts) reads and decodes it into batches (and
// tracks UDP datagrams and IP fragments) while this thread tracks flows and runs the analyses on the previous batch. Same segments in the same order as the
// one-thread pipeline (pipeline.ts), so the same fact; nothing to merge. Worth it only for big files (a worker
// costs ~30 ms to start): the capture probe chooses (src/probes/capture.ts).
import { Worker } from 'node:worker_threads'

import { Batch, type WorkerMessage } from './batch.js'
import { addressId, FIRST_V6_ID, KNOWN_LINKTYPES, Segment } from './decode.js'
import type { FlowTracker } from './flows.js'
import type { PipelineSummary } from './pipeline.js'
import { CaptureFormatError } from './reader.js'
import type { UdpFragments } from '../model/capture.js'

/** The worker's module beside this one; run from src/ (jest), the built one in dist/. */
function workerUrl(): URL {
  const url = new URL('./decode-worker.js', import.meta.url)
  return url.pathname.includes('/src/capture/') ? new URL(url.href.replace('/src/capture/', '/dist/capture/')) : url
}

/** Feeds the capture file at `path` through the tracker, decoded on a worker thread, and finishes it. */
export function analyseFileThreaded(path: string, tracker: FlowTracker, onBytes?: (bytes: number) => void): Promise<{ summary: PipelineSummary; udp: UdpFragments }> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(workerUrl(), { workerData: { path } })
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
          fail(m.offset !== undefined ? new CaptureFormatError(m.message, m.offset) : Object.assign(new Error(m.message), m.code ? { code: m.code } : {}))
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
