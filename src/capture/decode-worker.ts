// The decode worker (threaded.ts starts it): reads a capture file and decodes it, reader.ts → decode.ts, into
// batches of segments (batch.ts) that it transfers to the thread that tracks flows, while that thread works on the
// previous batch. Reading is the capture probe's (--pcap is the user's file, read directly, not through a Source).
// At most POOL batches are in flight: the worker waits for one to come back before it reads on, so memory stays
// flat whatever the file's size.
import { open } from 'node:fs/promises'
import { parentPort, workerData } from 'node:worker_threads'

import { Batch, BATCH_SEGMENTS, type WorkerMessage } from './batch.js'
import { decodeTcpInto, internedSince, Segment } from './decode.js'
import { CaptureFormatError, CaptureReader } from './reader.js'

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
  const seg = new Segment()
  let batch = free.pop()!
  let count = 0
  let bytes = 0
  let v6Sent = 0
  let tcpSegments = 0
  // always numbers (see pipeline.ts packetSink)
  let firstTs = Infinity
  let lastTs = -Infinity
  const flush = () => {
    if (count === 0) return
    const v6 = internedSince(v6Sent)
    v6Sent += v6.length
    post({ kind: 'batch', buf: batch.buffer, count, bytes, v6 }, [batch.buffer])
    // within one chunk the pool may run dry: one more batch then (the wait after each chunk bounds it)
    batch = free.pop() ?? new Batch()
    count = 0
  }
  const reader = new CaptureReader((p) => {
    seg.ts = p.ts
    if (!decodeTcpInto(seg, p.linkType, p.bytes, p.start, p.end, p.origLen)) return
    tcpSegments++
    if (p.ts < firstTs) firstTs = p.ts
    if (p.ts > lastTs) lastTs = p.ts
    batch.put(count, seg)
    if (++count === BATCH_SEGMENTS) flush()
  })
  const fh = await open(path, 'r')
  const chunk = Buffer.allocUnsafe(1 << 20)
  try {
    for (;;) {
      const { bytesRead } = await fh.read(chunk, 0, chunk.length, null)
      if (bytesRead === 0) break
      bytes += bytesRead
      reader.push(chunk.subarray(0, bytesRead))
      while (free.length === 0) await new Promise<void>((r) => (returned = r))
    }
  } finally {
    await fh.close()
  }
  const summary = reader.end()
  flush()
  const end: WorkerMessage = { kind: 'end', summary, tcpSegments }
  if (firstTs !== Infinity) end.firstTs = firstTs
  if (lastTs !== -Infinity) end.lastTs = lastTs
  post(end)
}

main((workerData as { path: string }).path).catch((err: unknown) => {
  const e = err as NodeJS.ErrnoException
  const m: WorkerMessage = { kind: 'error', message: e.message ?? String(err) }
  if (err instanceof CaptureFormatError) m.offset = err.offset
  if (e.code) m.code = e.code
  post(m)
})
