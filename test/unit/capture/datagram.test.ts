// decodeDatagramAt on crafted packets: UDP datagrams, IPv4 fragments (MF, offsets, identification) and IPv6
// fragments (the Fragment header alone and after other extension headers), on raw IP and Ethernet; and that the
// TCP decoder still takes none of them but a first TCP fragment, as before.
import { execFile } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { promisify } from 'node:util'

import { addressText, decodeDatagramAt, decodeTcp, IpDatagram } from '../../../src/capture/decode.js'
import { FlowTracker } from '../../../src/capture/flows.js'
import { analyseStream } from '../../../src/capture/pipeline.js'
import { UdpTracker } from '../../../src/capture/udp-fragments.js'
import { ethernet, extensionHeader, ipv4Packets, ipv6Packets, udpDatagram } from '../../helpers/ip-packets.js'
import { ROOT } from '../../helpers/netns.js'
import { testWith } from '../../helpers/requires.js'

const execFileP = promisify(execFile)

const RAW = 101
const ETH = 1

function decode(frame: Buffer, linkType = RAW): IpDatagram | undefined {
  const out = new IpDatagram()
  return decodeDatagramAt(linkType, frame, 0, frame.length, 7.5, frame.length, out) ? out : undefined
}

describe('UDP (RFC 768)', () => {
  test('an unfragmented IPv4 datagram: ports, UDP length, addresses', () => {
    const [p] = ipv4Packets('10.0.0.1', '10.0.0.2', udpDatagram(40000, 53, 100))
    const d = decode(p)!
    expect(d).toMatchObject({ ts: 7.5, ipVersion: 4, proto: 17, fragment: false, udp: true, sport: 40000, dport: 53, udpLength: 108, ipLen: 128, fragBytes: 108 })
    expect([addressText(d.srcId), addressText(d.dstId)]).toEqual(['10.0.0.1', '10.0.0.2'])
  })

  test('an unfragmented IPv6 datagram, on Ethernet', () => {
    const [p] = ipv6Packets('::1', '2001:db8::2', udpDatagram(5353, 5353, 40))
    const d = decode(ethernet(p), ETH)!
    expect(d).toMatchObject({ ipVersion: 6, proto: 17, fragment: false, udp: true, sport: 5353, dport: 5353, udpLength: 48, ipLen: 88 })
    expect([addressText(d.srcId), addressText(d.dstId)]).toEqual(['::1', '2001:db8::2'])
  })

  test('neither UDP nor a fragment: false (ICMP, and TCP, which is decodeTcp’s)', () => {
    expect(decode(ipv4Packets('10.0.0.1', '10.0.0.2', Buffer.alloc(64), { proto: 1 })[0])).toBeUndefined()
    expect(decode(ipv6Packets('::1', '::2', Buffer.alloc(64), { proto: 58 })[0])).toBeUndefined()
  })

  test('a UDP header cut by the snaplen: decoded without ports (udp false), lengths from the IP header', () => {
    const [p] = ipv4Packets('10.0.0.1', '10.0.0.2', udpDatagram(1, 2, 1000))
    const d = decode(p.subarray(0, 24))!
    expect(d).toMatchObject({ udp: false, ipLen: 1028, fragBytes: 1008 })
  })
})

