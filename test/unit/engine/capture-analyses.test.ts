// A run attaches only the capture analyses its checks and views read (each costs per-segment work): the keepalive
// command's capture fact has no congestion result, `check` has every one, and the findings are the same either way.
import { join } from 'node:path'

import { ALL_ANALYSES } from '../../../src/capture/analyses/index.js'
import { analysesRead, runSession } from '../../../src/engine/session.js'
import { analysisOf, type CaptureFact } from '../../../src/model/capture.js'
import { TOPIC_VIEWS } from '../../../src/report/views/index.js'
import { ROOT } from '../../helpers/netns.js'

const SNAPSHOT = join(ROOT, 'test/fixtures/snapshots/busy-host')
const PCAP = join(ROOT, 'test/fixtures/resets/closes-lo.pcap')

/** A session replayed from the snapshot with the committed capture, as a topic command runs it (its view's analyses). */
async function session(topics: string[], only?: string, view: (keyof typeof TOPIC_VIEWS)[] = []) {
  return runSession({
    flags: { from: SNAPSHOT, pcap: PCAP, interval: 0, ...(only ? { only } : {}) },
    topics,
    version: 'test',
    view: { captureAnalyses: [...new Set(view.flatMap((t) => TOPIC_VIEWS[t].captureAnalyses ?? []))] },
  })
}

const analysesOf = (s: Awaited<ReturnType<typeof session>>) => Object.keys((s.run.facts.get('capture') as CaptureFact).analyses).sort()

describe('capture analyses a run attaches', () => {
  test('netdoc keepalive: keepalive and heartbeat only, no congestion or connection ends', async () => {
    const s = await session(['keepalive'], undefined, ['keepalive'])
    expect(analysesOf(s)).toEqual(['heartbeat', 'keepalive'])
    expect(s.report.findings.filter((f) => f.check === 'keepalive.probes').length).toBeGreaterThan(0)
  })

  test('netdoc resets --only resets.closes: connection ends only', async () => {
    const s = await session(['resets'], 'resets.closes', ['resets'])
    expect(analysesOf(s)).toEqual(['closes'])
    expect(s.report.findings.some((f) => f.check === 'resets.closes' && f.status !== 'pass')).toBe(true)
  })

  test('netdoc check: every analysis, and the same resets.closes findings as the resets command', async () => {
    const all = await session([])
    expect(analysesOf(all)).toEqual([...ALL_ANALYSES].sort())
    const closes = await session(['resets'], 'resets.closes', ['resets'])
    const of = (s: typeof all) => JSON.stringify(s.report.findings.filter((f) => f.check === 'resets.closes'))
    expect(of(closes)).toEqual(of(all))
  })

  test('each capture check alone (no view) reads only the analyses it declares: no error finding', async () => {
    for (const id of ['keepalive.probes', 'keepalive.heartbeat', 'resets.closes', 'congestion.flows']) {
      const s = await session([], id)
      const mine = s.report.findings.filter((f) => f.check === id)
      expect(mine.length).toBeGreaterThan(0)
      expect(mine.filter((f) => f.status === 'error')).toEqual([])
    }
  })

  test('a view draws from its own analyses even when its checks are left out', () => {
    // check --only keepalive.probes draws the keepalive view, which also reads the heartbeat analysis
    expect(analysesRead([{ meta: { captureAnalyses: ['keepalive'] } }], TOPIC_VIEWS.keepalive.captureAnalyses)).toEqual(['keepalive', 'heartbeat'])
  })

  test('reading an analysis that did not run is an error naming it, never an empty result', async () => {
    const s = await session(['keepalive'], undefined, ['keepalive'])
    expect(() => analysisOf(s.run.facts.get('capture') as CaptureFact, 'congestion')).toThrow(/"congestion" did not run: declare it in captureAnalyses/)
  })
})
