// What the fuzz tests (test/unit/fuzz) and the longer bench/fuzz.ts run share: the real inputs they mutate, the
// mutations, and the properties every parser must keep on any input. Seeded, so a failure replays exactly.
import { parseConntrackStats } from '../../src/parsers/conntrack-stats.js'
import { parseProcNetStat } from '../../src/parsers/proc-net-stat.js'
import { parseChildren, parseFdinfoCloexec, parseProcPidStat } from '../../src/parsers/proc-pid.js'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'

import fc from 'fast-check'

import { analyseStream } from '../../src/capture/pipeline.js'
import { attachAnalyses } from '../../src/capture/analyses/index.js'
import { decodeDatagramAt, decodeTcpAt, IpDatagram, type TcpSegment } from '../../src/capture/decode.js'
import { FlowTracker } from '../../src/capture/flows.js'
import { UdpTracker } from '../../src/capture/udp-fragments.js'
import { CaptureFormatError, CaptureReader, MAX_RECORD } from '../../src/capture/reader.js'
import { ParseError } from '../../src/parsers/parse-error.js'
import { parseProcNetDev } from '../../src/parsers/proc-net-dev.js'
import { parseProcNetNetstat, parseProcNetSnmp } from '../../src/parsers/proc-net-netstat.js'
import { parseProcNetSnmp6 } from '../../src/parsers/proc-net-snmp6.js'
import { parseProcNetSockstat } from '../../src/parsers/proc-net-sockstat.js'
import { parseProcNetSoftnetStat } from '../../src/parsers/proc-net-softnet-stat.js'
import { parseProcNetTcp } from '../../src/parsers/proc-net-tcp.js'
import { parseOpenFilesLimit } from '../../src/parsers/proc-pid-limits.js'
import { parseTcpInfo } from '../../src/parsers/ss-tcp-info.js'
import { parseDuration, parseSkmem, parseSs, parseTimer } from '../../src/parsers/ss.js'
import { parseSysNetSpeed, parseSysNetStatistic } from '../../src/parsers/sys-class-net.js'
import { sysctlNumber, sysctlNumbers } from '../../src/parsers/sysctl.js'
import { parsePcapLE, writePcapng } from './capture-files.js'
import { ROOT } from './netns.js'

/** The seed of every property (bench/fuzz.mjs sets another per run and prints it, so a failure replays). */
export const SEED = Number(process.env.NETDOC_FUZZ_SEED) || 20261201
/** Cases per property: `n` in npm test; bench/fuzz.mjs multiplies them (NETDOC_FUZZ_SCALE). */
export const runs = (n: number): number => Math.max(1, Math.round(n * (Number(process.env.NETDOC_FUZZ_SCALE) || 1)))
/** A test's timeout for a scaled run. */
export const fuzzTimeout = (ms: number): number => ms * Math.max(1, Number(process.env.NETDOC_FUZZ_SCALE) || 1)

const CAPTURES = join(ROOT, 'test', 'fixtures')
const file = (...p: string[]) => readFileSync(join(CAPTURES, ...p))

/** The committed captures, and pcapng files made of them: sections of both byte orders, link types, SPBs, ns. */
export function captureCorpus(): Array<{ name: string; bytes: Buffer }> {
  const eth = parsePcapLE(file('capture', 'lo-eth.pcap'))
  const sll2 = parsePcapLE(file('capture', 'any-sll2-ns.pcap'))
  const first = (n: number, f: typeof eth) => f.records.slice(0, n)
  return [
    { name: 'lo-eth.pcap', bytes: file('capture', 'lo-eth.pcap') },
    { name: 'any-sll2-ns.pcap', bytes: file('capture', 'any-sll2-ns.pcap') },
    { name: 'lo-snap96.pcap', bytes: file('capture', 'lo-snap96.pcap') },
    { name: 'udp-frag.pcap (UDP, IPv4 and IPv6 fragments, some missing)', bytes: file('capture', 'udp-frag.pcap') },
    { name: 'closes-lo.pcap', bytes: file('resets', 'closes-lo.pcap').subarray(0, 64 * 1024) },
    {
      name: 'pcapng: two sections, mixed byte orders and link types, an unknown block',
      bytes: writePcapng([
        { linkType: eth.linkType, snaplen: eth.snaplen, nano: false, records: first(12, eth), unknownBlockBytes: 40 },
        { linkType: sll2.linkType, snaplen: sll2.snaplen, nano: true, tsresol: 9, bigEndian: true, records: first(12, sll2) },
        { linkType: eth.linkType, snaplen: 96, nano: false, simple: true, records: first(6, eth) },
      ]),
    },
  ]
}

