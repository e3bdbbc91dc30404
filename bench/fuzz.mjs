#!/usr/bin/env node
// The fuzz properties of test/unit/fuzz (capture reader and decoder, ss and /proc parsers), run longer than in
// npm test and with a fresh seed each time. Prints the seed, the cases run and the time; a failure prints
// fast-check's counterexample, and NETDOC_FUZZ_SEED=<seed> replays it.
// Usage: node bench/fuzz.mjs [SCALE]   (SCALE × the npm test case counts; default 40, about 100 k cases)
import { spawnSync } from 'node:child_process'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..')
const scale = Number(process.argv[2] ?? 40)
const seed = Number(process.env.NETDOC_FUZZ_SEED) || Math.floor(Math.random() * 2 ** 31)
// the cases of one npm test run: per capture 300 + 100 mutated, 500 random tails; per parser 150
const baseCases = 5 * (300 + 100) + 500 + 17 * 150
console.log(`fuzz: seed ${seed}, scale ${scale}: ~${baseCases * scale} cases`)
const started = process.hrtime.bigint()
const r = spawnSync(process.execPath, ['--experimental-vm-modules', join(ROOT, 'node_modules', 'jest', 'bin', 'jest.js'), '--runInBand', 'test/unit/fuzz'], {
  cwd: ROOT,
  env: { ...process.env, NETDOC_FUZZ_SCALE: String(scale), NETDOC_FUZZ_SEED: String(seed) },
  stdio: ['ignore', 'inherit', 'pipe'],
  encoding: 'utf8',
})
const seconds = Number(process.hrtime.bigint() - started) / 1e9
const summary = /Tests:.*$/m.exec(r.stderr)?.[0] ?? '(no jest summary)'
if (r.status !== 0) process.stderr.write(r.stderr)
console.log(`fuzz: ${summary.trim()} in ${seconds.toFixed(1)} s (seed ${seed}, scale ${scale})`)
process.exit(r.status ?? 1)
