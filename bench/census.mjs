#!/usr/bin/env node
// Socket census benchmark (issue 3). Needs root (a namespace) and a build (npm run build). Prints figures only.
//
//   node bench/census.mjs            both parts
//   node bench/census.mjs real       (1) two real tables in namespaces (40 000 TIME_WAIT + 20 000 ESTAB; then the
//                                    same with 2000 CLOSE_WAIT of a leaking server, whose owner is looked up):
//                                    `netdoc timewait` minus its start-up (the same command on an empty namespace),
//                                    wall and CPU, against ss -tan and ss -tanp on the same table (and ss -tano, the census's own command), load average
//   node bench/census.mjs synthetic  (2) synthetic snapshots of 250 k, 500 k and 1 M sockets fed to --from: wall
//                                    time and peak RSS, against wc -l and awk over the same file
//
// Everything it starts is killed by pid and its namespaces deleted, also on Ctrl-C.
import { execFileSync, spawn, spawnSync } from 'node:child_process'
import { createReadStream, createWriteStream, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { createInterface } from 'node:readline'
import { fileURLToPath } from 'node:url'

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..')
const RUN = join(ROOT, 'bin', 'run.js')
const PROGRAMS = join(ROOT, 'test', 'helpers', 'programs')
const RUNS = 5 // real tables: TIME_WAIT lasts 60 s, so a table is measured within about a minute
// NETDOC_BASELINE=/path/to/an/older/bin/run.js also times that build on the same tables, round by round
const BASELINE = process.env.NETDOC_BASELINE
const children = []
const namespaces = []
const dirs = []

function cleanup() {
  for (const c of children) if (c.exitCode === null && c.pid) try { process.kill(c.pid, 'SIGKILL') } catch {}
  for (const ns of namespaces) spawnSync('ip', ['netns', 'del', ns])
  for (const d of dirs) rmSync(d, { recursive: true, force: true })
}
process.on('SIGINT', () => { cleanup(); process.exit(130) })

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]
const ms = (x) => `${x.toFixed(0)} ms`

/** Wall time and peak RSS (GNU time %M, KB) of a command, stdout discarded, median of runs. */
function timeRss(argv, runs = 3) {
  const times = []
  const rss = []
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now()
    const r = spawnSync('/usr/bin/time', ['-f', '%M', ...argv], { encoding: 'utf8', stdio: ['ignore', 'ignore', 'pipe'], maxBuffer: 1 << 26 })
    times.push(performance.now() - t0)
    rss.push(Number(r.stderr.trim().split('\n').pop()))
  }
  return { ms: median(times), rssMB: median(rss) / 1024 }
}

function makeNs(tag) {
  const name = `netdoc-bench-${tag}-${process.pid}`
  execFileSync('ip', ['netns', 'add', name])
  namespaces.push(name)
  execFileSync('ip', ['netns', 'exec', name, 'ip', 'link', 'set', 'lo', 'up'])
  return name
}

const sysctl = (ns, name, value) => execFileSync('ip', ['netns', 'exec', ns, 'sysctl', '-q', '-w', `${name}=${value}`])

/** Starts a program in the namespace (with a raised open-files limit) and waits for `ready`. */
async function startReady(ns, args) {
  const c = spawn('ip', ['netns', 'exec', ns, 'prlimit', '--nofile=20000:20000', process.execPath, ...args], { stdio: ['ignore', 'pipe', 'inherit'] })
  children.push(c)
  let out = ''
  c.stdout.on('data', (d) => (out += d))
  const deadline = Date.now() + 60000
  while (!/ready/.test(out)) {
    if (c.exitCode !== null || Date.now() > deadline) throw new Error(`${args.join(' ')}: no ready (${out})`)
    await new Promise((r) => setTimeout(r, 50))
  }
  return c
}

/**
 * Wall time (measured here, to the ms: GNU time's %e has 10 ms steps, too coarse for differences of two runs) and
 * CPU time (user+sys of the command and its children: GNU time, 10 ms steps) of a command, with its stdout.
 */
function timeCpu(argv) {
  const t0 = performance.now()
  const r = spawnSync('/usr/bin/time', ['-f', '%U %S', ...argv], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], maxBuffer: 1 << 28 })
  const wall = performance.now() - t0
  const [user, sys] = r.stderr.trim().split('\n').pop().split(' ').map(Number)
  return { ms: wall, cpu: (user + sys) * 1000, stdout: r.stdout }
}

