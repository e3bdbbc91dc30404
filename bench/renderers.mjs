#!/usr/bin/env node
// Output formats: time to render a report of N failing findings (3 evidence items, a remediation each) in every
// format, from dist/. The renderers are pure and hold the whole output string: this shows how that scales.
// Usage: npm run build && node bench/renderers.mjs [findings=10000]
import { dirname, join } from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'

const root = join(dirname(fileURLToPath(import.meta.url)), '..')
const load = (p) => import(pathToFileURL(join(root, 'dist', p)).href)
const { buildReport } = await load('engine/report.js')
const { render, FORMATS } = await load('report/index.js')

const n = Number(process.argv[2] ?? 10000)
const findings = Array.from({ length: n }, (_, i) => ({
  check: `timewait.storm`,
  status: 'fail',
  severity: i % 3 === 0 ? 'critical' : 'warning',
  title: 'TIME_WAIT storm',
  message: `10.0.${i >> 8}.${i & 255}:443 holds ${i} TIME_WAIT sockets`,
  subject: { remote: `10.0.${i >> 8}.${i & 255}:443`, side: 'client', process: 'curl', pid: 1000 + i },
  evidence: [
    { source: 'ss -tan', name: 'timeWait', value: i },
    { source: 'ss -tan', name: 'share', value: i / n },
    { source: '/proc/net/netstat', name: 'TcpExtTWRecycled', value: 5 * i, delta: i },
  ],
  remediation: { text: 'pool connections', commands: [`ss -tan 'dst 10.0.${i >> 8}.${i & 255}'`], docs: 'docs/checks/timewait.storm.md' },
}))
const report = buildReport({ version: 'bench', target: { kind: 'live', hostname: 'bench' }, windowSeconds: 2, findings, failOn: 'critical' })

console.log(`${n} findings · node ${process.version}`)
console.log('format        ms    MiB out')
for (const format of FORMATS) {
  await render(format, report, { color: false, verbose: true }) // warm-up: lazy imports
  const t0 = process.hrtime.bigint()
  const out = await render(format, report, { color: false, verbose: true })
  const ms = Number(process.hrtime.bigint() - t0) / 1e6
  console.log(`${format.padEnd(12)} ${ms.toFixed(0).padStart(4)}  ${(Buffer.byteLength(out) / 1048576).toFixed(1).padStart(8)}`)
}
