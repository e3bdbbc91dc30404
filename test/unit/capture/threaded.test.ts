// The capture file on two threads gives exactly the fact of the one-thread pipeline, both ways threaded.ts has:
// read and decoded on a worker with flows tracked here (UDP datagrams and fragments tracked on the worker), and
// the analyses split across two threads that each read, decode and track the file (the split fact serialises to
// the same bytes, key order included): on every committed capture, other file shapes, a file of several batches,
// a truncated file and a file that is not a capture; an error on the analysis worker fails the run. Then the
// policy that picks one thread or two. The workers run from dist/ (npm run build first).
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

import { BATCH_SEGMENTS } from '../../../src/capture/batch.js'
import { captureFact, captureFactSplit, captureFileFact } from '../../../src/capture/fact.js'
import { analysesOnWorker, captureThreads, MIN_THREADED_BYTES, WORKER_ANALYSES } from '../../../src/capture/threaded.js'
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

/** One thread, decoded on a worker, and split (the analyses of WORKER_ANALYSES on a worker) */
async function bothWays(path: string): Promise<{ one: CaptureFact; two: CaptureFact; split: CaptureFact }> {
  const origin = { kind: 'file' as const, path }
  const one = await captureFact(chunks(readFileSync(path)), origin)
  const two = await captureFileFact(path, origin)
  const split = await captureFactSplit(chunks(readFileSync(path)), path, origin, WORKER_ANALYSES)
  return { one, two, split }
}

/** the same fact, to the byte: the same values in the same key order */
function expectSameBytes(fact: CaptureFact, one: CaptureFact): void {
  expect(fact).toEqual(one)
  expect(JSON.stringify(fact)).toBe(JSON.stringify(one))
}

function save(name: string, buf: Buffer): string {
  const p = join(dir, name)
  writeFileSync(p, buf)
  return p
}

test.each(COMMITTED)('the same capture fact on one thread and two: %s', async (path) => {
  const { one, two, split } = await bothWays(path)
  expect(one.tcpSegments + (one.udp?.datagrams ?? 0)).toBeGreaterThan(0)
  expect(two).toEqual(one)
  expectSameBytes(split, one)
})

test('any split of the analyses gives the same fact, and only the analyses asked for', async () => {
  const path = COMMITTED[4]
  const origin = { kind: 'file' as const, path }
  const one = await captureFact(chunks(readFileSync(path)), origin)
  expect(one.connections).toBeGreaterThan(0)
  for (const onWorker of [['closes', 'keepalive'], ['heartbeat', 'congestion', 'closes'], ['closes', 'keepalive', 'heartbeat', 'congestion'], []] as const) {
    expectSameBytes(await captureFactSplit(chunks(readFileSync(path)), path, origin, onWorker), one)
  }
  const some = await captureFactSplit(chunks(readFileSync(path)), path, origin, WORKER_ANALYSES, undefined, ['congestion', 'closes'])
  expect(Object.keys(some.analyses)).toEqual(['closes', 'congestion'])
  expectSameBytes(some, await captureFact(chunks(readFileSync(path)), origin, undefined, ['closes', 'congestion']))
})

test('the same fact from a big-endian pcap and a pcapng (IPv6 addresses mapped across the threads)', async () => {
  const f = parsePcapLE(readFileSync(COMMITTED[0]))
  const be = await bothWays(save('be.pcap', writePcap(f, true)))
  expect(be.two).toEqual(be.one)
  expectSameBytes(be.split, be.one)
  const ng = await bothWays(save('ng.pcapng', writePcapng([{ bigEndian: true, linkType: f.linkType, snaplen: f.snaplen, records: f.records, nano: f.nano, unknownBlockBytes: 100 }])))
  expect(ng.two).toEqual(ng.one)
  expectSameBytes(ng.split, ng.one)
  expect(analysisOf(ng.one, 'closes').some((s) => s.server.startsWith('['))).toBe(true)
})

test('the same fact over several batches (the worker waits for batches to come back)', async () => {
  const f = parsePcapLE(readFileSync(COMMITTED[0]))
  const copies = Math.ceil((3 * BATCH_SEGMENTS) / f.records.length)
  const records = Array.from({ length: copies }, (_, k) => f.records.map((r) => ({ ...r, sec: r.sec + k * 100 }))).flat()
  const { one, two, split } = await bothWays(save('many.pcap', writePcap({ ...f, records }, false)))
  expect(one.tcpSegments).toBeGreaterThan(3 * BATCH_SEGMENTS)
  expect(two).toEqual(one)
  expectSameBytes(split, one)
})

