// The capture file on two threads (threaded.ts: read and decoded on a worker, flows tracked here) gives exactly
// the fact of the one-thread pipeline (UDP datagrams and fragments included, tracked on the worker): on every
// committed capture, other file shapes, a file of several batches, a truncated file and a file that is not a
// capture. The worker runs from dist/ (npm run build first).
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

import { BATCH_SEGMENTS } from '../../../src/capture/batch.js'
import { captureFact, captureFileFact } from '../../../src/capture/fact.js'
import { CaptureFormatError } from '../../../src/capture/reader.js'
import { analysisOf, type CaptureFact } from '../../../src/model/capture.js'
import { parsePcapLE, writePcap, writePcapng } from '../../helpers/capture-files.js'
import { ROOT } from '../../helpers/netns.js'

const COMMITTED = ['capture/lo-snap96.pcap', 'capture/lo-eth.pcap', 'capture/any-sll2-ns.pcap', 'capture/udp-frag.pcap', 'resets/closes-lo.pcap', 'snapshots/busy-host/traffic.pcap'].map((f) => join(ROOT, 'test', 'fixtures', f))
let dir: string

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'netdoc-threaded-'))
})
afterAll(() => rmSync(dir, { recursive: true, force: true }))

async function* chunks(buf: Buffer) {
  for (let i = 0; i < buf.length; i += 65536) yield buf.subarray(i, i + 65536)
}

async function bothWays(path: string): Promise<{ one: CaptureFact; two: CaptureFact }> {
  const origin = { kind: 'file' as const, path }
  const one = await captureFact(chunks(readFileSync(path)), origin)
  const two = await captureFileFact(path, origin)
  return { one, two }
}

function save(name: string, buf: Buffer): string {
  const p = join(dir, name)
  writeFileSync(p, buf)
  return p
}

test.each(COMMITTED)('the same capture fact on one thread and two: %s', async (path) => {
  const { one, two } = await bothWays(path)
  expect(one.tcpSegments + (one.udp?.datagrams ?? 0)).toBeGreaterThan(0)
  expect(two).toEqual(one)
})

test('the same fact from a big-endian pcap and a pcapng (IPv6 addresses mapped across the threads)', async () => {
  const f = parsePcapLE(readFileSync(COMMITTED[0]))
  const be = await bothWays(save('be.pcap', writePcap(f, true)))
  expect(be.two).toEqual(be.one)
  const ng = await bothWays(save('ng.pcapng', writePcapng([{ bigEndian: true, linkType: f.linkType, snaplen: f.snaplen, records: f.records, nano: f.nano, unknownBlockBytes: 100 }])))
  expect(ng.two).toEqual(ng.one)
  expect(analysisOf(ng.one, 'closes').some((s) => s.server.startsWith('['))).toBe(true)
})

test('the same fact over several batches (the worker waits for batches to come back)', async () => {
  const f = parsePcapLE(readFileSync(COMMITTED[0]))
  const copies = Math.ceil((3 * BATCH_SEGMENTS) / f.records.length)
  const records = Array.from({ length: copies }, (_, k) => f.records.map((r) => ({ ...r, sec: r.sec + k * 100 }))).flat()
  const { one, two } = await bothWays(save('many.pcap', writePcap({ ...f, records }, false)))
  expect(one.tcpSegments).toBeGreaterThan(3 * BATCH_SEGMENTS)
  expect(two).toEqual(one)
})

test('a truncated file: the same fact, truncation included; not a capture: the same error', async () => {
  const buf = readFileSync(COMMITTED[1])
  const { one, two } = await bothWays(save('cut.pcap', buf.subarray(0, buf.length - 30)))
  expect(one.truncated).toBeDefined()
  expect(two).toEqual(one)
  const path = save('text.pcap', Buffer.from('hello, not a capture\n'))
  const origin = { kind: 'file' as const, path }
  const err = await captureFact(chunks(readFileSync(path)), origin).catch((e: unknown) => e)
  expect(err).toBeInstanceOf(CaptureFormatError)
  await expect(captureFileFact(path, origin)).rejects.toThrow(new CaptureFormatError((err as Error).message, 0))
})
