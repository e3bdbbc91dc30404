// The native flow engine (src/native/flow-engine.c, src/capture/native-flows.ts) against the JavaScript tracker
// and analyses it stands in for: on every committed capture and on mutated ones through captureFact, and on random
// conversations fed segment by segment (every flag, sequence numbers that fit and that do not, time gaps that
// evict, a NaN time, IPv4 and IPv6, the same port at both ends), with the default caps and with small ones (shed,
// eviction, its record and event buffers grown), the results and the tracker's counts are the same. And the engine
// does the work: captureFact tracks through it when the module is built.
import { readFileSync } from 'node:fs'
import { setFlagsFromString } from 'node:v8'
import { runInNewContext } from 'node:vm'

import fc from 'fast-check'

import { captureFact } from '../../../src/capture/fact.js'
import { ACK, FIN, RST, SYN, type TcpSegment } from '../../../src/capture/decode.js'
import { FlowTracker, type TrackerOptions, type TrackerStats } from '../../../src/capture/flows.js'
import { attachAnalyses } from '../../../src/capture/analyses/index.js'
import { engineThread, NATIVE_FLOWS_ENV, NativeFlowTracker, nativeTrackerWithAnalyses } from '../../../src/capture/native-flows.js'
import { NativeBatch, nativeModule } from '../../../src/capture/native-scan.js'
import type { AnalysisName } from '../../../src/model/capture.js'
import { parsePcapLE, TCP_FIXTURE_CAPTURES, writePcapng } from '../../helpers/capture-files.js'
import { captureCorpus, mutate, mutationArb, runs, SEED } from '../../helpers/fuzz.js'
import { pcapOf, TcpScript, type ScriptedSegment } from '../../helpers/tcp-script.js'
import { describeWith } from '../../helpers/requires.js'

async function* once(bytes: Buffer): AsyncIterable<Uint8Array> {
  yield bytes
}

/** captureFact's result as JSON, with the engine (on its own thread, or `sync` on this one) or the JavaScript tracker */
async function factJson(bytes: Buffer, engine: boolean | 'sync', names?: AnalysisName[]): Promise<string> {
  const before = process.env[NATIVE_FLOWS_ENV]
  process.env[NATIVE_FLOWS_ENV] = engine === 'sync' ? 'sync' : engine ? 'thread' : '0'
  try {
    return JSON.stringify(await captureFact(once(bytes), { kind: 'file', path: 'x.pcap' }, undefined, names))
  } catch (err) {
    return `error ${(err as Error).message}`
  } finally {
    if (before === undefined) delete process.env[NATIVE_FLOWS_ENV]
    else process.env[NATIVE_FLOWS_ENV] = before
  }
}

/** The segments fed one by one to both trackers: the analyses' results and the counts, each way. */
function bothWays(segments: TcpSegment[], opts: Partial<TrackerOptions> = {}, names?: AnalysisName[]): [unknown, unknown] {
  const js = new FlowTracker(opts)
  const analyses = attachAnalyses(js, names)
  for (const s of segments) js.segment(s)
  js.finish()
  const native = nativeTrackerWithAnalyses(names, opts)
  if (!native) throw new Error('the native flow engine is not there')
  for (const s of segments) native.tracker.segment(s)
  native.tracker.finish()
  return [
    { results: analyses.results(), stats: js.stats, live: js.liveFlows },
    { results: native.results(), stats: native.tracker.stats, live: native.tracker.liveFlows },
  ]
}

const V4 = ['10.0.0.1', '10.0.0.2', '10.0.0.10', '127.0.0.1']
const V6 = ['::1', 'fe80::1', '2001:db8::10']

