/**
 * Streaming reader for capture files: pcap (all four magics: µs/ns, either byte order) and pcapng (SHB with a
 * byte order per section, IDB link type/snaplen/if_tsresol/if_tsoffset, EPB, SPB, the obsolete PB, several
 * sections and interfaces; any other block is skipped). Formats: the libpcap file format and
 * draft-ietf-opsawg-pcapng (https://www.ietf.org/archive/id/draft-ietf-opsawg-pcapng-02.html).
 *
 * Push-style so it costs nothing per packet beyond the callback: `push(chunk)` parses every complete record and
 * keeps at most one partial record; `end()` reports a truncated tail. Memory is one chunk plus one record.
 * Hostile lengths never allocate what they claim: a record above MAX_RECORD is a corrupt file, and a skipped
 * block is skipped by counting bytes, never buffered.
 *
 *     const reader = new CaptureReader((p) => ...)   // p.data is a view into the chunk: valid during the call only
 *     for await (const chunk of stream) reader.push(chunk)
 *     const { truncated } = reader.end()
 *
 * `readCapture(stream)` is the same as an async iterator of records (copies each record; for tests and small tools).
 */

import type { NgInterfaces, PcapScanner } from './native-scan.js'

/**
 * One captured packet: bytes[start, end). Only valid during the callback: the reader reuses one object and its
 * buffer (copy what you keep). `data` is the same bytes as a view, made only when asked for.
 */
export interface CapturedPacket {
  /** seconds since the epoch (fractional); NaN for a pcapng simple packet block */
  ts: number
  /** LINKTYPE_* of its interface */
  linkType: number
  bytes: Uint8Array
  start: number
  end: number
  readonly data: Uint8Array
  /** length on the wire (≥ end - start when the snaplen cut it) */
  origLen: number
  /** pcapng interface index within its section (0 for pcap) */
  interfaceId: number
  /** pcapng section number, from 0 (0 for pcap) */
  section: number
}

export class PacketView implements CapturedPacket {
  ts = 0
  linkType = 0
  bytes: Uint8Array = new Uint8Array(0)
  start = 0
  end = 0
  origLen = 0
  interfaceId = 0
  section = 0
  get data(): Uint8Array {
    return this.bytes.subarray(this.start, this.end)
  }
}

export interface ReadSummary {
  format: 'pcap' | 'pcapng'
  packets: number
  bytes: number
  /** a final record cut short: what was read before it stays valid */
  truncated?: { offset: number; missing: number }
  /** link types seen, in order of first appearance */
  linkTypes: number[]
}

/** The file is not a capture, or a block/record is malformed. `offset` is in bytes from the start of the file. */
export class CaptureFormatError extends Error {
  constructor(
    message: string,
    readonly offset: number,
  ) {
    super(message)
    this.name = 'CaptureFormatError'
  }
}

/** Largest record or block accepted (pcapng blocks with big options included); libpcap's own limit is 256 KiB for packets. */
export const MAX_RECORD = 16 * 1024 * 1024

const PCAP_US = 0xa1b2c3d4
const PCAP_NS = 0xa1b23c4d
const PCAPNG_SHB = 0x0a0d0d0a
const PCAPNG_BOM = 0x1a2b3c4d

interface Interface {
  linkType: number
  snaplen: number
  /** timestamp units per second when decimal (if_tsresol 10^-n); 0 when binary */
  perSecond: number
  /** seconds per timestamp unit */
  unit: number
  offset: number
  /** the whole seconds and remainder units of the last high word (exact, through BigInt once per change) */
  hi: number
  hiSec: number
  hiRem: number
}

type State = 'start' | 'pcap' | 'pcapng'

export class CaptureReader {
  private state: State = 'start'
  private buf: Buffer = Buffer.alloc(0)
  /** owns the partial record kept between pushes */
  private work: Buffer = Buffer.alloc(0)
  /** file offset of buf[0] */
  private base = 0
  /** bytes of an unwanted pcapng block still to skip without buffering */
  private skipping = 0
  private little = true
  // pcap
  private pcapPerSecond = 1e6
  private pcapLink = 0
  private pcapSnap = 0
  // pcapng
  private section = -1
  private interfaces: Interface[] = []
  /** the section's interfaces as the scanner reads them; made again after an interface or section block */
  private ngInterfaces?: NgInterfaces
  private readonly linkTypes: number[] = []
  private format: 'pcap' | 'pcapng' = 'pcap'
  private packets = 0
  private bytes = 0
  private readonly view = new PacketView()

