// The `capture` fact: a user's capture file (--pcap, read directly: it is the user's input, not the system's, so a
// snapshot does not record it) or a live capture (--capture, through the optional `cap` module, imported lazily).
// A file that cannot be read or is not a capture stops the run (exit 2); without either flag the checks that need
// a capture skip.
import { stat } from 'node:fs/promises'
import { availableParallelism } from 'node:os'

import { isDenied, Unavailable, unreadableFile, UsageError } from '../model/errors.js'
import type { AnalysisName, CaptureFact } from '../model/capture.js'
import { fileChunks } from '../capture/file-chunks.js'
import { setCaptureHeapFlags } from '../capture/heap-flags.js'
import type { Probe } from './probe.js'

/**
 * A big capture file with every analysis is decoded on a worker thread when 3+ cores are there (captureThreads
 * in threaded.ts); NETDOC_CAPTURE_THREADS=1 forces one thread, =2 the decode worker, =split the analyses split
 * across two threads.
 */
export const CAPTURE_THREADS_ENV = 'NETDOC_CAPTURE_THREADS'

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
  const { nativeFlowsFor } = await import('../capture/native-flows.js')
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
    const threads = captureThreads(size, availableParallelism(), names, process.env[CAPTURE_THREADS_ENV], nativeFlowsFor(names))
    if (threads === 'split') return await captureFactSplit(fileChunks(path), path, origin, WORKER_ANALYSES, onBytes, names)
    if (threads === 'decode') return await captureFileFact(path, origin, onBytes, names)
    return await captureFact(fileChunks(path), origin, onBytes, names)
  } catch (err) {
    if (err instanceof CaptureFormatError) throw new UsageError(`--pcap ${path}: ${err.message}; give a pcap or pcapng file (tcpdump -w FILE)`)
    // an errno (ENOENT, EACCES, EISDIR) is the file's; Node's own ERR_* codes (a worker out of memory) are not
    if (/^E[A-Z]+$/.test((err as NodeJS.ErrnoException).code ?? '')) throw unreadableFile(`--pcap ${path}`, err, isDenied(err) ? 'run as a user who can read it' : undefined)
    throw err
  }
}

function bar(pct: number): string {
  const n = Math.round(pct / 5)
  return `[${'#'.repeat(n)}${'.'.repeat(20 - n)}]`
}

export const capture: Probe<'capture'> = {
  id: 'capture',
  reads: ['--pcap FILE (pcap or pcapng)', '--capture IFACE (libpcap via the optional cap module, else tcpdump -w -)', 'the listeners fact, ss -ltnmp (with --capture: listeners tell the server of connections begun before the capture)'],
  async collect(_source, get, ctx) {
    const req = ctx?.capture
    if (req?.pcap || req?.capture) setCaptureHeapFlags()
    if (req?.pcap) return readFile(req.pcap, req.analyses, ctx?.progress)
    if (req?.capture) {
      // the listening sockets of this run tell which end of a connection begun before the capture is the server
      const listeners = await get('listeners').catch(() => undefined)
      return (await import('../capture/live.js')).liveCapture({ ...req.capture, ...(listeners ? { listeners } : {}), ...(req.analyses ? { analyses: req.analyses } : {}) }, ctx?.progress)
    }
    throw new Unavailable('skip', NO_CAPTURE)
  },
}