/** Offsets of the length fields of the first records (pcap) or blocks (pcapng), to set them to 0, huge or off by one. */
export function lengthFields(buf: Buffer, max = 16): number[] {
  const out: number[] = []
  if (buf.readUInt32BE(0) === 0x0a0d0d0a) {
    for (let p = 0; p + 12 <= buf.length && out.length < max; ) {
      const be = buf.readUInt32BE(8) === 0x1a2b3c4d // the first section's byte order
      const len = be ? buf.readUInt32BE(p + 4) : buf.readUInt32LE(p + 4)
      out.push(p + 4)
      if (len < 12 || p + len > buf.length) break
      out.push(p + len - 4)
      p += len
    }
    return out
  }
  for (let p = 24; p + 16 <= buf.length && out.length < max; ) {
    const incl = buf.readUInt32LE(p + 8)
    out.push(p + 8, p + 12)
    p += 16 + incl
  }
  return out
}

export type Mutation = { kind: 'flip'; at: number; xor: number } | { kind: 'length'; field: number; value: number } | { kind: 'cut'; at: number } | { kind: 'splice'; at: number; from: number; len: number }

/** Mutations of one input: flipped bytes, a length set to 0 / huge / off by one, a cut, a copied range. */
export function mutationArb(buf: Buffer): fc.Arbitrary<Mutation[]> {
  const fields = lengthFields(buf)
  const at = fc.nat({ max: buf.length - 1 })
  const lengthValue = fc.oneof(fc.constant(0), fc.constant(1), fc.constant(0xffffffff), fc.constant(MAX_RECORD), fc.constant(MAX_RECORD + 1), fc.integer({ min: -2, max: 2 }), fc.nat())
  const one: fc.Arbitrary<Mutation> = fc.oneof(
    fc.record({ kind: fc.constant('flip' as const), at, xor: fc.integer({ min: 1, max: 255 }) }),
    fields.length ? fc.record({ kind: fc.constant('length' as const), field: fc.constantFrom(...fields), value: lengthValue }) : fc.record({ kind: fc.constant('flip' as const), at, xor: fc.constant(1) }),
    fc.record({ kind: fc.constant('cut' as const), at }),
    fc.record({ kind: fc.constant('splice' as const), at, from: at, len: fc.integer({ min: 1, max: 256 }) }),
  )
  return fc.array(one, { minLength: 1, maxLength: 6 })
}

export function mutate(input: Buffer, ms: Mutation[]): Buffer {
  let b = Buffer.from(input)
  for (const m of ms) {
    if (m.kind === 'flip' && m.at < b.length) b[m.at] ^= m.xor
    else if (m.kind === 'length' && m.field + 4 <= b.length) {
      // relative values are off-by-one edits of what is there, absolute ones replace it
      const le = b.readUInt32BE(0) !== 0xa1b2c3d4 && b.readUInt32BE(0) !== 0xa1b23c4d && !(b.length >= 12 && b.readUInt32BE(0) === 0x0a0d0d0a && b.readUInt32BE(8) === 0x1a2b3c4d)
      const cur = le ? b.readUInt32LE(m.field) : b.readUInt32BE(m.field)
      const v = m.value >= -2 && m.value <= 2 ? (cur + m.value) >>> 0 : m.value >>> 0
      if (le) b.writeUInt32LE(v, m.field)
      else b.writeUInt32BE(v, m.field)
    } else if (m.kind === 'cut') b = b.subarray(0, m.at)
    else if (m.kind === 'splice' && m.from < b.length && m.at < b.length) {
      const part = Buffer.from(b.subarray(m.from, m.from + m.len))
      b = Buffer.concat([b.subarray(0, m.at), part, b.subarray(m.at)])
    }
  }
  return b
}

const u32 = (v: number) => Number.isInteger(v) && v >= 0 && v <= 0xffffffff
const u16 = (v: number) => Number.isInteger(v) && v >= 0 && v <= 0xffff

