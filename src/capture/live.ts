// Live capture, two ways. The optional `cap` module (libpcap in-process) when it loads: it gives no timestamps, so
// packets are stamped with the wall clock when they reach us (libpcap immediate mode, within a millisecond or so
// here); its link-type table lacks LINUX_SLL2 (276), which it reports as "Unknown linktype 276": mapped here.
// Else `tcpdump -w -` (argument array, the filter as its own argument), whose pcap stream goes through netdoc's
// own reader: real packet timestamps. `with` chooses one; the fact's origin says which ran.
import { createRequire } from 'node:module'
import { accessSync, closeSync, constants, existsSync, openSync, writeSync } from 'node:fs'
import { delimiter, join } from 'node:path'

import type { CaptureFact } from '../model/capture.js'
import { UsageError } from '../model/errors.js'
import { isWildcard, unmapAddress } from '../parsers/address.js'
import { startCommand } from '../probes/exec.js'
import { packetSink } from './pipeline.js'
import { attachAnalyses } from './analyses/index.js'
import type { AnalysisName } from '../model/capture.js'
import { toFact } from './fact.js'
import { FlowTracker } from './flows.js'
import { UdpTracker } from './udp-fragments.js'
import { KNOWN_LINKTYPES } from './decode.js'
import { CaptureFormatError, CaptureReader, PacketView } from './reader.js'

export type CaptureWith = 'cap' | 'tcpdump'

export interface LiveRequest {
  interface: string
  seconds: number
  filter?: string
  write?: string
  /** the capture path; auto (undefined): cap when it loads, else tcpdump */
  with?: CaptureWith | 'auto'
  /** local listening sockets of the same run: the server of a connection begun before the capture */
  listeners?: Array<{ address: string; port: number }>
  /** the analyses to attach (every one when absent) */
  analyses?: AnalysisName[]
}

const NEITHER = '--capture needs libpcap through the optional module `cap` (apt-get install -y libpcap-dev && npm ci) or tcpdump (apt-get install -y tcpdump); or capture with tcpdump -w FILE and give --pcap FILE'

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

function loadCap(): CapModule | undefined {
  try {
    return createRequire(import.meta.url)('cap') as CapModule
  } catch {
    return undefined
  }
}

/** The path of an executable on $PATH, or undefined. */
export function onPath(name: string, path = process.env.PATH ?? ''): string | undefined {
  for (const dir of [...path.split(delimiter).filter(Boolean), '/usr/sbin', '/usr/bin', '/sbin']) {
    const file = join(dir, name)
    try {
      accessSync(file, constants.X_OK)
      return file
    } catch {
      // not here
    }
  }
  return undefined
}

/** A lookup of local listening sockets (a wildcard address listens on every address of its port). */
export function listenerLookup(list: Array<{ address: string; port: number }>): (addr: string, port: number) => boolean {
  const exact = new Set<string>()
  const anyAddress = new Set<number>()
  for (const l of list) {
    const a = unmapAddress(l.address.replace(/%.*$/, ''))
    if (isWildcard(a)) anyAddress.add(l.port)
    else exact.add(`${a} ${l.port}`)
  }
  return (addr, port) => anyAddress.has(port) || exact.has(`${addr} ${port}`)
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
  const want = req.with ?? 'auto'
  const cap = want === 'tcpdump' ? undefined : loadCap()
  if (cap) return capCapture(cap, req, progress)
  if (want === 'cap') throw new UsageError('--capture-with cap: the optional module `cap` is not installed or does not load: apt-get install -y libpcap-dev && npm ci (npm rebuild cap does not bring it back); or --capture-with tcpdump')
  const tcpdump = onPath('tcpdump')
  if (tcpdump) return tcpdumpCapture(tcpdump, req, progress)
  throw new UsageError(want === 'tcpdump' ? '--capture-with tcpdump: tcpdump is not installed: apt-get install -y tcpdump' : NEITHER)
}

