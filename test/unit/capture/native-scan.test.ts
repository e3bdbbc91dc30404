// The native pcap scanner (src/native/pcap-scan.c) against the JavaScript reader and decoder it stands in for:
// on every committed capture, on the same packets in every link type, byte order and timestamp unit the reader
// knows, and on mutated captures cut into random chunks, both paths give the same records and segments in the
// same order, the same summary and the same error. And the native path does the work: the IPv4 segments come
// decoded from C, not handed back.
import { readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { join } from 'node:path'

import fc from 'fast-check'

import { captureFact } from '../../../src/capture/fact.js'
import { decodeTcpInto, Segment } from '../../../src/capture/decode.js'
import { NATIVE_ENV, nativeModule, nativePcapScanner, ownVersion } from '../../../src/capture/native-scan.js'
import { CaptureReader, type CapturedPacket } from '../../../src/capture/reader.js'
import { parsePcapLE, writePcap, withVlan, type PcapFile } from '../../helpers/capture-files.js'
import { captureCorpus, mutate, mutationArb, runs, SEED } from '../../helpers/fuzz.js'
import { ethernet, ipPcap, ipv4Packets, ipv6Packets } from '../../helpers/ip-packets.js'
import { ROOT } from '../../helpers/netns.js'
import { describeWith } from '../../helpers/requires.js'

const fixture = (...p: string[]) => readFileSync(join(ROOT, 'test', 'fixtures', ...p))

const segLine = (s: Segment) => `seg ${s.ts} ${s.srcId} ${s.dstId} ${s.sport} ${s.dport} ${s.seq} ${s.ack} ${s.flags} ${s.window} ${s.payloadLen} ${s.ipVersion} ${s.windowScale}`

interface Run {
  events: string[]
  summary?: unknown
  error?: string
  /** segments the C code decoded itself */
  byNative: number
}

/** Every record the reader gives, as a line: a TCP segment's fields, or any other record's bytes. */
function read(bytes: Buffer, native: boolean, cuts: number[] = []): Run {
  const events: string[] = []
  const seg = new Segment()
  const run: Run = { events, byNative: 0 }
  const onPacket = (p: CapturedPacket) => {
    seg.ts = p.ts
    if (decodeTcpInto(seg, p.linkType, p.bytes, p.start, p.end, p.origLen)) events.push(segLine(seg))
    else events.push(`other ${p.ts} ${p.linkType} ${p.origLen} ${Buffer.from(p.bytes.subarray(p.start, p.end)).toString('hex')}`)
  }
  // what the batches' counts say, against what was handed over
  const counted = { segments: 0, first: Infinity, last: -Infinity }
  const seen = { first: Infinity, last: -Infinity }
  const scanner = native
    ? nativePcapScanner(
        seg,
        {
          segment(s) {
            run.byNative++
            seen.first = Math.min(seen.first, s.ts)
            seen.last = Math.max(seen.last, s.ts)
            events.push(segLine(s))
          },
        },
        onPacket,
        (n, first, last) => {
          counted.segments += n
          counted.first = Math.min(counted.first, first)
          counted.last = Math.max(counted.last, last)
        },
      )
    : undefined
  if (native && !scanner) throw new Error('the native module did not load')
  const reader = new CaptureReader(onPacket, scanner)
  try {
    let at = 0
    for (const cut of [...cuts.filter((c) => c > 0 && c < bytes.length).sort((a, b) => a - b), bytes.length]) {
      // a copy per chunk, reused nowhere: the reader keeps only what it copies itself
      reader.push(Buffer.from(bytes.subarray(at, cut)))
      at = cut
    }
    run.summary = reader.end()
  } catch (err) {
    run.error = (err as Error).message
  }
  if (native) expect(counted).toEqual({ segments: run.byNative, ...seen })
  return run
}

const same = (bytes: Buffer, cuts: number[] = []) => {
  const js = read(bytes, false, cuts)
  const native = read(bytes, true, cuts)
  expect({ ...native, byNative: 0 }).toEqual({ ...js, byNative: 0 })
  return native
}

/** The Ethernet fixture's IP packets under another link layer (the prefix each link type puts before IP). */
function relinked(f: PcapFile, linkType: number, opts: { bigEndianFamily?: boolean } = {}): PcapFile {
  const prefix = (ip: Buffer): Buffer => {
    const v6 = ip[0] >> 4 === 6
    switch (linkType) {
      case 0: {
        const b = Buffer.alloc(4)
        if (opts.bigEndianFamily) b.writeUInt32BE(v6 ? 30 : 2)
        else b.writeUInt32LE(v6 ? 10 : 2)
        return b
      }
      case 108: {
        const b = Buffer.alloc(4)
        b.writeUInt32BE(v6 ? 24 : 2)
        return b
      }
      case 113: {
        const b = Buffer.alloc(16)
        b.writeUInt16BE(v6 ? 0x86dd : 0x0800, 14)
        return b
      }
      case 276: {
        const b = Buffer.alloc(20)
        b.writeUInt16BE(v6 ? 0x86dd : 0x0800, 0)
        return b
      }
      default:
        return Buffer.alloc(0)
    }
  }
  return {
    ...f,
    linkType,
    records: f.records.map((r) => {
      const ip = r.data.subarray(14)
      const data = Buffer.concat([prefix(ip), ip])
      return { ...r, data, origLen: r.origLen - 14 + data.length - ip.length }
    }),
  }
}

/** IPv4 total length 0 in every packet (TSO/GRO captures): the payload comes from the wire length then. */
function zeroTotalLength(f: PcapFile): PcapFile {
  return {
    ...f,
    records: f.records.map((r) => {
      const data = Buffer.from(r.data)
      if (data.length >= 14 + 4 && data.readUInt16BE(12) === 0x0800) data.writeUInt16BE(0, 14 + 2)
      return { ...r, data }
    }),
  }
}

/** A pcapng block (type, body padded to 4) in either byte order. */
function ngBlock(type: number, body: Buffer, be: boolean): Buffer {
  const padded = Buffer.concat([body, Buffer.alloc((4 - (body.length % 4)) % 4)])
  const b = Buffer.alloc(12 + padded.length)
  const w = (v: number, o: number) => (be ? b.writeUInt32BE(v, o) : b.writeUInt32LE(v, o))
  w(type, 0)
  w(b.length, 4)
  padded.copy(b, 8)
  w(b.length, b.length - 4)
  return b
}

/**
 * pcapng sections made of the fixtures' packets: two interfaces of different link types in one section, each
 * timestamp resolution the reader handles (decimal, binary, beyond 10^15), if_tsoffset, statistics blocks between
 * the packets, a big-endian section, and a packet naming an interface never described.
 */
function ngShapes(): Array<[string, Buffer]> {
  const eth = parsePcapLE(fixture('capture', 'lo-eth.pcap'))
  const sll2 = parsePcapLE(fixture('capture', 'any-sll2-ns.pcap'))
  // UDP and fragments (Ethernet too): records the C code hands back, with their interface
  const udp = parsePcapLE(fixture('capture', 'udp-frag.pcap'))
  const section = (be: boolean, ifaces: Array<{ link: number; tsresol?: number; tsoffset?: bigint }>, packets: Array<{ iface: number; data: Buffer; orig: number; hi: number; lo: number }>, between?: Buffer) => {
    const w32 = (b: Buffer, v: number, o: number) => (be ? b.writeUInt32BE(v, o) : b.writeUInt32LE(v, o))
    const w16 = (b: Buffer, v: number, o: number) => (be ? b.writeUInt16BE(v, o) : b.writeUInt16LE(v, o))
    const shb = Buffer.alloc(16)
    w32(shb, 0x1a2b3c4d, 0)
    w16(shb, 1, 4)
    shb.writeInt32LE(-1, 8)
    shb.writeInt32LE(-1, 12)
    const out = [ngBlock(0x0a0d0d0a, shb, be)]
    for (const f of ifaces) {
      const opts: Buffer[] = []
      if (f.tsresol !== undefined) {
        const o = Buffer.alloc(8)
        w16(o, 9, 0)
        w16(o, 1, 2)
        o[4] = f.tsresol
        opts.push(o)
      }
      if (f.tsoffset !== undefined) {
        const o = Buffer.alloc(12)
        w16(o, 14, 0)
        w16(o, 8, 2)
        if (be) o.writeBigInt64BE(f.tsoffset, 4)
        else o.writeBigInt64LE(f.tsoffset, 4)
        opts.push(o)
      }
      const head = Buffer.alloc(8)
      w16(head, f.link, 0)
      w32(head, 65535, 4)
      out.push(ngBlock(1, Buffer.concat([head, ...opts, Buffer.alloc(4)]), be))
    }
    packets.forEach((p, i) => {
      const body = Buffer.alloc(20 + p.data.length)
      w32(body, p.iface, 0)
      w32(body, p.hi, 4)
      w32(body, p.lo, 8)
      w32(body, p.data.length, 12)
      w32(body, p.orig, 16)
      p.data.copy(body, 20)
      out.push(ngBlock(6, body, be))
      if (between && i % 7 === 3) out.push(between)
    })
    return Buffer.concat(out)
  }
  // timestamps as a 64-bit count of units from the records' own times; what they mean depends on the resolution
  const packets = (ifaceOf: (i: number) => number, n = 40) =>
    Array.from({ length: n }, (_, i) => {
      const r = i % 2 ? sll2.records[i % sll2.records.length] : i % 4 === 0 ? udp.records[(i * 7) % udp.records.length] : eth.records[i % eth.records.length]
      const units = BigInt(r.sec) * 1_000_000_000n + BigInt(r.frac) + BigInt(i) * 3_000_000_007n
      return { iface: ifaceOf(i), data: r.data, orig: r.origLen, hi: Number(units >> 32n), lo: Number(units & 0xffffffffn) }
    })
  const isb = ngBlock(5, Buffer.alloc(20, 1), false)
  const twoLinks = (i: number) => i % 2
  return [
    ['pcapng: two interfaces of two link types in one section, ns', section(false, [{ link: 1, tsresol: 9 }, { link: 276, tsresol: 9 }], packets(twoLinks))],
    ['pcapng: µs (no if_tsresol) and ms', section(false, [{ link: 1 }, { link: 276, tsresol: 3 }], packets(twoLinks))],
    ['pcapng: binary resolutions 2^-20 and 2^-30', section(false, [{ link: 1, tsresol: 0x80 | 20 }, { link: 276, tsresol: 0x80 | 30 }], packets(twoLinks))],
    ['pcapng: 10^-16 (beyond 10^15) and 10^0', section(false, [{ link: 1, tsresol: 16 }, { link: 276, tsresol: 0 }], packets(twoLinks))],
    ['pcapng: if_tsoffset, statistics blocks between packets', section(false, [{ link: 1, tsresol: 9, tsoffset: -3600n }, { link: 276, tsoffset: 1234567n }], packets(twoLinks), isb)],
    ['pcapng: a big-endian section after a little-endian one', Buffer.concat([section(false, [{ link: 1 }, { link: 276 }], packets(twoLinks, 12)), section(true, [{ link: 276, tsresol: 9 }, { link: 1, tsresol: 9 }], packets((i) => 1 - (i % 2)), ngBlock(5, Buffer.alloc(20, 1), true))])],
    ['pcapng: a packet naming an interface never described', section(false, [{ link: 1 }, { link: 276 }], packets((i) => (i === 17 ? 2 : i % 2)))],
  ]
}

describeWith({ modules: ['native'] }, 'the native pcap scanner', () => {
  const eth = parsePcapLE(fixture('capture', 'lo-eth.pcap'))

  test('the built module is of the version this code reads; one of another version (an older build) is not used', () => {
    const built = createRequire(import.meta.url)('../../../build/Release/netdoc_native.node') as { abi?: unknown }
    expect(ownVersion(built)).toBe(true)
    expect(nativeModule()).toBe(built)
    expect(ownVersion({ ...built, abi: Number(built.abi) - 1 })).toBe(false)
    expect(ownVersion({})).toBe(false)
  })

  test.each(captureCorpus().map((c) => [c.name, c.bytes] as const))('%s: the same records as the JavaScript reader', (_name, bytes) => {
    same(bytes)
  })

  test('the native path decodes the IPv4 and IPv6 segments itself', () => {
    const run = same(fixture('capture', 'lo-eth.pcap'))
    // the fixture has both families, and every segment of both is the C code's
    const segments = run.events.filter((e) => e.startsWith('seg ')).map((e) => e.split(' ')[11])
    expect(segments.filter((v) => v === '6').length).toBeGreaterThan(20)
    expect(segments.filter((v) => v === '4').length).toBeGreaterThan(20)
    expect(run.byNative).toBe(segments.length)
    // the IPv6 and UDP records go back to the JavaScript decoder, in their place
    const frag = same(fixture('capture', 'udp-frag.pcap'))
    expect(frag.events.some((e) => e.startsWith('other '))).toBe(true)
  })

  const shapes: Array<[string, PcapFile, boolean]> = [
    ['big-endian pcap', eth, true],
    ['nanosecond pcap', parsePcapLE(fixture('capture', 'any-sll2-ns.pcap')), false],
    ['nanosecond big-endian pcap', parsePcapLE(fixture('capture', 'any-sll2-ns.pcap')), true],
    ['802.1Q-tagged Ethernet', withVlan(eth, 42), false],
    ['802.1Q in 802.1Q', withVlan(withVlan(eth, 7), 42), false],
    ['NULL, family in host order', relinked(eth, 0), false],
    ['NULL, family in network order', relinked(eth, 0, { bigEndianFamily: true }), false],
    ['LOOP', relinked(eth, 108), false],
    ['LINUX_SLL', relinked(eth, 113), false],
    ['LINUX_SLL2', relinked(eth, 276), false],
    ['raw IP (101)', relinked(eth, 101), false],
    ['raw IP (12)', relinked(eth, 12), false],
    ['raw IP (14)', relinked(eth, 14), false],
    ['raw IPv4 (228)', relinked(eth, 228), false],
    ['raw IPv6 (229) given IPv4', relinked(eth, 229), false],
    ['an unknown link type', relinked(eth, 147), false],
    ['IPv4 total length 0', zeroTotalLength(eth), false],
    ['snaplen 54 (TCP options cut)', { ...eth, records: eth.records.map((r) => ({ ...r, data: r.data.subarray(0, 54) })) }, false],
    ['snaplen 40 (TCP header cut)', { ...eth, records: eth.records.map((r) => ({ ...r, data: r.data.subarray(0, 40) })) }, false],
  ]
  test.each(shapes)('%s: the same records', (_name, f, bigEndian) => {
    same(writePcap(f, bigEndian))
  })

  test('TCP behind IPv6 extension headers, in one fragment or several, and IPv4 options: the same records', () => {
    // a TCP header with a window scale option (a SYN) and one without (data), each behind each header chain
    const tcp = (flags: number, payload: number) => {
      const opts = flags & 0x02 ? Buffer.from([1, 3, 3, 9, 0, 0, 0, 0]) : Buffer.alloc(0)
      // the payload is not zeros: a later fragment's bytes read as a TCP header must look like one
      const h = Buffer.alloc(20 + opts.length + payload, 0x55)
      h.writeUInt16BE(40000, 0)
      h.writeUInt16BE(443, 2)
      h.writeUInt32BE(0xfffffff0, 4)
      h.writeUInt32BE(7, 8)
      h[12] = ((20 + opts.length) / 4) << 4
      h[13] = flags
      h.writeUInt16BE(512, 14)
      opts.copy(h, 20)
      return h
    }
    const packets: Buffer[] = []
    for (const upper of [tcp(0x02, 0), tcp(0x18, 300)]) {
      for (const before of [[], [0], [60], [0, 60]]) packets.push(...ipv6Packets('fd00::1', 'fd00::2', upper, { proto: 6, before }))
      // a first fragment carries the TCP header (the tracker gets it), a later one does not
      packets.push(...ipv6Packets('fd00::1', 'fd00::2', upper, { proto: 6, mtu: 200, before: [0] }))
      packets.push(...ipv4Packets('10.0.0.1', '10.0.0.2', upper, { proto: 6 }), ...ipv4Packets('10.0.0.1', '10.0.0.2', upper, { proto: 6, mtu: 200 }))
    }
    // a 16-byte destination options header (its length field 1)
    const one = ipv6Packets('fd00::1', 'fd00::2', tcp(0x18, 40), { proto: 6, before: [60] })[0]
    const long = Buffer.concat([one.subarray(0, 48), Buffer.from([1, 6, 0, 0, 0, 0, 0, 0]), one.subarray(48)])
    long[41] = 1
    long.writeUInt16BE(long.length - 40, 4)
    packets.push(long)
    // IPv4 with options (IHL 6): the TCP header after them
    const v4 = ipv4Packets('10.0.0.1', '10.0.0.2', tcp(0x18, 10), { proto: 6 })[0]
    const withOptions = Buffer.concat([v4.subarray(0, 20), Buffer.from([1, 1, 1, 0]), v4.subarray(20)])
    withOptions[0] = 0x46
    withOptions.writeUInt16BE(withOptions.length, 2)
    packets.push(withOptions)
    const run = same(ipPcap(packets.map((data, i) => ({ ts: 1000 + i / 8, data: ethernet(data) })), 1))
    const segments = run.events.filter((e) => e.startsWith('seg ')).length
    expect(segments).toBeGreaterThanOrEqual(15)
    expect(run.byNative).toBe(segments)
  })

  test.each(ngShapes())('%s: the same records', (name, bytes) => {
    const run = same(bytes)
    if (name.includes('never described')) {
      expect(run.error).toMatch(/never described/)
      expect(run.events.length).toBe(17)
    } else {
      expect(run.error).toBeUndefined()
      // the C code framed and decoded the packet blocks itself
      expect(run.byNative).toBeGreaterThan(0)
      expect(run.byNative).toBe(run.events.filter((e) => e.startsWith('seg ')).length)
    }
  })

  test('a record that claims more than the reader takes: the same error at the same place', () => {
    const bytes = Buffer.from(fixture('capture', 'lo-eth.pcap'))
    // the third record's captured length
    let p = 24
    for (let i = 0; i < 2; i++) p += 16 + bytes.readUInt32LE(p + 8)
    bytes.writeUInt32LE(0x7fffffff, p + 8)
    const run = same(bytes)
    expect(run.error).toMatch(/claims/)
    expect(run.events.length).toBe(2)
  })

  test('a record above the limit with its bytes all there (a chunk of 17 MiB): the same error', () => {
    const file = fixture('capture', 'lo-eth.pcap')
    const head = file.subarray(0, 24 + 16 + file.readUInt32LE(24 + 8))
    const big = Buffer.alloc(16 + 17 * 1024 * 1024)
    big.writeUInt32LE(16 * 1024 * 1024 + 1, 8)
    const run = same(Buffer.concat([head, big]))
    expect(run.error).toMatch(/claims/)
    expect(run.events.length).toBe(1)
  })

  test('mutated captures, cut into random chunks: the same records, summary or error', () => {
    const corpus = [...captureCorpus(), ...ngShapes().map(([name, bytes]) => ({ name, bytes }))]
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: corpus.length - 1 }).chain((i) => fc.tuple(fc.constant(i), mutationArb(corpus[i].bytes), fc.array(fc.nat({ max: corpus[i].bytes.length }), { maxLength: 8 }))),
        ([i, mutations, cuts]) => {
          same(mutate(corpus[i].bytes, mutations), cuts)
        },
      ),
      { numRuns: runs(150), seed: SEED },
    )
  })

  test('the capture fact is the same with the native decoder and without', async () => {
    const factOf = async (bytes: Buffer) => {
      async function* one() {
        yield bytes
      }
      return captureFact(one(), { kind: 'file', path: 'x.pcap' })
    }
    for (const bytes of [fixture('capture', 'lo-eth.pcap'), fixture('capture', 'udp-frag.pcap'), fixture('resets', 'closes-lo.pcap')]) {
      const native = await factOf(bytes)
      process.env[NATIVE_ENV] = '0'
      try {
        expect(await factOf(bytes)).toEqual(native)
      } finally {
        delete process.env[NATIVE_ENV]
      }
    }
  })
})
