// Connections whose handshake is not in the capture (CONTRACT.md "Captures that start mid-connection"): keepalive
// probes judged against what the peer acknowledges, connection ends with `midstream: true`, and who is the server.
import { closesAnalysis } from '../../../src/capture/analyses/closes.js'
import { keepaliveAnalysis } from '../../../src/capture/analyses/keepalive.js'
import { ACK, FIN, PSH, RST, type TcpSegment } from '../../../src/capture/decode.js'
import { FlowTracker, type TrackerOptions } from '../../../src/capture/flows.js'
import { listenerLookup } from '../../../src/capture/live.js'

const C = '127.0.0.1'
const S = 1_000_000 // the client's next sequence number (its probes carry S − 1)
const R = 5_000_000 // the server's
/** A segment of 127.0.0.1:40000 (client, dir 0) ↔ 127.0.0.1:80 (server, dir 1). */
function seg(dir: 0 | 1, ts: number, flags: number, seq: number, ack: number, payloadLen = 0): TcpSegment {
  const [sport, dport] = dir === 0 ? [40000, 80] : [80, 40000]
  return { ts, src: C, dst: C, sport, dport, seq: seq >>> 0, ack: ack >>> 0, flags, window: 100, payloadLen, ipVersion: 4 }
}

function run(segs: TcpSegment[], opts: Partial<TrackerOptions> = {}) {
  const tracker = new FlowTracker(opts)
  const ka = keepaliveAnalysis()
  const closes = closesAnalysis()
  tracker.observe(ka.observer)
  tracker.observe(closes.observer)
  for (const s of segs) tracker.segment(s)
  tracker.finish()
  return { keepalive: ka.result(), closes: closes.result() }
}

/** Probes every second from `dir`, answered or not, starting with the first segment of the capture. */
function probes(n: number, answered: boolean, dir: 0 | 1 = 0): TcpSegment[] {
  const [mine, theirs] = dir === 0 ? [S, R] : [R, S]
  const out: TcpSegment[] = []
  for (let i = 0; i < n; i++) {
    out.push(seg(dir, i, ACK, mine - 1, theirs))
    if (answered) out.push(seg((dir ^ 1) as 0 | 1, i + 0.0001, ACK, theirs, mine))
  }
  return out
}

describe('keepalive probes on a connection begun before the capture', () => {
  test('answered probes: every one counted, the first judged by the ACK of its sequence + 1', () => {
    const { keepalive } = run(probes(4, true))
    expect(keepalive).toHaveLength(1)
    expect(keepalive[0]).toMatchObject({ by: 'client', probes: 4, answered: 4, unanswered: 0, intervalSeconds: 1, midstream: true, serverBy: 'port' })
  })

  test('a silent peer: the same pure ACK again a second later is a probe, and so was the first; all unanswered once reset', () => {
    const segs = [...probes(4, false), seg(0, 4, RST | ACK, S, R)]
    const { keepalive, closes } = run(segs)
    expect(keepalive[0]).toMatchObject({ probes: 4, answered: 0, unanswered: 4, unansweredIntervalSeconds: 1, endedBy: 'rst' })
    expect(closes[0].rows[0]).toMatchObject({ end: 'abort', by: 'client', midstream: true, serverBy: 'port' })
  })

  test('probes from the server side are judged the same way', () => {
    const { keepalive } = run(probes(3, true, 1))
    expect(keepalive[0]).toMatchObject({ by: 'server', probes: 3, answered: 3 })
  })

  test("a bulk receiver's pure ACKs (same sequence number, rising ACK) are not probes", () => {
    const segs: TcpSegment[] = []
    for (let i = 0; i < 20; i++) {
      segs.push(seg(1, i * 0.6, ACK | PSH, R + i * 1000, S, 1000))
      segs.push(seg(0, i * 0.6 + 0.001, ACK, S, R + (i + 1) * 1000))
    }
    expect(run(segs).keepalive).toEqual([])
  })

  test('two identical pure ACKs closer than a keepalive interval are not probes', () => {
    expect(run([seg(0, 0, ACK, S, R), seg(0, 0.1, ACK, S, R)]).keepalive).toEqual([])
  })

  test('a pure ACK that the peer acknowledges as it stands (not + 1) is a plain ACK', () => {
    expect(run([seg(0, 0, ACK, S, R), seg(1, 0.5, ACK | PSH, R, S, 10), seg(0, 0.6, ACK, S, R + 10)]).keepalive).toEqual([])
  })

  test('retransmissions are recognised mid-connection: data below what the sender already sent', () => {
    const tracker = new FlowTracker()
    const seen: boolean[] = []
    tracker.observe({ open: () => undefined, segment: (_f, _s, _seg, info) => seen.push(info.retransmission), close: () => undefined })
    for (const s of [seg(0, 0, ACK | PSH, S, R, 100), seg(0, 0.2, ACK | PSH, S, R, 100), seg(0, 0.4, ACK | PSH, S + 100, R, 100)]) tracker.segment(s)
    expect(seen).toEqual([false, true, false])
  })
})

