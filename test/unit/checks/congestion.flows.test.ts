// congestion.flows: per-server path figures (the analysis' output) → one finding per server endpoint.
import { flows } from '../../../src/checks/congestion.flows.js'
import type { ConnectionPath, ServerPaths } from '../../../src/model/paths.js'
import { Unavailable } from '../../../src/model/errors.js'
import { captureWith } from '../../helpers/capture-facts.js'
import { checkTable } from '../../helpers/check-table.js'
import { ctxOf, evaluateDeclared, factsOf } from '../../helpers/facts.js'

/** A connection of 1000-byte segments (100 unless told): its bytes and loss share follow from its counts. */
function row(client: string, extra: Partial<ConnectionPath> = {}): ConnectionPath {
  const r: ConnectionPath = {
    client, server: '10.0.0.1:443', firstSeen: 1764280000, lastSeen: 1764280010, packets: 200, rttSamples: 0, captureSide: 'unknown', dataSegments: 100, dataBytes: 0,
    retransmissions: 0, retransmittedBytes: 0, spurious: 0, spuriousBytes: 0, lossShare: 0, fastRetransmits: 0, timeoutRetransmits: 0, duplicateAcks: 0, outOfOrder: 0, zeroWindows: 0,
    zeroWindowSeconds: 0, windowFull: 0, windowScaleKnown: true, idleGaps: 0, idleSeconds: 0, ...extra,
  }
  r.dataBytes = r.dataSegments * 1000
  r.retransmittedBytes = r.retransmissions * 1000
  r.spuriousBytes = r.spurious * 1000
  r.lossShare = (r.retransmittedBytes - r.spuriousBytes) / r.dataBytes
  return r
}

function server(name: string, rows: ConnectionPath[], extra: Partial<ServerPaths> = {}): ServerPaths {
  const sum = (k: 'dataSegments' | 'dataBytes' | 'retransmissions' | 'spurious' | 'retransmittedBytes' | 'spuriousBytes' | 'fastRetransmits' | 'timeoutRetransmits' | 'zeroWindowSeconds' | 'windowFull') =>
    rows.reduce((n, r) => n + r[k], 0)
  const limitedBy = { receiver: 0, network: 0, sender: 0 }
  for (const r of rows) if (r.limitedBy) limitedBy[r.limitedBy]++
  const data = sum('dataSegments')
  return {
    server: name, connections: rows.length, dataSegments: data, dataBytes: sum('dataBytes'), retransmissions: sum('retransmissions'), spurious: sum('spurious'),
    retransmittedBytes: sum('retransmittedBytes'), spuriousBytes: sum('spuriousBytes'), fastRetransmits: sum('fastRetransmits'), timeoutRetransmits: sum('timeoutRetransmits'),
    lossShare: data ? (sum('retransmittedBytes') - sum('spuriousBytes')) / sum('dataBytes') : 0,
    zeroWindowSeconds: sum('zeroWindowSeconds'), zeroWindowConnections: rows.filter((r) => r.zeroWindows > 0).length, windowFull: sum('windowFull'), rttSamples: 0, limitedBy,
    captureSide: 'unknown', rows, rowsOmitted: 0, ...extra,
  }
}

