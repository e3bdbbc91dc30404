// The capture reader and decoder against tcpdump on the same files: the committed captures of
// test/fixtures/capture (made by make.sh there), and the shapes derived from them by test/helpers/capture-files.ts.
import { execFileSync, spawnSync } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

import { decodeTcp, FIN, RST, SYN, type TcpSegment } from '../../../src/capture/decode.js'
import { CaptureFormatError, CaptureReader, MAX_RECORD, readCapture, type ReadSummary } from '../../../src/capture/reader.js'
import { parsePcapLE, withVlan, writePcap, writePcapng } from '../../helpers/capture-files.js'
import { ROOT } from '../../helpers/netns.js'
import { testEachWith, testWith } from '../../helpers/requires.js'

const FIX = join(ROOT, 'test', 'fixtures', 'capture')
const TCPDUMP = { tools: ['tcpdump' as const] } // the cross-checks read the same file with tcpdump
const fixture = (name: string) => readFileSync(join(FIX, name))
let dir: string

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'netdoc-reader-'))
})
afterAll(() => rmSync(dir, { recursive: true, force: true }))

/** Reads a whole buffer in chunks of `chunk` bytes; returns packets, decoded segments and the summary. */
function read(buf: Buffer, chunk = 65536): { summary: ReadSummary; packets: number; segs: TcpSegment[]; ts: number[] } {
  const segs: TcpSegment[] = []
  const ts: number[] = []
  let packets = 0
  const r = new CaptureReader((p) => {
    packets++
    ts.push(p.ts)
    const s = decodeTcp(p.linkType, p.data, p.ts, p.origLen)
    if (s) segs.push(s)
  })
  for (let i = 0; i < buf.length; i += chunk) r.push(buf.subarray(i, i + chunk))
  return { summary: r.end(), packets, segs, ts }
}

function save(name: string, buf: Buffer): string {
  const p = join(dir, name)
  writeFileSync(p, buf)
  return p
}

/** Lines tcpdump prints for the file and filter: one per packet. */
function tcpdumpCount(file: string, filter?: string): number {
  // tcpdump exits 1 on a truncated file after printing what it read
  const out = spawnSync('tcpdump', ['-nn', '-r', file, ...(filter ? [filter] : [])], { stdio: ['ignore', 'pipe', 'ignore'] }).stdout.toString()
  return out.split('\n').filter(Boolean).length
}

const count = (segs: TcpSegment[], flag: number) => segs.filter((s) => s.flags & flag).length

