// The path analysis (congestion.flows) on scripted segment sequences with chosen timestamps: RTT samples and
// Karn's rule, the handshake split and the capture side, retransmissions (spurious, fast, timeout), duplicate ACKs,
// out-of-order, zero-window periods, window-full with and without the window scale, idle senders, IPv6, midstream.
import { congestionAnalysis } from '../../../src/capture/analyses/congestion.js'
import { decodeTcp } from '../../../src/capture/decode.js'
import { FlowTracker } from '../../../src/capture/flows.js'
import { RttSketch } from '../../../src/capture/rtt-sketch.js'
import type { ServerPaths } from '../../../src/model/paths.js'
import { frameOf, TcpScript } from '../../helpers/tcp-script.js'

const V4 = { client: '127.0.0.1', clientPort: 40000, server: '127.0.0.1', serverPort: 80 }
const V6 = { client: '::1', clientPort: 40000, server: '::1', serverPort: 443 }

function analyse(...scripts: TcpScript[]): ServerPaths[] {
  const tracker = new FlowTracker()
  const run = congestionAnalysis()
  tracker.observe(run.observer)
  for (const s of scripts.flatMap((x) => x.segments).sort((a, b) => a.ts - b.ts)) tracker.segment(s)
  tracker.finish()
  return run.result()
}
const only = (...scripts: TcpScript[]) => {
  const [server] = analyse(...scripts)
  expect(server.rows).toHaveLength(1)
  return { server, row: server.rows[0] }
}

describe('RttSketch: bounded, quantiles within the bucket width', () => {
  test('a million samples keep the same memory; min and max exact, p50 and p95 within 10 %', () => {
    const sk = new RttSketch()
    for (let i = 1; i <= 1_000_000; i++) sk.add(60 + ((i * 7919) % 1_000_000) / 1_000_000 * 1940)
    const sum = sk.summary()!
    expect(sk.count).toBe(1_000_000)
    expect(sum.min).toBeCloseTo(60, 1)
    expect(sum.max).toBeGreaterThan(1999)
    expect(Math.abs(sum.p50 - 1030) / 1030).toBeLessThan(0.1)
    expect(Math.abs(sum.p95 - 1903) / 1903).toBeLessThan(0.1)
  })

  test('no samples: no summary; NaN and negative values are ignored', () => {
    const sk = new RttSketch()
    sk.add(Number.NaN)
    sk.add(-1)
    expect(sk.summary()).toBeUndefined()
  })
})

describe('decode: the window scale option of a SYN', () => {
  test('read from the SYN and SYN-ACK options, -1 without one and on other segments', () => {
    const t = new TcpScript(V4).handshake(0, 0.01, 0.001, [7, 9])
    t.data(0, 0.02, 100)
    const scales = t.segments.map((s) => decodeTcp(1, frameOf(s).data, s.ts, frameOf(s).origLen)!.windowScale)
    expect(scales).toEqual([7, 9, -1, -1])
    const plain = new TcpScript(V4).handshake(0, 0.01, 0.001)
    expect(plain.segments.map((s) => decodeTcp(1, frameOf(s).data, s.ts, frameOf(s).origLen)!.windowScale)).toEqual([-1, -1, -1])
  })
})