/** Why a decoded segment is wrong, or undefined when every field is a number in its range. */
export function segmentProblem(s: TcpSegment, spb: boolean): string | undefined {
  if (!(Number.isFinite(s.ts) || (spb && Number.isNaN(s.ts)))) return `ts ${s.ts}`
  if (!u16(s.sport) || !u16(s.dport)) return `ports ${s.sport} ${s.dport}`
  if (!u32(s.seq) || !u32(s.ack)) return `seq/ack ${s.seq} ${s.ack}`
  if (!Number.isInteger(s.flags) || s.flags < 0 || s.flags > 255) return `flags ${s.flags}`
  if (!u16(s.window)) return `window ${s.window}`
  if (!Number.isInteger(s.payloadLen) || s.payloadLen < 0) return `payloadLen ${s.payloadLen}`
  if (s.ipVersion !== 4 && s.ipVersion !== 6) return `ipVersion ${s.ipVersion}`
  if (s.windowScale !== undefined && !(Number.isInteger(s.windowScale) && s.windowScale >= -1 && s.windowScale <= 14)) return `windowScale ${s.windowScale}`
  if (typeof s.src !== 'string' || typeof s.dst !== 'string' || !s.src || !s.dst) return `addresses ${s.src} ${s.dst}`
  return undefined
}

/** Why a decoded UDP datagram or fragment is wrong, or undefined when every field is a number in its range. */
export function datagramProblem(d: IpDatagram, spb: boolean): string | undefined {
  if (!(Number.isFinite(d.ts) || (spb && Number.isNaN(d.ts)))) return `ts ${d.ts}`
  if (d.ipVersion !== 4 && d.ipVersion !== 6) return `ipVersion ${d.ipVersion}`
  if (!Number.isInteger(d.proto) || d.proto < 0 || d.proto > 255) return `proto ${d.proto}`
  if (!Number.isInteger(d.ipLen) || d.ipLen < 0 || !Number.isInteger(d.fragBytes) || d.fragBytes < 0) return `lengths ${d.ipLen} ${d.fragBytes}`
  if (!u16(d.fragOffset) || !u32(d.fragId)) return `fragment ${d.fragOffset} ${d.fragId}`
  if (d.udp && (!u16(d.sport) || !u16(d.dport) || !u16(d.udpLength))) return `udp ${d.sport} ${d.dport} ${d.udpLength}`
  if (!Number.isInteger(d.srcId) || !Number.isInteger(d.dstId) || d.srcId < 0 || d.dstId < 0) return `addresses ${d.srcId} ${d.dstId}`
  return undefined
}

/**
 * Reads and decodes `bytes` in chunks of `chunk`: what must hold whatever the bytes are. Returns the problems
 * found ([] when none); a throw other than CaptureFormatError is returned as a problem too.
 */
export function readProblems(bytes: Buffer, chunk: number): string[] {
  const problems: string[] = []
  let packets = 0
  const datagram = new IpDatagram()
  const reader = new CaptureReader((p) => {
    packets++
    if (!(p.start >= 0 && p.start <= p.end && p.end <= p.bytes.length)) problems.push(`packet range ${p.start}..${p.end} of ${p.bytes.length}`)
    if (!u32(p.origLen) && !(p.origLen >= p.end - p.start)) problems.push(`origLen ${p.origLen}`)
    if (!Number.isFinite(p.ts) && !Number.isNaN(p.ts)) problems.push(`ts ${p.ts}`)
    const seg = decodeTcpAt(p.linkType, p.bytes, p.start, p.end, p.ts, p.origLen)
    if (seg) {
      const why = segmentProblem(seg, Number.isNaN(p.ts))
      if (why) problems.push(`segment: ${why}`)
    } else if (decodeDatagramAt(p.linkType, p.bytes, p.start, p.end, p.ts, p.origLen, datagram)) {
      const why = datagramProblem(datagram, Number.isNaN(p.ts))
      if (why) problems.push(`datagram: ${why}`)
    }
  })
  try {
    for (let i = 0; i < bytes.length; i += chunk) reader.push(bytes.subarray(i, i + chunk))
    const s = reader.end()
    if (!Number.isInteger(s.packets) || !Number.isInteger(s.bytes) || s.packets !== packets) problems.push(`summary ${JSON.stringify(s)}`)
    if (s.truncated && !(Number.isInteger(s.truncated.offset) && Number.isInteger(s.truncated.missing) && s.truncated.missing >= 0)) problems.push(`truncated ${JSON.stringify(s.truncated)}`)
  } catch (err) {
    if (!(err instanceof CaptureFormatError)) problems.push(`threw ${(err as Error)?.stack ?? String(err)}`)
    else if (!Number.isInteger(err.offset) || err.offset < 0) problems.push(`offset ${err.offset}`)
  }
  // bounded work: every record or block takes at least 12 bytes of input
  if (packets > bytes.length / 12 + 1) problems.push(`${packets} packets from ${bytes.length} bytes`)
  // bounded memory: the one partial record kept is at most the input (and one MAX_RECORD)
  const kept = (reader as unknown as { work: Buffer }).work.length
  if (kept > Math.max(65536, 2 * bytes.length)) problems.push(`keeps ${kept} bytes for ${bytes.length} of input`)
  return problems
}

