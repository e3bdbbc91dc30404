#!/usr/bin/env node
// Start-up cost: `netdoc --help`, `netdoc checks`, `netdoc queues --interval 0` against `node -e 0` and a bare
// oclif CLI (bench/bare-oclif, with a manifest like netdoc's). Prints median and min wall time of N runs.
// Usage: npm run build && node bench/startup.mjs [runs=20] [netdoc root=..]
// A second root (a copy of another build: bin/, dist/, package.json, oclif.manifest.json, node_modules) measures
// a before/after pair in the same session.
import { execFileSync, spawnSync } from 'node:child_process'
import { existsSync, readFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { cpus, loadavg } from 'node:os'

const here = dirname(fileURLToPath(import.meta.url))
const root = join(here, '..')
const runs = Number(process.argv[2] ?? 20)
const netdoc = process.argv[3] ?? root
const node = process.execPath
const bare = join(here, 'bare-oclif')

// The baseline gets a manifest too, so the comparison is like for like.
execFileSync(node, ['-e', `
  const { Plugin } = await import('@oclif/core/config');
  const p = new Plugin({ root: ${JSON.stringify(bare)}, type: 'core', ignoreManifest: true, errorOnManifestCreate: true });
  await p.load();
  (await import('node:fs')).writeFileSync(${JSON.stringify(join(bare, 'oclif.manifest.json'))}, JSON.stringify(p.manifest));
`], { cwd: root, stdio: 'inherit', env: { ...process.env, NODE_OPTIONS: '--input-type=module' } })

const cases = [
  ['node -e 0', [node, '-e', '0']],
  ['bare oclif --help', [node, join(bare, 'bin', 'run.js'), '--help']],
  ['bare oclif hello', [node, join(bare, 'bin', 'run.js'), 'hello']],
  ['netdoc --help', [node, join(netdoc, 'bin', 'run.js'), '--help']],
  ['netdoc checks', [node, join(netdoc, 'bin', 'run.js'), 'checks']],
  ['netdoc checks --json', [node, join(netdoc, 'bin', 'run.js'), 'checks', '--json']],
  ['netdoc check --interval 0 --only queues', [node, join(netdoc, 'bin', 'run.js'), 'check', '--interval', '0', '--only', 'queues', '--fail-on', 'never']],
  ['netdoc queues --interval 0', [node, join(netdoc, 'bin', 'run.js'), 'queues', '--interval', '0', '--fail-on', 'never']],
  ['netdoc queues --interval 0 --json', [node, join(netdoc, 'bin', 'run.js'), 'queues', '--interval', '0', '--json', '--fail-on', 'never']],
]

// CPU time (user + system, from GNU time) beside the wall time: on a loaded machine the wall time mostly
// measures the other processes, the CPU time much less so.
const GNU_TIME = existsSync('/usr/bin/time') ? '/usr/bin/time' : undefined
const cpuFile = join(tmpdir(), `netdoc-startup-cpu-${process.pid}`)
const cpu = []

function time(argv) {
  const cmd = GNU_TIME ? [GNU_TIME, '-o', cpuFile, '-f', '%U %S', ...argv] : argv
  const t = process.hrtime.bigint()
  const r = spawnSync(cmd[0], cmd.slice(1), { stdio: ['ignore', 'ignore', 'pipe'], env: { ...process.env, NO_COLOR: '1' } })
  if (r.status !== 0) throw new Error(`${argv.join(' ')} exited ${r.status}: ${r.stderr}`)
  const wall = Number(process.hrtime.bigint() - t) / 1e6
  if (GNU_TIME) cpu.push(readFileSync(cpuFile, 'utf8').trim().split(/\s+/).reduce((a, v) => a + Number(v) * 1000, 0))
  return wall
}

const results = {}
for (const [name, argv] of cases) {
  time(argv) // warm the file cache
  cpu.length = 0
  const ms = Array.from({ length: runs }, () => time(argv)).sort((a, b) => a - b)
  const c = [...cpu].sort((a, b) => a - b)
  results[name] = { median: ms[Math.floor(ms.length / 2)], min: ms[0], cpu: c.length ? c[Math.floor(c.length / 2)] : undefined }
}
const base = results['node -e 0'].median
const bareHelp = results['bare oclif --help'].median
console.log(`${netdoc} · load average ${loadavg().map((l) => l.toFixed(2)).join(' ')} · ${new Date().toISOString()}`)
console.log(`start-up, ${runs} runs each · node ${process.version} · ${cpus().length} × ${cpus()[0].model}`)
console.log('case'.padEnd(36), 'median ms'.padStart(10), 'min ms'.padStart(8), 'x node'.padStart(8), 'x bare oclif'.padStart(13), 'cpu ms'.padStart(8))
for (const [name, r] of Object.entries(results)) {
  console.log(name.padEnd(36), r.median.toFixed(1).padStart(10), r.min.toFixed(1).padStart(8), (r.median / base).toFixed(2).padStart(8), (r.median / bareHelp).toFixed(2).padStart(13), (r.cpu === undefined ? '-' : r.cpu.toFixed(0)).padStart(8))
}
