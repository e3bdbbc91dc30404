#!/usr/bin/env node
// What each stage of the capture pipeline costs, in-process, on one file: the file read alone, the pcap record loop,
// + the decoder, + the flow tracker, + the named analyses. Each pass is timed (CPU = user + sys of this process,
// and wall); the first pass of a process is the cold one (JIT warm-up), the next ones warm.
//
//     npm run build && node bench/pcap-stages.mjs FILE [STAGE=track] [PASSES=3]
//     STAGE: read | records | decode | native | scan | track | ANALYSES (comma-separated: closes | keepalive,heartbeat | ...)
//
// `native`: the records framed and decoded by the native scanner (src/native/pcap-scan.c), segments counted, the
// counterpart of records + decode. `scan`: the C code alone over the file read into memory first (a classic pcap),
// nothing handed to JavaScript: what the hand-over to the tracker costs is `native` minus `scan` minus `read`. From `track` on the pipeline takes the native scanner when it is built, as the
// CLI does; NETDOC_NATIVE=0 times the JavaScript path instead.
//
// With `node --trace-gc` the scavenges per pass show a per-segment allocation at once (docs/performance.md).
import { closeSync, openSync, readFileSync, readSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

const DIST = join(dirname(fileURLToPath(import.meta.url)), '..', 'dist')
const [file, stage = 'track', passes = '3'] = process.argv.slice(2)
if (!file) {
  console.error('usage: node bench/pcap-stages.mjs FILE [read|records|decode|track|ANALYSES] [PASSES]')
  process.exit(2)
}
const { CaptureReader } = await import(join(DIST, 'capture', 'reader.js'))
const { packetSink } = await import(join(DIST, 'capture', 'pipeline.js'))
const { decodeTcpInto, Segment } = await import(join(DIST, 'capture', 'decode.js'))
const { FlowTracker } = await import(join(DIST, 'capture', 'flows.js'))
const { attachAnalyses } = await import(join(DIST, 'capture', 'analyses', 'index.js'))
const { nativeModule, nativePcapScanner } = await import(join(DIST, 'capture', 'native-scan.js'))

/** the C scanner alone over a classic pcap held in memory: records framed and decoded, none handed over */
function scanOnly(bytes) {
  const native = nativeModule()
  if (!native || bytes.readUInt32LE(0) !== 0xa1b2c3d4) {
    console.error('scan: needs the native decoder built and a little-endian µs pcap')
    process.exit(2)
  }
  const slots = 8192
  const batch = new ArrayBuffer(slots * native.bytesPerSlot)
  const out = new Float64Array(3)
  let records = 0
  for (let pos = 24; ; ) {
    pos = native.scan(bytes, pos, 1, 0, bytes.readUInt32LE(20) & 0xffff, batch, slots, out)
    records += out[1]
    if (out[0] < slots) return records
  }
}

function pass() {
  let onPacket
  let scanner
  let tracker
  let n = 0
  if (stage === 'records') onPacket = (p) => (n += p.end - p.start)
  else if (stage === 'decode') {
    const seg = new Segment()
    onPacket = (p) => {
      seg.ts = p.ts
      if (decodeTcpInto(seg, p.linkType, p.bytes, p.start, p.end, p.origLen)) n++
    }
  } else if (stage === 'native') {
    const seg = new Segment()
    onPacket = (p) => {
      seg.ts = p.ts
      if (decodeTcpInto(seg, p.linkType, p.bytes, p.start, p.end, p.origLen)) n++
    }
    scanner = nativePcapScanner(seg, { segment: () => n++ }, onPacket)
    if (!scanner) {
      console.error('the native decoder is not built (npm run build:native), or NETDOC_NATIVE=0')
      process.exit(2)
    }
  } else if (stage !== 'read') {
    tracker = new FlowTracker()
    if (stage !== 'track') attachAnalyses(tracker, stage.split(','))
    const sink = packetSink(tracker)
    onPacket = sink.onPacket
    scanner = sink.scanner
  }
  const reader = onPacket && new CaptureReader(onPacket, scanner)
  const fd = openSync(file, 'r')
  const buf = Buffer.allocUnsafe(1 << 20)
  for (;;) {
    const got = readSync(fd, buf, 0, buf.length, null)
    if (got === 0) break
    reader?.push(buf.subarray(0, got))
  }
  closeSync(fd)
  tracker?.finish()
  return reader ? reader.end().packets : 0
}

const whole = stage === 'scan' ? readFileSync(file) : undefined
for (let i = 0; i < Number(passes); i++) {
  const cpu = process.cpuUsage()
  const t0 = performance.now()
  const packets = whole ? scanOnly(whole) : pass()
  const used = process.cpuUsage(cpu)
  console.log(`${stage} pass ${i}${i === 0 ? ' (cold)' : ''}: ${((used.user + used.system) / 1e6).toFixed(3)} s CPU, ${((performance.now() - t0) / 1000).toFixed(3)} s wall, ${packets} packets`)
}
