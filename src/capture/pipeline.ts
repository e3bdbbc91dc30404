// The capture pipeline: a byte stream → reader → decoder → flow tracker (and its observers). Pure apart from
// consuming the stream it is given; the probe (src/probes/capture.ts) opens the file or the live capture.
import { CaptureReader, type CapturedPacket, type ReadSummary } from './reader.js'
import { decodeDatagramAt, decodeTcpInto, IpDatagram, KNOWN_LINKTYPES, Segment } from './decode.js'
import type { FlowTracker } from './flows.js'
import { nativePcapScanner, type PcapScanner } from './native-scan.js'
import type { UdpTracker } from './udp-fragments.js'

export interface PipelineSummary extends ReadSummary {
  tcpSegments: number
  /** UDP datagrams and IP fragments decoded (when a UdpTracker was given) */
  udpPackets: number
  /** link types present that the decoder does not understand (their packets are skipped) */
  unknownLinkTypes: number[]
  firstTs?: number
  lastTs?: number
}

/** where the decoded segments go: the flow tracker, or the decode worker's batches (decode-worker.ts) */
export interface SegmentSink {
  segment(seg: Segment): void
}

export type SinkCounts = { tcpSegments: number; udpPackets: number; firstTs?: number; lastTs?: number }

/**
 * Builds the per-packet callback; also used by live capture, which gets packets rather than a file stream. Every
 * packet is decoded into one reused Segment: the tracker and its observers copy what they keep. TCP is decoded
 * first; only a packet that is not a TCP segment goes to the UDP/fragment decoder (into one reused IpDatagram)
 * and the UdpTracker, when there is one.
 */
export function packetSink(tracker: SegmentSink, udp?: UdpTracker): { onPacket: (p: CapturedPacket) => void; counts: SinkCounts; scanner?: PcapScanner } {
  // first and last time as numbers that are always numbers: a field that may be undefined would take a new heap
  // number with every packet's time
  const span = { first: Infinity, last: -Infinity }
  const counts = {
    tcpSegments: 0,
    udpPackets: 0,
    get firstTs(): number | undefined {
      return span.first === Infinity ? undefined : span.first
    },
    get lastTs(): number | undefined {
      return span.last === -Infinity ? undefined : span.last
    },
  }
  const seg = new Segment()
  const datagram = new IpDatagram()
  const decoded = (s: Segment) => {
    counts.tcpSegments++
    if (s.ts < span.first) span.first = s.ts
    if (s.ts > span.last) span.last = s.ts
    tracker.segment(s)
  }
  const onPacket = (p: CapturedPacket) => {
    seg.ts = p.ts
    if (!decodeTcpInto(seg, p.linkType, p.bytes, p.start, p.end, p.origLen)) {
      if (!udp || !decodeDatagramAt(p.linkType, p.bytes, p.start, p.end, p.ts, p.origLen, datagram)) return
      counts.udpPackets++
      if (p.ts < span.first) span.first = p.ts
      if (p.ts > span.last) span.last = p.ts
      udp.packet(datagram)
      return
    }
    decoded(seg)
  }
  // the native scanner decodes the common segment itself, gives it straight to the tracker and counts a batch at
  // a time; the rest of the records go to onPacket
  const scanner = nativePcapScanner(seg, tracker, onPacket, (n, first, last) => {
    counts.tcpSegments += n
    if (first < span.first) span.first = first
    if (last > span.last) span.last = last
  })
  return scanner ? { counts, onPacket, scanner } : { counts, onPacket }
}

/** Feeds a whole capture stream through the tracker (and the UDP tracker) and finishes it. `onBytes` reports progress. */
export async function analyseStream(stream: AsyncIterable<Uint8Array>, tracker: SegmentSink & Pick<FlowTracker, 'finish'>, onBytes?: (bytes: number) => void, udp?: UdpTracker): Promise<PipelineSummary> {
  const sink = packetSink(tracker, udp)
  const reader = new CaptureReader(sink.onPacket, sink.scanner)
  let bytes = 0
  for await (const chunk of stream) {
    reader.push(chunk)
    bytes += chunk.length
    onBytes?.(bytes)
  }
  const summary = reader.end()
  tracker.finish()
  return { ...summary, ...sink.counts, unknownLinkTypes: summary.linkTypes.filter((l) => !KNOWN_LINKTYPES.has(l)) }
}
