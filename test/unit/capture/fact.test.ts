// The capture fact's notes: what the report says about the file itself.
import { readFileSync } from 'node:fs'
import { join } from 'node:path'

import { captureFact } from '../../../src/capture/fact.js'
import { CaptureFormatError } from '../../../src/capture/reader.js'
import { parsePcapLE, writePcap } from '../../helpers/capture-files.js'
import { ROOT } from '../../helpers/netns.js'

const eth = () => parsePcapLE(readFileSync(join(ROOT, 'test', 'fixtures', 'capture', 'lo-eth.pcap')))
async function* once(buf: Buffer) {
  yield buf
}
const fact = (buf: Buffer) => captureFact(once(buf), { kind: 'file', path: 'x.pcap' })

test('counts, connections and the first/last timestamps', async () => {
  const f = await fact(writePcap(eth(), false))
  expect(f).toMatchObject({ format: 'pcap', packets: 100, tcpSegments: 100, connections: 12 })
  expect(f.lastTs! - f.firstTs!).toBeGreaterThan(0)
  expect(f.notes).toEqual(['capture x.pcap: 100 packets, 100 TCP segments, 12 connections'])
})

test('a link type the decoder does not know: its packets are skipped, the report says so, and the fact says nothing was decodable', async () => {
  const f = await fact(writePcap({ ...eth(), linkType: 147 }, false))
  expect(f.tcpSegments).toBe(0)
  expect(f.notes.join('\n')).toMatch(/link type 147 is not understood/)
  expect(f.undecodable).toMatch(/link type 147 is not supported .*none of its 100 packets could be decoded/)
})

test('a known link type without TCP over IP: undecodable names the link type; an empty capture says it held nothing', async () => {
  const noIp = eth()
  // every Ethernet frame's EtherType set to ARP (0x0806): Ethernet, but no IP in it
  const f = await fact(writePcap({ ...noIp, records: noIp.records.map((r) => ({ ...r, data: Buffer.concat([r.data.subarray(0, 12), Buffer.from([0x08, 0x06]), r.data.subarray(14)]) })) }, false))
  expect(f.undecodable).toMatch(/none of its 100 packets \(link type Ethernet \(1\)\) is a TCP segment over IPv4 or IPv6/)
  const empty = await fact(writePcap({ ...noIp, records: [] }, false))
  expect(empty.undecodable).toMatch(/holds no packets/)
  expect((await fact(writePcap(eth(), false))).undecodable).toBeUndefined()
})

test('a truncated capture keeps what came before and says where it was cut', async () => {
  const buf = writePcap(eth(), false)
  const f = await fact(buf.subarray(0, buf.length - 5))
  expect(f.packets).toBe(99)
  expect(f.truncated).toMatchObject({ missing: 5 })
  expect(f.notes.join('\n')).toMatch(/is truncated: its last record is cut at byte \d+ \(5 bytes missing\); analysed up to the cut/)
})

test('not a capture → CaptureFormatError (the probe makes it exit 2 naming the file)', async () => {
  await expect(fact(Buffer.from('hello world, not a capture'))).rejects.toThrow(CaptureFormatError)
})
