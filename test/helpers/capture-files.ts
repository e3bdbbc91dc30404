// Turns real tcpdump captures into the other shapes a reader must handle: big-endian pcap, pcapng (sections of
// either byte order, if_tsresol, EPB/SPB, unknown blocks), VLAN-tagged Ethernet. A small independent writer, used
// only by tests; tcpdump -r reads its output, which is how the tests know the files are valid.
import { readFileSync } from 'node:fs'
import { join } from 'node:path'

import { copySegment, decodeTcp, type TcpSegment } from '../../src/capture/decode.js'
import { CaptureReader } from '../../src/capture/reader.js'
import { ROOT } from './netns.js'

export interface RawRecord {
  sec: number
  frac: number
  data: Buffer
  origLen: number
}

export interface PcapFile {
  nano: boolean
  linkType: number
  snaplen: number
  records: RawRecord[]
}

/** Parses a little-endian pcap as tcpdump writes it on this machine. */
export function parsePcapLE(buf: Buffer): PcapFile {
  const magic = buf.readUInt32LE(0)
  if (magic !== 0xa1b2c3d4 && magic !== 0xa1b23c4d) throw new Error('not a little-endian pcap')
  const records: RawRecord[] = []
  let p = 24
  while (p + 16 <= buf.length) {
    const incl = buf.readUInt32LE(p + 8)
    records.push({ sec: buf.readUInt32LE(p), frac: buf.readUInt32LE(p + 4), origLen: buf.readUInt32LE(p + 12), data: buf.subarray(p + 16, p + 16 + incl) })
    p += 16 + incl
  }
  return { nano: magic === 0xa1b23c4d, linkType: buf.readUInt32LE(20) & 0xffff, snaplen: buf.readUInt32LE(16), records }
}

export function writePcap(f: PcapFile, bigEndian: boolean): Buffer {
  const parts: Buffer[] = []
  const h = Buffer.alloc(24)
  const w32 = (b: Buffer, v: number, o: number) => (bigEndian ? b.writeUInt32BE(v, o) : b.writeUInt32LE(v, o))
  const w16 = (b: Buffer, v: number, o: number) => (bigEndian ? b.writeUInt16BE(v, o) : b.writeUInt16LE(v, o))
  w32(h, f.nano ? 0xa1b23c4d : 0xa1b2c3d4, 0)
  w16(h, 2, 4)
  w16(h, 4, 6)
  w32(h, f.snaplen, 16)
  w32(h, f.linkType, 20)
  parts.push(h)
  for (const r of f.records) {
    const rh = Buffer.alloc(16)
    w32(rh, r.sec, 0)
    w32(rh, r.frac, 4)
    w32(rh, r.data.length, 8)
    w32(rh, r.origLen, 12)
    parts.push(rh, r.data)
  }
  return Buffer.concat(parts)
}

export interface NgSection {
  bigEndian?: boolean
  linkType: number
  snaplen: number
  /** timestamps as 10^-tsresol seconds (6 = the default µs, 9 = ns) */
  tsresol?: number
  records: RawRecord[]
  nano: boolean
  /** write packets as simple packet blocks (no timestamps) */
  simple?: boolean
  /** put an unknown block (type 0x0BAD) of this many body bytes before the packets */
  unknownBlockBytes?: number
}

function block(type: number, body: Buffer, be: boolean): Buffer {
  const pad = (4 - (body.length % 4)) % 4
  const len = 12 + body.length + pad
  const b = Buffer.alloc(len)
  const w = (v: number, o: number) => (be ? b.writeUInt32BE(v, o) : b.writeUInt32LE(v, o))
  w(type, 0)
  w(len, 4)
  body.copy(b, 8)
  w(len, len - 4)
  return b
}

export function writePcapng(sections: NgSection[]): Buffer {
  const out: Buffer[] = []
  for (const s of sections) {
    const be = !!s.bigEndian
    const w32 = (b: Buffer, v: number, o: number) => (be ? b.writeUInt32BE(v, o) : b.writeUInt32LE(v, o))
    const w16 = (b: Buffer, v: number, o: number) => (be ? b.writeUInt16BE(v, o) : b.writeUInt16LE(v, o))
    const shb = Buffer.alloc(16)
    w32(shb, 0x1a2b3c4d, 0)
    w16(shb, 1, 4)
    w16(shb, 0, 6)
    shb.writeInt32LE(-1, 8)
    shb.writeInt32LE(-1, 12)
    out.push(block(0x0a0d0d0a, shb, be))
    if (s.unknownBlockBytes !== undefined) out.push(block(0x0bad, Buffer.alloc(s.unknownBlockBytes, 0xee), be))
    const tsresol = s.tsresol ?? 6
    const idb = Buffer.alloc(8 + (tsresol !== 6 ? 8 : 0) + 4)
    w16(idb, s.linkType, 0)
    w32(idb, s.snaplen, 4)
    let o = 8
    if (tsresol !== 6) {
      w16(idb, 9, o)
      w16(idb, 1, o + 2)
      idb[o + 4] = tsresol
      o += 8
    }
    w16(idb, 0, o) // opt_endofopt
    out.push(block(1, idb, be))
    for (const r of s.records) {
      if (s.simple) {
        const body = Buffer.alloc(4 + r.data.length)
        w32(body, r.origLen, 0)
        r.data.copy(body, 4)
        out.push(block(3, body, be))
        continue
      }
      const ns = BigInt(r.sec) * 1_000_000_000n + BigInt(s.nano ? r.frac : r.frac * 1000)
      const units = ns / 10n ** BigInt(9 - tsresol)
      const body = Buffer.alloc(20 + r.data.length)
      w32(body, 0, 0)
      w32(body, Number(units >> 32n), 4)
      w32(body, Number(units & 0xffffffffn), 8)
      w32(body, r.data.length, 12)
      w32(body, r.origLen, 16)
      r.data.copy(body, 20)
      out.push(block(6, body, be))
    }
  }
  return Buffer.concat(out)
}

/** Inserts an 802.1Q tag (VLAN id) into every Ethernet frame. */
export function withVlan(f: PcapFile, vlan: number): PcapFile {
  return {
    ...f,
    snaplen: f.snaplen + 4,
    records: f.records.map((r) => {
      const tag = Buffer.from([0x81, 0x00, (vlan >> 8) & 0x0f, vlan & 0xff])
      return { ...r, origLen: r.origLen + 4, data: Buffer.concat([r.data.subarray(0, 12), tag, r.data.subarray(12)]) }
    }),
  }
}

/** The committed captures with TCP in them (udp-frag.pcap has none), as paths. */
export const TCP_FIXTURE_CAPTURES = ['capture/lo-snap96.pcap', 'capture/lo-eth.pcap', 'capture/any-sll2-ns.pcap', 'resets/closes-lo.pcap', 'snapshots/busy-host/traffic.pcap'].map((f) => join(ROOT, 'test', 'fixtures', f))

/** A capture file's TCP segments, each a plain copy (a decoded Segment's addresses are getters, which a spread leaves behind). */
export function tcpSegmentsOf(path: string): TcpSegment[] {
  const out: TcpSegment[] = []
  const reader = new CaptureReader((p) => {
    const seg = decodeTcp(p.linkType, p.bytes.subarray(p.start, p.end), p.ts, p.origLen)
    if (seg) out.push(copySegment(seg))
  })
  reader.push(readFileSync(path))
  reader.end()
  return out
}