  /** `scanner` frames (and decodes) classic pcap records natively when it can (native-scan.ts); the loop below does the rest */
  constructor(
    private readonly onPacket: (p: CapturedPacket) => void,
    private readonly scanner?: PcapScanner,
  ) {}

  /** packets read so far (for progress while a stream is still coming) */
  get packetsRead(): number {
    return this.packets
  }

  push(chunk: Uint8Array): void {
    let data = Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength)
    if (this.skipping > 0) {
      const n = Math.min(this.skipping, data.length)
      this.skipping -= n
      this.base += n
      data = data.subarray(n)
      if (data.length === 0) return
    }
    // Records are parsed in place in the caller's chunk; only a partial record is copied, into `work`, and
    // completed there with the bytes it lacks from the next chunk. No allocation per chunk once `work` has its size.
    if (this.buf.length > 0 && this.state !== 'start') {
      data = this.completePartial(data)
      if (data.length === 0) return
    }
    let inWork = false
    if (this.buf.length === 0) this.buf = data
    else {
      const have = this.buf.length
      const need = have + data.length
      if (this.work.length < need) {
        const grown = Buffer.allocUnsafe(Math.max(need, this.work.length * 2))
        this.work.copy(grown, 0, 0, have)
        this.work = grown
      }
      data.copy(this.work, have)
      this.buf = this.work.subarray(0, need)
      inWork = true
    }
    let pos = 0
    if (this.state === 'start') pos = Math.max(0, this.header())
    if (this.state !== 'start') pos = this.state === 'pcap' ? this.pcapRecords(pos) : this.pcapngBlocks(pos)
    this.base += pos
    this.keep(pos, inWork)
  }

  /**
   * Appends to the partial record kept in `work` only the bytes it lacks (its header first, then its body),
   * parses it there and returns the rest of `data`, to be parsed in place. Whatever is still partial after a few
   * passes (a pcapng length read in another section's byte order) is left to push's general path, which appends
   * the whole chunk: slower, never wrong.
   */
  private completePartial(data: Buffer): Buffer {
    for (let pass = 0; pass < 4 && this.buf.length > 0 && data.length > 0 && this.skipping === 0; pass++) {
      const have = this.buf.length
      const want = this.lacking()
      if (want <= 0) break
      const n = Math.min(want, data.length)
      if (this.work.length < have + n) {
        const grown = Buffer.allocUnsafe(Math.max(have + n, this.work.length * 2, 65536))
        this.work.copy(grown, 0, 0, have)
        this.work = grown
      }
      data.copy(this.work, have, 0, n)
      this.buf = this.work.subarray(0, have + n)
      data = data.subarray(n)
      if (n < want) break
      const pos = this.state === 'pcap' ? this.pcapRecords(0) : this.pcapngBlocks(0)
      this.base += pos
      this.keep(pos, true)
    }
    if (this.skipping > 0 && this.buf.length === 0) {
      const n = Math.min(this.skipping, data.length)
      this.skipping -= n
      this.base += n
      data = data.subarray(n)
    }
    return data
  }

  /** Bytes the partial record at buf[0] lacks: to its header's end while that is cut, else to the record's end. */
  private lacking(): number {
    const b = this.buf
    if (this.state === 'pcap') {
      if (b.length < 16) return 16 - b.length
      const incl = this.u32(b, 8)
      return incl > MAX_RECORD ? 0 : 16 + incl - b.length
    }
    if (b.length < 12) return 12 - b.length
    let little = this.little
    if (b.readUInt32BE(0) === PCAPNG_SHB) little = b.readUInt32LE(8) === PCAPNG_BOM
    const len = little ? b.readUInt32LE(4) : b.readUInt32BE(4)
    return len > MAX_RECORD ? 0 : len - b.length
  }

  /** Keeps buf[pos..] in `work` (the caller may reuse its chunk after push returns). */
  private keep(pos: number, inWork: boolean): void {
    const rest = this.buf.length - pos
    if (rest > 0) {
      if (inWork) this.work.copyWithin(0, pos, this.buf.length)
      else {
        if (this.work.length < rest) this.work = Buffer.allocUnsafe(Math.max(rest, 65536))
        this.buf.copy(this.work, 0, pos)
      }
    }
    this.buf = this.work.subarray(0, rest)
  }

  end(): ReadSummary {
    const summary: ReadSummary = { format: this.format, packets: this.packets, bytes: this.bytes, linkTypes: this.linkTypes }
    if (this.state === 'start') {
      if (this.base + this.buf.length === 0) throw new CaptureFormatError('the file is empty, not a capture', 0)
      throw new CaptureFormatError(`only ${this.buf.length} bytes: too short for a pcap or pcapng header`, 0)
    }
    if (this.buf.length > 0 || this.skipping > 0) {
      summary.truncated = { offset: this.base, missing: this.skipping || this.missing() }
    }
    return summary
  }

  /** How many bytes the partial record at buf[0] still lacks (an estimate when even its header is cut). */
  private missing(): number {
    const b = this.buf
    if (this.state === 'pcap') return b.length >= 16 ? 16 + this.u32(b, 8) - b.length : 16 - b.length
    return b.length >= 8 ? this.u32(b, 4) - b.length : 8 - b.length
  }

  private u32(b: Buffer, o: number): number {
    return this.little ? b.readUInt32LE(o) : b.readUInt32BE(o)
  }

  private u16(b: Buffer, o: number): number {
    return this.little ? b.readUInt16LE(o) : b.readUInt16BE(o)
  }

  private seenLink(l: number): void {
    if (!this.linkTypes.includes(l)) this.linkTypes.push(l)
  }

  /** Reads the file header; returns the position after it, or -1 when more bytes are needed. */
  private header(): number {
    const b = this.buf
    if (b.length < 4) return -1
    const be = b.readUInt32BE(0)
    const le = b.readUInt32LE(0)
    if (be === PCAPNG_SHB) {
      this.state = 'pcapng'
      this.format = 'pcapng'
      return 0
    }
    if (b[0] === 0x1f && b[1] === 0x8b) throw new CaptureFormatError('gzip-compressed, not a capture itself: gunzip it first', 0)
    if (be === 0xa1b2cd34 || le === 0xa1b2cd34) throw new CaptureFormatError('a "modified" (Kuznetzov) pcap, which is not supported: convert it with editcap -F pcap', 0)
    if (be !== PCAP_US && be !== PCAP_NS && le !== PCAP_US && le !== PCAP_NS) {
      throw new CaptureFormatError(`not a pcap or pcapng file (it starts with ${b.subarray(0, 4).toString('hex')})`, 0)
    }
    if (b.length < 24) return -1
    this.little = le === PCAP_US || le === PCAP_NS
    this.pcapPerSecond = (this.little ? le : be) === PCAP_NS ? 1e9 : 1e6
    const major = this.u16(b, 4)
    if (major !== 2) throw new CaptureFormatError(`pcap version ${major}.${this.u16(b, 6)} is not supported (only 2.x)`, 4)
    this.pcapSnap = this.u32(b, 16)
    // The upper bits of the link type field carry FCS information (pcap-savefile(5)).
    this.pcapLink = this.u32(b, 20) & 0xffff
    this.seenLink(this.pcapLink)
    this.state = 'pcap'
    return 24
  }

  private pcapRecords(pos: number): number {
    const b = this.buf
    const div = this.pcapPerSecond
    const little = this.little
    const v = this.view
    v.linkType = this.pcapLink
    v.bytes = b
    v.interfaceId = 0
    v.section = 0
    const len = b.length
    if (this.scanner) {
      pos = this.scanner.scan(b, pos, little, div === 1e9, this.pcapLink, v)
      this.packets += this.scanner.records
      this.bytes += this.scanner.bytes
    }
    // The record header read byte by byte (no bounds-checked readUInt32 call per field): this loop runs per packet.
    while (len - pos >= 16) {
      const sec = little ? le32(b, pos) : be32(b, pos)
      const frac = little ? le32(b, pos + 4) : be32(b, pos + 4)
      const incl = little ? le32(b, pos + 8) : be32(b, pos + 8)
      const orig = little ? le32(b, pos + 12) : be32(b, pos + 12)
      if (incl > MAX_RECORD) throw new CaptureFormatError(`record at byte ${this.base + pos} claims ${incl} bytes (corrupt file)`, this.base + pos)
      if (len - pos - 16 < incl) break
      const start = pos + 16
      this.packets++
      this.bytes += incl
      v.ts = sec + frac / div
      v.start = start
      v.end = start + incl
      v.origLen = orig > incl ? orig : incl
      this.onPacket(v)
      pos = start + incl
    }
    return pos
  }

  private pcapngBlocks(pos: number): number {
    let b = this.buf
    while (b.length - pos >= 12) {
      // the scanner takes a run of packet blocks; it stops before any other block, which the code below reads
      if (this.scanner && this.section >= 0 && this.interfaces.length > 0) {
        pos = this.scanner.scanNg(b, pos, this.little, (this.ngInterfaces ??= this.interfaceTable()), this.view)
        this.packets += this.scanner.records
        this.bytes += this.scanner.bytes
        if (b.length - pos < 12) break
      }
      const at = this.base + pos
      if (b.readUInt32BE(pos) === PCAPNG_SHB) {
        // The byte order of a section is read from its own header before its length can be.
        const bom = b.readUInt32LE(pos + 8)
        if (bom === PCAPNG_BOM) this.little = true
        else if (b.readUInt32BE(pos + 8) === PCAPNG_BOM) this.little = false
        else throw new CaptureFormatError(`section header at byte ${at} has no valid byte-order magic (corrupt file)`, at)
      }
      const type = this.u32(b, pos)
      const len = this.u32(b, pos + 4)
      if (len < 12 || len % 4 !== 0 || len > MAX_RECORD) throw new CaptureFormatError(`block at byte ${at} has an invalid length ${len} (corrupt file)`, at)
      if (type !== PCAPNG_SHB && type !== 1 && type !== 2 && type !== 3 && type !== 6) {
        // Unknown, statistics, name-resolution, ...: skip without buffering.
        const have = b.length - pos
        if (have < len) {
          this.skipping = len - have
          return b.length
        }
        pos += len
        continue
      }
      if (b.length - pos < len) break
      if (this.u32(b, pos + len - 4) !== len) throw new CaptureFormatError(`block at byte ${at}: trailing length does not match (corrupt file)`, at)
      this.block(type, b, pos, len, at)
      pos += len
      b = this.buf
    }
    return pos
  }

  private block(type: number, b: Buffer, pos: number, len: number, at: number): void {
    const body = pos + 8
    const bodyEnd = pos + len - 4
    if (type === PCAPNG_SHB) {
      if (len < 28) throw new CaptureFormatError(`section header at byte ${at} is too short (corrupt file)`, at)
      this.section++
      this.interfaces = []
      this.ngInterfaces = undefined
      return
    }
    if (this.section < 0) throw new CaptureFormatError('pcapng file does not start with a section header', 0)
    if (type === 1) {
      if (len < 20) throw new CaptureFormatError(`interface block at byte ${at} is too short (corrupt file)`, at)
      const iface: Interface = { linkType: this.u16(b, body), snaplen: this.u32(b, body + 4), perSecond: 1e6, unit: 1e-6, offset: 0, hi: -1, hiSec: 0, hiRem: 0 }
      this.interfaceOptions(iface, b, body + 8, bodyEnd)
      this.interfaces.push(iface)
      this.ngInterfaces = undefined
      this.seenLink(iface.linkType)
      return
    }
    if (type === 6 || type === 2) {
      if (len < 32) throw new CaptureFormatError(`packet block at byte ${at} is too short (corrupt file)`, at)
      const id = type === 6 ? this.u32(b, body) : this.u16(b, body)
      const iface = this.interfaces[id]
      if (!iface) throw new CaptureFormatError(`packet block at byte ${at} names interface ${id}, which was never described (corrupt file)`, at)
      const hi = this.u32(b, body + 4)
      const lo = this.u32(b, body + 8)
      const caplen = this.u32(b, body + 12)
      const orig = this.u32(b, body + 16)
      const start = body + 20
      if (start + caplen > bodyEnd) throw new CaptureFormatError(`packet block at byte ${at}: captured length ${caplen} exceeds the block (corrupt file)`, at)
      this.emit(iface, id, this.timestamp(iface, hi, lo), b, start, start + caplen, orig)
      return
    }
    // type 3: simple packet block, always interface 0, no timestamp.
    const iface = this.interfaces[0]
    if (!iface) throw new CaptureFormatError(`simple packet block at byte ${at} before any interface block (corrupt file)`, at)
    if (len < 16) throw new CaptureFormatError(`simple packet block at byte ${at} is too short (corrupt file)`, at)
    const orig = this.u32(b, body)
    let caplen = Math.min(orig, bodyEnd - body - 4)
    if (iface.snaplen > 0) caplen = Math.min(caplen, iface.snaplen)
    this.emit(iface, 0, NaN, b, body + 4, body + 4 + caplen, orig)
  }

  private emit(iface: Interface, id: number, ts: number, b: Buffer, start: number, end: number, orig: number): void {
    this.packets++
    this.bytes += end - start
    const v = this.view
    v.ts = ts
    v.linkType = iface.linkType
    v.bytes = b
    v.start = start
    v.end = end
    v.origLen = Math.max(orig, end - start)
    v.interfaceId = id
    v.section = this.section
    this.onPacket(v)
  }

  /**
   * A 64-bit timestamp in units of the interface: nanoseconds since the epoch exceed 2^53, so the high word is
   * split into seconds and a remainder exactly (BigInt, once per high-word change: every 4.3 s of capture at ns).
   */
  private timestamp(iface: Interface, hi: number, lo: number): number {
    const per = iface.perSecond
    if (per === 0 || per > 1e15) return (hi * 4294967296 + lo) * iface.unit + iface.offset
    if (hi !== iface.hi) {
      const units = BigInt(hi) << 32n
      const bigPer = BigInt(per)
      iface.hi = hi
      iface.hiSec = Number(units / bigPer)
      iface.hiRem = Number(units % bigPer)
    }
    const rem = iface.hiRem + lo
    const whole = Math.floor(rem / per)
    return iface.hiSec + whole + (rem - whole * per) / per + iface.offset
  }

  private interfaceTable(): NgInterfaces {
    const table = new Float64Array(4 * this.interfaces.length)
    this.interfaces.forEach((f, i) => table.set([f.linkType, f.perSecond, f.unit, f.offset], 4 * i))
    return { table, count: this.interfaces.length, linkTypes: this.interfaces.map((f) => f.linkType), section: this.section }
  }

  /** if_tsresol (9) and if_tsoffset (14); other options are skipped. */
  private interfaceOptions(iface: Interface, b: Buffer, pos: number, end: number): void {
    while (pos + 4 <= end) {
      const code = this.u16(b, pos)
      const olen = this.u16(b, pos + 2)
      if (code === 0) return
      const v = pos + 4
      if (v + olen > end) return
      if (code === 9 && olen >= 1) {
        const r = b[v]
        const exp = r & 0x7f
        iface.unit = r & 0x80 ? Math.pow(2, -exp) : Math.pow(10, -exp)
        iface.perSecond = r & 0x80 ? 0 : Math.pow(10, exp)
      } else if (code === 14 && olen >= 8) {
        iface.offset = Number(this.little ? b.readBigInt64LE(v) : b.readBigInt64BE(v))
      }
      pos = v + ((olen + 3) & ~3)
    }
  }
}

const le32 = (b: Uint8Array, o: number): number => (b[o] | (b[o + 1] << 8) | (b[o + 2] << 16) | (b[o + 3] << 24)) >>> 0
const be32 = (b: Uint8Array, o: number): number => ((b[o] << 24) | (b[o + 1] << 16) | (b[o + 2] << 8) | b[o + 3]) >>> 0

/** Convenience: an async iterator of records (each copied) and, at the end, the summary through `onEnd`. */
export async function* readCapture(stream: AsyncIterable<Uint8Array>, onEnd?: (s: ReadSummary) => void): AsyncIterable<CapturedPacket> {
  let batch: CapturedPacket[] = []
  const reader = new CaptureReader((p) => {
    const copy = new PacketView()
    Object.assign(copy, { ts: p.ts, linkType: p.linkType, origLen: p.origLen, interfaceId: p.interfaceId, section: p.section, start: 0, end: p.end - p.start })
    copy.bytes = p.bytes.slice(p.start, p.end)
    batch.push(copy)
  })
  for await (const chunk of stream) {
    reader.push(chunk)
    const out = batch
    batch = []
    yield* out
  }
  const summary = reader.end()
  onEnd?.(summary)
}