const medianOf = (runs, key) => median(runs.map((r) => r[key]))
const minOf = (runs, key) => Math.min(...runs.map((r) => r[key]))
const load = () => readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ')

/**
 * One real table in a fresh namespace: 10000 held connections (20000 ESTAB sockets whose 20000 descriptors ss -p
 * walks), 40000 client-side TIME_WAIT spread over 4 destinations (10000 each: 18 % of the range, nothing fails),
 * and with `closeWait` 2000 CLOSE_WAIT sockets held by a leaking server (sockets.close-wait fails: its process
 * is looked up). ss -tan, ss -tanp and `netdoc timewait` on it and on an empty namespace, interleaved round by
 * round so all see the same load and the same TIME_WAIT decay (60 s).
 */
async function realTable(tag, closeWait) {
  const ns = makeNs(tag)
  const empty = makeNs(`${tag}-empty`)
  sysctl(ns, 'net.ipv4.ip_local_port_range', '10000 65000')
  sysctl(ns, 'net.ipv4.tcp_tw_reuse', 0)
  sysctl(ns, 'net.ipv4.tcp_max_tw_buckets', 262144)
  const t0 = performance.now()
  for (const port of [9000, 9001, 9002, 9003, 9004]) await startReady(ns, [join(PROGRAMS, 'echo-server.cjs'), '127.0.0.1', String(port), '4096'])
  await startReady(ns, [join(PROGRAMS, 'hold-connections.cjs'), '127.0.0.1', '9000', '10000', '600', 'hold'])
  if (closeWait) {
    await startReady(ns, [join(PROGRAMS, 'leaky-server.cjs'), '127.0.0.1', '9100', '600'])
    await startReady(ns, [join(PROGRAMS, 'hold-connections.cjs'), '127.0.0.1', '9100', '2000', '600', 'close'])
  }
  const shorts = [9001, 9002, 9003, 9004].map((port) => new Promise((resolve, reject) => {
    const c = spawn('ip', ['netns', 'exec', ns, process.execPath, join(PROGRAMS, 'short-connections.cjs'), '127.0.0.1', String(port), '10000', '100', 'client-closes'], { stdio: 'ignore' })
    children.push(c)
    c.on('close', resolve)
    c.on('error', reject)
  }))
  await Promise.all(shorts)
  await new Promise((r) => setTimeout(r, 300)) // the last FINs cross loopback
  const inNs = (name, argv) => ['ip', 'netns', 'exec', name, ...argv]
  const count = () => Number(execFileSync('ip', ['netns', 'exec', ns, 'ss', '-tanH'], { maxBuffer: 1 << 28 }).toString().split('\n').filter(Boolean).length)
  const before = count()
  console.log(`### ${closeWait ? 'attribution needed: + 2000 CLOSE_WAIT held by a leaking server' : 'nothing fails'} (${tag})`)
  console.log(`set-up in ${ms(performance.now() - t0)}: ${before} sockets (ss -tan), load average ${load()}`)

  const runs = { tan: [], tano: [], tanp: [], tanEmpty: [], tanpEmpty: [], nd: [], ndEmpty: [], base: [], baseEmpty: [] }
  const netdoc = (name, run = RUN) => [process.execPath, run, 'timewait', '--netns', name, '--interval', '0', '--json']
  let report
  for (let i = 0; i < RUNS; i++) {
    runs.tan.push(timeCpu(inNs(ns, ['ss', '-tan'])))
    // what the census itself runs (its -o timers find the keepalive sockets): netdoc's cost beyond its own ss
    runs.tano.push(timeCpu(inNs(ns, ['ss', '-tano'])))
    runs.tanp.push(timeCpu(inNs(ns, ['ss', '-tanp'])))
    runs.tanEmpty.push(timeCpu(inNs(empty, ['ss', '-tan'])))
    runs.tanpEmpty.push(timeCpu(inNs(empty, ['ss', '-tanp'])))
    const full = timeCpu(netdoc(ns))
    runs.nd.push(full)
    runs.ndEmpty.push(timeCpu(netdoc(empty)))
    if (BASELINE) {
      runs.base.push(timeCpu(netdoc(ns, BASELINE)))
      runs.baseEmpty.push(timeCpu(netdoc(empty, BASELINE)))
    }
    report ??= JSON.parse(full.stdout)
  }
  const after = count()
  const failing = report.findings.filter((f) => f.status === 'fail')
  const fmt = (r) => `wall median ${ms(medianOf(r, 'ms'))} (min ${ms(minOf(r, 'ms'))}), CPU median ${ms(medianOf(r, 'cpu'))}`
  console.log(`${RUNS} rounds; sockets ${before} before, ${after} after (TIME_WAIT lasts 60 s); load average now ${load()}`)
  console.log(`netdoc's findings that fail: ${failing.length ? failing.map((f) => `${f.check} ${JSON.stringify(f.subject)}`).join('; ') : 'none'}`)
  console.log(`ss -tan                 ${fmt(runs.tan)}   (empty namespace: ${fmt(runs.tanEmpty)})`)
  console.log(`ss -tano                ${fmt(runs.tano)}   (the census's own command)`)
  console.log(`ss -tanp                ${fmt(runs.tanp)}   (empty namespace: ${fmt(runs.tanpEmpty)})`)
  console.log(`netdoc timewait --interval 0 --json: ${fmt(runs.nd)}; on the empty namespace ${fmt(runs.ndEmpty)}`)
  // netdoc's added time: the same command on the full table minus on the empty namespace, round by round
  const added = runs.nd.map((r, i) => ({ ms: r.ms - runs.ndEmpty[i].ms, cpu: r.cpu - runs.ndEmpty[i].cpu }))
  const ref = (name, r) => `${(medianOf(added, 'ms') / medianOf(r, 'ms')).toFixed(2)}x wall, ${(medianOf(added, 'cpu') / Math.max(1, medianOf(r, 'cpu'))).toFixed(2)}x CPU`
  console.log(`netdoc added (full - empty): wall median ${ms(medianOf(added, 'ms'))} (min ${ms(minOf(added, 'ms'))}), CPU median ${ms(medianOf(added, 'cpu'))} (min ${ms(minOf(added, 'cpu'))})`)
  console.log(`  / ss -tan:   ${ref('ss -tan', runs.tan)}   (target when nothing fails: 1.5x)`)
  console.log(`  / ss -tanp:  ${ref('ss -tanp', runs.tanp)}   (target when attribution is needed: 1.2x)`)
  console.log(`  / ss -tano:  ${ref('ss -tano', runs.tano)}   (no target: what netdoc adds to the command it runs)`)
  if (BASELINE) {
    const base = runs.base.map((r, i) => ({ ms: r.ms - runs.baseEmpty[i].ms, cpu: r.cpu - runs.baseEmpty[i].cpu }))
    console.log(`baseline ${BASELINE}: added wall median ${ms(medianOf(base, 'ms'))} (min ${ms(minOf(base, 'ms'))}), CPU median ${ms(medianOf(base, 'cpu'))} (min ${ms(minOf(base, 'cpu'))}); / ss -tan ${(medianOf(base, 'ms') / medianOf(runs.tan, 'ms')).toFixed(2)}x wall, ${(medianOf(base, 'cpu') / Math.max(1, medianOf(runs.tan, 'cpu'))).toFixed(2)}x CPU; / ss -tanp ${(medianOf(base, 'ms') / medianOf(runs.tanp, 'ms')).toFixed(2)}x wall, ${(medianOf(base, 'cpu') / Math.max(1, medianOf(runs.tanp, 'cpu'))).toFixed(2)}x CPU`)
  }
  console.log('')
  for (const c of children.splice(0)) if (c.exitCode === null && c.pid) try { process.kill(c.pid, 'SIGKILL') } catch {}
  for (const n of [ns, empty]) {
    spawnSync('ip', ['netns', 'del', n])
    namespaces.splice(namespaces.indexOf(n), 1)
  }
}

