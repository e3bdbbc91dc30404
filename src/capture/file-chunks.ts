// A capture file as a stream of chunks, for the capture probe (--pcap) and the capture workers (threaded.ts).
import { open } from 'node:fs/promises'

/** The file in 1 MiB chunks read into one reused buffer: memory stays flat whatever the file's size. */
export async function* fileChunks(path: string): AsyncIterable<Uint8Array> {
  const fh = await open(path, 'r')
  const buf = Buffer.allocUnsafe(1 << 20)
  try {
    for (;;) {
      const { bytesRead } = await fh.read(buf, 0, buf.length, null)
      if (bytesRead === 0) return
      yield buf.subarray(0, bytesRead)
    }
  } finally {
    await fh.close()
  }
}