describe('IPv4 fragments (RFC 791: MF, fragment offset, identification)', () => {
  const frags = ipv4Packets('127.0.0.1', '127.0.0.2', udpDatagram(41000, 9200, 3992), { mtu: 1500, id: 0xbeef })

  test('4000 bytes over MTU 1500: three fragments of 1480, 1480 and 1040 bytes', () => {
    expect(frags.map((f) => f.length)).toEqual([1500, 1500, 1060])
  })

  test('first: offset 0, MF, the UDP header with the whole datagram’s length', () => {
    expect(decode(frags[0])).toMatchObject({ fragment: true, fragOffset: 0, moreFragments: true, fragId: 0xbeef, proto: 17, udp: true, sport: 41000, dport: 9200, udpLength: 4000, fragBytes: 1480, ipLen: 1500 })
  })

  test('middle: offset 1480, MF, no UDP header', () => {
    expect(decode(frags[1])).toMatchObject({ fragment: true, fragOffset: 1480, moreFragments: true, fragId: 0xbeef, proto: 17, udp: false, fragBytes: 1480 })
  })

  test('last: offset 2960, MF clear; offset + bytes = the datagram', () => {
    const d = decode(frags[2])!
    expect(d).toMatchObject({ fragment: true, fragOffset: 2960, moreFragments: false, udp: false, fragBytes: 1040 })
    expect(d.fragOffset + d.fragBytes).toBe(4000)
  })

  test('fragments of another protocol are decoded too (the tracker keeps UDP only); TCP takes only a first TCP fragment', () => {
    const icmp = ipv4Packets('10.0.0.1', '10.0.0.2', Buffer.alloc(3000), { mtu: 1500, proto: 1 })
    expect(decode(icmp[1])).toMatchObject({ proto: 1, fragment: true, fragOffset: 1480 })
    const tcp = ipv4Packets('10.0.0.1', '10.0.0.2', Buffer.alloc(3000), { mtu: 1500, proto: 6 })
    tcp[0][20 + 12] = 0x50 // a TCP data offset of 20 bytes
    expect(decodeTcp(RAW, tcp[0], 0, tcp[0].length)).toBeDefined()
    expect(decodeTcp(RAW, tcp[1], 0, tcp[1].length)).toBeUndefined()
    for (const f of frags) expect(decodeTcp(RAW, f, 0, f.length)).toBeUndefined()
  })
})

describe('IPv6 fragments (RFC 8200 §4.5: the Fragment header, next header 44)', () => {
  const upper = udpDatagram(50000, 443, 3992)

  test('first, middle and last fragment: offsets, M flag, the 32-bit identification', () => {
    const frags = ipv6Packets('::1', '::1', upper, { mtu: 1500, id: 0xfedcba98 })
    expect(frags.length).toBe(3)
    const ds = frags.map((f) => decode(f)!)
    expect(ds[0]).toMatchObject({ ipVersion: 6, fragment: true, fragOffset: 0, moreFragments: true, fragId: 0xfedcba98, proto: 17, udp: true, sport: 50000, dport: 443, udpLength: 4000, fragBytes: 1448, ipLen: 1496 })
    expect(ds[1]).toMatchObject({ fragment: true, fragOffset: 1448, moreFragments: true, udp: false, fragBytes: 1448 })
    expect(ds[2]).toMatchObject({ fragment: true, fragOffset: 2896, moreFragments: false, udp: false })
    expect(ds[2].fragOffset + ds[2].fragBytes).toBe(4000)
  })

  test('after hop-by-hop and destination options headers', () => {
    const frags = ipv6Packets('2001:db8::1', '2001:db8::2', upper, { mtu: 1280, before: [0, 60] })
    const ds = frags.map((f) => decode(f)!)
    expect(ds[0]).toMatchObject({ fragment: true, fragOffset: 0, moreFragments: true, udp: true, sport: 50000, dport: 443, udpLength: 4000 })
    expect(ds[1]).toMatchObject({ fragment: true, moreFragments: true, udp: false })
    expect(ds.at(-1)).toMatchObject({ moreFragments: false })
    expect(ds.reduce((n, d) => n + d.fragBytes, 0)).toBe(4000)
    // each fragment is 1280 bytes at most: 40 + 16 of extension headers + 8 + 1216 of data
    expect(frags[0].length).toBe(1280)
  })

  test('Destination Options inside the fragmentable part (before UDP): the later fragments, which name only that header, still complete the datagram', () => {
    const frags = ipv6Packets('2001:db8::1', '2001:db8::2', Buffer.concat([extensionHeader(17), udpDatagram(50000, 443, 4000)]), { mtu: 1280, proto: 60 })
    const ds = frags.map((f) => decode(f)!)
    expect(frags.length).toBeGreaterThan(2)
    expect(ds[0]).toMatchObject({ fragment: true, fragOffset: 0, proto: 17, udp: true, sport: 50000, dport: 443 })
    expect(ds[1]).toMatchObject({ fragment: true, proto: 60, udp: false })
    const udp = new UdpTracker()
    for (const d of ds) udp.packet(d)
    const r = udp.finish(100)
    expect(r).toMatchObject({ datagrams: 1, fragments: frags.length, unattributed: 0 })
    // the datagram the sender cut: its Destination Options header and the UDP datagram
    expect(r.flows[0]).toMatchObject({ server: '[2001:db8::2]:443', datagrams: 1, fragmented: 1, fragments: frags.length, incomplete: 0, missingFragments: 0, maxBytes: 8 + 4008 })
  })

  test("the same for another protocol (ICMPv6 after Destination Options): its later fragments are dropped once its first fragment shows it", () => {
    const frags = ipv6Packets('2001:db8::1', '2001:db8::2', Buffer.concat([extensionHeader(58), Buffer.alloc(4000, 7)]), { mtu: 1280, proto: 60 })
    // in wire order (the first fragment first), and the later fragments first (they look like UDP's until the first
    // fragment comes)
    for (const order of [frags, [...frags.slice(1), frags[0]]]) {
      const udp = new UdpTracker()
      for (const f of order) udp.packet(decode(f)!)
      expect(udp.finish(100)).toMatchObject({ datagrams: 0, fragments: 0, unattributed: 0, evicted: 0, flows: [] })
    }
  })

  test('a non-first fragment whose data looks like an extension header is not walked into', () => {
    const frags = ipv6Packets('::1', '::2', Buffer.concat([udpDatagram(1, 2, 1400), Buffer.alloc(1600, 0)]), { mtu: 1500 })
    // fragment data of zeros reads as hop-by-hop headers if walked; it must stay the fragment's data
    expect(decode(frags[1])).toMatchObject({ fragment: true, proto: 17, udp: false, fragBytes: frags[1].length - 48 })
  })

  test('cut inside the extension headers: false, never a throw', () => {
    const [p] = ipv6Packets('::1', '::2', upper, { mtu: 1500, before: [0, 60] })
    for (let n = 0; n < 64 + 8; n++) expect(() => decode(p.subarray(0, n))).not.toThrow()
    expect(decode(p.subarray(0, 50))).toBeUndefined()
  })
})

