// A capture → the `capture` fact: the pipeline (pipeline.ts) with the requested analyses attached (every one by default), plus the notes the report
// shows (truncation, link types the decoder skips, what was read).
import type { AnalysisName, CaptureFact, CaptureOrigin, UdpFragments } from '../model/capture.js'
import { analyseStream, type PipelineSummary } from './pipeline.js'
import { ALL_ANALYSES, attachAnalyses } from './analyses/index.js'
import { DEFAULT_TRACKER_OPTIONS, FlowTracker, type TrackerStats } from './flows.js'
import { nativeTrackerWithAnalyses } from './native-flows.js'
import { analyseFileThreaded, analysesOnWorker } from './threaded.js'
import { UdpTracker } from './udp-fragments.js'

export function originText(o: CaptureOrigin): string {
  return o.kind === 'file' ? o.path : `${o.interface} (live${o.via ? ` via ${o.via === 'cap' ? 'libpcap (cap)' : 'tcpdump'}` : ''}, ${o.seconds} s${o.filter ? `, filter "${o.filter}"` : ''})`
}

/** Reads a whole capture stream into the fact. Throws CaptureFormatError for a file that is not a capture. */
export async function captureFact(stream: AsyncIterable<Uint8Array>, origin: CaptureOrigin, onBytes?: (bytes: number) => void, names?: AnalysisName[]): Promise<CaptureFact> {
  // the native flow engine when it is built (native-flows.ts), else the JavaScript tracker: the same fact
  const native = nativeTrackerWithAnalyses(names)
  const tracker = native?.tracker ?? new FlowTracker()
  const analyses = native ?? attachAnalyses(tracker as FlowTracker, names)
  const udp = new UdpTracker()
  const summary = await analyseStream(stream, tracker, onBytes, udp)
  return toFact(origin, summary, tracker, analyses.results(), udp.finish(summary.lastTs))
}

/**
 * The same fact from a capture file decoded on a worker thread (threaded.ts): the same segments in the same order;
 * the UDP/fragment tracker runs on the worker, beside the decoder, and its result comes back with the summary.
 */
export async function captureFileFact(path: string, origin: CaptureOrigin, onBytes?: (bytes: number) => void, names?: AnalysisName[]): Promise<CaptureFact> {
  const tracker = new FlowTracker()
  const analyses = attachAnalyses(tracker, names)
  const { summary, udp } = await analyseFileThreaded(path, tracker, onBytes)
  return toFact(origin, summary, tracker, analyses.results(), udp)
}

/**
 * The same fact with the analyses split across two threads (threaded.ts): `onWorker` of the requested analyses run
 * on a worker that reads, decodes and tracks the file itself, the others (and UDP) here, on the chunks of
 * `stream` (the same file). Each thread's tracker sees the same segments, so the flows, and each result, are the
 * one-thread pipeline's; the fact's counts and notes come from this thread's tracker.
 */
export async function captureFactSplit(stream: AsyncIterable<Uint8Array>, path: string, origin: CaptureOrigin, onWorker: readonly AnalysisName[], onBytes?: (bytes: number) => void, names: readonly AnalysisName[] = ALL_ANALYSES): Promise<CaptureFact> {
  const there = names.filter((n) => onWorker.includes(n))
  if (there.length === 0) return captureFact(stream, origin, onBytes, [...names])
  const worker = analysesOnWorker(path, there)
  // a failed worker stops this thread's read at its next chunk
  let workerFailed: unknown
  worker.results.catch((err: unknown) => (workerFailed = err ?? new Error('the capture analysis worker failed')))
  async function* untilWorkerFails() {
    for await (const chunk of stream) {
      if (workerFailed !== undefined) throw workerFailed
      yield chunk
    }
  }
  const tracker = new FlowTracker()
  const analyses = attachAnalyses(tracker, names.filter((n) => !onWorker.includes(n)))
  const udp = new UdpTracker()
  let summary: PipelineSummary
  try {
    summary = await analyseStream(untilWorkerFails(), tracker, onBytes, udp)
  } catch (err) {
    worker.stop()
    throw err
  }
  const here = analyses.results()
  const fromWorker = await worker.results
  // in the one-thread fact's order (ANALYSES)
  const all: CaptureFact['analyses'] = {}
  for (const name of ALL_ANALYSES) {
    const result = here[name] ?? fromWorker[name]
    if (result !== undefined) Object.assign(all, { [name]: result })
  }
  return toFact(origin, summary, tracker, all, udp.finish(summary.lastTs))
}

