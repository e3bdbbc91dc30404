// UdpTracker on crafted packets decoded by decodeDatagramAt: flows and their server, datagram sizes, reassembly,
// missing fragments, the reassembly time-out, the end-of-capture grace, and the bound on the pending table.
import { decodeDatagramAt, IpDatagram } from '../../../src/capture/decode.js'
import { UdpTracker, type UdpTrackerOptions } from '../../../src/capture/udp-fragments.js'
import { ipv4Packets, ipv6Packets, udpDatagram } from '../../helpers/ip-packets.js'

type Sent = { ts: number; data: Buffer }

function run(packets: Sent[], opts: Partial<UdpTrackerOptions> = {}, endTs?: number) {
  const udp = new UdpTracker(opts)
  const d = new IpDatagram()
  for (const p of packets) if (decodeDatagramAt(101, p.data, 0, p.data.length, p.ts, p.data.length, d)) udp.packet(d)
  return udp.finish(endTs)
}

/** `n` datagrams of `bytes` (UDP header included) from a client to a server, one every `gap` s, fragmented at `mtu`. */
function datagrams(n: number, bytes: number, o: { mtu?: number; gap?: number; t0?: number; drop?: (datagram: number, fragment: number) => boolean; from?: [string, number]; to?: [string, number]; v6?: boolean } = {}): Sent[] {
  const [src, sport] = o.from ?? ['127.0.0.1', 41000]
  const [dst, dport] = o.to ?? ['127.0.0.1', 9200]
  const out: Sent[] = []
  for (let i = 0; i < n; i++) {
    const upper = udpDatagram(sport, dport, bytes - 8)
    const frags = o.v6 ? ipv6Packets(src, dst, upper, { mtu: o.mtu ?? 1500, id: i + 1 }) : ipv4Packets(src, dst, upper, { mtu: o.mtu ?? 1500, id: i + 1 })
    const ts = (o.t0 ?? 100) + i * (o.gap ?? 0.1)
    frags.forEach((data, j) => {
      if (!o.drop?.(i, j)) out.push({ ts: ts + j * 1e-5, data })
    })
  }
  return out
}

test('small datagrams: one flow, the lower port is the server, sizes, nothing fragmented; MTU by default', () => {
  const r = run([...datagrams(5, 100), ...datagrams(5, 300, { from: ['127.0.0.1', 9200], to: ['127.0.0.1', 41000], t0: 101 })])
  expect(r.flows).toHaveLength(1)
  expect(r.flows[0]).toMatchObject({ client: '127.0.0.1:41000', server: '127.0.0.1:9200', serverBy: 'port', datagrams: 10, maxBytes: 300, p50Bytes: 200, fragmented: 0, incomplete: 0 })
  expect(r.flows[0].fragmentedBy).toBeUndefined()
  expect(r).toMatchObject({ datagrams: 10, fragments: 0, mtu: 1500, mtuFrom: 'default', unattributed: 0, evicted: 0 })
})

test('4000-byte datagrams over MTU 1500, all fragments there: reassembled, three fragments each, MTU from the largest fragment', () => {
  const r = run(datagrams(10, 4000))
  expect(r.flows[0]).toMatchObject({ datagrams: 10, maxBytes: 4000, p50Bytes: 4000, fragmented: 10, fragments: 30, maxFragments: 3, incomplete: 0, missingFragments: 0, fragmentedBy: 'client' })
  expect(r).toMatchObject({ datagrams: 10, fragments: 30, mtu: 1500, mtuFrom: 'largest fragment', cutByEnd: 0 })
})

test('fragments out of order and duplicated still reassemble once', () => {
  const sent = datagrams(1, 4000)
  const r = run([sent[2], sent[0], sent[0], sent[1]])
  expect(r.flows[0]).toMatchObject({ datagrams: 1, fragmented: 1, fragments: 3, incomplete: 0 })
})

test('every non-first fragment dropped: each datagram incomplete with two fragments missing, after the reassembly time-out', () => {
  const sent = datagrams(20, 4000, { drop: (_i, j) => j > 0, gap: 1 })
  // the capture runs 31 s past the last datagram: every one timed out (30 s)
  sent.push(...datagrams(1, 100, { t0: 100 + 19 + 31, from: ['127.0.0.1', 5000], to: ['127.0.0.1', 53] }))
  const r = run(sent)
  const f = r.flows.find((x) => x.server === '127.0.0.1:9200')!
  expect(f).toMatchObject({ datagrams: 20, fragmented: 20, incomplete: 20, missingFragments: 40, maxBytes: 4000, fragmentedBy: 'client' })
  expect(r.flows[0]).toBe(f) // worst first
})