/** A plausible big proxy: 20 listeners with server-side sockets from many clients, client sockets to 50 upstreams. */
async function writeSyntheticSs(path, n) {
  const out = createWriteStream(path)
  const states = ['ESTAB', 'ESTAB', 'ESTAB', 'TIME-WAIT', 'TIME-WAIT', 'CLOSE-WAIT', 'FIN-WAIT-2', 'SYN-SENT']
  const line = (state, local, peer, i) => {
    // what ss -tano prints (the census now): timers, no owners
    const users = state === 'TIME-WAIT' || state === 'FIN-WAIT-2' ? ' timer:(timewait,42sec,0)' : state === 'ESTAB' && i % 3 === 0 ? ' timer:(keepalive,1min58sec,0)' : ''
    return `${state.padEnd(10)} 0      0      ${local.padStart(22)} ${peer.padStart(22)}${users}\n`
  }
  let buf = 'State      Recv-Q Send-Q      Local Address:Port        Peer Address:Port Process\n'
  for (let l = 0; l < 20; l++) buf += `LISTEN     0      4096         10.0.0.1:${8000 + l}            0.0.0.0:*\n`
  for (let i = 0; i < n; i++) {
    const state = states[i % states.length]
    if (i % 5 < 3) buf += line(state === 'SYN-SENT' ? 'ESTAB' : state, `10.0.0.1:${8000 + (i % 20)}`, `10.${1 + ((i >> 16) & 63)}.${(i >> 8) & 255}.${i & 255}:${20000 + (i % 40000)}`, i)
    else buf += line(state, `10.0.0.1:${10000 + (i % 55000)}`, `10.2.0.${(i >> 3) % 50}:443`, i)
    if (buf.length > 1 << 20) {
      if (!out.write(buf)) await new Promise((r) => out.once('drain', r))
      buf = ''
    }
  }
  out.end(buf)
  await new Promise((r) => out.on('finish', r))
}

