// The decode worker (threaded.ts starts it): reads a capture file and decodes it, reader.ts → decode.ts (the
// pipeline's packetSink), into batches of segments (batch.ts) that it transfers to the thread that tracks flows,
// while that thread works on the previous batch. What is not TCP goes to the UDP/fragment tracker here, whose
// result comes back with the summary at the end. Reading is the capture probe's (--pcap is the user's file, read directly, not through a Source).
// At most POOL batches are in flight: the worker waits for one to come back before it reads on, so memory stays
// flat whatever the file's size.
import { parentPort, workerData } from 'node:worker_threads'

import { Batch, BATCH_SEGMENTS, type WorkerMessage } from './batch.js'
import { internedSince, type Segment } from './decode.js'
import { fileChunks } from './file-chunks.js'
import { packetSink } from './pipeline.js'
import { CaptureFormatError, CaptureReader } from './reader.js'
import { UdpTracker } from './udp-fragments.js'

const POOL = 4
const port = parentPort!
const free: Batch[] = []
for (let i = 0; i < POOL; i++) free.push(new Batch())
let returned: (() => void) | undefined
port.on('message', (m: { buf: ArrayBuffer }) => {
  free.push(new Batch(m.buf))
  returned?.()
  returned = undefined
})

const post = (m: WorkerMessage, transfer: ArrayBuffer[] = []) => port.postMessage(m, transfer)

async function main(path: string): Promise<void> {
  let batch = free.pop()!
  let count = 0
  let bytes = 0
  let v6Sent = 0
  const flush = () => {
    if (count === 0) return
    const v6 = internedSince(v6Sent)
    v6Sent += v6.length
    post({ kind: 'batch', buf: batch.buffer, count, bytes, v6 }, [batch.buffer])
    // within one chunk the pool may run dry: one more batch then (the wait after each chunk bounds it)
    batch = free.pop() ?? new Batch()
    count = 0
  }
  const udp = new UdpTracker()
  const toBatch = {
    segment(seg: Segment) {
      batch.put(count, seg)
      if (++count === BATCH_SEGMENTS) flush()
    },
  }
  const sink = packetSink(toBatch, udp)
  const reader = new CaptureReader(sink.onPacket, sink.scanner)
  for await (const chunk of fileChunks(path)) {
    bytes += chunk.length
    reader.push(chunk)
    while (free.length === 0) await new Promise<void>((r) => (returned = r))
  }
  const summary = reader.end()
  flush()
  const { tcpSegments, udpPackets, firstTs, lastTs } = sink.counts
  const end: WorkerMessage = { kind: 'end', summary, tcpSegments, udpPackets, udp: udp.finish(lastTs) }
  if (firstTs !== undefined) end.firstTs = firstTs
  if (lastTs !== undefined) end.lastTs = lastTs
  post(end)
}

main((workerData as { path: string }).path).catch((err: unknown) => {
  const e = err as NodeJS.ErrnoException
  const m: WorkerMessage = { kind: 'error', message: e.message ?? String(err) }
  if (err instanceof CaptureFormatError) m.offset = err.offset
  if (e.code) m.code = e.code
  post(m)
})
