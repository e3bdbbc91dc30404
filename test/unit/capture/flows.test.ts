// The flow tracker: on a real capture (test/fixtures/capture) and on segment tables for the edge cases.
import { readFileSync } from 'node:fs'
import { join } from 'node:path'

import { analyseStream } from '../../../src/capture/pipeline.js'
import { ACK, FIN, PSH, RST, SYN, copySegment, type TcpSegment } from '../../../src/capture/decode.js'
import { FlowTracker, type Flow, type FlowEndReason, type FlowObserver, type SegmentInfo } from '../../../src/capture/flows.js'
import { ROOT } from '../../helpers/netns.js'

interface Seen {
  flow: Flow
  segs: Array<{ seg: TcpSegment; info: SegmentInfo }>
  reason?: FlowEndReason
}

/** An observer that records everything, to look at afterwards. */
function recorder(): { observer: FlowObserver<Seen>; flows: Seen[] } {
  const flows: Seen[] = []
  return {
    flows,
    observer: {
      open(flow) {
        const s: Seen = { flow, segs: [] }
        flows.push(s)
        return s
      },
      segment(_flow, state, seg, info) {
        // both are reused for the next segment: keep copies
        state.segs.push({ seg: copySegment(seg), info: { ...info } })
      },
      close(_flow, state, reason) {
        state.reason = reason
      },
    },
  }
}

async function fromFixture(name: string, skip = 0): Promise<Seen[]> {
  const tracker = new FlowTracker()
  const rec = recorder()
  tracker.observe(rec.observer)
  let buf = readFileSync(join(ROOT, 'test', 'fixtures', 'capture', name))
  if (skip > 0) {
    // Drop the first `skip` records: a capture that starts mid-connection.
    let p = 24
    for (let i = 0; i < skip; i++) p += 16 + buf.readUInt32LE(p + 8)
    buf = Buffer.concat([buf.subarray(0, 24), buf.subarray(p)])
  }
  async function* one() {
    yield buf
  }
  await analyseStream(one(), tracker)
  return rec.flows
}

const C = '127.0.0.1'
/** A segment from the client (dir 0) or the server (dir 1) of 127.0.0.1:40000 ↔ 127.0.0.1:80. */
function seg(dir: 0 | 1, ts: number, flags: number, seq: number, ack: number, payloadLen = 0, sport = 40000): TcpSegment {
  return dir === 0
    ? { ts, src: C, dst: C, sport, dport: 80, seq: seq >>> 0, ack: ack >>> 0, flags, window: 100, payloadLen, ipVersion: 4 }
    : { ts, src: C, dst: C, sport: 80, dport: sport, seq: seq >>> 0, ack: ack >>> 0, flags, window: 100, payloadLen, ipVersion: 4 }
}

/** Handshake, one request/response, FIN both ways; client ISN `a`, server ISN `b`. */
function connection(t: number, a: number, b: number, sport = 40000): TcpSegment[] {
  return [
    seg(0, t, SYN, a, 0, 0, sport),
    seg(1, t + 0.001, SYN | ACK, b, a + 1, 0, sport),
    seg(0, t + 0.002, ACK, a + 1, b + 1, 0, sport),
    seg(0, t + 0.003, PSH | ACK, a + 1, b + 1, 10, sport),
    seg(1, t + 0.004, PSH | ACK, b + 1, a + 11, 20, sport),
    seg(0, t + 0.005, FIN | ACK, a + 11, b + 21, 0, sport),
    seg(1, t + 0.006, FIN | ACK, b + 21, a + 12, 0, sport),
    seg(0, t + 0.007, ACK, a + 12, b + 22, 0, sport),
  ]
}

function track(segs: TcpSegment[], opts = {}): { flows: Seen[]; tracker: FlowTracker } {
  const tracker = new FlowTracker(opts)
  const rec = recorder()
  tracker.observe(rec.observer)
  for (const s of segs) tracker.segment(s)
  return { flows: rec.flows, tracker }
}

