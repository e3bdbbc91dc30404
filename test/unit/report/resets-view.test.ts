// The `netdoc resets` view: the counters with their causes (zeros folded), then one table of the capture's connections.
import { createReadStream } from 'node:fs'
import { join } from 'node:path'

import { analyseStream } from '../../../src/capture/pipeline.js'
import { closesAnalysis } from '../../../src/capture/analyses/closes.js'
import { FlowTracker } from '../../../src/capture/flows.js'
import { resetsView } from '../../../src/report/views/resets.js'
import { captureWith } from '../../helpers/capture-facts.js'
import { factsOf } from '../../helpers/facts.js'
import { ROOT } from '../../helpers/netns.js'

const START = { TcpExtTCPAbortOnClose: 1, TcpExtTCPAbortOnData: 0, TcpOutRsts: 5, TcpEstabResets: 2 }
const END = { TcpExtTCPAbortOnClose: 4, TcpExtTCPAbortOnData: 0, TcpOutRsts: 8, TcpEstabResets: 8 }

describe('resets view', () => {
  test('counters: since boot, window growth and rate, the cause in words', () => {
    const text = resetsView(factsOf({ counters: START }, { counters: END }), 2)
    expect(text).toMatch(/^How connections ended abortively \(window 2\.0 s\)/)
    expect(text).toMatch(/^TCPAbortOnClose +4 +\+3 +1\.5\/s +closed with unread data$/m)
    expect(text).toMatch(/^EstabResets +8 +\+6 +3\.0\/s +reset by peer$/m)
    // a counter at zero since boot is named in one line, not a row of zeros
    expect(text).toContain('zero since boot: TCPAbortOnData\n')
    expect(text).not.toMatch(/^TCPAbortOnData /m)
  })

  test('with a capture: per server, the ends counted and the abnormal connections with by, unanswered and when', async () => {
    const tracker = new FlowTracker()
    const run = closesAnalysis()
    tracker.observe(run.observer)
    await analyseStream(createReadStream(join(ROOT, 'test', 'fixtures', 'resets', 'closes-lo.pcap')), tracker)
    const facts = factsOf({ counters: END, capture: captureWith({ closes: run.result() }) })
    const text = resetsView(facts, 0)
    expect(text).toMatch(/^Connection ends in the capture \(\d+ server endpoints\)$/m)
    expect(text).toMatch(/^  127\.0\.0\.1:9002: abort 2$/m)
    expect(text).toMatch(/^  127\.0\.0\.1:9007: half-closed 3$/m)
    // graceful-only servers are a count line and no row
    expect(text).toMatch(/^  127\.0\.0\.1:9001: graceful 3$/m)
    expect(text).not.toMatch(/^127\.0\.0\.1:9001 /m)
    // one table for every server, its first column the server
    expect(text.match(/^Server +Client +End +By +Unanswered +When \(UTC\) +Packets$/gm)).toHaveLength(1)
    expect(text).toMatch(/^127\.0\.0\.1:9002 +127\.0\.0\.1:\d+ +abort +server +yes +\d\d:\d\d:\d\d\.\d{3} +6$/m)
    expect(text).toMatch(/ timeout +[\d:.]+ \(\d SYNs\) +\d+$/m)
    // the connection older than the capture: its end is known, and the row says it began before the capture
    expect(text).toMatch(/^127\.0\.0\.1:9007 +127\.0\.0\.1:\d+ +half-closed \(midstream\) +server /m)
  })
})
