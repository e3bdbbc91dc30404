#!/usr/bin/env node
// Socket census benchmark (issue 3). Needs root (a namespace) and a build (npm run build). Prints figures only.
//
//   node bench/census.mjs            both parts
//   node bench/census.mjs real       (1) a real table of ~40 k sockets in a namespace: `netdoc timewait` minus its
//                                    start-up (the same command on an empty namespace), against ss -tan, ss -tanpo
//                                    and netstat -tan on the same table
//   node bench/census.mjs synthetic  (2) synthetic snapshots of 250 k, 500 k and 1 M sockets fed to --from: wall
//                                    time and peak RSS, against wc -l and awk over the same file
//
// Everything it starts is killed by pid and its namespaces deleted, also on Ctrl-C.
import { execFileSync, spawn, spawnSync } from 'node:child_process'
import { createReadStream, createWriteStream, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { createInterface } from 'node:readline'
import { fileURLToPath } from 'node:url'

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..')
const RUN = join(ROOT, 'bin', 'run.js')
const PROGRAMS = join(ROOT, 'test', 'helpers', 'programs')
const RUNS = 7
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

/**
 * Wall time of a command whose stdout is read and its lines counted (as `| wc -l` would): median and minimum of
 * RUNS (the minimum is the least disturbed by other work on a shared machine).
 */
async function timeLines(argv, runs = RUNS) {
  const times = []
  let lines = 0
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now()
    lines = await new Promise((resolve, reject) => {
      const c = spawn(argv[0], argv.slice(1), { stdio: ['ignore', 'pipe', 'ignore'] })
      let n = 0
      c.stdout.on('data', (d) => { for (let j = d.indexOf(10); j >= 0; j = d.indexOf(10, j + 1)) n++ })
      c.on('error', reject)
      c.on('close', () => resolve(n))
    })
    times.push(performance.now() - t0)
  }
  return { ms: median(times), min: Math.min(...times), lines }
}

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

async function realTable() {
  console.log('## (1) real socket table in a namespace')
  const ns = makeNs('real')
  const empty = makeNs('empty')
  sysctl(ns, 'net.ipv4.ip_local_port_range', '10000 65000')
  sysctl(ns, 'net.ipv4.tcp_tw_reuse', 0)
  sysctl(ns, 'net.ipv4.tcp_max_tw_buckets', 262144)
  await startReady(ns, [join(PROGRAMS, 'echo-server.cjs'), '127.0.0.1', '9000', '4096'])
  await startReady(ns, [join(PROGRAMS, 'echo-server.cjs'), '127.0.0.1', '9001', '4096'])
  const t0 = performance.now()
  await startReady(ns, [join(PROGRAMS, 'hold-connections.cjs'), '127.0.0.1', '9000', '10000', '600', 'hold'])
  execFileSync('ip', ['netns', 'exec', ns, process.execPath, join(PROGRAMS, 'short-connections.cjs'), '127.0.0.1', '9001', '20000', '200', 'client-closes'])
  console.log(`set-up: 10000 held connections (20000 sockets) + 20000 client-closed (TIME-WAIT) in ${ms(performance.now() - t0)}`)

  const inNs = (name, argv) => ['ip', 'netns', 'exec', name, ...argv]
  const ssTan = await timeLines(inNs(ns, ['ss', '-tan']))
  const ssEmpty = await timeLines(inNs(empty, ['ss', '-tan']))
  const ssTanpo = await timeLines(inNs(ns, ['ss', '-tanpo']))
  const ssTanpoEmpty = await timeLines(inNs(empty, ['ss', '-tanpo']))
  const netstat = await timeLines(inNs(ns, ['netstat', '-tan']))
  // netdoc on the full and on the empty namespace, interleaved so both see the same background load
  const full = []
  const bare = []
  for (let i = 0; i < RUNS; i++) {
    full.push(await timeLines([process.execPath, RUN, 'timewait', '--netns', ns, '--interval', '0', '--json'], 1))
    bare.push(await timeLines([process.execPath, RUN, 'timewait', '--netns', empty, '--interval', '0', '--json'], 1))
  }
  const nd = { ms: median(full.map((r) => r.ms)), min: Math.min(...full.map((r) => r.ms)) }
  const ndEmpty = { ms: median(bare.map((r) => r.ms)), min: Math.min(...bare.map((r) => r.ms)) }
  const fmt = (r) => `median ${ms(r.ms)}, min ${ms(r.min)}`
  console.log(`sockets in the table (ss -tan lines - 1): ${ssTan.lines - 1}; ${RUNS} runs each`)
  console.log(`ss -tan | wc -l         ${fmt(ssTan)}   (empty namespace: ${fmt(ssEmpty)})`)
  console.log(`ss -tanpo | wc -l       ${fmt(ssTanpo)}   (empty namespace: ${fmt(ssTanpoEmpty)}; what netdoc runs)`)
  console.log(`netstat -tan | wc -l    ${fmt(netstat)}`)
  console.log(`netdoc timewait --interval 0 --json: ${fmt(nd)}; on the empty namespace ${fmt(ndEmpty)}`)
  const marginal = nd.ms - ndEmpty.ms
  const marginalMin = nd.min - ndEmpty.min
  console.log(`netdoc marginal (full - empty): median ${ms(marginal)}, min ${ms(marginalMin)}`)
  console.log(`  / ss -tan:                 ${(marginal / ssTan.ms).toFixed(2)}x (min ${(marginalMin / ssTan.min).toFixed(2)}x)`)
  console.log(`  / ss -tanpo:               ${(marginal / ssTanpo.ms).toFixed(2)}x (min ${(marginalMin / ssTanpo.min).toFixed(2)}x)`)
  console.log(`  / ss -tanpo marginal:      ${(marginal / (ssTanpo.ms - ssTanpoEmpty.ms)).toFixed(2)}x (min ${(marginalMin / (ssTanpo.min - ssTanpoEmpty.min)).toFixed(2)}x)`)
  console.log('')
}

/** A plausible big proxy: 20 listeners with server-side sockets from many clients, client sockets to 50 upstreams. */
async function writeSyntheticSs(path, n) {
  const out = createWriteStream(path)
  const states = ['ESTAB', 'ESTAB', 'ESTAB', 'TIME-WAIT', 'TIME-WAIT', 'CLOSE-WAIT', 'FIN-WAIT-2', 'SYN-SENT']
  const line = (state, local, peer, i) => {
    const users = state === 'TIME-WAIT' || state === 'FIN-WAIT-2' ? ' timer:(timewait,42sec,0)' : ` users:(("app",pid=${1000 + (i % 8)},fd=${100 + (i % 60000)}))`
    return `${state.padEnd(10)} 0      0      ${local.padStart(22)} ${peer.padStart(22)}${users}\n`
  }
  let buf = 'State      Recv-Q Send-Q      Local Address:Port        Peer Address:Port Process\n'
  for (let l = 0; l < 20; l++) buf += `LISTEN     0      4096         10.0.0.1:${8000 + l}            0.0.0.0:*     users:(("app",pid=${1000 + (l % 8)},fd=${10 + l}))\n`
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
    const ssFile = join(snap, 'sample-0', 'commands', 'ss -tanpo.out')
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
  if (what === 'all' || what === 'real') await realTable()
  if (what === 'all' || what === 'synthetic') await synthetic()
} finally {
  cleanup()
}