/** A random conversation: endpoints from a few addresses and ports (the same port at both ends among them). */
const conversationArb = (nan: boolean) =>
  fc
    .array(
      fc.record({
        v6: fc.boolean(),
        a: fc.nat(9),
        b: fc.nat(9),
        sport: fc.constantFrom(80, 443, 5000, 5001, 40000),
        dport: fc.constantFrom(80, 443, 5000, 40000),
        flags: fc.constantFrom(SYN, SYN | ACK, ACK, ACK, ACK, ACK | 0x08, FIN | ACK, RST, RST | ACK, FIN, 0),
        // next expected, one below it (a probe), the peer's, or anywhere
        seqKind: fc.constantFrom(0, 0, 0, 1, 2, 3),
        seq: fc.integer({ min: 0, max: 0xffffffff }),
        ack: fc.integer({ min: 0, max: 0xffffffff }),
        ackKind: fc.constantFrom(0, 0, 1, 2),
        len: fc.constantFrom(0, 0, 0, 1, 100, 1448),
        window: fc.constantFrom(0, 502, 65535),
        ws: fc.constantFrom(-1, 0, 7, 14),
        gap: fc.constantFrom(0, 0.0001, 0.002, 0.06, 0.3, 0.6, 1.1, 3, 11, 140, 8000, nan ? NaN : 0.01),
      }),
      { maxLength: 300 },
    )
    .map((steps) => {
      const next = new Map<string, number>()
      let ts = 1_700_000_000
      return steps.map((s): TcpSegment => {
        const addrs = s.v6 ? V6 : V4
        const src = addrs[s.a % addrs.length]
        const dst = addrs[s.b % addrs.length]
        if (Number.isNaN(s.gap)) ts = NaN
        else ts = (Number.isNaN(ts) ? 1_700_000_100 : ts) + s.gap
        const me = `${src} ${s.sport} ${dst} ${s.dport}`
        const peer = `${dst} ${s.dport} ${src} ${s.sport}`
        const mine = next.get(me)
        const theirs = next.get(peer)
        let seq = s.seq
        if (s.seqKind === 0 && mine !== undefined) seq = mine
        else if (s.seqKind === 1 && mine !== undefined) seq = (mine - 1) >>> 0
        else if (s.seqKind === 2 && theirs !== undefined) seq = theirs
        let ack = s.ack
        if (s.ackKind === 0 && theirs !== undefined) ack = theirs
        else if (s.ackKind === 1 && theirs !== undefined) ack = (theirs + 1) >>> 0
        next.set(me, (seq + s.len + (s.flags & SYN ? 1 : 0) + (s.flags & FIN ? 1 : 0)) >>> 0)
        const seg: TcpSegment = { ts, src, dst, sport: s.sport, dport: s.dport, seq, ack, flags: s.flags, window: s.window, payloadLen: s.len, ipVersion: s.v6 ? 6 : 4 }
        if (s.flags & SYN) Object.assign(seg, { windowScale: s.ws })
        return seg
      })
    })

/** Both ways, the same; the JavaScript results, to hold a scenario to the fact that makes it a test. */
function same(segments: TcpSegment[], opts: Partial<TrackerOptions> = {}): Results & { stats: TrackerStats } {
  const [js, native] = bothWays(segments, opts)
  expect(native).toEqual(js)
  const { results, stats } = js as { results: Results; stats: TrackerStats }
  return { ...results, stats }
}

interface Results {
  keepalive: Array<{ client: string; probes: number; answered: number; unanswered: number }>
  heartbeat: Array<{ client: string; messages: number; bytes: number }>
  closes: Array<{ unansweredAborts: number; rows: Array<{ client: string; end: string; unanswered?: boolean }> }>
  congestion: Array<{ rows: Array<Record<string, unknown> & { client: string }> }>
}

/** a connection of the scenarios: 10.0.0.1:port → 10.0.0.2:80 */
const conn = (port: number, isn: [number, number] = [1_000_000, 5_000_000]) => new TcpScript({ client: '10.0.0.1', clientPort: port, server: '10.0.0.2', serverPort: 80 }, isn)
const byClient = <T extends { client: string }>(rows: T[], port: number): T | undefined => rows.find((r) => r.client === `10.0.0.1:${port}`)
const congestionRow = (r: Results, port: number) => byClient(r.congestion.flatMap((s) => s.rows), port)
/** a segment of the script with other fields (a probe of one byte, a window of 0 on a SYN) */
const push = (s: TcpScript, seg: Partial<TcpSegment> & { dir: 0 | 1; ts: number }) => {
  const e = s.ends
  const [src, sport, dst, dport] = seg.dir === 0 ? [e.client, e.clientPort, e.server, e.serverPort] : [e.server, e.serverPort, e.client, e.clientPort]
  const { dir, ...rest } = seg
  s.segments.push({ src, sport, dst, dport, seq: s.next[dir], ack: s.next[dir ^ 1], flags: ACK, window: 502, payloadLen: 0, ipVersion: 4, ...rest })
}

