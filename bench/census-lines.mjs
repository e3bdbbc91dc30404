#!/usr/bin/env node
// In-process census over an `ss -tano` output (issue 17): the parse and aggregation alone, without ss or
// start-up. Needs a build (npm run build). Prints figures only.
//
//   node bench/census-lines.mjs [--cold] [FILE|-] [OTHER_ROOT...]
//
// FILE: an `ss -tano` output (default, or `-`: one written to a temp dir shaped like bench/census.mjs's quiet
// table: 20 000 loopback ESTAB and 40 000 client-side TIME_WAIT over 4 destinations). Each OTHER_ROOT (a checkout
// with its own dist/, e.g. an older build) is measured the same way, interleaved round by round, so all see the
// same load. The lines come through the live path (the command's batches of `cat FILE`). CPU is the process's
// user+sys during the census; the first run is what a CLI pays (cold JIT), the median the steady state.
// --cold: each round runs each build's census once in a fresh node process (execa loaded first, as the CLI has
// it by then): the cold run a CLI pays, not disturbed by another build's warm-up in the same process.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { loadavg, tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..')
const ROUNDS = 15
const args = process.argv.slice(2)
const cold = args[0] === '--cold'
if (cold) args.shift()
// a child of --cold: one census of FILE with the build at ROOT, printed as JSON
if (args[0] === '--one') {
  const [, root, path] = args
  const exec = await import(join(root, 'dist', 'probes', 'exec.js'))
  const { censusOfSsLines } = await import(join(root, 'dist', 'census', 'census.js'))
  await exec.runCommand(['true'])
  const lines = exec.commandLineBatches ? exec.commandLineBatches(['cat', path]) : exec.commandLines(['cat', path])
  const c0 = process.cpuUsage()
  const t0 = performance.now()
  const c = await censusOfSsLines(lines, 'ss -tano')
  const cpu = process.cpuUsage(c0)
  console.log(JSON.stringify({ wall: performance.now() - t0, cpu: (cpu.user + cpu.system) / 1000, total: c.total }))
  process.exit(0)
}
let [file, ...others] = args
let dir
if (!file || file === '-') {
  dir = mkdtempSync(join(tmpdir(), 'netdoc-census-lines-'))
  file = join(dir, 'ss-tano.txt')
  const out = ['State      Recv-Q Send-Q Local Address:Port  Peer Address:Port Process', 'LISTEN     0      4096       127.0.0.1:8080       0.0.0.0:*']
  for (let i = 0; i < 10000; i++) {
    out.push(`ESTAB      0      0          127.0.0.1:${20000 + i}       127.0.0.1:8080  `, `ESTAB      0      0          127.0.0.1:8080       127.0.0.1:${20000 + i}  `)
  }
  for (let i = 0; i < 40000; i++) out.push(`TIME-WAIT  0      0          127.0.0.1:${32768 + (i % 28000)}      127.0.0.${2 + (i % 4)}:9000  timer:(timewait,${30 + (i % 29)}sec,0)`)
  writeFileSync(file, out.join('\n') + '\n')
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]
if (cold) {
  const { execFileSync } = await import('node:child_process')
  const self = fileURLToPath(import.meta.url)
  const runs = [ROOT, ...others].map((root) => ({ root, wall: [], cpu: [], total: 0 }))
  const before = loadavg()
  for (let r = 0; r < ROUNDS; r++) {
    for (const b of runs) {
      const one = JSON.parse(execFileSync(process.execPath, [self, '--one', b.root, file], { encoding: 'utf8' }))
      b.wall.push(one.wall)
      b.cpu.push(one.cpu)
      b.total = one.total
    }
  }
  console.log(`${file}; ${ROUNDS} rounds, a fresh process per census; load average ${before.map((x) => x.toFixed(2)).join(' ')} → ${loadavg().map((x) => x.toFixed(2)).join(' ')}`)
  for (const b of runs) {
    console.log(`${b.root}: ${b.total} sockets; cold run median ${median(b.wall).toFixed(0)} ms wall / ${median(b.cpu).toFixed(0)} ms CPU (min ${Math.min(...b.wall).toFixed(0)} / ${Math.min(...b.cpu).toFixed(0)})`)
  }
  if (dir) rmSync(dir, { recursive: true, force: true })
  process.exit(0)
}

const builds = []
for (const root of [ROOT, ...others]) {
  const exec = await import(join(root, 'dist', 'probes', 'exec.js'))
  const { censusOfSsLines } = await import(join(root, 'dist', 'census', 'census.js'))
  // builds before issue 17e read line by line
  const lines = exec.commandLineBatches ? () => exec.commandLineBatches(['cat', file]) : () => exec.commandLines(['cat', file])
  builds.push({ root, run: () => censusOfSsLines(lines(), 'ss -tano'), cpu: [], wall: [], total: 0 })
}
const before = loadavg()
for (let r = 0; r < ROUNDS; r++) {
  for (const b of builds) {
    const c0 = process.cpuUsage()
    const t0 = performance.now()
    b.total = (await b.run()).total
    const c = process.cpuUsage(c0)
    b.wall.push(performance.now() - t0)
    b.cpu.push((c.user + c.system) / 1000)
  }
}
console.log(`${file}; ${ROUNDS} rounds; load average ${before.map((x) => x.toFixed(2)).join(' ')} → ${loadavg().map((x) => x.toFixed(2)).join(' ')}`)
for (const b of builds) {
  console.log(`${b.root}: ${b.total} sockets; first run ${b.wall[0].toFixed(0)} ms wall / ${b.cpu[0].toFixed(0)} ms CPU; median ${median(b.wall).toFixed(0)} ms wall / ${median(b.cpu).toFixed(0)} ms CPU`)
}
if (dir) rmSync(dir, { recursive: true, force: true })
