// The decoder keys IPv6 addresses by their bytes in a small table (decode.ts v6Slot): with more addresses than
// the table has slots, in any order, every segment must still carry its own address and the same id for the same
// address, whatever evicted what in between.
import { decodeTcpInto, Segment } from '../../../src/capture/decode.js'
import { ipv6Text } from '../../../src/parsers/address.js'

/** A raw-IP (link type 101) IPv6 TCP segment from src to dst, 20-byte TCP header, no payload. */
function v6Segment(src: Buffer, dst: Buffer, sport: number, dport: number): Buffer {
  const p = Buffer.alloc(60)
  p[0] = 0x60
  p.writeUInt16BE(20, 4)
  p[6] = 6
  p[7] = 64
  src.copy(p, 8)
  dst.copy(p, 24)
  p.writeUInt16BE(sport, 40)
  p.writeUInt16BE(dport, 42)
  p[52] = 5 << 4
  p[53] = 0x10
  return p
}

/** Deterministic addresses that differ from their neighbours in one 32-bit word only, each word in turn. */
function address(i: number): Buffer {
  const a = Buffer.from('20010db8000000000000000000000001', 'hex')
  const word = i % 4
  a.writeUInt32BE((a.readUInt32BE(word * 4) + 1 + (i >> 2)) >>> 0, word * 4)
  return a
}

test('IPv6 ids and texts stay exact with more addresses than the table holds, in any order', () => {
  const n = 2000
  const addrs = Array.from({ length: n }, (_, i) => address(i))
  const seg = new Segment()
  const idOf = new Map<string, number>()
  let seed = 7
  const next = () => (seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) % n
  for (let k = 0; k < 20_000; k++) {
    const s = k < n ? k : next()
    const d = next()
    const bytes = v6Segment(addrs[s], addrs[d], 40000 + (k % 1000), 443)
    expect(decodeTcpInto(seg, 101, bytes, 0, bytes.length, bytes.length)).toBe(true)
    const srcText = ipv6Text(addrs[s])
    const dstText = ipv6Text(addrs[d])
    expect([seg.src, seg.dst]).toEqual([srcText, dstText])
    for (const [text, id] of [[srcText, seg.srcId], [dstText, seg.dstId]] as const) {
      const known = idOf.get(text)
      if (known === undefined) idOf.set(text, id)
      else expect(id).toBe(known)
    }
  }
  // distinct addresses, distinct ids
  expect(new Set(idOf.values()).size).toBe(idOf.size)
  expect(idOf.size).toBe(n)
})
