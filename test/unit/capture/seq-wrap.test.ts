// Sequence numbers are 32-bit and wrap (RFC 9293 §3.4): a connection whose ISN is near 2^32 crosses 0 within its
// first few kilobytes, and every comparison in the tracker and the analyses must be modular. Property: shifting
// every sequence and acknowledgment number of real captures by one constant (mod 2^32) changes no analysis result,
// for shifts that put connections across the wrap at their start, in the middle of a bulk transfer and at 2^31.
import fc from 'fast-check'

import { attachAnalyses } from '../../../src/capture/analyses/index.js'
import { SYN, type TcpSegment } from '../../../src/capture/decode.js'
import { FlowTracker } from '../../../src/capture/flows.js'
import { TCP_FIXTURE_CAPTURES, tcpSegmentsOf } from '../../helpers/capture-files.js'

function analyse(segs: TcpSegment[]) {
  const tracker = new FlowTracker()
  const analyses = attachAnalyses(tracker)
  for (const s of segs) tracker.segment(s)
  tracker.finish()
  return { results: analyses.results(), stats: tracker.stats }
}

/** every seq and ack + k, mod 2^32 (an ACK field of a segment without ACK shifts too: it means nothing either way) */
const shifted = (segs: TcpSegment[], k: number) => segs.map((s) => ({ ...s, seq: (s.seq + k) >>> 0, ack: (s.ack + k) >>> 0 }))

const CAPTURES = TCP_FIXTURE_CAPTURES.map((path) => ({ path, segs: tcpSegmentsOf(path) }))

test.each(CAPTURES.map((c) => [c.path.split('/fixtures/')[1], c] as const))('%s: shifted sequence numbers give the same results', (_name, { segs }) => {
  expect(segs.length).toBeGreaterThan(0)
  const base = analyse(segs)
  // the capture has something for each analysis to say, or the property says little
  expect(Object.values(base.results).some((r) => Array.isArray(r) && r.length > 0)).toBe(true)
  const isns = segs.filter((s) => s.flags & SYN).map((s) => s.seq)
  const data = segs.filter((s) => s.payloadLen > 1)
  // shifts that put a connection's ISN just below the wrap (its SYN crosses 0), the wrap inside a data segment (it
  // straddles 0) or just before one (the data after 0, what it follows before), and numbers across 2^31 (where a
  // signed comparison turns); data segments spread over the capture
  const straddling = data.filter((_, i) => i % Math.max(1, Math.floor(data.length / 12)) === 0).flatMap((s) => [2 ** 32 - s.seq - Math.floor(s.payloadLen / 2), 2 ** 32 - s.seq])
  const targeted = [...isns.slice(0, 8).flatMap((isn) => [2 ** 32 - isn - 1, 2 ** 31 - isn - 1]), ...straddling, 2 ** 31, 2 ** 32 - 1]
  for (const k of targeted) expect(analyse(shifted(segs, k >>> 0))).toEqual(base)
  fc.assert(
    fc.property(fc.integer({ min: 0, max: 2 ** 32 - 1 }), (k) => {
      expect(analyse(shifted(segs, k))).toEqual(base)
    }),
    { numRuns: 15 },
  )
})

test('the property can fail: a shift of one side only changes what the analyses see', () => {
  const { segs } = CAPTURES[3]
  const base = analyse(segs)
  // the clients' sequence spaces shifted (the servers listen on 9001-9008) but not the servers' ACKs of them: the
  // clients' data is never acknowledged, so no RTT sample is taken
  const broken = segs.map((s) => (s.sport > s.dport ? { ...s, seq: (s.seq + 12345) >>> 0 } : s))
  const samples = (r: ReturnType<typeof analyse>) => (r.results.congestion ?? []).reduce((n, e) => n + e.rttSamples, 0)
  expect(samples(base)).toBeGreaterThan(0)
  expect(samples(analyse(broken))).toBeLessThan(samples(base))
})