describe('capture reader: tcpdump captures', () => {
  testEachWith(TCPDUMP, ['lo-eth.pcap', 'any-sll2-ns.pcap', 'lo-snap96.pcap'])('%s: packets and SYN/FIN/RST counts match tcpdump', (name) => {
    const file = join(FIX, name)
    const { summary, packets, segs } = read(fixture(name))
    expect(summary.truncated).toBeUndefined()
    expect(packets).toBe(tcpdumpCount(file))
    expect(segs.length).toBe(tcpdumpCount(file, 'tcp'))
    expect(count(segs, SYN)).toBe(tcpdumpCount(file, 'tcp[tcpflags] & tcp-syn != 0 or (ip6 and ip6[53] & 2 != 0)'))
    expect(count(segs, FIN)).toBe(tcpdumpCount(file, 'tcp[tcpflags] & tcp-fin != 0 or (ip6 and ip6[53] & 1 != 0)'))
    expect(count(segs, RST)).toBe(tcpdumpCount(file, 'tcp[tcpflags] & tcp-rst != 0 or (ip6 and ip6[53] & 4 != 0)'))
    expect(segs.filter((s) => s.ipVersion === 6).length).toBe(tcpdumpCount(file, 'ip6 and tcp'))
    expect(count(segs, RST)).toBeGreaterThan(0)
    expect(segs.filter((s) => s.ipVersion === 6).length).toBeGreaterThan(0)
  })

  testWith(TCPDUMP, 'payload length comes from the IP header, so a snaplen of 96 loses none (same sum as tcpdump prints)', () => {
    const file = join(FIX, 'lo-snap96.pcap')
    const out = execFileSync('tcpdump', ['-nn', '-r', file, 'tcp'], { stdio: ['ignore', 'pipe', 'ignore'] }).toString()
    const expected = out
      .split('\n')
      .map((l) => /length (\d+)$/.exec(l))
      .reduce((s, m) => s + (m ? Number(m[1]) : 0), 0)
    const { segs } = read(fixture('lo-snap96.pcap'))
    expect(segs.reduce((s, x) => s + x.payloadLen, 0)).toBe(expected)
    expect(segs.some((s) => s.payloadLen > 96)).toBe(true)
  })

  test('nanosecond timestamps keep sub-microsecond precision', () => {
    const f = parsePcapLE(fixture('any-sll2-ns.pcap'))
    expect(f.nano).toBe(true)
    const { ts } = read(fixture('any-sll2-ns.pcap'))
    expect(ts[0]).toBeCloseTo(f.records[0].sec + f.records[0].frac / 1e9, 6)
  })

  test('chunk boundaries anywhere give the same result', () => {
    const whole = read(fixture('lo-eth.pcap'))
    for (const chunk of [1, 7, 100, 4096]) {
      const r = read(fixture('lo-eth.pcap'), chunk)
      expect(r.packets).toBe(whole.packets)
      expect(r.segs).toEqual(whole.segs)
    }
  })

  testWith(TCPDUMP, 'readCapture iterates records from a stream', async () => {
    async function* stream() {
      yield fixture('lo-eth.pcap')
    }
    let summary: ReadSummary | undefined
    let n = 0
    for await (const p of readCapture(stream(), (s) => (summary = s))) if (p.data.length > 0) n++
    expect(n).toBe(tcpdumpCount(join(FIX, 'lo-eth.pcap')))
    expect(summary!.format).toBe('pcap')
  })
})

describe('capture reader: every magic and byte order', () => {
  testEachWith(TCPDUMP, [
    ['µs big-endian', 'lo-eth.pcap', true],
    ['ns big-endian', 'any-sll2-ns.pcap', true],
    ['ns little-endian', 'any-sll2-ns.pcap', false],
  ])('%s pcap reads like the little-endian original, and tcpdump agrees', (_label, name, be) => {
    const orig = parsePcapLE(fixture(name))
    const buf = writePcap(orig, be as boolean)
    expect(buf.readUInt32BE(0) === 0xa1b2c3d4 || buf.readUInt32BE(0) === 0xa1b23c4d).toBe(be)
    const file = save(`${name}.${be ? 'be' : 'le'}.pcap`, buf)
    const a = read(fixture(name))
    const b = read(buf)
    expect(b.packets).toBe(a.packets)
    expect(b.segs).toEqual(a.segs)
    expect(b.packets).toBe(tcpdumpCount(file))
  })
})

describe('capture reader: pcapng', () => {
  test('two sections of different link types and byte orders, an unknown block, ns resolution', () => {
    const eth = parsePcapLE(fixture('lo-eth.pcap'))
    const sll2 = parsePcapLE(fixture('any-sll2-ns.pcap'))
    const buf = writePcapng([
      { linkType: eth.linkType, snaplen: eth.snaplen, nano: false, records: eth.records, unknownBlockBytes: 100 },
      { linkType: sll2.linkType, snaplen: sll2.snaplen, nano: true, tsresol: 9, bigEndian: true, records: sll2.records },
    ])
    const r = read(buf, 1000)
    expect(r.summary.format).toBe('pcapng')
    expect(r.summary.linkTypes).toEqual([1, 276])
    const a = read(fixture('lo-eth.pcap'))
    const b = read(fixture('any-sll2-ns.pcap'))
    expect(r.packets).toBe(a.packets + b.packets)
    expect(r.segs).toEqual([...a.segs, ...b.segs])
  })

  testWith(TCPDUMP, 'a single-section pcapng reads like tcpdump reads it', () => {
    const eth = parsePcapLE(fixture('lo-eth.pcap'))
    const file = save('one.pcapng', writePcapng([{ linkType: 1, snaplen: eth.snaplen, nano: false, records: eth.records, unknownBlockBytes: 64 }]))
    const r = read(readFileSync(file))
    expect(r.packets).toBe(tcpdumpCount(file))
    expect(r.segs.length).toBe(tcpdumpCount(file, 'tcp'))
  })

  test('simple packet blocks carry packets without timestamps', () => {
    const eth = parsePcapLE(fixture('lo-eth.pcap'))
    const r = read(writePcapng([{ linkType: 1, snaplen: eth.snaplen, nano: false, records: eth.records, simple: true }]))
    expect(r.packets).toBe(eth.records.length)
    expect(r.segs.length).toBe(read(fixture('lo-eth.pcap')).segs.length)
    expect(r.ts.every(Number.isNaN)).toBe(true)
  })

  test('an unknown block longer than the chunk is skipped without buffering it', () => {
    const eth = parsePcapLE(fixture('lo-eth.pcap'))
    const buf = writePcapng([{ linkType: 1, snaplen: eth.snaplen, nano: false, records: eth.records.slice(0, 3), unknownBlockBytes: 1_000_000 }])
    const r = read(buf, 4096)
    expect(r.packets).toBe(3)
  })
})