/** The pure aggregation in this process (dist/census/census.js over dist/parsers/ss.js): time and heap growth. */
async function inProcess(path) {
  const { censusOf } = await import(join(ROOT, 'dist', 'census', 'census.js'))
  const { parseSs } = await import(join(ROOT, 'dist', 'parsers', 'ss.js'))
  let peak = process.memoryUsage().rss
  const timer = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 20)
  const before = process.memoryUsage().rss
  const t0 = performance.now()
  const c = await censusOf(parseSs(createInterface({ input: createReadStream(path, { encoding: 'utf8' }), crlfDelay: Infinity })), 'bench')
  const t = performance.now() - t0
  clearInterval(timer)
  return { ms: t, total: c.total, groups: c.destinations.length + c.listeners.length + c.closeWait.length, rssGrowthMB: (peak - before) / 1048576 }
}

async function synthetic() {
  console.log('## (2) synthetic snapshots fed to --from')
  const empty = makeNs('snap')
  const dir = mkdtempSync(join(tmpdir(), 'netdoc-bench-census-'))
  dirs.push(dir)
  for (const n of [250_000, 500_000, 1_000_000]) {
    const snap = join(dir, `s${n}`)
    execFileSync(process.execPath, [RUN, 'snapshot', '-o', snap, '--netns', empty, '--interval', '0'])
    const ssFile = join(snap, 'sample-0', 'commands', 'ss -tano.out')
    await writeSyntheticSs(ssFile, n)
    writeFileSync(join(snap, 'sample-0', 'commands', 'ss -ltnmp.out'), '')
    const size = spawnSync('stat', ['-c', '%s', ssFile], { encoding: 'utf8' }).stdout.trim()
    const wc = timeRss(['wc', '-l', ssFile])
    const awk = timeRss(['awk', '{n[$1]++} END {for (s in n) print s, n[s]}', ssFile])
    const nd = timeRss([process.execPath, RUN, 'timewait', '--from', snap, '--json'])
    const ip = await inProcess(ssFile)
    console.log(`${n} sockets (${(Number(size) / 1048576).toFixed(0)} MB of ss output):`)
    console.log(`  netdoc timewait --from: ${ms(nd.ms)}, peak RSS ${nd.rssMB.toFixed(0)} MB`)
    console.log(`  in-process census (parseSs + CensusBuilder): ${ms(ip.ms)} (${((ip.total / ip.ms) * 1000 / 1e6).toFixed(2)} M sockets/s), ${ip.groups} groups, RSS growth ${ip.rssGrowthMB.toFixed(0)} MB`)
    console.log(`  wc -l: ${ms(wc.ms)}; awk count per state: ${ms(awk.ms)} (peak RSS ${awk.rssMB.toFixed(0)} MB)`)
    rmSync(snap, { recursive: true, force: true })
  }
  console.log('')
}

try {
  if (process.getuid?.() !== 0) throw new Error('needs root: it makes network namespaces')
  const what = process.argv[2] ?? 'all'
  console.log(`machine: ${execFileSync('nproc').toString().trim()} cores, Node ${process.version}, kernel ${execFileSync('uname', ['-r']).toString().trim()}, ${execFileSync('ss', ['-V']).toString().trim()}`)
  console.log('')
  if (what === 'all' || what === 'real') {
    console.log('## (1) real socket tables in a namespace')
    await realTable('quiet', false)
    await realTable('leak', true)
  }
  if (what === 'all' || what === 'synthetic') await synthetic()
} finally {
  cleanup()
}
