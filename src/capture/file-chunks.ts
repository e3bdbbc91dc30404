// A capture file as a stream of chunks, for the capture probe (--pcap) and the capture workers (threaded.ts).
import { open } from 'node:fs/promises'

const CHUNK = 1 << 20

/**
 * The file in 1 MiB chunks, read ahead: while the caller parses one chunk, the next is read into the other of two
 * buffers (libuv reads on its own thread), so the file's read overlaps its analysis instead of adding to it. A
 * chunk is valid until the next one is asked for (the reader copies what it keeps); memory stays flat (2 MiB)
 * whatever the file's size.
 */
export async function* fileChunks(path: string): AsyncIterable<Uint8Array> {
  const fh = await open(path, 'r')
  const buffers = [Buffer.allocUnsafe(CHUNK), Buffer.allocUnsafe(CHUNK)]
  let reading = fh.read(buffers[0], 0, CHUNK, null)
  try {
    for (let i = 1; ; i ^= 1) {
      const { bytesRead, buffer } = await reading
      if (bytesRead === 0) return
      reading = fh.read(buffers[i], 0, CHUNK, null)
      yield buffer.subarray(0, bytesRead)
    }
  } finally {
    // a read still in flight (the caller stopped early) ends before the file is closed under it
    await reading.catch(() => undefined)
    await fh.close()
  }
}