describe('capture reader: Ethernet with VLAN tags', () => {
  testWith(TCPDUMP, '802.1Q frames decode, and tcpdump counts the same', () => {
    const tagged = withVlan(parsePcapLE(fixture('lo-eth.pcap')), 42)
    const file = save('vlan.pcap', writePcap(tagged, false))
    const r = read(readFileSync(file))
    expect(r.segs.length).toBe(tcpdumpCount(file, 'vlan 42 and tcp'))
    expect(count(r.segs, RST)).toBe(tcpdumpCount(file, 'vlan 42 and (tcp[tcpflags] & tcp-rst != 0 or (ip6 and ip6[53] & 4 != 0))'))
    expect(r.segs).toEqual(read(fixture('lo-eth.pcap')).segs)
  })
})

describe('capture reader: other link types (Ethernet frames rewritten, read back by tcpdump)', () => {
  const eth = () => parsePcapLE(fixture('lo-eth.pcap'))
  const relink = (linkType: number, head: (ipv6: boolean) => Buffer) => {
    const f = eth()
    return {
      ...f,
      linkType,
      records: f.records.map((r) => {
        const ipv6 = r.data[12] === 0x86 && r.data[13] === 0xdd
        const h = head(ipv6)
        return { ...r, origLen: r.origLen - 14 + h.length, data: Buffer.concat([h, r.data.subarray(14)]) }
      }),
    }
  }
  const af = (v: number, be: boolean) => {
    const b = Buffer.alloc(4)
    if (be) b.writeUInt32BE(v)
    else b.writeUInt32LE(v)
    return b
  }
  testEachWith(TCPDUMP, [
    ['RAW (101)', 101, () => Buffer.alloc(0)],
    ['NULL (0), little-endian family, AF_INET6 24', 0, (v6: boolean) => af(v6 ? 24 : 2, false)],
    ['NULL (0), BSD AF_INET6 30', 0, (v6: boolean) => af(v6 ? 30 : 2, false)],
    ['LOOP (108), OpenBSD AF_INET6 24', 108, (v6: boolean) => af(v6 ? 24 : 2, true)],
    ['LINUX_SLL (113)', 113, (v6: boolean) => Buffer.from([0, 0, 0, 772 >> 8, 772 & 0xff, 0, 6, 0, 0, 0, 0, 0, 0, 0, v6 ? 0x86 : 0x08, v6 ? 0xdd : 0x00])],
  ] as Array<[string, number, (v6: boolean) => Buffer]>)('%s', (_l, linkType, head) => {
    const f = relink(linkType, head)
    const file = save(`link-${linkType}-${head(true).toString('hex')}.pcap`, writePcap(f, false))
    const r = read(readFileSync(file))
    expect(r.segs).toEqual(read(fixture('lo-eth.pcap')).segs)
    expect(r.segs.length).toBe(tcpdumpCount(file, 'tcp'))
  })
})