function newPipeline(req: LiveRequest) {
  const isServer = req.listeners ? { isServer: listenerLookup(req.listeners) } : {}
  const tracker = new FlowTracker(isServer)
  const analyses = attachAnalyses(tracker, req.analyses)
  // the listeners are TCP's (ss -ltnmp): a UDP flow's server is guessed by its ports, not by a TCP port it shares
  const udp = new UdpTracker()
  const sink = packetSink(tracker, udp)
  return { tracker, analyses, udp, sink }
}

function liveOrigin(req: LiveRequest, via: CaptureWith) {
  return { kind: 'live' as const, interface: req.interface, seconds: req.seconds, via, ...(req.filter ? { filter: req.filter } : {}), ...(req.write ? { writtenTo: req.write } : {}) }
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))

async function countdown(req: LiveRequest, packets: () => number, progress?: (text: string) => void, stop?: Promise<unknown>): Promise<void> {
  const end = Date.now() + req.seconds * 1000
  let stopped = false
  void stop?.then(() => (stopped = true))
  for (let left = end - Date.now(); left > 0 && !stopped; left = end - Date.now()) {
    progress?.(`capturing on ${req.interface}… ${Math.ceil(left / 1000)} s left, ${packets()} packets`)
    await Promise.race([sleep(Math.min(left, 250)), ...(stop ? [stop] : [])])
  }
}

async function capCapture(capModule: CapModule, req: LiveRequest, progress?: (text: string) => void): Promise<CaptureFact> {
  const cap = new capModule.Cap()
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
  const { tracker, analyses, udp, sink } = newPipeline(req)
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
  try {
    await countdown(req, () => packets, progress)
  } finally {
    cap.close()
    writer?.close()
  }
  tracker.finish()
  return toFact(liveOrigin(req, 'cap'), { format: 'pcap', packets, bytes, linkTypes: [linkType], unknownLinkTypes: [], ...sink.counts }, tracker, analyses.results(), udp.finish(Date.now() / 1000))
}

/** tcpdump's own error line → what to do about it. */
export function tcpdumpError(req: LiveRequest, stderr: string): UsageError {
  const lines = stderr
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l && !/listening on|verbose output suppressed|^\d+ packets? /.test(l))
  // tcpdump's own line ("tcpdump: lo: You don't have permission ...") and the libpcap detail in parentheses after it
  const at = lines.findIndex((l) => l.startsWith('tcpdump: '))
  const line = at < 0 ? (lines.pop() ?? 'tcpdump exited before the capture ended') : `${lines[at]}${lines[at + 1]?.startsWith('(') ? ` ${lines[at + 1]}` : ''}`
  const msg = line.replace(/^tcpdump: /, '')
  if (/permi/i.test(msg)) return new UsageError(`--capture ${req.interface}: tcpdump: ${msg}; run as root (or with CAP_NET_RAW)`)
  if (/syntax|parse filter|filter expression|expression/i.test(msg)) return new UsageError(`--filter "${req.filter ?? ''}": tcpdump: ${msg} (see man pcap-filter)`)
  if (/no such device|doesn't exist|not up/i.test(msg)) return new UsageError(`--capture ${req.interface}: tcpdump: ${msg} (see \`ip link\`)`)
  return new UsageError(`--capture ${req.interface}: tcpdump: ${msg}`)
}