test('the reassembly time-out: a fragment 31 s late is too late (the datagram and the late fragment count apart)', () => {
  const [first, second, third] = datagrams(1, 4000)
  const r = run([first, second, { ts: first.ts + 31, data: third.data }], { endGraceSeconds: 1 })
  expect(r.flows[0]).toMatchObject({ datagrams: 1, incomplete: 1, missingFragments: 1 })
  // the late last fragment opened a new pending datagram without its first fragment: no ports, so unattributed
  expect(r.unattributed).toBe(0)
  expect(r.cutByEnd).toBe(1)
  // within the time-out (29 s), it completes the datagram
  const ok = run([first, second, { ts: first.ts + 29, data: third.data }])
  expect(ok.flows[0]).toMatchObject({ datagrams: 1, incomplete: 0, fragments: 3 })
})

test('the end of the capture: a datagram cut by it is not judged; one the capture outlived by the grace is incomplete', () => {
  const [first] = datagrams(1, 4000)
  const dns = datagrams(1, 100, { from: ['127.0.0.1', 5000], to: ['127.0.0.1', 53] })[0].data
  const cut = run([first, { ts: first.ts + 0.2, data: dns }])
  expect(cut.flows.find((f) => f.server === '127.0.0.1:9200')).toMatchObject({ datagrams: 1, fragmented: 1, fragments: 1, incomplete: 0, maxBytes: 4000 })
  expect(cut.cutByEnd).toBe(1)
  const outlived = run([first, { ts: first.ts + 2, data: dns }])
  expect(outlived.flows.find((f) => f.server === '127.0.0.1:9200')).toMatchObject({ incomplete: 1, missingFragments: 2 })
  expect(outlived.cutByEnd).toBe(0)
  // the capture's end told by the caller (its last packet of any kind, a live capture's end): the same
  expect(run([first], {}, first.ts + 2).flows[0]).toMatchObject({ incomplete: 1, missingFragments: 2 })
  expect(run([first], {}, first.ts + 0.5).cutByEnd).toBe(1)
})

test('the first fragment missing: no ports, counted unattributed', () => {
  const sent = datagrams(3, 4000, { drop: (_i, j) => j === 0 })
  sent.push({ ts: 200, data: datagrams(1, 100)[0].data })
  const r = run(sent)
  expect(r.unattributed).toBe(3)
  expect(r.flows[0]).toMatchObject({ datagrams: 1, fragmented: 0 })
})

test('the pending table is bounded: the oldest are dropped first, counted evicted and incomplete', () => {
  // 50 datagrams whose last fragment never comes, with room for 8 pending
  const sent = datagrams(50, 4000, { drop: (_i, j) => j === 2, gap: 0.001 })
  const r = run(sent, { maxPending: 8 })
  expect(r.evicted).toBe(42)
  const f = r.flows[0]
  expect(f.datagrams).toBe(50) // 42 evicted (incomplete), 8 cut by the end
  expect(r.cutByEnd).toBe(8)
  expect(f.incomplete).toBe(42)
})

test('the flow table is bounded', () => {
  const sent: Sent[] = []
  for (let i = 0; i < 30; i++) sent.push(...datagrams(1, 100, { from: ['127.0.0.1', 40000 + i], t0: 100 + i }))
  const r = run(sent, { maxFlows: 10 })
  expect(r.flows).toHaveLength(10)
  expect(r.flowsShed).toBe(20)
})

test('a flow beyond the full table counts each of its datagrams once, fragmented or not', () => {
  const sent: Sent[] = []
  for (let i = 0; i < 10; i++) sent.push(...datagrams(1, 100, { from: ['127.0.0.1', 40000 + i], t0: 100 + i }))
  sent.push(...datagrams(3, 4000, { from: ['127.0.0.1', 45000], t0: 120 }))
  const r = run(sent, { maxFlows: 10 })
  expect(r.flows).toHaveLength(10)
  expect(r.flowsShed).toBe(3)
})

test('IPv6: fragmented datagrams to [::1]:443, one fragment of every other datagram lost', () => {
  const sent = datagrams(10, 4000, { v6: true, from: ['::1', 50000], to: ['::1', 443], drop: (i, j) => i % 2 === 0 && j === 1 })
  sent.push({ ts: 200, data: datagrams(1, 100, { v6: true, from: ['::1', 50001], to: ['::1', 53] })[0].data })
  const r = run(sent)
  const f = r.flows.find((x) => x.server === '[::1]:443')!
  expect(f).toMatchObject({ client: '[::1]:50000', datagrams: 10, fragmented: 10, incomplete: 5, missingFragments: 5, maxBytes: 4000 })
  expect(r.mtu).toBe(1496)
})

test('packets without a timestamp (pcapng simple packet blocks) are taken as at the latest time: no NaN out', () => {
  const sent = datagrams(3, 4000).map((p, i) => ({ ts: i === 0 ? 100 : NaN, data: p.data }))
  const r = run(sent)
  expect(r.flows[0]).toMatchObject({ datagrams: 3, fragmented: 3, incomplete: 0, firstSeen: 100, lastSeen: 100 })
  expect(JSON.stringify(r)).not.toMatch(/null|NaN/)
})