describe('congestion analysis', () => {
  test('handshake split near the client, data RTT per segment, the client’s data timed', () => {
    const t = new TcpScript(V4).handshake(0, 0.08, 0.0002, [7, 7])
    let ts = 1
    for (const rtt of [0.05, 0.1, 0.2]) {
      t.data(0, ts, 1000)
      t.ack(1, ts + rtt)
      ts += 1
    }
    const { row } = only(t)
    expect(row.handshakeMs).toEqual({ synToSynAck: 80, synAckToAck: 0.2 })
    expect(row.captureSide).toBe('client')
    expect(row).toMatchObject({ rttOf: 'client', rttSamples: 3, dataSegments: 3, retransmissions: 0, lossShare: 0, windowScaleKnown: true })
    expect(row.rttMs!.min).toBeCloseTo(50, 3)
    expect(row.rttMs!.max).toBeCloseTo(200, 3)
    expect(Math.abs(row.rttMs!.p50 - 100) / 100).toBeLessThan(0.1)
  })

  test('an ACK stamped before the segment it covers (merged or stepped clocks) is no RTT sample, not a 0 ms one', () => {
    const t = new TcpScript(V4).handshake(0, 0.01, 0.0001)
    t.data(0, 1, 1000)
    t.ack(1, 1.05)
    t.data(0, 2, 1000)
    t.ack(1, 1.5) // half a second before the segment, and after it in the file
    // in the order written, not sorted by time: the file order of a capture whose clocks disagree
    const tracker = new FlowTracker()
    const run = congestionAnalysis()
    tracker.observe(run.observer)
    for (const seg of t.segments) tracker.segment(seg)
    tracker.finish()
    const [row] = run.result()[0].rows
    expect(row.rttSamples).toBe(1)
    expect(row.rttMs!.min).toBeCloseTo(50, 3)
  })

  test('near the server: SYN-ACK→ACK long, the server’s data timed', () => {
    const t = new TcpScript(V4).handshake(0, 0.0003, 0.12)
    t.data(1, 1, 1000)
    t.ack(0, 1.12)
    const { row } = only(t)
    expect(row.captureSide).toBe('server')
    expect(row.rttOf).toBe('server')
  })

  test('Karn: a retransmitted segment gives no RTT sample; a retransmission after a quiet RTO is a timeout', () => {
    const t = new TcpScript(V4).handshake(0, 0.01, 0.0001)
    const seq = t.data(0, 1, 1000)
    t.resend(0, 2, seq, 1000) // 1 s of quiet: the RTO fired
    t.ack(1, 2.05)
    const { row } = only(t)
    expect(row).toMatchObject({ retransmissions: 1, timeoutRetransmits: 1, fastRetransmits: 0, spurious: 0, rttSamples: 0, dataSegments: 2, lossShare: 0.5 })
    expect(row.rttMs).toBeUndefined()
  })

  test('an RTT sample of 0 (both stamps in one clock tick) is the minimum: a resend long after one duplicate ACK is then a timeout, not fast', () => {
    const t = new TcpScript(V4).handshake(0, 0.01, 0.0001)
    t.data(0, 1, 1000)
    t.ack(1, 1) // a 0 s sample
    t.data(0, 2, 1000)
    t.ack(1, 2.3)
    const lost = t.data(0, 3, 1000)
    t.data(0, 3.001, 1000)
    t.ack(1, 3.002, 502, lost) // one duplicate ACK
    // 0.3 s later: beyond twice a 0 s RTT (and the 10 ms floor), within twice the 0.3 s sample taken for the minimum
    t.resend(0, 3.302, lost, 1000)
    const { row } = only(t)
    expect(row.rttSamples).toBe(2)
    expect(row.rttMs!.min).toBe(0)
    expect(row).toMatchObject({ retransmissions: 1, timeoutRetransmits: 1, fastRetransmits: 0 })
  })

  test('spurious: re-sending what the receiver had acknowledged is not loss', () => {
    const t = new TcpScript(V4).handshake(0, 0.01, 0.0001)
    const seq = t.data(0, 1, 1000)
    t.ack(1, 1.01)
    t.resend(0, 1.5, seq, 1000)
    const { row } = only(t)
    expect(row).toMatchObject({ retransmissions: 1, spurious: 1, lossShare: 0 })
  })

  test('three duplicate ACKs then the retransmission: fast, counted dup ACKs; the hole the loss left is not out-of-order', () => {
    const t = new TcpScript(V4).handshake(0, 0.01, 0.0001)
    const lost = t.data(0, 1, 1000)
    for (let i = 1; i <= 4; i++) {
      t.data(0, 1 + i * 0.001, 1000)
      t.ack(1, 1.01 + i * 0.001, 502, lost) // each later segment draws an ACK of the lost one's start
    }
    t.resend(0, 1.016, lost, 1000)
    t.ack(1, 1.026)
    const { row } = only(t)
    // the first ACK of `lost` is new (the handshake's ACK was of the ISN), the three after it are duplicates
    expect(row).toMatchObject({ duplicateAcks: 3, retransmissions: 1, fastRetransmits: 1, timeoutRetransmits: 0, outOfOrder: 0 })
  })

  test('a gap filled within 3 ms is out-of-order, not a retransmission', () => {
    const t = new TcpScript(V4).handshake(0, 0.01, 0.0001)
    const first = t.next[0]
    t.next[0] += 1000 // the first segment comes second
    t.data(0, 1, 1000)
    t.resend(0, 1.001, first, 1000)
    t.ack(1, 1.02)
    const { row } = only(t)
    expect(row).toMatchObject({ outOfOrder: 1, retransmissions: 0, dataSegments: 2 })
  })

  test('a zero window for 3 s until the window update; limited by the receiver, which is the client', () => {
    const t = new TcpScript(V4).handshake(0, 0.01, 0.0001, [7, 7])
    for (let i = 0; i < 5; i++) t.data(1, 0.1 + i * 0.01, 1000)
    t.ack(0, 1, 0)
    t.windowProbe(1, 1.5)
    t.ack(0, 1.501, 0)
    t.windowProbe(1, 2.5)
    t.ack(0, 2.501, 0)
    t.ack(0, 4, 502)
    t.data(1, 4.01, 1000)
    t.ack(0, 4.02)
    const { row } = only(t)
    expect(row.zeroWindows).toBe(1)
    expect(row.zeroWindowSeconds).toBeCloseTo(3, 3)
    expect(row).toMatchObject({ zeroWindowBy: 'client', limitedBy: 'receiver', retransmissions: 0 })
  })

  test('a zero window still open at the end lasts until the last segment', () => {
    const t = new TcpScript(V4).handshake(0, 0.01, 0.0001)
    t.data(1, 0.1, 1000)
    t.ack(0, 1, 0)
    t.windowProbe(1, 3)
    const { row } = only(t)
    expect(row.zeroWindowSeconds).toBeCloseTo(2, 3)
  })

  test('window-full: bytes in flight reach the scaled window the receiver advertised', () => {
    const t = new TcpScript(V4).handshake(0, 0.01, 0.0001, [7, 7])
    t.ack(0, 0.05, 40) // 40 << 7 = 5120 bytes
    for (let i = 0; i < 5; i++) t.data(1, 0.1 + i * 0.001, 1024)
    t.ack(0, 0.2, 40)
    const { row } = only(t)
    expect(row.windowFull).toBe(1)
    // unscaled, the same window field would be 40 bytes: every segment would fill it
    const u = new TcpScript(V4).handshake(0, 0.01, 0.0001, [7, -1])
    u.ack(0, 0.05, 40)
    for (let i = 0; i < 5; i++) u.data(1, 0.1 + i * 0.001, 1024)
    expect(only(u).row.windowFull).toBe(5)
  })

  test('midstream: no handshake RTT, window scale unknown so window-full is not judged, IPv6 alike', () => {
    const t = new TcpScript(V6)
    for (let i = 0; i < 5; i++) {
      t.data(1, i * 0.1, 1000)
      t.ack(0, i * 0.1 + 0.03, 1)
    }
    const { server, row } = only(t)
    expect(server.server).toBe('[::1]:443')
    expect(row).toMatchObject({ midstream: true, serverBy: 'port', windowScaleKnown: false, windowFull: 0, rttOf: 'server', captureSide: 'unknown' })
    expect(row.handshakeMs).toBeUndefined()
    // the first segment starts the timing only once its side's sequence is known: 4 or 5 samples of 30 ms
    expect(row.rttSamples).toBeGreaterThanOrEqual(4)
    expect(row.rttMs!.p50).toBeCloseTo(30, 0)
  })

  test('a sender that pauses with nothing in flight is limited by itself', () => {
    const t = new TcpScript(V4).handshake(0, 0.001, 0.0001)
    for (let i = 0; i < 5; i++) {
      t.data(1, 1 + i * 2, 100)
      t.ack(0, 1.001 + i * 2)
    }
    const { row } = only(t)
    expect(row.idleGaps).toBe(4)
    expect(row.idleSeconds).toBeCloseTo(8, 3)
    expect(row.limitedBy).toBe('sender')
  })

  test('segments without a timestamp (pcapng simple packet blocks): finite figures, no NaN', () => {
    const t = new TcpScript(V4).handshake(0, 0.01, 0.0001, [7, 7])
    const seq = t.data(0, 1, 1000)
    t.ack(1, 1.1, 0)
    t.resend(0, 2, seq, 1000)
    t.ack(1, 3)
    for (const s of t.segments) s.ts = Number.NaN
    const { row } = only(t)
    const bad = JSON.stringify(row, (_k, v) => (typeof v === 'number' && !Number.isFinite(v) ? `!${v}` : v))
    expect(bad).not.toMatch(/"!/)
    expect(row).toMatchObject({ dataSegments: 2, retransmissions: 1 })
  })

  test('rows per server, worst first, capped; the server aggregates every connection', () => {
    const scripts = [0, 1, 2].map((i) => {
      const t = new TcpScript({ ...V4, clientPort: 40000 + i }).handshake(i, 0.01, 0.0001)
      const seq = t.data(0, i + 0.1, 1000)
      for (let k = 0; k < i; k++) t.resend(0, i + 0.5 + k * 0.3, seq, 1000)
      t.ack(1, i + 0.95)
      return t
    })
    const tracker = new FlowTracker()
    const run = congestionAnalysis({ maxRows: 2 })
    tracker.observe(run.observer)
    for (const s of scripts.flatMap((x) => x.segments).sort((a, b) => a.ts - b.ts)) tracker.segment(s)
    tracker.finish()
    const [server] = run.result()
    expect(server).toMatchObject({ connections: 3, retransmissions: 3, dataSegments: 6, rowsOmitted: 1 })
    expect(server.rows.map((r) => r.client)).toEqual(['127.0.0.1:40002', '127.0.0.1:40001'])
  })

  test('a stall on a connection left out of the rows (they are kept by loss first): its zero-window seconds are kept', () => {
    // two lossy connections fill the rows (maxRows 2); the third stalls on a zero window for 3 s without loss
    const lossy = [0, 1].map((i) => {
      const t = new TcpScript({ ...V4, clientPort: 40000 + i }).handshake(i, 0.01, 0.0001)
      const seq = t.data(0, i + 0.1, 1000)
      t.resend(0, i + 0.5, seq, 1000)
      t.ack(1, i + 0.95)
      return t
    })
    const stalled = new TcpScript({ ...V4, clientPort: 40009 }).handshake(3, 3.01, 3.0001, [7, 7])
    for (let i = 0; i < 5; i++) stalled.data(1, 3.1 + i * 0.01, 1000)
    stalled.ack(0, 4, 0)
    stalled.windowProbe(1, 5)
    stalled.ack(0, 5.001, 0)
    stalled.ack(0, 7, 502)
    stalled.data(1, 7.01, 1000)
    stalled.ack(0, 7.02)
    const tracker = new FlowTracker()
    const run = congestionAnalysis({ maxRows: 2 })
    tracker.observe(run.observer)
    for (const s of [...lossy, stalled].flatMap((x) => x.segments).sort((a, b) => a.ts - b.ts)) tracker.segment(s)
    tracker.finish()
    const [server] = run.result()
    expect(server.rows.map((r) => r.client)).toEqual(['127.0.0.1:40000', '127.0.0.1:40001'])
    expect(server.rowsOmitted).toBe(1)
    expect(server.omittedZeroWindows).toHaveLength(1)
    expect(server.omittedZeroWindows![0]).toBeCloseTo(3, 3)
    expect(server.omittedZeroWindowsCapped).toBeUndefined()
    // asked twice, the same (result() leaves the aggregate alone)
    expect(run.result()[0].omittedZeroWindows).toEqual(server.omittedZeroWindows)
  })
})