async function tcpdumpCapture(tcpdump: string, req: LiveRequest, progress?: (text: string) => void): Promise<CaptureFact> {
  const args = ['-i', req.interface, '-U', '--immediate-mode', '-w', '-', '-s', '65535']
  if (req.filter) args.push('--', req.filter)
  let writeFd: number | undefined
  if (req.write) {
    try {
      writeFd = openSync(req.write, 'w')
    } catch (err) {
      throw new UsageError(`--write ${req.write}: cannot create it (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`)
    }
  }
  const { tracker, analyses, udp, sink } = newPipeline(req)
  const reader = new CaptureReader(sink.onPacket, sink.scanner)
  // Under coreutils' timeout, tcpdump cannot outlive the capture by long even if netdoc itself is killed (SIGKILL
  // leaves no chance to stop it); timeout passes a SIGTERM on to it, and tcpdump exits 0 on it.
  const timeout = onPath('timeout')
  const argv = timeout ? [timeout, '-s', 'TERM', String(Math.ceil(req.seconds) + 30), tcpdump, ...args] : [tcpdump, ...args]
  const { child } = await startCommand(argv)
  let stderr = ''
  let bytes = 0
  let badStream: Error | undefined
  child.stderr.setEncoding('utf8')
  child.stderr.on('data', (d: string) => {
    if (stderr.length < 8192) stderr += d
  })
  child.stdout.on('data', (chunk: Buffer) => {
    bytes += chunk.length
    if (writeFd !== undefined) writeSync(writeFd, chunk)
    if (badStream) return
    try {
      reader.push(chunk)
    } catch (err) {
      badStream = err as Error
    }
  })
  const exited = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)))
  let interrupted = false
  const interrupt = () => {
    interrupted = true
    if (child.exitCode === null) child.kill('SIGTERM')
  }
  const spawnFailed = new Promise<Error>((resolve) => child.on('error', resolve))
  // Ctrl-C or a SIGTERM ends the capture early, and what was captured is analysed; tcpdump is never left behind
  process.once('SIGINT', interrupt)
  process.once('SIGTERM', interrupt)
  try {
    // the capture runs from when tcpdump says it listens (bounded wait), so a slow start does not cut the window
    const started = Date.now()
    while (!/listening on/.test(stderr) && Date.now() - started < 5000) {
      const early = await Promise.race([exited.then(() => 'exit'), spawnFailed.then((e) => e), sleep(20).then(() => undefined)])
      if (early instanceof Error) throw new UsageError(`--capture ${req.interface}: cannot run ${tcpdump} (${early.message}); apt-get install -y tcpdump`)
      if (early === 'exit') {
        if (interrupted) break
        throw tcpdumpError(req, stderr)
      }
    }
    let ended = false
    const endedEarly = exited.then(() => (ended = true))
    await countdown(req, () => reader.packetsRead, progress, endedEarly)
    if (ended) {
      const code = await exited
      if (code !== 0 && !interrupted) throw tcpdumpError(req, stderr)
    }
    // child.kill, not process.kill(pid): once Node has reaped tcpdump it signals nothing, where the pid may
    // already be another process's
    if (child.exitCode === null) {
      child.kill('SIGTERM')
      const code = await Promise.race([exited, sleep(5000).then(() => 'timeout' as const)])
      if (code === 'timeout') {
        child.kill('SIGKILL')
        await exited
      }
    }
  } finally {
    process.off('SIGINT', interrupt)
    process.off('SIGTERM', interrupt)
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL')
    if (writeFd !== undefined) closeSync(writeFd)
  }
  if (badStream) throw new UsageError(`--capture ${req.interface}: tcpdump's output is not a pcap stream (${badStream.message})`)
  let summary
  try {
    summary = reader.end()
  } catch (err) {
    // stopped (Ctrl-C, SIGTERM) before tcpdump wrote its file header: a capture that holds nothing, not a failure
    if (err instanceof CaptureFormatError && interrupted && bytes === 0) summary = { format: 'pcap' as const, packets: 0, bytes: 0, linkTypes: [] }
    else if (err instanceof CaptureFormatError) throw new UsageError(`--capture ${req.interface}: tcpdump wrote no pcap stream (${err.message}): ${stderr.trim().split('\n').pop() ?? ''}`)
    else throw err
  }
  tracker.finish()
  return toFact(liveOrigin(req, 'tcpdump'), { ...summary, bytes, ...sink.counts, unknownLinkTypes: summary.linkTypes.filter((l) => !KNOWN_LINKTYPES.has(l)) }, tracker, analyses.results(), udp.finish(Date.now() / 1000))
}
