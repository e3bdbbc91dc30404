// The keepalive and heartbeat analyses on segment tables: what counts as a probe, an answer, a heartbeat, and what
// never does (a connection with only keepalives, bulk data, irregular messages).
import { ACK, FIN, PSH, RST, SYN, type TcpSegment } from '../../../src/capture/decode.js'
import { attachAnalyses } from '../../../src/capture/analyses/index.js'
import { FlowTracker } from '../../../src/capture/flows.js'
import type { CaptureAnalyses } from '../../../src/model/capture.js'

const C = '127.0.0.1'
function seg(dir: 0 | 1, ts: number, flags: number, seq: number, ack: number, payloadLen = 0, port = 80): TcpSegment {
  return dir === 0
    ? { ts, src: C, dst: C, sport: 40000, dport: port, seq: seq >>> 0, ack: ack >>> 0, flags, window: 100, payloadLen, ipVersion: 4 }
    : { ts, src: C, dst: C, sport: port, dport: 40000, seq: seq >>> 0, ack: ack >>> 0, flags, window: 100, payloadLen, ipVersion: 4 }
}

/** Handshake at t, client next = 1001, server next = 5001. */
const open = (t = 0, port = 80) => [seg(0, t, SYN, 1000, 0, 0, port), seg(1, t + 0.001, SYN | ACK, 5000, 1001, 0, port), seg(0, t + 0.002, ACK, 1001, 5001, 0, port)]

function analyse(segs: TcpSegment[]) {
  const tracker = new FlowTracker()
  const a = attachAnalyses(tracker)
  for (const s of segs) tracker.segment(s)
  tracker.finish()
  // every analysis is attached (the default), so every result is there
  return a.results() as CaptureAnalyses
}

/** Client probes every `every` s from t0; the server answers the first `answered` of them. */
function probes(n: number, every: number, answered: number, t0 = 10): TcpSegment[] {
  const out: TcpSegment[] = []
  for (let i = 0; i < n; i++) {
    const t = t0 + i * every
    out.push(seg(0, t, ACK, 1000, 5001))
    if (i < answered) out.push(seg(1, t + 0.0001, ACK, 5001, 1001))
  }
  return out
}

describe('keepalive analysis', () => {
  test('answered probes: count, median interval, none unanswered', () => {
    const [k] = analyse([...open(), ...probes(5, 2, 5)]).keepalive
    expect(k).toMatchObject({ client: '127.0.0.1:40000', server: '127.0.0.1:80', by: 'client', probes: 5, answered: 5, unanswered: 0, intervalSeconds: 2, answeredIntervalSeconds: 2 })
  })

  test('a dead peer: answered at first, then unanswered at the shorter interval, then a reset', () => {
    const segs = [...open(), ...probes(2, 30, 2), ...probes(4, 1, 0, 70), seg(0, 74, RST | ACK, 1001, 5001)]
    const [k] = analyse(segs).keepalive
    expect(k).toMatchObject({ probes: 6, answered: 2, unanswered: 4, answeredIntervalSeconds: 30, unansweredIntervalSeconds: 1, endedBy: 'rst' })
  })

  test('a probe still pending when an open capture ends is not counted as unanswered', () => {
    const [k] = analyse([...open(), ...probes(3, 1, 2)]).keepalive
    expect(k).toMatchObject({ probes: 3, answered: 2, unanswered: 0 })
  })

  test('connections without probes report nothing', () => {
    expect(analyse([...open(), seg(0, 1, PSH | ACK, 1001, 5001, 100), seg(1, 1.01, ACK, 5001, 1101)]).keepalive).toEqual([])
  })
})

describe('heartbeat analysis', () => {
  /** PING from the client every `period` s, PONG from the server 1 ms later. */
  function pingPong(n: number, period: number, size = 5, t0 = 1, port = 80): TcpSegment[] {
    const out: TcpSegment[] = [...open(0, port)]
    let c = 1001
    let s = 5001
    for (let i = 0; i < n; i++) {
      const t = t0 + i * period
      out.push(seg(0, t, PSH | ACK, c, s, size, port))
      c += size
      out.push(seg(1, t + 0.001, PSH | ACK, s, c, size, port))
      s += size
      out.push(seg(0, t + 0.002, ACK, c, s, 0, port))
    }
    return out
  }

  test('PING/PONG every 1.5 s: request-response, period, sizes', () => {
    const { heartbeat } = analyse(pingPong(6, 1.5))
    expect(heartbeat).toEqual([{ client: '127.0.0.1:40000', server: '127.0.0.1:80', by: 'client', pattern: 'request-response', messages: 6, periodSeconds: 1.5, bytes: 5, replyBytes: 5 }])
  })

  test('one-way beats from the server', () => {
    const segs: TcpSegment[] = [...open()]
    for (let i = 0; i < 8; i++) segs.push(seg(1, 1 + i * 10, PSH | ACK, 5001 + i * 2, 1001, 2), seg(0, 1.001 + i * 10, ACK, 1001, 5003 + i * 2))
    expect(analyse(segs).heartbeat).toMatchObject([{ by: 'server', pattern: 'one-way', messages: 8, periodSeconds: 10, bytes: 2 }])
  })

  test('a connection with only TCP keepalives is never a heartbeat (1-byte probes included)', () => {
    const segs = [...open(), seg(0, 1, PSH | ACK, 1001, 5001, 10), seg(1, 1.001, ACK, 5001, 1011)]
    for (let i = 0; i < 10; i++) segs.push(seg(0, 5 + i, ACK, 1010, 5001, 1), seg(1, 5.0001 + i, ACK, 5001, 1011))
    const r = analyse(segs)
    expect(r.keepalive[0].probes).toBe(10)
    expect(r.heartbeat).toEqual([])
  })

  test.each([
    ['too few messages', pingPong(3, 1.5)],
    ['big messages (bulk, not a heartbeat)', pingPong(6, 1.5, 4000)],
    ['too fast (a stream)', pingPong(20, 0.05)],
  ])('not a heartbeat: %s', (_l, segs) => expect(analyse(segs).heartbeat).toEqual([]))

  test('irregular messages are not a heartbeat', () => {
    const segs: TcpSegment[] = [...open()]
    let c = 1001
    for (const t of [1, 1.3, 5, 5.2, 11, 20, 20.5]) {
      segs.push(seg(0, t, PSH | ACK, c, 5001, 5))
      c += 5
    }
    expect(analyse(segs).heartbeat).toEqual([])
  })

  test('retransmitted heartbeats count once', () => {
    const segs = pingPong(5, 2)
    const again = segs.filter((s) => s.payloadLen > 0 && s.sport === 40000).map((s) => ({ ...s, ts: s.ts + 0.3 }))
    const all = [...segs, ...again].sort((a, b) => a.ts - b.ts)
    expect(analyse(all).heartbeat).toMatchObject([{ messages: 5, periodSeconds: 2 }])
  })

  test('each connection is judged on its own: only the heartbeat one is reported', () => {
    const other = [...open(0, 81), seg(0, 0.5, PSH | ACK, 1001, 5001, 300, 81), seg(1, 0.6, FIN | ACK, 5001, 1301, 0, 81)]
    const segs = [...pingPong(6, 1.5), ...other].sort((a, b) => a.ts - b.ts)
    const { heartbeat } = analyse(segs)
    expect(heartbeat.map((h) => h.server)).toEqual(['127.0.0.1:80'])
  })
})
