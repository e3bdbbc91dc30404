// congestion.flows' short path for the common segment (onSegment) repeats part of the full path (anySegment): the
// two must give the same rows. Every committed capture, as it is and with segments dropped (every 7th, every 3rd:
// holes, duplicate ACKs, retransmissions, zero windows read mid-flow), through both.
import { congestionAnalysis } from '../../../src/capture/analyses/congestion.js'
import type { TcpSegment } from '../../../src/capture/decode.js'
import { FlowTracker } from '../../../src/capture/flows.js'
import { TCP_FIXTURE_CAPTURES, tcpSegmentsOf } from '../../helpers/capture-files.js'

function rows(segs: TcpSegment[], fullPathOnly: boolean) {
  const tracker = new FlowTracker()
  const run = congestionAnalysis({ maxRows: 1000, fullPathOnly })
  tracker.observe(run.observer)
  for (const s of segs) tracker.segment(s)
  tracker.finish()
  return run.result()
}

test.each(TCP_FIXTURE_CAPTURES.map((f) => [f.split('/fixtures/')[1], f] as const))('%s: the short path gives the full path’s rows, also with segments dropped', (_name, path) => {
  const segs = tcpSegmentsOf(path)
  for (const every of [0, 7, 3]) {
    const kept = every ? segs.filter((_, i) => i % every !== every - 1) : segs
    const full = rows(kept, true)
    expect(full.length).toBeGreaterThan(0)
    expect(rows(kept, false)).toEqual(full)
  }
})
