// Property-based tests of the ss and /proc parsers: lines of the captured fixtures, mutated, and random lines.
// Whatever the text, a parser returns or throws its ParseError (nothing else), and every number it returns is
// finite: a value it cannot read is undefined (or the whole input a ParseError), never NaN or Infinity.
// Seeded and bounded; the longer run is bench/fuzz.ts.
import fc from 'fast-check'

import { fuzzTimeout, linesArb, parserCorpus, parserProblems, runs, SEED } from '../../helpers/fuzz.js'

describe.each(parserCorpus().map((p) => [p.name, p] as const))('%s', (_name, p) => {
  test('the fixture parses without a problem', async () => {
    expect(await parserProblems(p, p.lines)).toEqual([])
  })

  test('mutated and random lines: only ParseError, no NaN or Infinity', async () => {
    await fc.assert(
      fc.asyncProperty(linesArb(p.lines), async (lines) => {
        expect(await parserProblems(p, lines)).toEqual([])
      }),
      { seed: SEED, numRuns: runs(150) },
    )
  }, fuzzTimeout(30000))
})