describe('the committed capture udp-frag.pcap (test/fixtures/capture/make.sh), against tcpdump -r on the same file', () => {
  const file = join(ROOT, 'test', 'fixtures', 'capture', 'udp-frag.pcap')
  const count = async (filter: string) => (await execFileP('tcpdump', ['-nr', file, filter])).stdout.split('\n').filter(Boolean).length

  testWith({ tools: ['tcpdump'] }, 'fragments, first fragments and unfragmented datagrams counted alike; the datagrams missing their last fragment', async () => {
    const udp = new UdpTracker()
    const tracker = new FlowTracker()
    const summary = await analyseStream((async function* () {
      yield readFileSync(file)
    })(), tracker, undefined, udp)
    const r = udp.finish(summary.lastTs)
    // loopback IPv6 carries the Fragment header right after the fixed header: ip6[6] == 44, its offset and M at 42
    const fragments = await count('(ip[6:2] & 0x3fff != 0) or (ip6 and ip6[6] == 44)')
    const firsts = await count('(udp and ip[6:2] & 0x3fff = 0x2000) or (ip6 and ip6[6] == 44 and ip6[42:2] & 0xfff9 = 1)')
    const whole = await count('(udp and ip[6:2] & 0x3fff = 0) or (ip6 and ip6[6] == 17)')
    expect(fragments).toBeGreaterThan(0)
    expect(r.fragments).toBe(fragments)
    expect(r.datagrams).toBe(firsts + whole)
    expect(summary.udpPackets).toBe(fragments + whole)
    // make.sh drops the last fragment of every 4000-byte datagram: those are the incomplete ones, one fragment each
    const big = r.flows.filter((f) => f.maxBytes === 4008)
    expect(big.map((f) => f.incomplete)).toEqual(big.map((f) => f.datagrams))
    expect(big.map((f) => f.missingFragments)).toEqual(big.map((f) => f.datagrams))
    expect(r.flows.filter((f) => f.maxBytes === 2508).map((f) => [f.incomplete, f.maxFragments])).toEqual([
      [0, 2],
      [0, 2],
    ])
  })
})