/** The whole pipeline (reader, decoders, trackers, every analysis) on `bytes`: only CaptureFormatError may escape. */
export async function analyseProblems(bytes: Buffer): Promise<string[]> {
  const tracker = new FlowTracker()
  const analyses = attachAnalyses(tracker)
  const udp = new UdpTracker({ maxPending: 16 })
  try {
    const summary = await analyseStream((async function* () {
      yield bytes
    })(), tracker, undefined, udp)
    const udpResult = udp.finish(summary.lastTs)
    if (udpResult.flows.some((f) => f.fragmented > f.datagrams || f.incomplete > f.fragmented || f.p50Bytes > f.maxBytes)) return [`udp flows inconsistent: ${JSON.stringify(udpResult.flows)}`]
    const results = JSON.stringify({ ...analyses.results(), udp: udpResult }, (_k, v) => (typeof v === 'number' && !Number.isFinite(v) ? `!${v}` : v))
    const bad = /"!(NaN|Infinity|-Infinity)"/.exec(results)
    return bad ? [`analysis result holds ${bad[1]}: ${results.slice(Math.max(0, bad.index - 200), bad.index + 20)}`] : []
  } catch (err) {
    return err instanceof CaptureFormatError ? [] : [`threw ${(err as Error)?.stack ?? String(err)}`]
  }
}

// ---- the ss and /proc parsers ----

/** A parser under test: the lines of its fixture, and how to run it on lines (everything it returns). */
export interface ParserCase {
  name: string
  lines: string[]
  run: (lines: string[]) => Promise<unknown>
}

const fixtureLines = (...p: string[]) => readFileSync(join(CAPTURES, ...p), 'utf8').split('\n')

export function parserCorpus(): ParserCase[] {
  const text = (lines: string[]) => lines.join('\n')
  const ss = async (lines: string[]) => {
    const out: unknown[] = []
    for await (const s of parseSs(lines)) out.push({ ...s, skmem: parseSkmem(s.extra), timer: parseTimer(s.extra), info: parseTcpInfo(s.extra) })
    return out
  }
  return [
    { name: 'ss -ltnmp', lines: fixtureLines('linux-6.18.44', 'ss-ltnmp.out'), run: ss },
    { name: 'ss -tanpo', lines: fixtureLines('linux-6.18.44', 'ss-tanpo.out'), run: ss },
    { name: 'ss -tnop (keepalive)', lines: fixtureLines('keepalive', 'ss-tnop.out'), run: ss },
    { name: 'ss -tnimp', lines: fixtureLines('linux-6.18.44', 'ss-tnimp-established-lossy'), run: ss },
    { name: 'ss state time-wait (no State column)', lines: fixtureLines('linux-6.18.44', 'ss-tanpo.out').map((l) => l.replace(/^\S+\s+/, '')), run: async (lines) => { const out: unknown[] = []; for await (const s of parseSs(lines, 'TIME-WAIT')) out.push(s); return out } },
    { name: '/proc/net/netstat', lines: fixtureLines('linux-6.18.44', 'proc-net-netstat'), run: async (l) => parseProcNetNetstat(text(l)) },
    { name: '/proc/net/netstat (2.6.32)', lines: fixtureLines('linux-2.6.32-layout', 'proc-net-netstat'), run: async (l) => parseProcNetNetstat(text(l)) },
    { name: '/proc/net/snmp', lines: fixtureLines('linux-6.18.44', 'proc-net-snmp'), run: async (l) => parseProcNetSnmp(text(l)) },
    { name: '/proc/net/snmp6', lines: fixtureLines('linux-6.18.44', 'proc-net-snmp6'), run: async (l) => parseProcNetSnmp6(text(l)) },
    { name: '/proc/net/tcp', lines: fixtureLines('linux-6.18.44', 'proc-net-tcp'), run: async (l) => [...parseProcNetTcp(l)] },
    { name: '/proc/net/tcp6', lines: fixtureLines('linux-6.18.44', 'proc-net-tcp6'), run: async (l) => [...parseProcNetTcp(l, '/proc/net/tcp6')] },
    { name: '/proc/net/sockstat', lines: fixtureLines('linux-6.18.44', 'proc-net-sockstat'), run: async (l) => parseProcNetSockstat(text(l)) },
    { name: '/proc/net/softnet_stat', lines: fixtureLines('linux-6.18.44', 'proc-net-softnet_stat'), run: async (l) => parseProcNetSoftnetStat(text(l)) },
    { name: '/proc/net/dev', lines: fixtureLines('linux-6.18.44', 'proc-net-dev'), run: async (l) => Object.fromEntries(parseProcNetDev(text(l))) },
    { name: '/proc/PID/limits', lines: ['Limit                     Soft Limit           Hard Limit           Units', 'Max open files            1024                 524288               files'], run: async (l) => parseOpenFilesLimit(text(l)) },
    { name: '/sys/class/net statistics and speed', lines: ['1234', '10000'], run: async (l) => [parseSysNetStatistic(l[0] ?? '', 'x'), parseSysNetSpeed(l[1] ?? '', 'y')] },
    { name: '/proc/net/stat/nf_conntrack', lines: fixtureLines('kernel-tables', 'proc-net-stat-nf_conntrack-full-end'), run: async (l) => parseProcNetStat(text(l), 'x') },
    { name: '/proc/net/stat/arp_cache', lines: fixtureLines('linux-6.18.44', 'proc-net-stat-arp_cache'), run: async (l) => parseProcNetStat(text(l), 'x') },
    { name: 'conntrack -S', lines: fixtureLines('kernel-tables', 'conntrack-S-drops.out'), run: async (l) => parseConntrackStats(text(l)) },
    { name: '/proc/PID/stat, fdinfo, children', lines: ['4242 (sleep) S 100 4242 4242 0 -1 4194560 93 0 0 0 0 0 0 0 20 0 1 0 123456 2252800', 'flags:\t02000002', '12 13'], run: async (l) => [parseProcPidStat(l[0] ?? '', 'x'), parseFdinfoCloexec(l[1] ?? '', 'y'), parseChildren(l[2] ?? '', 'z')] },
    { name: 'sysctl values and ss durations', lines: ['4096\t131072\t6291456', '32768 60999', '1min58sec', '616ms'], run: async (l) => l.map((v) => [sysctlNumber(v), sysctlNumbers(v), parseDuration(v)]) },
  ]
}