export function toFact(origin: CaptureOrigin, s: PipelineSummary, tracker: { stats: TrackerStats }, analyses: CaptureFact['analyses'], udp?: UdpFragments): CaptureFact {
  const where = originText(origin)
  const notes: string[] = []
  const udpText = udp && (udp.datagrams || udp.fragments) ? `, ${udp.datagrams} UDP datagrams (${udp.fragments} IP fragments) in ${udp.flows.length} UDP flows` : ''
  notes.push(`capture ${where}: ${s.packets} packets, ${s.tcpSegments} TCP segments, ${tracker.stats.flows} connections${udpText}`)
  if (s.truncated) {
    notes.push(`capture ${where} is truncated: its last record is cut at byte ${s.truncated.offset} (${s.truncated.missing} bytes missing); analysed up to the cut`)
  }
  if (s.unknownLinkTypes.length) notes.push(`capture ${where}: link type ${s.unknownLinkTypes.join(', ')} is not understood; its packets were skipped`)
  if (tracker.stats.shed > 0) {
    notes.push(`capture ${where}: more than ${DEFAULT_TRACKER_OPTIONS.maxLiveFlows} connections were live at once (a flood or a scan?); ${tracker.stats.shed} were ended early (closed, never answered or quietest first) and are reported as seen so far`)
  }
  const undecodable = s.tcpSegments === 0 ? `capture ${where}: ${nothingDecodable(s)}` : undefined
  if (undecodable) notes.push(undecodable)
  const fact: CaptureFact = {
    origin,
    format: s.format,
    packets: s.packets,
    tcpSegments: s.tcpSegments,
    connections: tracker.stats.flows,
    peakLiveFlows: tracker.stats.peakLiveFlows,
    notes,
    analyses,
  }
  if (udp) fact.udp = udp
  if (s.firstTs !== undefined) fact.firstTs = s.firstTs
  if (s.lastTs !== undefined) fact.lastTs = s.lastTs
  if (s.truncated) fact.truncated = s.truncated
  if (undecodable) fact.undecodable = undecodable
  return fact
}

const LINK_NAMES: Record<number, string> = { 0: 'NULL', 1: 'Ethernet', 12: 'raw IP', 14: 'raw IP', 101: 'raw IP', 108: 'LOOP', 113: 'LINUX_SLL', 228: 'IPv4', 229: 'IPv6', 276: 'LINUX_SLL2' }

/** Why a capture gave no TCP segment: nothing read, only link types the decoder lacks, or no TCP over IP. */
function nothingDecodable(s: PipelineSummary): string {
  if (s.packets === 0) return 'holds no packets, so there was nothing to examine'
  const known = s.linkTypes.filter((l) => !s.unknownLinkTypes.includes(l))
  const unknown = s.unknownLinkTypes.map((l) => `link type ${l}`).join(', ')
  if (known.length === 0) return `${unknown} is not supported (Ethernet, LINUX_SLL/SLL2, raw IP, NULL/LOOP are), so none of its ${s.packets} packets could be decoded`
  const names = known.map((l) => `${LINK_NAMES[l] ?? l} (${l})`).join(', ')
  if (s.udpPackets > 0) return `none of its ${s.packets} packets is a TCP segment (${s.udpPackets} are UDP datagrams or IP fragments: mtu.fragmentation reads those), so the TCP analyses had nothing to examine`
  return `none of its ${s.packets} packets (link type ${names}${unknown ? `; ${unknown} not supported` : ''}) is a TCP segment over IPv4 or IPv6, so there was nothing to examine`
}
