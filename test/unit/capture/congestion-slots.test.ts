// congestion.flows keeps each connection's state in a block of a shared pool (and its RTT sketches in slots of
// another), given back when the flow ends and reused by a later one. Properties on random captures of connections
// that start, overlap and end (FIN, RST or left open): a connection's row is the same whether it is analysed alone
// or among the others (a reused block or sketch carries nothing over), and the whole result is the same whatever
// size the pools start at (growth copies everything).
import fc from 'fast-check'

import { congestionAnalysis, worstFirst } from '../../../src/capture/analyses/congestion.js'
import { ACK, FIN, RST } from '../../../src/capture/decode.js'
import { FlowTracker } from '../../../src/capture/flows.js'
import type { ConnectionPath, ServerPaths } from '../../../src/model/paths.js'
import { runs, SEED } from '../../helpers/fuzz.js'
import { TcpScript, type ScriptedSegment } from '../../helpers/tcp-script.js'

type Step = { kind: 'data' | 'ack' | 'resend' | 'zero' | 'probe'; dir: 0 | 1; dt: number; len: number }
interface Connection {
  gap: number
  handshake: boolean
  scale: boolean
  steps: Step[]
  end: 'fin' | 'rst' | 'open'
}

const step = fc.record({
  kind: fc.constantFrom('data', 'data', 'ack', 'ack', 'resend', 'zero', 'probe'),
  dir: fc.constantFrom(0, 1),
  dt: fc.double({ min: 0.0001, max: 0.4, noNaN: true }),
  len: fc.integer({ min: 1, max: 1460 }),
}) as fc.Arbitrary<Step>
const connection: fc.Arbitrary<Connection> = fc.record({
  gap: fc.double({ min: 0, max: 4, noNaN: true }),
  handshake: fc.boolean(),
  scale: fc.boolean(),
  steps: fc.array(step, { minLength: 1, maxLength: 14 }),
  end: fc.constantFrom('fin', 'rst', 'open'),
})

/** The segments of connection i (its own client port, so connections never share a 4-tuple). */
function segmentsOf(c: Connection, i: number, start: number): ScriptedSegment[] {
  const t = new TcpScript({ client: '10.0.0.1', clientPort: 40000 + i, server: '10.0.0.2', serverPort: 80 }, [(i * 2654435761) >>> 0, (i * 40503 + 7) >>> 0])
  let ts = start
  if (c.handshake) {
    t.handshake(ts, 0.01, 0.002, c.scale ? [7, 7] : undefined)
    ts += 0.02
  }
  const last: Array<{ seq: number; len: number } | undefined> = [undefined, undefined]
  for (const s of c.steps) {
    ts += s.dt
    if (s.kind === 'data') last[s.dir] = { seq: t.data(s.dir, ts, s.len), len: s.len }
    else if (s.kind === 'ack') t.ack(s.dir, ts)
    else if (s.kind === 'resend' && last[s.dir]) t.resend(s.dir, ts, last[s.dir]!.seq, last[s.dir]!.len)
    else if (s.kind === 'zero') t.ack(s.dir, ts, 0)
    else if (s.kind === 'probe') t.windowProbe(s.dir, ts)
  }
  const close = (dir: 0 | 1, flags: number, at: number) => {
    const e = t.ends
    const [src, sport, dst, dport] = dir === 0 ? [e.client, e.clientPort, e.server, e.serverPort] : [e.server, e.serverPort, e.client, e.clientPort]
    t.segments.push({ ts: at, src, dst, sport, dport, seq: t.next[dir] >>> 0, ack: t.next[dir ^ 1] >>> 0, flags, window: 502, payloadLen: 0, ipVersion: 4 })
  }
  if (c.end === 'fin') {
    close(0, FIN | ACK, ts + 0.001)
    close(1, FIN | ACK, ts + 0.002)
  } else if (c.end === 'rst') close(1, RST, ts + 0.001)
  return t.segments
}

function captureOf(conns: Connection[]): ScriptedSegment[][] {
  let start = 0
  return conns.map((c, i) => {
    start += c.gap
    return segmentsOf(c, i, start)
  })
}

/** closed flows leave the tracker after 1 s of capture time, so later connections reuse their blocks */
function analyse(perConnection: ScriptedSegment[][], poolFlows?: number, maxRows = 1000): { result: ServerPaths[]; evicted: number } {
  const tracker = new FlowTracker({ closedQuietSeconds: 1, handshakeQuietSeconds: 3 })
  const run = congestionAnalysis({ maxRows, poolFlows })
  tracker.observe(run.observer)
  for (const s of perConnection.flat().sort((a, b) => a.ts - b.ts)) tracker.segment(s)
  tracker.finish()
  return { result: run.result(), evicted: tracker.stats.evicted }
}

const rowsOf = (result: ServerPaths[]): ConnectionPath[] =>
  result.flatMap((s) => s.rows).sort((a, b) => a.client.localeCompare(b.client) || a.firstSeen - b.firstSeen)

describe('congestion.flows: pooled per-connection state', () => {
  test('each connection’s row is the same alone as among the others (reused blocks and sketches start clean)', () => {
    let reused = 0
    fc.assert(
      fc.property(fc.array(connection, { minLength: 2, maxLength: 12 }), (conns) => {
        const capture = captureOf(conns)
        const together = analyse(capture, 1)
        const alone = capture.flatMap((segments) => analyse([segments]).result)
        expect(rowsOf(together.result)).toEqual(rowsOf(alone))
        // a flow that left the tracker before the capture ended gave its block back to the ones after it
        if (together.evicted > 0) reused++
      }),
      { seed: SEED, numRuns: runs(150) },
    )
    // the property is only worth something when flows ended before others began
    expect(reused).toBeGreaterThan(20)
  })

  test('the same result whatever size the pools start at', () => {
    fc.assert(
      fc.property(fc.array(connection, { minLength: 1, maxLength: 12 }), fc.integer({ min: 1, max: 8 }), (conns, poolFlows) => {
        const capture = captureOf(conns)
        expect(analyse(capture, poolFlows).result).toEqual(analyse(capture, 1024).result)
      }),
      { seed: SEED + 1, numRuns: runs(150) },
    )
  })

  test('capped rows are the worst of all rows, whatever order connections end in (rows past the cut are dropped early)', () => {
    let trimmedTwice = 0
    fc.assert(
      fc.property(fc.array(connection, { minLength: 1, maxLength: 40 }), fc.integer({ min: 1, max: 4 }), (conns, maxRows) => {
        const capture = captureOf(conns)
        const all = analyse(capture, undefined, 1000).result
        const capped = analyse(capture, undefined, maxRows).result
        expect(capped.map((s) => s.rows)).toEqual(all.map((s) => [...s.rows].sort(worstFirst).slice(0, maxRows)))
        expect(capped.map((s) => s.rowsOmitted)).toEqual(all.map((s) => s.connections - Math.min(maxRows, s.connections)))
        // the cut only acts after a first trim: enough connections for two
        if (all.some((s) => s.connections >= 4 * maxRows)) trimmedTwice++
      }),
      { seed: SEED + 2, numRuns: runs(150) },
    )
    expect(trimmedTwice).toBeGreaterThan(20)
  })
})
