// resets.closes analysis over a real capture: every way a connection ends, made on loopback in a namespace by
// test/fixtures/resets/make.sh (one server port per way; its header lists them), cross-checked with tcpdump.
import { execFileSync } from 'node:child_process'
import { createReadStream } from 'node:fs'
import { join } from 'node:path'

import { analyseStream } from '../../../src/capture/pipeline.js'
import { closesAnalysis } from '../../../src/capture/analyses/closes.js'
import { FlowTracker } from '../../../src/capture/flows.js'
import type { ServerCloses } from '../../../src/model/closes.js'
import { ROOT } from '../../helpers/netns.js'
import { testWith } from '../../helpers/requires.js'

const FILE = join(ROOT, 'test', 'fixtures', 'resets', 'closes-lo.pcap')

async function analyse(maxRows = 1000): Promise<Map<string, ServerCloses>> {
  const tracker = new FlowTracker()
  const run = closesAnalysis({ maxRows })
  tracker.observe(run.observer)
  await analyseStream(createReadStream(FILE), tracker)
  return new Map(run.result().map((s) => [s.server, s]))
}

const ends = (s: ServerCloses | undefined) => Object.fromEntries(Object.entries(s?.counts ?? {}).filter(([, n]) => n > 0))

describe('resets.closes analysis: closes-lo.pcap', () => {
  let servers: Map<string, ServerCloses>
  beforeAll(async () => {
    servers = await analyse()
  })

  test('graceful exchange: FIN both ways', () => {
    expect(ends(servers.get('127.0.0.1:9001'))).toEqual({ graceful: 3 })
  })

  test('server closing with the request unread: abort by server, unanswered', () => {
    const s = servers.get('127.0.0.1:9002')!
    expect(ends(s)).toEqual({ abort: 2 })
    expect(s.rows.map((r) => [r.by, r.unanswered])).toEqual([['server', true], ['server', true]])
    expect(s.unansweredAborts).toBe(2)
  })

  test('linger 0 after answering: abort by server, not unanswered', () => {
    const s = servers.get('127.0.0.1:9003')!
    expect(ends(s)).toEqual({ abort: 2 })
    expect(s.rows.map((r) => [r.by, r.unanswered])).toEqual([['server', false], ['server', false]])
  })

  test('refused port: RST to the SYN', () => {
    expect(ends(servers.get('127.0.0.1:9004'))).toEqual({ refused: 1 })
  })

  test('SYN dropped by iptables: timeout, with the SYN retransmissions counted', () => {
    const s = servers.get('127.0.0.1:9005')!
    expect(ends(s)).toEqual({ timeout: 1 })
    // the client gave up after 2.5 s: SYNs at 0 and 1 s (and 2 s) with tcp_syn_linear_timeouts
    expect(s.rows[0].synRetransmissions).toBeGreaterThanOrEqual(1)
    expect(s.maxSynRetransmissions).toBe(s.rows[0].synRetransmissions)
  })

  test('server killed with requests unread: abort by server, unanswered', () => {
    const s = servers.get('127.0.0.1:9006')!
    expect(ends(s)).toEqual({ abort: 2 })
    expect(s.rows.every((r) => r.by === 'server' && r.unanswered === true)).toBe(true)
  })

  test('server killed while idle: half-closed by server (its FIN, the client never closes), also the connection older than the capture (midstream)', () => {
    const s = servers.get('127.0.0.1:9007')!
    expect(ends(s)).toEqual({ 'half-closed': 3 })
    expect(s.rows.map((r) => [r.end, r.by, r.midstream ?? false])).toEqual([['half-closed', 'server', false], ['half-closed', 'server', false], ['half-closed', 'server', true]])
    expect(s.rows[2].serverBy).toBe('port')
    expect(s.halfClosedByServer).toBe(3)
  })

  test('a connection still open at the end: open', () => {
    expect(ends(servers.get('127.0.0.1:9008'))).toEqual({ open: 1 })
  })

  test('rows carry client, server, capture times and packets', () => {
    const [r] = servers.get('127.0.0.1:9001')!.rows
    expect(r.client).toMatch(/^127\.0\.0\.1:\d+$/)
    expect(r.server).toBe('127.0.0.1:9001')
    expect(r.lastSeen).toBeGreaterThanOrEqual(r.firstSeen)
    expect(r.firstSeen).toBeGreaterThan(1.7e9)
    expect(r.packets).toBe(10)
  })

  testWith({ tools: ['tcpdump'] }, 'cross-check with tcpdump: RST segments and SYNs without an answer', () => {
    const count = (filter: string) => execFileSync('tcpdump', ['-nr', FILE, filter], { stdio: ['ignore', 'pipe', 'ignore'] }).toString().split('\n').filter(Boolean).length
    const all = [...servers.values()]
    const sum = (f: (s: ServerCloses) => number) => all.reduce((n, s) => n + f(s), 0)
    // every RST in the file ends one aborted or refused connection here (none of them sends two)
    expect(sum((s) => s.counts.abort + s.counts.refused)).toBe(count('tcp[tcpflags] & tcp-rst != 0'))
    // SYNs to the dropped port, all unanswered: one connection, its first SYN plus its retransmissions
    const syns = count('tcp[tcpflags] & (tcp-syn|tcp-ack) == tcp-syn and dst port 9005')
    expect(sum((s) => s.counts.timeout)).toBe(1)
    expect(servers.get('127.0.0.1:9005')!.rows[0].synRetransmissions).toBe(syns - 1)
  })

  test('rows are capped per server, abnormal ones kept first; everything is still counted', async () => {
    const capped = await analyse(1)
    const s = capped.get('127.0.0.1:9007')!
    expect(s.rows.map((r) => r.end)).toEqual(['half-closed'])
    expect(s.rowsOmitted).toBe(2)
    expect(s.counts['half-closed']).toBe(3)
  })
})