/** Lines of a fixture mutated (characters flipped, dropped, doubled; tokens repeated; digits made long), or random. */
export function linesArb(lines: string[]): fc.Arbitrary<string[]> {
  const line = fc.oneof(
    { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 200 }) },
    { weight: 1, arbitrary: fc.string({ unit: fc.constantFrom(...' \t:()/,=.-0123456789abcdefxyzLISTENESTAB*[]%"'), maxLength: 200 }) },
    { weight: 4, arbitrary: fc.tuple(fc.constantFrom(...lines), fc.array(fc.tuple(fc.nat(), fc.nat({ max: 8 }), fc.string({ maxLength: 30 })), { maxLength: 4 })).map(([l, edits]) => editLine(l, edits)) },
  )
  return fc.tuple(fc.array(fc.tuple(fc.nat(), line), { maxLength: 6 }), fc.nat({ max: lines.length })).map(([repl, cut]) => {
    const out = lines.slice(0, Math.max(cut, 1))
    for (const [i, l] of repl) out[i % (out.length + 1)] = l
    return out.map((l) => l ?? '')
  })
}

function editLine(l: string, edits: Array<[number, number, string]>): string {
  let s = l
  for (const [at, del, ins] of edits) {
    const i = s.length ? at % s.length : 0
    const insert = /^\d/.test(s.slice(i)) && ins === '' ? '9'.repeat(400) : ins // a number too long for a double
    s = s.slice(0, i) + insert + s.slice(i + del)
  }
  return s
}

/** Runs a parser on lines: [] when it returned only finite numbers or threw its ParseError. */
export async function parserProblems(p: ParserCase, lines: string[]): Promise<string[]> {
  let out: unknown
  try {
    out = await p.run(lines)
  } catch (err) {
    return err instanceof ParseError ? [] : [`threw ${(err as Error)?.stack ?? String(err)}`]
  }
  const problems: string[] = []
  const walk = (v: unknown, path: string, depth: number) => {
    if (problems.length > 3 || depth > 8) return
    if (typeof v === 'number' && !Number.isFinite(v)) problems.push(`${path} is ${v} (input: ${JSON.stringify(lines).slice(0, 600)})`)
    else if (typeof v === 'string' && /\bNaN\b/.test(v) && !lines.some((l) => l.includes('NaN'))) problems.push(`${path} is "${v}"`)
    else if (v && typeof v === 'object') for (const [k, x] of Object.entries(v)) walk(x, `${path}.${k}`, depth + 1)
  }
  walk(out, p.name, 0)
  return problems
}