describe('connection ends begun before the capture', () => {
  const data = [seg(0, 0, ACK | PSH, S, R, 10), seg(1, 0.001, ACK, R, S + 10)]
  const end = (segs: TcpSegment[], opts: Partial<TrackerOptions> = {}) => run(segs, opts).closes[0]

  test('FIN both ways: graceful, midstream', () => {
    const s = end([...data, seg(0, 1, FIN | ACK, S + 10, R), seg(1, 1.001, FIN | ACK, R, S + 11), seg(0, 1.002, ACK, S + 11, R + 1)])
    expect(s.counts.graceful).toBe(1)
    expect(s.rows[0]).toMatchObject({ end: 'graceful', midstream: true, serverBy: 'port' })
  })

  test('RST from the server after the client\'s unanswered request: abort by server, unanswered, midstream', () => {
    const s = end([...data, seg(1, 1, RST | ACK, R, S + 10)])
    expect(s.rows[0]).toMatchObject({ end: 'abort', by: 'server', unanswered: true, midstream: true })
    expect(s.counts.partial).toBe(0)
  })

  test('one FIN: half-closed with its side, midstream', () => {
    expect(end([...data, seg(1, 1, FIN | ACK, R, S + 10)]).rows[0]).toMatchObject({ end: 'half-closed', by: 'server', midstream: true })
  })

  test('still there at the end: open, midstream; gone idle before the end with neither start nor end: partial', () => {
    expect(end(data).rows[0]).toMatchObject({ end: 'open', midstream: true })
    const later = { ...seg(0, 100, ACK | PSH, 1, 1, 10), sport: 40001 }
    const { closes } = run([...data, later], { idleSeconds: 50 })
    const rows = closes.flatMap((c) => c.rows)
    expect(rows.find((r) => r.client === '127.0.0.1:40000')).toMatchObject({ end: 'partial', midstream: true })
  })

  test('a local listener names the server even on the higher port (serverBy listener); else the lower port', () => {
    // 127.0.0.1:40000 listens here; its peer uses port 80 as its source port
    const isServer = listenerLookup([{ address: '127.0.0.1', port: 40000 }])
    const s = end(data, { isServer })
    expect(s.server).toBe('127.0.0.1:40000')
    expect(s.rows[0]).toMatchObject({ client: '127.0.0.1:80', serverBy: 'listener' })
    const wildcard = end(data, { isServer: listenerLookup([{ address: '*', port: 40000 }]) })
    expect(wildcard.server).toBe('127.0.0.1:40000')
    expect(end(data, { isServer: listenerLookup([{ address: '127.0.0.2', port: 40000 }]) }).rows[0]).toMatchObject({ server: '127.0.0.1:80', serverBy: 'port' })
  })
})