const lossy = server('10.0.0.1:443', [
  row('10.0.0.9:50000', { retransmissions: 12, spurious: 2, fastRetransmits: 8, timeoutRetransmits: 2, limitedBy: 'network' }),
  row('10.0.0.9:50001', { retransmissions: 3, limitedBy: 'network' }),
])
const clean = server('10.0.0.1:80', [row('10.0.0.8:40000'), row('10.0.0.8:40001')], { rttMs: { min: 1, p50: 2, p95: 3, max: 4 }, rttSamples: 50 })
const mobile = server('10.0.0.1:8443', [row('10.9.9.9:1000', { rttMs: { min: 60, p50: 900, p95: 1900, max: 2000 }, rttSamples: 90, limitedBy: 'network' })], {
  rttMs: { min: 60, p50: 900, p95: 1900, max: 2000 }, rttSamples: 90, captureSide: 'client',
})
const stalled = server('10.0.0.1:9000', [row('10.0.0.7:1', { zeroWindows: 1, zeroWindowSeconds: 3, zeroWindowBy: 'client', limitedBy: 'receiver' })])
// one lossy connection beside two idle application-limited ones: the fix is the lossy one's (the network), not the majority's
const lossyAmongIdle = server('10.0.0.1:7100', [
  row('10.0.0.5:1', { retransmissions: 20, limitedBy: 'network' }),
  row('10.0.0.5:2', { idleGaps: 3, idleSeconds: 6, limitedBy: 'sender' }),
  row('10.0.0.5:3', { idleGaps: 3, idleSeconds: 6, limitedBy: 'sender' }),
])
const bursty = server('10.0.0.1:7000', [row('10.0.0.6:1', { retransmissions: 5, idleGaps: 4, idleSeconds: 8, limitedBy: 'sender' })])

