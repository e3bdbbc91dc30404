#!/usr/bin/env node
// Start-up cost: `netdoc --help`, `netdoc checks` and short runs, each next to its references measured in the same
// run: `node -e 0`, and a bare oclif CLI with a manifest like netdoc's (bench/bare-oclif: `--help`, and a command
// that prints one line). CPU time (user + system of the process and its children) beside the wall time: on a
// loaded machine the wall time mostly measures the other processes, the CPU time much less so.
//
// Usage: npm run build && node bench/startup.mjs [runs=20] [netdoc root=..] [before root]
// A before root (a copy of another build: bin/, dist/, package.json, oclif.manifest.json, node_modules) is
// measured in the same rounds, so a change is compared with what it replaced at the same load.
//
// The cases run in rounds, every case once a round, so a change of load during the run falls on all of them.
import { execFileSync, spawnSync } from 'node:child_process'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { cpus, loadavg } from 'node:os'

const here = dirname(fileURLToPath(import.meta.url))
const root = join(here, '..')
const runs = Number(process.argv[2] ?? 20)
const netdoc = process.argv[3] ?? root
const before = process.argv[4]
const node = process.execPath
const bare = join(here, 'bare-oclif')

// The baseline gets a manifest too, so the comparison is like for like.
execFileSync(node, ['-e', `
  const { Plugin } = await import('@oclif/core/config');
  const p = new Plugin({ root: ${JSON.stringify(bare)}, type: 'core', ignoreManifest: true, errorOnManifestCreate: true });
  await p.load();
  (await import('node:fs')).writeFileSync(${JSON.stringify(join(bare, 'oclif.manifest.json'))}, JSON.stringify(p.manifest));
`], { cwd: root, stdio: 'inherit', env: { ...process.env, NODE_OPTIONS: '--input-type=module' } })

const run = (r) => [node, join(r, 'bin', 'run.js')]
const never = ['--fail-on', 'never']
/** [name, argv, the reference it is compared with] */
const NETDOC = [
  ['--help', ['--help'], 'bare oclif --help'],
  ['check --help', ['check', '--help'], 'bare oclif --help'],
  ['checks', ['checks'], 'bare oclif hello'],
  ['checks --json', ['checks', '--json'], 'bare oclif hello'],
  ['check --interval 0 --only queues', ['check', '--interval', '0', '--only', 'queues', ...never], 'bare oclif hello'],
  ['queues --interval 0', ['queues', '--interval', '0', ...never], 'bare oclif hello'],
  ['queues --interval 0 --json', ['queues', '--interval', '0', '--json', ...never], 'bare oclif hello'],
]
const cases = [
  ['node -e 0', [node, '-e', '0']],
  // what oclif's command sort costs a CLI of two commands or more (bench/bare-oclif/commands/world.js)
  ['node -e localeCompare', [node, '-e', "'a'.localeCompare('b')"]],
  ['bare oclif --help', [node, join(bare, 'bin', 'run.js'), '--help']],
  ['bare oclif hello', [node, join(bare, 'bin', 'run.js'), 'hello']],
  ...NETDOC.flatMap(([name, argv, ref]) => [
    ...(before ? [[`before: netdoc ${name}`, [...run(before), ...argv], ref]] : []),
    [`netdoc ${name}`, [...run(netdoc), ...argv], ref],
  ]),
]

/** Wall time, and the CPU time of the command and its children from bash's `times` (1 ms resolution). */
function time(argv) {
  const t = process.hrtime.bigint()
  const r = spawnSync('/bin/bash', ['-c', '"$@" >/dev/null; rc=$?; times >&3; exit $rc', 'bash', ...argv], {
    stdio: ['ignore', 'ignore', 'pipe', 'pipe'],
    env: { ...process.env, NO_COLOR: '1' },
  })
  const wall = Number(process.hrtime.bigint() - t) / 1e6
  if (r.status !== 0) throw new Error(`${argv.join(' ')} exited ${r.status}: ${r.stderr}`)
  // the second line of `times`: the children's user and system time, "0m0.123s 0m0.045s"
  const m = /(\d+)m([\d.]+)s (\d+)m([\d.]+)s/.exec(String(r.output[3]).trim().split('\n')[1])
  return { wall, cpu: (Number(m[1]) * 60 + Number(m[2]) + Number(m[3]) * 60 + Number(m[4])) * 1000 }
}

const loadBefore = loadavg()
const samples = cases.map(() => ({ wall: [], cpu: [] }))
for (const [, argv] of cases) time(argv) // warm the file cache
for (let round = 0; round < runs; round++) {
  cases.forEach(([, argv], i) => {
    const { wall, cpu } = time(argv)
    samples[i].wall.push(wall)
    samples[i].cpu.push(cpu)
  })
}
const loadAfter = loadavg()

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]
const results = new Map(cases.map(([name], i) => [name, { cpu: median(samples[i].cpu), minCpu: Math.min(...samples[i].cpu), wall: median(samples[i].wall), minWall: Math.min(...samples[i].wall) }]))
const ratio = (a, b) => (a / b).toFixed(2)
const nodeRef = results.get('node -e 0')

console.log(`${netdoc}${before ? ` (before: ${before})` : ''} · ${new Date().toISOString()}`)
console.log(`${runs} rounds · node ${process.version} · ${cpus().length} × ${cpus()[0].model}`)
console.log(`load average ${loadBefore.map((l) => l.toFixed(2)).join(' ')} at the start, ${loadAfter.map((l) => l.toFixed(2)).join(' ')} at the end`)
console.log('')
// medians, and the minima: on a loaded machine the least disturbed run is the closest to the cost itself
console.log('| case | CPU ms | CPU x reference | CPU ms (min) | min x reference | CPU x node | wall ms | wall ms (min) | wall x reference | reference |')
console.log('|---|---:|---:|---:|---:|---:|---:|---:|---:|---|')
for (const [name, , ref] of cases) {
  const r = results.get(name)
  const refR = ref ? results.get(ref) : undefined
  console.log(
    `| \`${name}\` | ${r.cpu.toFixed(0)} | ${refR ? ratio(r.cpu, refR.cpu) : ''} | ${r.minCpu.toFixed(0)} | ${refR ? ratio(r.minCpu, refR.minCpu) : ''} | ${ratio(r.cpu, nodeRef.cpu)} | ${r.wall.toFixed(0)} | ${r.minWall.toFixed(0)} | ${refR ? ratio(r.wall, refR.wall) : ''} | ${ref ?? ''} |`,
  )
}
