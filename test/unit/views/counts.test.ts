// Counts in the views are written with the one plural rule (derived/format.ts plural): "1 conn", "2 conns".
import type { ServerPaths } from '../../../src/model/paths.js'
import { congestionView } from '../../../src/report/views/congestion.js'
import { keepaliveView } from '../../../src/report/views/keepalive.js'
import { captureWith } from '../../helpers/capture-facts.js'
import { factsOf } from '../../helpers/facts.js'

const server = (o: Partial<ServerPaths>): ServerPaths => ({
  server: '198.51.100.7:443', connections: 1, dataSegments: 1, dataBytes: 100, retransmissions: 0, spurious: 0, retransmittedBytes: 0, spuriousBytes: 0, fastRetransmits: 0, timeoutRetransmits: 0,
  lossShare: 0, zeroWindowSeconds: 0, zeroWindowConnections: 0, windowFull: 0, rttSamples: 0, limitedBy: { receiver: 0, network: 0, sender: 0 }, captureSide: 'client', rows: [], rowsOmitted: 0, ...o,
})

test('congestion: one connection and one data segment are singular, more are plural', () => {
  const one = congestionView(factsOf({ capture: captureWith({ congestion: [server({})] }) }), { maxDetails: 100 })
  expect(one).toContain('198.51.100.7:443: 1 conn, 0 of 1 data segment retransmitted')
  const two = congestionView(factsOf({ capture: captureWith({ congestion: [server({ connections: 2, dataSegments: 30 })] }) }), { maxDetails: 100 })
  expect(two).toContain('198.51.100.7:443: 2 conns, 0 of 30 data segments retransmitted')
})

test('keepalive: the capture line counts packets, segments and connections with the plural rule', () => {
  const cap = { ...captureWith({}), packets: 1, tcpSegments: 1, connections: 1 }
  expect(keepaliveView(factsOf({ capture: cap }), 100)).toContain('Capture: 1 packet, 1 TCP segment, 1 connection;')
})

test('keepalive: one group beyond the 20 shown is "1 more listener or destination"', () => {
  const groups = Array.from({ length: 21 }, (_, i) => ({ side: 'client' as const, remote: `10.0.0.${i}:443`, with: 0, without: i + 1, withoutIds: [], source: 'ss -tano' }))
  const text = keepaliveView(factsOf({ keepaliveSockets: { source: 'ss -tano', total: 231, with: 0, ids: new Set<number>(), groups } }), 100)
  expect(text).toContain('… 1 more listener or destination with fewer sockets without keepalive\n')
})
