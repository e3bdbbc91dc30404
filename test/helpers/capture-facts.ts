// A `capture` fact from plain values, for table-driven tests of the capture checks (no I/O).
import type { CaptureFact } from '../../src/model/capture.js'

export function captureWith(partial: Partial<CaptureFact['analyses']>, origin: CaptureFact['origin'] = { kind: 'file', path: 'x.pcap' }): CaptureFact {
  return { origin, packets: 100, tcpSegments: 100, connections: 4, peakLiveFlows: 4, notes: [], analyses: { keepalive: [], heartbeat: [], closes: [], congestion: [], ...partial } }
}
