import type { UdpFlow, UdpFragments } from '../../../src/model/capture.js'
import { mtuView } from '../../../src/report/views/mtu.js'
import { captureWith } from '../../helpers/capture-facts.js'
import { factsOf } from '../../helpers/facts.js'

const flow = (client: string, o: Partial<UdpFlow>): UdpFlow => ({ client, server: '127.0.0.1:9200', serverBy: 'port', datagrams: 10, maxBytes: 4008, p50Bytes: 4008, fragmented: 10, fragments: 30, maxFragments: 3, incomplete: 0, missingFragments: 0, fragmentedBy: 'client', firstSeen: 1, lastSeen: 2, ...o })
const udp = (flows: UdpFlow[], o: Partial<UdpFragments> = {}): UdpFragments => ({ flows, datagrams: 10 * flows.length, fragments: 30, mtu: 1500, mtuFrom: 'largest fragment', unattributed: 0, evicted: 0, cutByEnd: 0, reassemblySeconds: 30, ...o })
const sample = (u?: UdpFragments) => ({ counters: { IpReasmFails: 0 }, sysctls: new Map([['net.ipv4.ipfrag_time', '30']]), interfaces: [], ...(u ? { capture: { ...captureWith({}), udp: u } } : {}) })

describe('mtu view with a capture', () => {
  test('one row per UDP flow, worst first as the tracker sorted them, capped at 20 with the count of the rest', () => {
    const flows = [flow('127.0.0.1:40000', { incomplete: 10, missingFragments: 20 }), ...Array.from({ length: 24 }, (_, i) => flow(`127.0.0.1:${41000 + i}`, {}))]
    const text = mtuView(factsOf(sample(udp(flows, { unattributed: 3, cutByEnd: 1 }))), 2)
    expect(text).toMatch(/^UDP flows in the capture: 250 datagrams, 30 IP fragments; MTU 1500 \(the largest fragment\), reassembly time-out 30 s$/m)
    expect(text).toMatch(/^Client +Server +Datagrams +Largest +Median +Fragmented +Frags max +Incomplete +Missing$/m)
    expect(text).toMatch(/^127\.0\.0\.1:40000 +127\.0\.0\.1:9200 +10 +4008 +4008 +10 \(client\) +3 +10 +20$/m)
    expect(text.match(/^127\.0\.0\.1:4\d{4} /gm)).toHaveLength(20)
    expect(text).toContain('… 5 more UDP flows (the fragmented ones are findings in --json, up to --max-details)')
    // wrapped to the screen: read as one line
    expect(text.replace(/\n  /g, ' ')).toMatch(/also: 3 incomplete datagrams whose first fragment never came \(no ports\); 1 cut by the end of the capture \(not judged\)/)
  })

  test('without a capture no UDP section; with one without UDP, one line; the default MTU is said to be assumed', () => {
    expect(mtuView(factsOf(sample()), 2)).not.toContain('UDP flows')
    expect(mtuView(factsOf(sample(udp([], { datagrams: 0, fragments: 0 }))), 2)).toContain('UDP flows in the capture: none (no UDP datagram or IP fragment)')
    const small = flow('127.0.0.1:5000', { maxBytes: 100, p50Bytes: 90, fragmented: 0, fragments: 0, maxFragments: 0, fragmentedBy: undefined })
    const text = mtuView(factsOf(sample(udp([small], { fragments: 0, mtuFrom: 'default' }))), 2)
    expect(text).toContain('MTU 1500 assumed (no fragment in the capture)')
    expect(text).toMatch(/^127\.0\.0\.1:5000 +127\.0\.0\.1:9200 +10 +100 +90 +0 +0 +0 +0$/m)
  })
})
