// Counts in the views are written with the one plural rule (derived/format.ts plural): "1 conn", "2 conns".
import type { ServerPaths } from '../../../src/model/paths.js'
import { capped } from '../../../src/report/layout.js'
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

test('a capped list says "1 more X" and "2 more Xs"', () => {
  expect(capped([1, 2, 3], 2, 'listener').more).toBe('… 1 more listener')
  expect(capped([1, 2, 3, 4], 2, 'listener').more).toBe('… 2 more listeners')
  expect(capped([1, 2, 3], 2, 'listener or destination', 'listeners and destinations').more).toBe('… 1 more listener or destination')
  expect(capped([1, 2], 2, 'listener').more).toBeUndefined()
})