test('a truncated file: the same fact, truncation included; not a capture: the same error', async () => {
  const buf = readFileSync(COMMITTED[1])
  const { one, two, split } = await bothWays(save('cut.pcap', buf.subarray(0, buf.length - 30)))
  expect(one.truncated).toBeDefined()
  expect(two).toEqual(one)
  expectSameBytes(split, one)
  const path = save('text.pcap', Buffer.from('hello, not a capture\n'))
  const origin = { kind: 'file' as const, path }
  const err = await captureFact(chunks(readFileSync(path)), origin).catch((e: unknown) => e)
  expect(err).toBeInstanceOf(CaptureFormatError)
  await expect(captureFileFact(path, origin)).rejects.toThrow(new CaptureFormatError((err as Error).message, 0))
  const splitErr = await captureFactSplit(chunks(readFileSync(path)), path, origin, WORKER_ANALYSES).catch((e: unknown) => e)
  expect(splitErr).toBeInstanceOf(CaptureFormatError)
  expect(splitErr).toEqual(err)
  // the worker alone says the same
  await expect(analysesOnWorker(path, WORKER_ANALYSES).results).rejects.toThrow(new CaptureFormatError((err as Error).message, 0))
})

test('an error on the analysis worker fails the run, with its code, while this thread reads a good file', async () => {
  const good = COMMITTED[0]
  const missing = join(dir, 'gone.pcap')
  const origin = { kind: 'file' as const, path: good }
  await expect(analysesOnWorker(missing, WORKER_ANALYSES).results).rejects.toMatchObject({ code: 'ENOENT' })
  // the main thread reads `good` (several chunks) while the worker fails to open `missing`
  await expect(captureFactSplit(chunks(readFileSync(good)), missing, origin, WORKER_ANALYSES)).rejects.toMatchObject({ code: 'ENOENT' })
  // a worker that runs out of its heap: an error naming it, not a hang or a partial fact
  await expect(analysesOnWorker(good, WORKER_ANALYSES, { maxOldGenerationSizeMb: 1, maxYoungGenerationSizeMb: 1 }).results).rejects.toThrow(/memory|worker/i)
})

describe('the policy: one thread or two (captureThreads)', () => {
  const every = ['heartbeat', 'keepalive', 'closes', 'congestion'] as const
  const big = MIN_THREADED_BYTES
  test.each([
    // bytes, cores, analyses, NETDOC_CAPTURE_THREADS, choice
    [big, 3, every, undefined, 'decode'],
    [big * 100, 8, ['closes', 'congestion'], undefined, 'decode'],
    // two cores: one thread is as fast as the decode worker there, for less CPU (branch issue-17j)
    [big, 2, every, undefined, 'one'],
    [big * 100, 2, every, undefined, 'one'],
    [big, 3, ['closes', 'keepalive', 'heartbeat'], undefined, 'one'],
    [big, 3, ['congestion'], undefined, 'one'],
    [big, 3, [], undefined, 'one'],
    [big - 1, 3, every, undefined, 'one'],
    [0, 3, every, undefined, 'one'],
    [big, 1, every, undefined, 'one'],
    [big * 100, 8, every, '1', 'one'],
    [1000, 1, ['closes'], '2', 'decode'],
    [big, 2, every, '2', 'decode'],
    [1000, 1, every, 'split', 'split'],
    [big, 3, every, 'yes', 'decode'],
    [big, 2, every, 'yes', 'one'],
    [big - 1, 3, every, 'yes', 'one'],
  ] as const)('%d bytes, %d cores, %j, NETDOC_CAPTURE_THREADS=%s: %s', (bytes, cores, names, env, choice) => {
    expect(captureThreads(bytes, cores, names, env)).toBe(choice)
  })

  test.each([
    // with the native flow engine one thread, whatever the cores, unless asked otherwise
    [big, 3, every, undefined, 'one'],
    [big * 100, 8, ['closes', 'congestion'], undefined, 'one'],
    [big, 8, every, '2', 'decode'],
    [big, 8, every, 'split', 'split'],
  ] as const)('with the native flow engine: %d bytes, %d cores, %j, NETDOC_CAPTURE_THREADS=%s: %s', (bytes, cores, names, env, choice) => {
    expect(captureThreads(bytes, cores, names, env, true)).toBe(choice)
  })
})