describeWith({ modules: ['native'] }, 'the native flow engine', () => {
  it('is what captureFact tracks with when the module is built', async () => {
    const native = nativeModule()!
    const { track, trackAsync } = native
    let calls = 0
    native.track = (...args) => {
      calls++
      return track!(...args)
    }
    native.trackAsync = (...args) => {
      calls++
      return trackAsync!(...args)
    }
    try {
      await captureFact(once(readFileSync(TCP_FIXTURE_CAPTURES[0])), { kind: 'file', path: 'x.pcap' })
    } finally {
      Object.assign(native, { track, trackAsync })
    }
    expect(calls).toBeGreaterThan(0)
    expect(nativeTrackerWithAnalyses()?.tracker).toBeInstanceOf(NativeFlowTracker)
  })

  it('gives the JavaScript tracker’s fact on every committed capture, with every analysis and with each alone', async () => {
    // the corpus adds pcapng sections (simple packet blocks without a time among them) and UDP
    for (const { name: file, bytes } of [...TCP_FIXTURE_CAPTURES.map((f) => ({ name: f, bytes: readFileSync(f) })), ...captureCorpus()]) {
      const js = await factJson(bytes, false)
      expect([file, await factJson(bytes, true)]).toEqual([file, js])
      expect([file, 'sync', await factJson(bytes, 'sync')]).toEqual([file, 'sync', js])
      for (const name of ['closes', 'keepalive', 'heartbeat', 'congestion'] as const) expect([file, name, await factJson(bytes, true, [name])]).toEqual([file, name, await factJson(bytes, false, [name])])
    }
  })

  it('gives the same fact on mutated captures (fast-check)', async () => {
    const corpus = captureCorpus()
    await fc.assert(
      fc.asyncProperty(
        fc.nat(corpus.length - 1).chain((i) => fc.tuple(fc.constant(i), mutationArb(corpus[i].bytes))),
        async ([i, ms]) => {
          const bytes = mutate(corpus[i].bytes, ms)
          expect(await factJson(bytes, true)).toEqual(await factJson(bytes, false))
        },
      ),
      { seed: SEED, numRuns: runs(150) },
    )
  })

  it('gives the same results on random conversations, segment by segment (fast-check)', () => {
    fc.assert(
      fc.property(conversationArb(true), (segments) => {
        const [js, native] = bothWays(segments)
        expect(native).toEqual(js)
      }),
      { seed: SEED, numRuns: runs(400) },
    )
  })

  it('gives the same results with small caps: shed flows, evictions and quiet times (fast-check)', () => {
    const opts: Partial<TrackerOptions> = { maxLiveFlows: 4, closedQuietSeconds: 1, handshakeQuietSeconds: 5, idleSeconds: 30 }
    fc.assert(
      fc.property(conversationArb(false), (segments) => {
        const [js, native] = bothWays(segments, opts)
        expect(native).toEqual(js)
      }),
      { seed: SEED, numRuns: runs(300) },
    )
  })

  it('gives the same results through a pcap of random conversations (the scanner’s batches)', async () => {
    await fc.assert(
      fc.asyncProperty(conversationArb(false), async (segments) => {
        const bytes = pcapOf(segments as ScriptedSegment[])
        expect(await factJson(bytes, true)).toEqual(await factJson(bytes, false))
      }),
      { seed: SEED, numRuns: runs(100) },
    )
  })

  it('tracks the segments the scanner leaves to JavaScript (simple packet blocks) in file order, beyond a batch of them', async () => {
    // 2 500 connections' handshakes and data, in timed blocks, then as simple packet blocks (no time: the reader
    // decodes those in JavaScript), then timed again: three runs the engine must keep in order
    const segments: ScriptedSegment[] = []
    for (let i = 0; i < 2500; i++) {
      const script = new TcpScript({ client: `10.2.${i >> 8}.${i & 255}`, clientPort: 41000, server: '10.0.0.1', serverPort: 443 })
      script.handshake(200 + i * 0.001, 0.0005, 0.0005)
      script.data(0, 200 + i * 0.001 + 0.0002, 100)
      segments.push(...script.segments)
    }
    const records = parsePcapLE(pcapOf(segments)).records
    const third = Math.floor(records.length / 3)
    const bytes = writePcapng([
      { linkType: 1, snaplen: 262144, nano: false, records: records.slice(0, third) },
      { linkType: 1, snaplen: 262144, nano: false, simple: true, records: records.slice(third, 2 * third) },
      { linkType: 1, snaplen: 262144, nano: false, records: records.slice(2 * third) },
    ])
    const engine = await factJson(bytes, true)
    expect(engine).toEqual(await factJson(bytes, false))
    expect(JSON.parse(engine).tcpSegments).toBe(records.length)
  })

  it('survives a capture that fails mid-file with a batch in flight on its thread, and the collector after it', async () => {
    const segments: ScriptedSegment[] = []
    for (let i = 0; i < 6000; i++) {
      const script = new TcpScript({ client: `10.3.${i >> 8}.${i & 255}`, clientPort: 42000, server: '10.0.0.1', serverPort: 80 })
      script.handshake(300 + i * 0.001, 0.0005, 0.0005)
      segments.push(...script.segments)
    }
    const bytes = Buffer.from(pcapOf(segments))
    // the 15 000th record claims more than a record may hold: the reader stops there (CaptureFormatError), two
    // batches in, one of them on the engine's thread
    let at = 24
    for (let k = 0; k < 15_000; k++) at += 16 + bytes.readUInt32LE(at + 8)
    bytes.writeUInt32LE(0x7fffffff, at + 8)
    for (let round = 0; round < 3; round++) expect(await factJson(bytes, true)).toMatch(/^error .*claims 2147483647 bytes/)
    setFlagsFromString('--expose-gc')
    ;(runInNewContext('gc') as () => void)()
    // the process is whole: a capture after it gives the JavaScript tracker's fact
    const good = readFileSync(TCP_FIXTURE_CAPTURES[0])
    expect(await factJson(good, true)).toEqual(await factJson(good, false))
  })

  it('tells the roles of a same-port flow begun mid-connection by the addresses’ text, IPv4 and IPv6', () => {
    // 10.0.0.10 sorts before 10.0.0.2 as text, after it as a number; fe80::1 after 2001:db8::10 either way
    const segments: TcpSegment[] = []
    for (const [a, b] of [['10.0.0.10', '10.0.0.2'], ['10.0.0.2', '10.0.0.10'], ['fe80::1', '2001:db8::10'], ['2001:db8::10', 'fe80::1']]) {
      const script = new TcpScript({ client: a, clientPort: 7000, server: b, serverPort: 7000 })
      script.data(0, 10, 100)
      script.data(1, 10.5, 50)
      segments.push(...script.segments)
    }
    const [js, native] = bothWays(segments)
    expect(native).toEqual(js)
    const rows = (js as { results: { closes: Array<{ rows: Array<{ client: string }> }> } }).results.closes.flatMap((s) => s.rows.map((r) => r.client))
    // the flows were told apart the way the JavaScript tracker does it (the greater text is the client)
    expect(rows).toEqual(expect.arrayContaining(['10.0.0.2:7000', '[fe80::1]:7000']))
  })

  it('grows its records and events: 20 000 flows live at once, then closed by one sweep', async () => {
    const segments: TcpSegment[] = []
    for (let i = 0; i < 20_000; i++) {
      const script = new TcpScript({ client: `10.1.${i >> 8}.${i & 255}`, clientPort: 40000 + (i % 1000), server: '10.0.0.1', serverPort: 80 })
      script.handshake(100 + i * 1e-5, 0.001, 0.001)
      segments.push(...script.segments)
    }
    // a segment much later: the sweep finds every flow idle
    segments.push({ ts: 100_000, src: '10.9.9.9', dst: '10.0.0.1', sport: 1234, dport: 80, seq: 1, ack: 0, flags: SYN, window: 100, payloadLen: 0, ipVersion: 4 })
    const [js, native] = bothWays(segments, { idleSeconds: 1000 })
    expect(native).toEqual(js)
    expect((js as { stats: { evicted: number; peakLiveFlows: number } }).stats).toMatchObject({ evicted: 20_000, peakLiveFlows: 20_001 })
    // and through a file: the scanner's batches, tracked on the engine's thread while the last batch's events are
    // read, with calls stopping early for more records and more room for events
    const bytes = pcapOf(segments as ScriptedSegment[])
    const engine = await factJson(bytes, true)
    const reference = await factJson(bytes, false)
    expect(engine).toEqual(reference)
    expect(await factJson(bytes, 'sync')).toEqual(reference)
    expect(JSON.parse(engine)).toMatchObject({ connections: 20_001, peakLiveFlows: 20_001 })
  })

  // Scenarios at the thresholds and in the corners the random conversations seldom reach (each holds the engine
  // to a fact the JavaScript gives, and fails on a small change to the C: a constant, a comparison, a case)
  const byTime = (...scripts: TcpScript[]) => scripts.flatMap((s) => s.segments).sort((a, b) => a.ts - b.ts)

  it('judges a mid-connection pure ACK repeated at MIN_PROBE_GAP (not closer, not after the peer spoke) and one the peer acknowledges', () => {
    const a = conn(41001)
    a.ack(0, 100)
    a.ack(0, 100.45)
    const b = conn(41002)
    b.ack(0, 100)
    b.ack(0, 100.5)
    const c = conn(41003)
    c.ack(0, 100)
    c.ack(1, 100.2, 502, c.next[0] - 100)
    c.ack(0, 101)
    // the peer's answer to an unjudged pure ACK carries data: a late probe answered, though no keepalive ACK
    const d = conn(41004)
    d.ack(0, 100)
    push(d, { dir: 1, ts: 100.1, ack: d.next[0] + 1, payloadLen: 10 })
    // the peer's data, stamped before the pure ACK (merged captures), makes its side known but leaves it unjudged:
    // the tracker still judges, and the same pure ACK again is both probes
    const e = conn(41005)
    e.ack(0, 10)
    push(e, { dir: 1, ts: 5, ack: e.next[0] + 5, payloadLen: 10 })
    e.ack(0, 11)
    // a side first seen on its FIN, then pure ACKs at that FIN's sequence number: probes, none held unjudged
    const f = conn(41006)
    push(f, { dir: 0, ts: 0, flags: FIN | ACK })
    push(f, { dir: 0, ts: 1 })
    push(f, { dir: 0, ts: 2 })
    const r = same([...byTime(a, b, c, d, f), ...e.segments])
    expect(byClient(r.keepalive, 41001)).toBeUndefined()
    expect(byClient(r.keepalive, 41002)).toMatchObject({ probes: 2 })
    expect(byClient(r.keepalive, 41003)).toBeUndefined()
    expect(byClient(r.keepalive, 41004)).toMatchObject({ probes: 1, answered: 1 })
    expect(byClient(r.keepalive, 41005)).toMatchObject({ probes: 2 })
    expect(byClient(r.keepalive, 41006)).toMatchObject({ probes: 2 })
  })

  it('tells keepalive probes and their ACKs: answered, of one byte, not to a zero window, not answered after the peer’s FIN, one after its own FIN', () => {
    const setUp = (port: number) => {
      const s = conn(port)
      s.handshake(0, 0.01, 0.01)
      s.data(0, 1, 10)
      s.ack(1, 1.01)
      return s
    }
    const k1 = setUp(43001)
    for (let i = 0; i < 3; i++) {
      k1.windowProbe(0, 76 + 75 * i)
      k1.ack(1, 76.01 + 75 * i)
    }
    const k2 = setUp(43002)
    push(k2, { dir: 0, ts: 80, seq: k2.next[0] - 1, payloadLen: 1 })
    k2.ack(1, 80.01)
    const k3 = setUp(43003)
    k3.ack(1, 1.5, 0)
    k3.windowProbe(0, 2)
    const k4 = setUp(43004)
    k4.windowProbe(0, 80)
    push(k4, { dir: 1, ts: 80.01, flags: FIN | ACK })
    push(k4, { dir: 1, ts: 80.02, seq: k4.next[1] + 1 })
    // a pure ACK at its FIN's own sequence number: at the next sequence − 1 (the FIN counts one), a probe
    const k5 = setUp(43005)
    push(k5, { dir: 0, ts: 1.5, flags: FIN | ACK })
    push(k5, { dir: 0, ts: 2 })
    const r = same(byTime(k1, k2, k3, k4, k5))
    expect(byClient(r.keepalive, 43001)).toMatchObject({ probes: 3, answered: 3 })
    expect(byClient(r.keepalive, 43002)).toMatchObject({ probes: 1, answered: 1 })
    expect(byClient(r.keepalive, 43003)).toBeUndefined()
    expect(byClient(r.keepalive, 43004)).toMatchObject({ probes: 1, answered: 0, unanswered: 1 })
    expect(byClient(r.keepalive, 43005)).toMatchObject({ probes: 1 })
  })

  it('splits heartbeat messages at BURST_GAP: a gap just above it, one exactly at it, the first data at time 0', () => {
    const h1 = conn(42001)
    for (let k = 0; k < 6; k++) {
      h1.data(0, 10 + k, 20)
      h1.data(0, 10 + k + 0.055, 20)
    }
    // 0.05 − 0 is BURST_GAP exactly (no later pair of times is)
    const h2 = conn(42002)
    h2.data(0, 0, 20)
    h2.data(0, 0.05, 20)
    for (let k = 1; k < 6; k++) h2.data(0, k, 20)
    const r = same(byTime(h1, h2))
    expect(byClient(r.heartbeat, 42001)).toBeUndefined()
    expect(byClient(r.heartbeat, 42002)).toMatchObject({ messages: 6, bytes: 20 })
  })

  it('tells who ended a connection and whether the reset left the peer unanswered: no data either way is not unanswered', () => {
    const s = conn(44001)
    s.handshake(0, 0.01, 0.01)
    push(s, { dir: 1, ts: 1, flags: RST | ACK })
    const r = same(s.segments)
    expect(byClient(r.closes.flatMap((x) => x.rows), 44001)).toMatchObject({ end: 'abort', unanswered: false })
  })

  it('classifies retransmissions and the path’s figures at their thresholds (RTO_MIN, REORDER_SECONDS, dup ACKs, window scale, RTT 0)', () => {
    const hs = (port: number, scale?: [number, number]) => conn(port).handshake(0, 0.01, 0.01, scale)
    // a timeout: re-sent 0.22 s after its first copy, above RTO_MIN
    const c1 = hs(45001)
    c1.resend(0, 1.22, c1.data(0, 1, 100), 100)
    // re-sent into a fresh gap 3.5 ms after it opened: above REORDER_SECONDS, a retransmission
    const c2 = hs(45002)
    const s2 = c2.next[0]
    c2.next[0] = s2 + 100
    c2.data(0, 1, 100)
    c2.resend(0, 1.0035, s2, 100)
    // window scale 2^2 on the server's side: 500 × 4 bytes in flight fill its window exactly
    const c3 = hs(45003, [7, 2])
    c3.ack(1, 1, 500)
    c3.data(0, 1.1, 2000)
    // and 2^7 on the client's: 3000 bytes are far from its 502 × 128
    c3.data(1, 1.2, 3000)
    // three duplicate ACKs, then the re-send long after: fast
    const c4 = hs(45004)
    const s4 = c4.data(0, 1, 100)
    c4.data(0, 1.001, 100)
    for (const t of [1.01, 1.02, 1.03]) c4.ack(1, t, 502, s4)
    c4.resend(0, 2, s4, 100)
    // the same ACK twice with a zero window: no duplicate ACK; the zero window's time
    const c5 = hs(45005)
    const s5 = c5.data(0, 1, 100)
    c5.data(0, 1.001, 100)
    c5.ack(1, 1.01, 0, s5)
    c5.ack(1, 1.02, 0, s5)
    c5.ack(1, 1.5, 502)
    // an ACK at its segment's own time: an RTT sample of 0
    const c6 = hs(45006)
    c6.data(0, 1, 100)
    c6.ack(1, 1)
    // re-sent up to exactly what the peer acknowledged: spurious
    const c7 = hs(45007)
    const s7 = c7.data(0, 1, 100)
    c7.ack(1, 1.05)
    c7.resend(0, 1.5, s7, 100)
    // a pause of 0.25 s after an RTT of 0.15 s: below 2 × RTT, no idle gap
    const c8 = hs(45008)
    c8.data(0, 1, 100)
    c8.ack(1, 1.15)
    c8.data(0, 1.25, 100)
    // a gap filled from its start in two segments (out of order), then its first part again (a retransmission)
    const c9 = hs(45009)
    const s9 = c9.next[0]
    c9.next[0] = s9 + 200
    c9.data(0, 1, 100)
    c9.resend(0, 1.001, s9, 100)
    c9.resend(0, 1.002, s9 + 100, 100)
    c9.resend(0, 1.0025, s9, 100)
    // a SYN with a zero window opens no zero-window period
    const c10 = hs(45010)
    c10.segments[0].window = 0
    c10.data(0, 1, 100)
    // a zero window reopened by a window update with more segments after it: the period ends at the update (an
    // in-order ACK that the engine's common path must not take while the window is shut), not at the flow's end
    const c11 = hs(45011)
    const s11 = c11.data(0, 1, 100)
    c11.ack(1, 1.01, 0, s11)
    c11.ack(1, 1.25, 502)
    c11.data(0, 1.26, 100)
    c11.ack(1, 2)
    const r = same(byTime(c1, c2, c3, c4, c5, c6, c7, c8, c9, c10, c11))
    expect(congestionRow(r, 45001)).toMatchObject({ retransmissions: 1, timeoutRetransmits: 1 })
    expect(congestionRow(r, 45002)).toMatchObject({ retransmissions: 1, outOfOrder: 0 })
    expect(congestionRow(r, 45003)).toMatchObject({ windowFull: 1 })
    expect(congestionRow(r, 45004)).toMatchObject({ fastRetransmits: 1, timeoutRetransmits: 0 })
    expect(congestionRow(r, 45005)).toMatchObject({ duplicateAcks: 0, zeroWindows: 1, zeroWindowSeconds: 0.49 })
    expect(congestionRow(r, 45006)).toMatchObject({ rttSamples: 1 })
    expect(congestionRow(r, 45007)).toMatchObject({ spurious: 1 })
    expect(congestionRow(r, 45008)).toMatchObject({ idleGaps: 0 })
    expect(congestionRow(r, 45009)).toMatchObject({ outOfOrder: 2, retransmissions: 1 })
    expect(congestionRow(r, 45010)).toMatchObject({ zeroWindows: 0 })
    expect(congestionRow(r, 45011)).toMatchObject({ zeroWindows: 1, zeroWindowSeconds: 0.24 })
  })
  it('evicts a closed flow when it has been quiet exactly closedQuietSeconds', () => {
    const a = conn(47001)
    a.handshake(0, 0.01, 0.01)
    push(a, { dir: 1, ts: 1, flags: RST | ACK })
    // the sweep at 11 s (the second of these: one per live flow's count of segments) finds it quiet 10 s
    const b = conn(47002)
    b.data(0, 11, 10)
    b.data(1, 11, 10)
    const r = same(byTime(a, b))
    expect(r.stats).toMatchObject({ evicted: 1 })
  })

  it('starts a new flow for a segment of one a sweep just ended (its time before the capture’s: merged captures)', () => {
    const a = conn(47101)
    const b = conn(47102)
    a.data(0, 100, 10)
    b.data(0, 60, 10)
    a.data(0, 101, 10)
    a.data(0, 102, 10)
    // stamped long before the capture's time, the RST's flow is closed and quiet: the sweep after it ends it
    push(b, { dir: 1, ts: 50, flags: RST | ACK })
    push(b, { dir: 1, ts: 50.5, flags: RST | ACK })
    const r = same([a.segments[0], b.segments[0], a.segments[1], a.segments[2], b.segments[1], b.segments[2]])
    expect(r.stats).toMatchObject({ flows: 3, evicted: 1 })
  })

  it('keeps a SYN sent again with the same ISN in its flow, and takes one with another ISN for a new connection', () => {
    const a = conn(47201)
    push(a, { dir: 0, ts: 0, flags: SYN, ack: 0 })
    push(a, { dir: 0, ts: 1, flags: SYN, ack: 0 })
    push(a, { dir: 0, ts: 3, flags: SYN, ack: 0 })
    const b = conn(47202)
    push(b, { dir: 0, ts: 0, flags: SYN, ack: 0 })
    push(b, { dir: 0, ts: 1, flags: SYN, ack: 0, seq: 77 })
    const r = same(byTime(a, b))
    expect(r.stats).toMatchObject({ flows: 3 })
    expect(byClient(r.closes.flatMap((x) => x.rows), 47201)).toMatchObject({ end: 'timeout', synRetransmissions: 2 })
  })

  it('computes a duration of infinite times as JavaScript does (NaN)', () => {
    const s = conn(46001)
    s.handshake(Infinity, 0, 0)
    s.data(0, Infinity, 10)
    const r = same(s.segments)
    expect(congestionRow(r, 46001)?.handshakeMs).toEqual({ synToSynAck: NaN, synAckToAck: NaN })
  })

  it('sheds down to 90 % of the cap, the quietest first: a cap of 10, one of 4.5, none, and an idle time so long its passes are many', () => {
    // n − 1 midstream flows, each answered, then active again `quiet(i)` before 100 s, when the n-th opens
    const flows = (n: number, quiet: (i: number) => number) => {
      const scripts: TcpScript[] = []
      for (let i = 0; i < n; i++) {
        const s = conn(48000 + i)
        const t = i < n - 1 ? i * 0.001 : 100
        s.data(0, t, 10)
        s.data(1, t + 0.0001, 10)
        if (i < n - 1) s.data(0, 100 - quiet(i), 10)
        scripts.push(s)
      }
      return byTime(...scripts)
    }
    const ends = (r: Results) => Object.fromEntries(r.closes.flatMap((x) => x.rows).map((row) => [row.client, row.end]))
    expect(same(flows(11, (i) => 11 - i), { maxLiveFlows: 10 }).stats).toMatchObject({ shed: 2 })
    expect(same(flows(5, (i) => 5 - i), { maxLiveFlows: 4.5 }).stats).toMatchObject({ shed: 1 })
    expect(same(flows(5, (i) => 5 - i), { maxLiveFlows: Infinity }).stats).toMatchObject({ shed: 0 })
    // live > NaN is false: never shed
    expect(same(flows(5, (i) => 5 - i), { maxLiveFlows: NaN }).stats).toMatchObject({ shed: 0 })
    // idle 1e40 s: the passes' quietness goes from 1e40 s down by quarters, 65 passes to 7.3 s, then 1.8 s, … 0.029 s
    const r = same(flows(5, (i) => [0, 10, 0.1, 0.05][i]), { maxLiveFlows: 4, idleSeconds: 1e40 })
    expect(r.stats).toMatchObject({ shed: 2 })
    expect(ends(r)).toMatchObject({ '10.0.0.1:48000': 'open', '10.0.0.1:48001': 'partial', '10.0.0.1:48002': 'partial', '10.0.0.1:48003': 'open' })
  })

  it('takes a window scale option as JavaScript does beyond 14 (a hand-built segment: 200 and 40 shift by 8, 20 by 20)', () => {
    const rows = []
    for (const [port, scale, from, bytes] of [[49001, [200, 7], 1, 2000], [49002, [40, 7], 1, 2000], [49003, [7, 20], 0, 9000]] as const) {
      const s = conn(port).handshake(0, 0.01, 0.01, [scale[0], scale[1]])
      // the receiver's window: 502 scaled by 2^8 or 2^20, far above the bytes in flight
      s.ack(from === 1 ? 0 : 1, 1, 502)
      s.data(from, 1.1, bytes)
      rows.push(congestionRow(same(s.segments), port))
    }
    expect(rows).toEqual([0, 0, 0].map(() => expect.objectContaining({ windowFull: 0, dataBytes: expect.any(Number) })))
  })

  it('keeps to the records of the call: a smaller buffer than before that holds every used record is filled, then room is asked for', () => {
    const native = nativeModule()!
    const L = native.flowLayout!
    const engine = native.createEngine!(10, 135, 7800, 100_000, 0)
    const events = new Float64Array(16384 * L.eventSize)
    const out = new Float64Array(L.outFields)
    const n = 300
    const batch = new NativeBatch(n, native.bytesPerSlot)
    const ids = new Float64Array(2 * n)
    // n flows: a SYN each from another client port
    const fill = (from: number) => {
      for (let i = 0; i < n; i++) {
        batch.ts[i] = 1 + i * 1e-6
        ids[2 * i] = 0x0a000001
        ids[2 * i + 1] = 0x0a000002
        batch.sport[i] = from + i
        batch.dport[i] = 80
        batch.seq[i] = 1000
        batch.flags[i] = SYN
        batch.wscale[i] = -1
        batch.kind[i] = 7
      }
    }
    const big = new ArrayBuffer(4 * n * L.stride * 8)
    fill(10_000)
    expect(native.track!(engine, big, events, out, batch.buffer, n, 0, n, ids, -1)).toBe(n)
    expect([out[1], out[8]]).toEqual([L.statusDone, n])
    // the records so far in a buffer of 2n: n more fit, the next flow asks for room
    const small = new ArrayBuffer(2 * n * L.stride * 8)
    new Float64Array(small).set(new Float64Array(big, 0, n * L.stride))
    fill(20_000)
    expect(native.track!(engine, small, events, out, batch.buffer, n, 0, n, ids, -1)).toBe(n)
    expect([out[1], out[8]]).toEqual([L.statusDone, 2 * n])
    fill(30_000)
    expect(native.track!(engine, small, events, out, batch.buffer, n, 0, n, ids, -1)).toBe(0)
    expect([out[1], out[8]]).toEqual([L.statusNeedRoom, 2 * n])
  })

  test.each([
    [undefined, false],
    ['thread', true],
    ['sync', false],
    ['0', false],
  ] as const)('NETDOC_NATIVE_FLOWS=%s: its own thread %s', (env, thread) => {
    expect(engineThread(env)).toBe(thread)
  })
})
