// A capture file as a stream of chunks, for the capture probe (--pcap) and the capture workers (threaded.ts).
import { closeSync, openSync, readSync } from 'node:fs'

const CHUNK = 1 << 20

/** chunks between two turns of the event loop (timers, signals, a progress line to a pipe): ~10-20 ms of analysis */
const TURN_EVERY = 8

/**
 * The file in 1 MiB chunks, read on this thread into one buffer: a chunk is valid until the next one is asked for
 * (the reader copies what it keeps); memory stays flat (1 MiB) whatever the file's size. Not read ahead on libuv's
 * threads: on two cores the read's wake-ups and copy competed with V8's own threads, and the analysis waited for
 * its chunks longer than reading them here takes (docs/performance.md, issue 17). The event loop still turns every
 * few chunks, as it did while a read was awaited.
 */
export async function* fileChunks(path: string): AsyncIterable<Uint8Array> {
  const fd = openSync(path, 'r')
  const buffer = Buffer.allocUnsafe(CHUNK)
  try {
    for (let i = 1; ; i++) {
      const bytesRead = readSync(fd, buffer, 0, CHUNK, null)
      if (bytesRead === 0) return
      yield buffer.subarray(0, bytesRead)
      if (i % TURN_EVERY === 0) await new Promise((resolve) => setImmediate(resolve))
    }
  } finally {
    closeSync(fd)
  }
}
