// The `capture` fact: a user's capture file (--pcap, read directly: it is the user's input, not the system's, so a
// snapshot does not record it) or a live capture (--capture, through the optional `cap` module, imported lazily).
// A file that cannot be read or is not a capture stops the run (exit 2); without either flag the checks that need
// a capture skip.
import { stat } from 'node:fs/promises'
import { availableParallelism } from 'node:os'
import { setFlagsFromString } from 'node:v8'

import { isDenied, Unavailable, unreadableFile, UsageError } from '../model/errors.js'
import type { AnalysisName, CaptureFact } from '../model/capture.js'
import { fileChunks } from '../capture/file-chunks.js'
import type { Probe } from './probe.js'

export { fileChunks }

/**
 * A big capture file with every analysis is decoded on a worker thread when a second core is there (captureThreads
 * in threaded.ts); NETDOC_CAPTURE_THREADS=1 forces one thread, =2 the decode worker, =split the analyses split
 * across two threads.
 */
export const CAPTURE_THREADS_ENV = 'NETDOC_CAPTURE_THREADS'

/**
 * Per-connection state (flows, each analysis's state, rows until trimmed) outlives a young-generation cycle and
 * dies in old space, and V8's default heap growth lets old space reach several times what is live before it is
 * collected: the peak RSS followed the file's size (160 MB for the bench file, 242 MB for it three times over)
 * while 10-40 MB was live. Growing the heap by 20 % per collection keeps the peak flat (docs/performance.md,
 * issue 17). A V8 flag is process-wide: it holds for the rest of this run, which the capture dominates.
 */
const CAPTURE_HEAP_GROWTH = '--heap-growing-percent=20'

/**
 * The young generation stays the size start-up left it: V8 doubles a busy isolate's semi-spaces up to 16 MB each,
 * and the per-segment garbage of a capture makes it grow (whole CLI, every analysis on one thread: 148 MB peak RSS
 * with growth, 119 MB without, same CPU; docs/performance.md "Two cores"). A worker's is bounded by its
 * resourceLimits (threaded.ts).
 */
const CAPTURE_YOUNG_GROWTH = '--semi-space-growth-factor=1'

export const NO_CAPTURE = 'needs a capture: add --pcap FILE, or --capture IFACE --duration SECONDS'

async function readFile(path: string, analyses: AnalysisName[] | undefined, progress?: (text: string) => void): Promise<CaptureFact> {
  let size: number
  try {
    const st = await stat(path)
    if (st.isDirectory()) throw new UsageError(`--pcap ${path}: is a directory; give a pcap or pcapng file`)
    size = st.size
  } catch (err) {
    if (err instanceof UsageError) throw err
    throw unreadableFile(`--pcap ${path}`, err, isDenied(err) ? 'run as a user who can read it' : undefined)
  }
  const { captureFact, captureFactSplit, captureFileFact } = await import('../capture/fact.js')
  const { CaptureFormatError } = await import('../capture/reader.js')
  const { ALL_ANALYSES } = await import('../capture/analyses/index.js')
  const { captureThreads, WORKER_ANALYSES } = await import('../capture/threaded.js')
  let shown = 0
  const onBytes = progress
    ? (bytes: number) => {
        const pct = size > 0 ? Math.floor((bytes / size) * 100) : 100
        if (pct !== shown) progress(`reading ${path}… ${bar(pct)} ${pct} %`)
        shown = pct
      }
    : undefined
  try {
    const origin = { kind: 'file' as const, path }
    const names = analyses ?? ALL_ANALYSES
    const threads = captureThreads(size, availableParallelism(), names, process.env[CAPTURE_THREADS_ENV])
    if (threads === 'split') return await captureFactSplit(fileChunks(path), path, origin, WORKER_ANALYSES, onBytes, names)
    if (threads === 'decode') return await captureFileFact(path, origin, onBytes, names)
    return await captureFact(fileChunks(path), origin, onBytes, names)
  } catch (err) {
    if (err instanceof CaptureFormatError) throw new UsageError(`--pcap ${path}: ${err.message}; give a pcap or pcapng file (tcpdump -w FILE)`)
    if ((err as NodeJS.ErrnoException).code) throw unreadableFile(`--pcap ${path}`, err, isDenied(err) ? 'run as a user who can read it' : undefined)
    throw err
  }
}

function bar(pct: number): string {
  const n = Math.round(pct / 5)
  return `[${'#'.repeat(n)}${'.'.repeat(20 - n)}]`
}

export const capture: Probe<'capture'> = {
  id: 'capture',
  sampled: false,
  reads: ['--pcap FILE (pcap or pcapng)', '--capture IFACE (libpcap via the optional cap module, else tcpdump -w -)', 'ss -ltn (with --capture: listeners tell the server of connections begun before the capture)'],
  async collect(_source, get, ctx) {
    const req = ctx?.capture
    if (req?.pcap || req?.capture) {
      setFlagsFromString(CAPTURE_HEAP_GROWTH)
      setFlagsFromString(CAPTURE_YOUNG_GROWTH)
    }
    if (req?.pcap) return readFile(req.pcap, req.analyses, ctx?.progress)
    if (req?.capture) {
      // the listening sockets of this run tell which end of a connection begun before the capture is the server
      const listeners = await get('listeners').catch(() => undefined)
      return (await import('../capture/live.js')).liveCapture({ ...req.capture, ...(listeners ? { listeners } : {}), ...(req.analyses ? { analyses: req.analyses } : {}) }, ctx?.progress)
    }
    throw new Unavailable('skip', NO_CAPTURE)
  },
}