describe('flow tracker on a real capture', () => {
  test('one flow per connection: clients, servers, resets and refusals as the traffic made them', async () => {
    const flows = await fromFixture('lo-eth.pcap')
    // tcp-mix.cjs: 10 connections to port 9000 (even ones over IPv4, odd over IPv6), then a refused one each way.
    expect(flows.length).toBe(12)
    const served = flows.filter((f) => f.flow.serverPort === 9000)
    expect(served.length).toBe(10)
    expect(served.filter((f) => f.flow.server === '[::1]:9000').length).toBe(5)
    for (const f of flows) {
      expect(f.flow.midstream).toBe(false)
      expect(f.flow.clientPort).toBeGreaterThan(30000)
      expect(f.reason).toBeDefined()
    }
    // every 5th client resets (i = 4, 9)
    expect(served.filter((f) => f.flow.sides[0].rst).length).toBe(2)
    expect(served.filter((f) => f.flow.sides[0].fin && f.flow.sides[1].fin).length).toBe(8)
    const refused = flows.filter((f) => f.flow.serverPort === 9001)
    expect(refused.map((f) => f.flow.sides[1].rst)).toEqual([true, true])
    expect(refused.map((f) => f.flow.sides[1].packets)).toEqual([1, 1])
    // nothing is a keepalive in this traffic
    expect(flows.flatMap((f) => f.segs).filter((s) => s.info.keepalive || s.info.keepaliveAck).length).toBe(0)
  })

  test('a capture that starts mid-connection: the flow is midstream and the higher port is the client', async () => {
    const flows = await fromFixture('lo-eth.pcap', 3)
    expect(flows[0].flow.midstream).toBe(true)
    expect(flows[0].flow.serverPort).toBe(9000)
    expect(flows.slice(1).every((f) => !f.flow.midstream)).toBe(true)
  })
})

