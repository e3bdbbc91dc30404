// Live capture with the optional `cap` module (libpcap). cap gives no timestamps: packets are stamped with the
// wall clock when they reach us (libpcap immediate mode, so within a millisecond or so here). cap's link-type
// table lacks LINUX_SLL2 (276), which it reports as "Unknown linktype 276": mapped here.
import { createRequire } from 'node:module'
import { closeSync, existsSync, openSync, writeSync } from 'node:fs'

import type { CaptureFact } from '../model/capture.js'
import { UsageError } from '../model/errors.js'
import { packetSink } from './pipeline.js'
import { attachAnalyses } from './analyses/index.js'
import { toFact } from './fact.js'
import { FlowTracker } from './flows.js'
import { KNOWN_LINKTYPES } from './decode.js'
import { PacketView } from './reader.js'

export interface LiveRequest {
  interface: string
  seconds: number
  filter?: string
  write?: string
}

const CAP_LINKTYPES: Record<string, number> = { NULL: 0, ETHERNET: 1, IEEE802_11_RADIO: 127, LINKTYPE_LINUX_SLL: 113, RAW: 12 }

/** cap's link-type name → LINKTYPE number ("Unknown linktype 276" → 276). */
export function capLinkType(name: string): number | undefined {
  if (name in CAP_LINKTYPES) return CAP_LINKTYPES[name]
  const m = /Unknown linktype (\d+)/.exec(name)
  return m ? Number(m[1]) : undefined
}

interface CapModule {
  Cap: new () => {
    open(device: string, filter: string, bufSize: number, buffer: Buffer): string
    close(): void
    setMinBytes?(n: number): void
    on(ev: 'packet', fn: (nbytes: number, truncated: boolean) => void): void
  }
}

function loadCap(): CapModule {
  try {
    return createRequire(import.meta.url)('cap') as CapModule
  } catch {
    throw new UsageError('--capture needs the optional module `cap`, which is not installed: apt-get install -y libpcap-dev && npm ci (or use tcpdump -w FILE and --pcap FILE)')
  }
}

/** A pcap file written as packets arrive (µs, this machine's byte order). */
class PcapWriter {
  private fd: number
  constructor(
    readonly path: string,
    linkType: number,
  ) {
    try {
      this.fd = openSync(path, 'w')
    } catch (err) {
      throw new UsageError(`--write ${path}: cannot create it (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`)
    }
    const h = Buffer.alloc(24)
    h.writeUInt32LE(0xa1b2c3d4, 0)
    h.writeUInt16LE(2, 4)
    h.writeUInt16LE(4, 6)
    h.writeUInt32LE(65535, 16)
    h.writeUInt32LE(linkType, 20)
    writeSync(this.fd, h)
  }
  record(ts: number, data: Uint8Array): void {
    const h = Buffer.alloc(16)
    const sec = Math.floor(ts)
    h.writeUInt32LE(sec, 0)
    h.writeUInt32LE(Math.min(999999, Math.round((ts - sec) * 1e6)), 4)
    h.writeUInt32LE(data.length, 8)
    h.writeUInt32LE(data.length, 12)
    writeSync(this.fd, h)
    writeSync(this.fd, data)
  }
  close(): void {
    closeSync(this.fd)
  }
}

/** Every Cap object made, never collected (see liveCapture). */
const KEPT_ALIVE: unknown[] = []

export async function liveCapture(req: LiveRequest, progress?: (text: string) => void): Promise<CaptureFact> {
  // Checked first: libpcap would print its own warning on stderr for a missing device before failing.
  if (req.interface !== 'any' && (!/^[\w.@:-]+$/.test(req.interface) || !existsSync(`/sys/class/net/${req.interface}`))) {
    throw new UsageError(`--capture ${req.interface}: no such interface (see \`ip link\`; \`any\` captures on all of them)`)
  }
  const { Cap } = loadCap()
  const cap = new Cap()
  // cap's native destructor crashes node when the garbage collector runs it after close() (AsyncWrap::EmitDestroy
  // from a weak callback): a capture object is kept for the life of the process, which is one capture long.
  KEPT_ALIVE.push(cap)
  const buffer = Buffer.alloc(65535)
  let linkName: string
  try {
    linkName = cap.open(req.interface, req.filter ?? '', 16 * 1024 * 1024, buffer)
  } catch (err) {
    const msg = (err as Error).message
    if (/permitted|permission/i.test(msg)) throw new UsageError(`--capture ${req.interface}: ${msg}; run as root or give node CAP_NET_RAW (setcap cap_net_raw+ep $(command -v node))`)
    if (/syntax|filter|parse/i.test(msg)) throw new UsageError(`--filter "${req.filter}": ${msg} (see man pcap-filter)`)
    throw new UsageError(`--capture ${req.interface}: ${msg} (see \`ip link\` for the interfaces)`)
  }
  const linkType = capLinkType(linkName)
  if (linkType === undefined || !KNOWN_LINKTYPES.has(linkType)) {
    cap.close()
    throw new UsageError(`--capture ${req.interface}: link type ${linkName} is not supported (Ethernet, cooked, raw IP or loopback interfaces are)`)
  }
  cap.setMinBytes?.(0)
  const tracker = new FlowTracker()
  const analyses = attachAnalyses(tracker)
  const sink = packetSink(tracker)
  const writer = req.write ? new PcapWriter(req.write, linkType) : undefined
  let packets = 0
  let bytes = 0
  const view = new PacketView()
  view.linkType = linkType
  view.bytes = buffer
  cap.on('packet', (nbytes) => {
    const ts = Date.now() / 1000
    packets++
    bytes += nbytes
    writer?.record(ts, buffer.subarray(0, nbytes))
    view.ts = ts
    view.end = nbytes
    view.origLen = nbytes
    sink.onPacket(view)
  })
  const end = Date.now() + req.seconds * 1000
  try {
    for (let left = end - Date.now(); left > 0; left = end - Date.now()) {
      progress?.(`capturing on ${req.interface}… ${Math.ceil(left / 1000)} s left, ${packets} packets`)
      await new Promise((r) => setTimeout(r, Math.min(left, 250)))
    }
  } finally {
    cap.close()
    writer?.close()
  }
  tracker.finish()
  const origin = { kind: 'live' as const, interface: req.interface, seconds: req.seconds, ...(req.filter ? { filter: req.filter } : {}), ...(req.write ? { writtenTo: req.write } : {}) }
  return toFact(origin, { format: 'pcap', packets, bytes, linkTypes: [linkType], unknownLinkTypes: [], ...sink.counts }, tracker, analyses.results())
}