describe('capture reader: damaged and hostile files', () => {
  testWith(TCPDUMP, 'a truncated final record is reported; everything before it is kept (tcpdump keeps the same)', () => {
    const buf = fixture('lo-eth.pcap')
    const cut = buf.subarray(0, buf.length - 37)
    const file = save('cut.pcap', cut)
    const r = read(cut)
    expect(r.summary.truncated).toBeDefined()
    expect(r.summary.truncated!.missing).toBe(37)
    expect(r.packets).toBe(tcpdumpCount(file))
    expect(r.packets).toBe(read(buf).packets - 1)
  })

  test('a truncated pcapng block is reported too', () => {
    const eth = parsePcapLE(fixture('lo-eth.pcap'))
    const buf = writePcapng([{ linkType: 1, snaplen: eth.snaplen, nano: false, records: eth.records }])
    const r = read(buf.subarray(0, buf.length - 10))
    expect(r.summary.truncated).toBeDefined()
    expect(r.packets).toBe(eth.records.length - 1)
  })

  test('garbage is not a capture', () => {
    const r = new CaptureReader(() => undefined)
    expect(() => r.push(Buffer.from('GET / HTTP/1.1\r\nHost: x\r\n\r\n'))).toThrow(/not a pcap or pcapng file/)
  })

  test('a gzip-compressed capture says to gunzip it', async () => {
    const { gzipSync } = await import('node:zlib')
    expect(() => new CaptureReader(() => undefined).push(gzipSync(fixture('lo-eth.pcap')))).toThrow(/gzip-compressed.*gunzip/)
  })

  test('an empty or tiny file is not a capture', () => {
    expect(() => new CaptureReader(() => undefined).end()).toThrow(/empty/)
    const r = new CaptureReader(() => undefined)
    r.push(Buffer.from([0xd4, 0xc3, 0xb2, 0xa1, 2, 0]))
    expect(() => r.end()).toThrow(/too short/)
  })

  test('a zero-length record is a packet with no data, not an error', () => {
    const f = parsePcapLE(fixture('lo-eth.pcap'))
    const buf = writePcap({ ...f, records: [f.records[0], { sec: 1, frac: 0, data: Buffer.alloc(0), origLen: 0 }, f.records[1]] }, false)
    const r = read(buf)
    expect(r.packets).toBe(3)
    expect(r.segs.length).toBe(2)
  })

  test('a giant record length is rejected as corrupt, before anything is allocated for it', () => {
    const f = parsePcapLE(fixture('lo-eth.pcap'))
    const buf = writePcap({ ...f, records: f.records.slice(0, 2) }, false)
    const bad = Buffer.concat([buf, Buffer.from([1, 0, 0, 0, 0, 0, 0, 0, 0xf0, 0xff, 0xff, 0xff, 0xf0, 0xff, 0xff, 0xff])])
    let seen = 0
    const r = new CaptureReader(() => seen++)
    expect(() => r.push(bad)).toThrow(CaptureFormatError)
    expect(() => new CaptureReader(() => undefined).push(bad)).toThrow(/claims 4294967280 bytes/)
    expect(seen).toBe(2)
  })

  test('a pcapng block length that is giant, short or unaligned is corrupt', () => {
    const eth = parsePcapLE(fixture('lo-eth.pcap'))
    const good = writePcapng([{ linkType: 1, snaplen: 65535, nano: false, records: eth.records.slice(0, 1) }])
    for (const len of [MAX_RECORD + 4, 8, 33]) {
      const bad = Buffer.from(good)
      bad.writeUInt32LE(len, good.length - bad.readUInt32LE(good.length - 4) + 4)
      expect(() => new CaptureReader(() => undefined).push(bad)).toThrow(/invalid length/)
    }
  })

  test('a packet block naming an interface that was never described is corrupt', () => {
    const eth = parsePcapLE(fixture('lo-eth.pcap'))
    const buf = writePcapng([{ linkType: 1, snaplen: 65535, nano: false, records: eth.records.slice(0, 1) }])
    const epbAt = buf.length - buf.readUInt32LE(buf.length - 4)
    buf.writeUInt32LE(7, epbAt + 8)
    expect(() => new CaptureReader(() => undefined).push(buf)).toThrow(/interface 7/)
  })
})