checkTable(flows, [
  {
    name: 'a lossy endpoint and a clean one: one finding each',
    start: { capture: captureWith({ congestion: [lossy, clean] }) },
    findings: [
      { status: 'fail', severity: 'warning', subject: { server: '10.0.0.1:443' }, message: /^10\.0\.0\.1:443 \(2 connections\): 13 of 200 data segments retransmitted, 6\.5 % of the bytes \(8 fast, 2 after a timeout\), 2 spurious ones not counted; limited 2 by the network; worst 10\.0\.0\.9:50000/ },
      { status: 'pass', subject: { server: '10.0.0.1:80' }, message: /^10\.0\.0\.1:80: 2 connections, 0 % retransmitted, RTT p50 2 ms, no zero-window stall$/ },
    ],
    also: ([f]) => {
      expect(f.details).toHaveLength(2)
      expect(f.details![0]).toMatchObject({ client: '10.0.0.9:50000', retransmissions: 12, spurious: 2, limitedBy: 'network' })
      expect(f.remediation!.text).toMatch(/ECN/)
      expect(f.remediation!.text).toMatch(/bbr .* takes more than its share from cubic flows/)
      expect(f.remediation!.text).not.toMatch(/switch to bbr/i)
      expect(f.remediation!.commands).toContain('sysctl -w net.ipv4.tcp_ecn=1')
    },
  },
  {
    name: 'above the critical share',
    start: { capture: captureWith({ congestion: [server('10.0.0.1:443', [row('a:1', { retransmissions: 30 })])] }) },
    findings: [{ status: 'fail', severity: 'critical', subject: { server: '10.0.0.1:443' } }],
  },
  {
    name: 'a mobile-like path: the RTT swings, captured near the client',
    start: { capture: captureWith({ congestion: [mobile] }) },
    findings: [{ status: 'fail', severity: 'warning', subject: { server: '10.0.0.1:8443' }, message: /RTT swings from 60 ms to 2000 ms \(p50 900 ms, p95 1900 ms, 90 samples\).*captured? .*near the client/ }],
  },
  {
    name: 'a high RTT that does not swing is info',
    start: { capture: captureWith({ congestion: [server('10.0.0.1:1', [row('a:1')], { rttMs: { min: 400, p50: 420, p95: 480, max: 500 }, rttSamples: 40 })] }) },
    findings: [{ status: 'fail', severity: 'info', subject: { server: '10.0.0.1:1' }, message: /RTT p50 420 ms/ }],
  },
  {
    name: 'a zero-window stall: the receiver, with what to change on the receiving side',
    start: { capture: captureWith({ congestion: [stalled] }) },
    findings: [{ status: 'fail', severity: 'warning', subject: { server: '10.0.0.1:9000' }, message: /1 connection stalled on a zero window for 3(\.0)? s in all \(advertised by the client\); limited 1 by the receiver/ }],
    also: ([f]) => expect(f.remediation!.text).toMatch(/the client side advertised a zero \(or full\) window.*do not fix SO_RCVBUF/),
  },
  {
    name: 'a stall beside short zero windows, rows left out: the stalled ones, kept or left out, their seconds',
    start: {
      capture: captureWith({
        congestion: [
          server(
            '10.0.0.1:9001',
            [
              row('10.0.0.7:1', { zeroWindows: 1, zeroWindowSeconds: 4, zeroWindowBy: 'client', limitedBy: 'receiver' }),
              row('10.0.0.7:2', { zeroWindows: 3, zeroWindowSeconds: 0.5, zeroWindowBy: 'client' }),
              row('10.0.0.7:3', { zeroWindows: 2, zeroWindowSeconds: 0.75, zeroWindowBy: 'client' }),
            ],
            // left out for less loss: one stalled (3.5 s), one short zero window
            { rowsOmitted: 5, omittedZeroWindows: [3.5, 0.2] },
          ),
        ],
      }),
    },
    findings: [{ status: 'fail', severity: 'warning', subject: { server: '10.0.0.1:9001' }, message: /: 2 connections stalled on a zero window for 7\.5 s in all \(advertised by the client\); 1 of them not among the rows shown/ }],
    // the evidence is the message's figure: exact, since the left-out list is whole
    also: ([f]) => expect(f.evidence.filter((e) => e.name.startsWith('zeroWindowSeconds'))).toEqual([{ source: 'capture', name: 'zeroWindowSeconds', value: 7.5, unit: 's' }]),
  },
  {
    name: 'a stall only among the rows left out (rows are kept by loss first): still reported',
    start: {
      capture: captureWith({
        congestion: [server('10.0.0.1:9002', [row('10.0.0.7:1', { retransmissions: 1, zeroWindows: 1, zeroWindowSeconds: 0.2 })], { rowsOmitted: 3, omittedZeroWindows: [5] })],
      }),
    },
    findings: [{ status: 'fail', severity: 'warning', subject: { server: '10.0.0.1:9002' }, message: /1 connection stalled on a zero window for 5(\.0)? s in all; 1 of them not among the rows shown/ }],
  },
  {
    name: 'the left-out list capped with every value in it a stall: at least, in the message and the evidence',
    start: {
      capture: captureWith({
        congestion: [
          server('10.0.0.1:9004', [row('10.0.0.7:1', { zeroWindows: 1, zeroWindowSeconds: 4, zeroWindowBy: 'client', limitedBy: 'receiver' })], { rowsOmitted: 9, omittedZeroWindows: [2, 1.5], omittedZeroWindowsCapped: true }),
        ],
      }),
    },
    findings: [{ status: 'fail', severity: 'warning', subject: { server: '10.0.0.1:9004' }, message: /: at least 3 connections stalled on a zero window for 7\.5 s in all/ }],
    also: ([f]) => expect(f.evidence.filter((e) => e.name.startsWith('zeroWindowSeconds'))).toEqual([{ source: 'capture', name: 'zeroWindowSeconds (at least)', value: 7.5, unit: 's' }]),
  },
  {
    name: 'two stalls beside a short zero window, every row kept: message and evidence give the stalled ones’ seconds',
    start: {
      capture: captureWith({
        congestion: [
          server('10.0.0.1:9003', [
            row('10.0.0.7:1', { zeroWindows: 1, zeroWindowSeconds: 2.2, zeroWindowBy: 'client', limitedBy: 'receiver' }),
            row('10.0.0.7:2', { zeroWindows: 1, zeroWindowSeconds: 1.1, zeroWindowBy: 'client', limitedBy: 'receiver' }),
            row('10.0.0.7:3', { zeroWindows: 2, zeroWindowSeconds: 0.3, zeroWindowBy: 'client' }),
          ]),
        ],
      }),
    },
    findings: [{ status: 'fail', severity: 'warning', subject: { server: '10.0.0.1:9003' }, message: /: 2 connections stalled on a zero window for 3\.3 s in all/ }],
    also: ([f]) => {
      const stated = Number(/stalled on a zero window for ([\d.]+) s/.exec(f.message)![1])
      expect(f.evidence.filter((e) => e.name.startsWith('zeroWindowSeconds'))).toEqual([{ source: 'capture', name: 'zeroWindowSeconds', value: stated, unit: 's' }])
    },
  },
  {
    name: 'a stall beside two connections with one retransmission each (no loss reported): the receiver’s fix',
    start: {
      capture: captureWith({
        congestion: [
          server('10.0.0.1:9002', [
            row('10.0.0.7:1', { dataSegments: 150, zeroWindows: 1, zeroWindowSeconds: 5, zeroWindowBy: 'client', limitedBy: 'receiver' }),
            row('10.0.0.7:2', { dataSegments: 150, retransmissions: 1, limitedBy: 'network' }),
            row('10.0.0.7:3', { dataSegments: 150, retransmissions: 1, limitedBy: 'network' }),
          ]),
        ],
      }),
    },
    findings: [{ status: 'fail', severity: 'warning', subject: { server: '10.0.0.1:9002' }, message: /1 connection stalled on a zero window/ }],
    also: ([f]) => {
      expect(f.message).not.toMatch(/retransmitted,/)
      expect(f.remediation!.text).toMatch(/^The receiver limits these connections/)
    },
  },
  {
    name: 'loss on a bursty sender: slow start after idle, through the remediation helper',
    start: { capture: captureWith({ congestion: [bursty] }) },
    findings: [{ status: 'fail', severity: 'warning', subject: { server: '10.0.0.1:7000' } }],
    also: ([f]) => expect(f.remediation!.commands).toContain('sysctl -w net.ipv4.tcp_slow_start_after_idle=0'),
  },
  {
    name: 'one lossy connection among idle ones: the fix is for the network, not for the idle senders',
    start: { capture: captureWith({ congestion: [lossyAmongIdle] }) },
    findings: [{ status: 'fail', severity: 'warning', subject: { server: '10.0.0.1:7100' }, message: /20 of 300 data segments retransmitted/ }],
    also: ([f]) => {
      expect(f.remediation!.text).toMatch(/^The network limits these connections/)
      expect(f.remediation!.commands.join('\n')).not.toMatch(/tcp_slow_start_after_idle/)
    },
  },
  {
    name: 'too few segments to judge the loss share',
    start: { capture: captureWith({ congestion: [server('10.0.0.1:2', [row('a:1', { dataSegments: 5, retransmissions: 2 })])] }) },
    findings: [{ status: 'pass', subject: { server: '10.0.0.1:2' }, message: /5 data segments, too few to judge loss/ }],
  },
  {
    name: 'thresholds from the config',
    start: { capture: captureWith({ congestion: [server('10.0.0.1:443', [row('a:1', { retransmissions: 1 })])] }) },
    thresholds: { warningShare: 0.005 },
    findings: [{ status: 'fail', severity: 'warning', subject: { server: '10.0.0.1:443' } }],
  },
  {
    name: 'details capped by --max-details',
    start: { capture: captureWith({ congestion: [lossy] }) },
    options: { maxDetails: 1 },
    findings: [{ status: 'fail', severity: 'warning', subject: { server: '10.0.0.1:443' } }],
    also: ([f]) => expect(f.details).toHaveLength(1),
  },
  { name: 'a capture without TCP connections', start: { capture: captureWith({ congestion: [] }) }, findings: [{ status: 'pass', message: /no TCP connection/ }] },
])

test('a capture with nothing decodable examined nothing: Unavailable error (the engine reports it as error)', () => {
  const facts = factsOf({ capture: { ...captureWith({}), undecodable: 'link type 147 is not supported' } })
  let thrown: unknown
  try {
    evaluateDeclared(flows, facts, ctxOf(flows, 0))
  } catch (e) {
    thrown = e
  }
  expect(thrown).toBeInstanceOf(Unavailable)
  expect(thrown).toMatchObject({ kind: 'error', reason: 'link type 147 is not supported' })
})
