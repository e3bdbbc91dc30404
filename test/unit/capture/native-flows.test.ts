// The native flow engine (src/native/flow-engine.c, src/capture/native-flows.ts) against the JavaScript tracker
// and analyses it stands in for: on every committed capture and on mutated ones through captureFact, and on random
// conversations fed segment by segment (every flag, sequence numbers that fit and that do not, time gaps that
// evict, a NaN time, IPv4 and IPv6, the same port at both ends), with the default caps and with small ones (shed,
// eviction, its record and event buffers grown), the results and the tracker's counts are the same. And the engine
// does the work: captureFact tracks through it when the module is built.
import { readFileSync } from 'node:fs'

import fc from 'fast-check'

import { captureFact } from '../../../src/capture/fact.js'
import { ACK, FIN, RST, SYN, type TcpSegment } from '../../../src/capture/decode.js'
import { FlowTracker, type TrackerOptions } from '../../../src/capture/flows.js'
import { attachAnalyses } from '../../../src/capture/analyses/index.js'
import { NATIVE_FLOWS_ENV, NativeFlowTracker, nativeTrackerWithAnalyses } from '../../../src/capture/native-flows.js'
import { nativeModule } from '../../../src/capture/native-scan.js'
import type { AnalysisName } from '../../../src/model/capture.js'
import { parsePcapLE, TCP_FIXTURE_CAPTURES, writePcapng } from '../../helpers/capture-files.js'
import { captureCorpus, mutate, mutationArb, runs, SEED } from '../../helpers/fuzz.js'
import { pcapOf, TcpScript, type ScriptedSegment } from '../../helpers/tcp-script.js'
import { describeWith } from '../../helpers/requires.js'

async function* once(bytes: Buffer): AsyncIterable<Uint8Array> {
  yield bytes
}

/** captureFact's result as JSON, with the engine or with the JavaScript tracker */
async function factJson(bytes: Buffer, engine: boolean, names?: AnalysisName[]): Promise<string> {
  const before = process.env[NATIVE_FLOWS_ENV]
  process.env[NATIVE_FLOWS_ENV] = engine ? '1' : '0'
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
      expect([file, await factJson(bytes, true)]).toEqual([file, await factJson(bytes, false)])
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
    expect(engine).toEqual(await factJson(bytes, false))
    expect(JSON.parse(engine)).toMatchObject({ connections: 20_001, peakLiveFlows: 20_001 })
  })
})