describe('flow tracker on segment tables', () => {
  test('per-direction next sequence, last ack, window and counts', () => {
    const { flows } = track(connection(0, 1000, 5000))
    const [c, s] = flows[0].flow.sides
    expect(c).toMatchObject({ isn: 1000, nextSeq: 1012, lastAck: 5022, packets: 5, payloadBytes: 10, syn: true, fin: true, rst: false })
    expect(s).toMatchObject({ isn: 5000, nextSeq: 5022, lastAck: 1012, packets: 3, payloadBytes: 20, syn: true, fin: true })
    expect(flows[0].flow.client).toBe('127.0.0.1:40000')
    expect(flows[0].flow.server).toBe('127.0.0.1:80')
  })

  test('sequence numbers wrap around 2^32', () => {
    const a = 4294967290
    const { flows } = track(connection(0, a, 7))
    expect(flows[0].flow.sides[0].nextSeq).toBe((a + 12) >>> 0)
    expect(flows[0].segs.some((s) => s.info.retransmission)).toBe(false)
  })

  test('ports reused with a new ISN split the connection; a retransmitted SYN does not', () => {
    const first = connection(0, 1000, 5000)
    const retransmittedSyn = seg(0, 1, SYN, 900000, 0)
    const { flows, tracker } = track([...first, seg(0, 0.5, SYN, 900000, 0), retransmittedSyn, ...connection(1.5, 900000, 77).slice(1)])
    tracker.finish()
    expect(flows.length).toBe(2)
    expect(flows[0].reason).toBe('reused')
    expect(flows[0].flow.sides[0].isn).toBe(1000)
    expect(flows[1].flow.sides[0].isn).toBe(900000)
    expect(flows[1].flow.packets).toBe(2 + 7)
    expect(flows[1].reason).toBe('end')
  })

  test('keepalive probes (0 and 1 byte), their ACKs, and retransmissions', () => {
    const open = connection(0, 1000, 5000).slice(0, 5) // established, request answered; client next = 1011
    const { flows } = track([
      ...open,
      seg(0, 10, ACK, 1010, 5021), // keepalive probe, 0 bytes
      seg(1, 10.001, ACK, 5021, 1011), // its ACK
      seg(0, 20, ACK, 1010, 5021, 1), // keepalive probe, 1 garbage byte
      seg(1, 20.001, ACK, 5021, 1011), // its ACK
      seg(0, 30, ACK, 1010, 5021), // probe with no answer
      seg(0, 31, PSH | ACK, 1001, 5021, 10), // the request again: a retransmission
      seg(1, 31.001, ACK, 5021, 1011), // a plain ACK, not a keepalive ACK (no probe outstanding)
    ])
    const infos = flows[0].segs.slice(5).map((s) => s.info)
    expect(infos.map((i) => i.keepalive)).toEqual([true, false, true, false, true, false, false])
    expect(infos.map((i) => i.keepaliveAck)).toEqual([false, true, false, true, false, false, false])
    expect(infos.map((i) => i.retransmission)).toEqual([false, false, false, false, false, true, false])
    expect(flows[0].flow.sides[0].nextSeq).toBe(1011) // probes never advance it
  })

  test('a probe at next − 1 while the peer advertises a zero window is a zero-window probe, not a keepalive', () => {
    const open = connection(0, 1000, 5000).slice(0, 5)
    const zero = { ...seg(1, 5, ACK, 5021, 1011), window: 0 }
    const { flows } = track([...open, zero, seg(0, 6, ACK, 1010, 5021, 1), seg(1, 7, ACK, 5021, 1011), seg(0, 20, ACK, 1010, 5021)])
    expect(flows[0].segs.slice(5).map((s) => s.info.keepalive)).toEqual([false, false, false, true])
  })

  test('closed flows leave after a quiet time; open ones stay until idle; half-open ones sooner', () => {
    const segs = [
      ...connection(0, 1000, 5000, 40001), // closed at 0.007
      ...connection(0, 2000, 6000, 40002).slice(0, 5), // open
      seg(0, 0, SYN, 3000, 0, 0, 40003), // never answered
      seg(0, 20, ACK, 2011, 6021, 0, 40002),
      seg(0, 200, ACK, 2011, 6021, 0, 40002),
      seg(0, 1000, ACK, 2011, 6021, 0, 40002),
    ]
    const { flows, tracker } = track(segs, { closedQuietSeconds: 10, handshakeQuietSeconds: 135, idleSeconds: 500 })
    expect(flows.map((f) => f.reason)).toEqual(['closed', undefined, 'idle'])
    expect(tracker.liveFlows).toBe(1)
    expect(tracker.stats).toMatchObject({ flows: 3, evicted: 2 })
    tracker.segment(seg(0, 2000, ACK, 2011, 6021, 0, 40004))
    tracker.segment(seg(0, 2002, ACK, 2011, 6021, 0, 40004))
    expect(flows[1].reason).toBe('idle')
  })

  test('a SYN flood cannot grow the tracker past maxLiveFlows; an answered connection survives it', () => {
    const segs: TcpSegment[] = connection(0, 1000, 5000).slice(0, 5) // a live, answered connection
    for (let i = 0; i < 1000; i++) segs.push(seg(0, 1 + i * 0.001, SYN, 7 * i, 0, 0, 1024 + i))
    const { flows, tracker } = track(segs, { maxLiveFlows: 100 })
    expect(tracker.liveFlows).toBeLessThanOrEqual(100)
    expect(tracker.stats.peakLiveFlows).toBeLessThanOrEqual(101)
    expect(tracker.stats.shed).toBeGreaterThanOrEqual(900)
    expect(flows.filter((f) => f.reason === 'idle').length).toBe(tracker.stats.shed)
    expect(flows[0].reason).toBeUndefined() // the real connection is still tracked
  })

  test('RST closes a flow; the first segment being a SYN-ACK makes its receiver the client', () => {
    const { flows } = track([seg(1, 0, SYN | ACK, 5000, 1001), seg(0, 0.001, RST, 1001, 0)])
    expect(flows[0].flow.client).toBe('127.0.0.1:40000')
    expect(flows[0].flow.midstream).toBe(false)
    expect(flows[0].flow.sides[0].rst).toBe(true)
  })
})
