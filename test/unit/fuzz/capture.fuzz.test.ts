// Property-based tests of the capture reader and decoder on the committed captures, mutated: whatever the bytes,
// they throw nothing but CaptureFormatError, do bounded work, keep bounded memory, and every decoded number is in
// its range (never NaN). Seeded and bounded (test/helpers/fuzz.ts SEED); the longer run is bench/fuzz.ts.
import fc from 'fast-check'

import { analyseProblems, captureCorpus, fuzzTimeout, lengthFields, mutate, mutationArb, readProblems, runs, SEED } from '../../helpers/fuzz.js'

const corpus = captureCorpus()

describe.each(corpus.map((c) => [c.name, c.bytes] as const))('%s', (_name, bytes) => {
  test('the original reads without a problem', () => {
    expect(readProblems(bytes, 65536)).toEqual([])
  })

  test('cut at every offset of the first records: only CaptureFormatError, or read up to the cut', () => {
    const fields = lengthFields(bytes, 12)
    const upTo = Math.min(bytes.length, (fields[fields.length - 1] ?? 64) + 64)
    for (let at = 0; at <= upTo; at++) expect([at, readProblems(bytes.subarray(0, at), 64)]).toEqual([at, []])
  })

  test('mutated (flipped bytes, lengths 0 / huge / off by one, cuts, copied ranges), in chunks of any size', () => {
    fc.assert(
      fc.property(mutationArb(bytes), fc.integer({ min: 1, max: 4096 }), (ms, chunk) => {
        expect(readProblems(mutate(bytes, ms), chunk)).toEqual([])
      }),
      { seed: SEED, numRuns: runs(300) },
    )
  }, fuzzTimeout(30000))

  test('mutated, through the tracker and every analysis', async () => {
    await fc.assert(
      fc.asyncProperty(mutationArb(bytes), async (ms) => {
        expect(await analyseProblems(mutate(bytes, ms))).toEqual([])
      }),
      { seed: SEED, numRuns: runs(100) },
    )
  }, fuzzTimeout(30000))
})

test('random bytes behind a valid pcap or pcapng header', () => {
  const heads = corpus.map((c) => c.bytes.subarray(0, c.bytes.readUInt32BE(0) === 0x0a0d0d0a ? 28 + 20 : 24))
  fc.assert(
    fc.property(fc.constantFrom(...heads), fc.uint8Array({ maxLength: 2048 }), fc.integer({ min: 1, max: 512 }), (head, tail, chunk) => {
      expect(readProblems(Buffer.concat([head, Buffer.from(tail)]), chunk)).toEqual([])
    }),
    { seed: SEED, numRuns: runs(500) },
  )
}, fuzzTimeout(30000))
