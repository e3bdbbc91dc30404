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

test('a link type the decoder does not know: its packets are skipped and the report says so', async () => {
  const f = await fact(writePcap({ ...eth(), linkType: 147 }, false))
  expect(f.tcpSegments).toBe(0)
  expect(f.notes.join('\n')).toMatch(/link type 147 is not understood/)
  expect(f.notes.join('\n')).toMatch(/holds no TCP segments/)
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
