#!/usr/bin/env node
// bench/pcap: makes a few-hundred-MB loopback capture in a throwaway namespace (snaplen 96), then times netdoc's
// capture analysis against tcpdump -r and tshark on the same file, with CPU time, peak memory (GNU time) and the
// load average. Two kinds of capture:
//   mixed (default): ~12 000 short connections ending gracefully, by RST with unread data, by linger 0, refused
//     and unanswered SYNs (bench/mixed-traffic.cjs), keepalive and heartbeat connections, and one bulk stream;
//   --bulk: mostly bulk traffic (iperf3 with 4 streams, or a node bulk sender), 1000 short connections, keepalives.
// Needs root to make the capture. Usage:
//   node bench/pcap.mjs [MEGABYTES=400] [--bulk] [--connections N=12000] [--file EXISTING.pcap] [--times 3] [--triple] [--no-tshark]
// --times: runs of each netdoc command (median and minimum); --triple: also the file three times over (memory);
// --no-tshark: skip tshark (minutes on a big file).
import { execFileSync, spawn, spawnSync } from 'node:child_process'
import { existsSync, mkdirSync, statSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { cpus, loadavg as osLoadavg } from 'node:os'
import { fileURLToPath } from 'node:url'

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..')
const args = process.argv.slice(2)
const fileArg = args.includes('--file') ? args[args.indexOf('--file') + 1] : undefined
const numArg = (flag, dflt) => (args.includes(flag) ? Number(args[args.indexOf(flag) + 1]) : dflt)
const megabytes = Number(args.find((a, i) => /^\d+$/.test(a) && !/^--/.test(args[i - 1] ?? '')) ?? 400)
const kind = args.includes('--bulk') ? 'bulk' : 'mixed'
const connections = numArg('--connections', 12000)
const OUT = join(ROOT, 'bench', 'out')
mkdirSync(OUT, { recursive: true })
const pcap = fileArg ?? join(OUT, kind === 'bulk' ? `bulk-${megabytes}mb.pcap` : `mixed-${megabytes}mb-${connections}c.pcap`)
const loadavg = () => osLoadavg().map((l) => l.toFixed(1)).join(' ')
const sleep = (ms) => new Promise((r) => setTimeout(r, ms))
const has = (cmd) => spawnSync('sh', ['-c', `command -v ${cmd}`]).status === 0

async function makeCapture() {
  const ns = `netdoc-bench-pcap-${process.pid}`
  const inNs = (argv, opts) => spawn('ip', ['netns', 'exec', ns, ...argv], { stdio: ['ignore', 'ignore', 'pipe'], ...opts })
  execFileSync('ip', ['netns', 'add', ns])
  const started = []
  try {
    execFileSync('ip', ['netns', 'exec', ns, 'ip', 'link', 'set', 'lo', 'up', 'mtu', '1500'])
    const tcpdump = inNs(['tcpdump', '-i', 'lo', '-s', '96', '-B', '65536', '-w', pcap])
    started.push(tcpdump)
    let err = ''
    tcpdump.stderr.on('data', (d) => (err += d))
    for (let i = 0; i < 100 && !/listening on/.test(err); i++) await sleep(100)
    // short connections and keepalive/heartbeat connections for the whole run
    started.push(inNs([process.execPath, join(ROOT, 'test/helpers/programs/keepalive-mix.cjs'), '9100']))
    if (kind === 'mixed') {
      // segments of one MTU, as on a NIC: with GSO, loopback carries 64 KB segments and the bulk stream would
      // need minutes to make enough packets
      execFileSync('ip', ['netns', 'exec', ns, 'ethtool', '-K', 'lo', 'tso', 'off', 'gso', 'off'])
      // SYNs to 9202 are dropped: those connections time out
      execFileSync('ip', ['netns', 'exec', ns, 'iptables', '-A', 'INPUT', '-p', 'tcp', '--dport', '9202', '--syn', '-j', 'DROP'])
      const mixed = inNs([process.execPath, join(ROOT, 'bench/mixed-traffic.cjs'), '9200', String(connections)], { stdio: ['ignore', 'pipe', 'pipe'] })
      started.push(mixed)
      let done = false
      mixed.stdout.on('data', (d) => (done ||= /done/.test(String(d))))
      const deadline = Date.now() + 300_000
      const big = () => existsSync(pcap) && statSync(pcap).size >= megabytes * 1e6
      // the bulk stream stops at the size (SIGUSR1); the short connections run to their end
      while (Date.now() < deadline && !big()) await sleep(50)
      mixed.kill('SIGUSR1')
      while (Date.now() < deadline && !done) await sleep(100)
      mixed.kill('SIGINT')
      await sleep(300)
      tcpdump.kill('SIGINT')
      await new Promise((r) => tcpdump.on('exit', r))
      return
    }
    const shorts = inNs([process.execPath, join(ROOT, 'test/helpers/programs/tcp-mix.cjs'), '9200', '1000'])
    started.push(shorts)
    let bulk
    if (has('iperf3')) {
      started.push(inNs(['iperf3', '-s', '-p', '5201']))
      await sleep(500)
      bulk = inNs(['iperf3', '-c', '127.0.0.1', '-p', '5201', '-t', '600', '-b', '3G', '-P', '4'])
    } else {
      bulk = inNs([process.execPath, '-e', BULK_SENDER])
    }
    started.push(bulk)
    const deadline = Date.now() + 600_000
    while (Date.now() < deadline && (!existsSync(pcap) || statSync(pcap).size < megabytes * 1e6)) await sleep(250)
    bulk.kill('SIGINT')
    await sleep(300)
    tcpdump.kill('SIGINT')
    await new Promise((r) => tcpdump.on('exit', r))
  } finally {
    for (const c of started) if (c.exitCode === null) c.kill('SIGKILL')
    await sleep(100)
    execFileSync('ip', ['netns', 'del', ns])
  }
}

// Without iperf3: four connections writing as fast as they can to a sink on loopback.
const BULK_SENDER = `
const net = require('net')
const s = net.createServer((c) => c.on('data', () => {}).on('error', () => {})).listen(5201, '127.0.0.1', () => {
  const buf = Buffer.alloc(1 << 16)
  for (let i = 0; i < 4; i++) {
    const c = net.connect(5201, '127.0.0.1')
    const pump = () => { while (c.write(buf)); }
    c.on('drain', pump); c.on('connect', pump); c.on('error', () => {})
  }
})
setTimeout(() => process.exit(0), 600000)
`

/** Wall seconds, CPU seconds (user + sys: what load on a shared machine does not inflate) and peak RSS (MB) of a
 * command, through GNU time; stdout discarded. */
function timed(label, argv) {
  const r = spawnSync('/usr/bin/time', ['-f', '%e %M %U %S', ...argv], { stdio: ['ignore', 'ignore', 'pipe'], maxBuffer: 64 << 20 })
  const last = r.stderr.toString().trim().split('\n').pop()
  const [secs, kb, user, sys] = last.split(' ').map(Number)
  return { label, secs, cpu: user + sys, mb: kb / 1024, status: r.status }
}

if (!fileArg || !existsSync(pcap)) {
  if (process.getuid() !== 0) {
    console.error('bench/pcap makes its capture in a network namespace: run it as root (or give --file EXISTING.pcap)')
    process.exit(2)
  }
  console.error(`making a ${megabytes} MB capture in ${pcap} ...`)
  const t = performance.now()
  await makeCapture()
  console.error(`made in ${((performance.now() - t) / 1000).toFixed(1)} s`)
}
if (args.includes('--make-only')) process.exit(0)
const size = statSync(pcap).size
const packets = Number(spawnSync('sh', ['-c', 'tcpdump -r "$1" -nn 2>/dev/null | wc -l', 'sh', pcap]).stdout.toString().trim())
console.log(`file: ${pcap}, ${(size / 1e6).toFixed(0)} MB, ${packets} packets (snaplen 96)`)
const netdoc = join(ROOT, 'bin', 'run.js')
// without the built native decoder the default runs and the NETDOC_NATIVE=0 ones are the same JavaScript path
console.log(`native pcap decoder and flow engine: ${existsSync(join(ROOT, 'build', 'Release', 'netdoc_native.node')) ? 'built' : 'NOT built (npm run build:native): every run is JavaScript'}`)
const times = numArg('--times', 3)
const median = (xs) => [...xs].sort((x, y) => x - y)[xs.length >> 1]
/** `n` runs of a command: the median and the minimum of wall and CPU time, the largest peak RSS */
const repeated = (label, argv, n, env) => interleaved([[label, argv, env]], n)[0]
/** `n` rounds of several commands, one run of each per round (the same minutes' load on each): per command the
 * median and the minimum of wall and CPU time, the largest peak RSS */
function interleaved(specs, n) {
  const rs = specs.map(() => [])
  for (let i = 0; i < n; i++) specs.forEach(([label, argv, env], k) => rs[k].push(timed(label, env ? ['env', ...env, ...argv] : argv)))
  return specs.map(([label], k) => {
    const wall = rs[k].map((r) => r.secs)
    const cpu = rs[k].map((r) => r.cpu)
    return { label, n, secs: median(wall), minSecs: Math.min(...wall), cpu: median(cpu), minCpu: Math.min(...cpu), mb: Math.max(...rs[k].map((r) => r.mb)) }
  })
}
const resets = (file) => [process.execPath, netdoc, 'resets', '--pcap', file, '--interval', '0', '--json']
const load0 = loadavg()
const runs = []
// a command attaches only the analyses its checks read: resets the connection ends; the four capture checks together, every analysis
const everyAnalysis = (file) => [process.execPath, netdoc, 'check', '--pcap', file, '--interval', '0', '--only', 'resets.closes,keepalive.probes,keepalive.heartbeat,congestion.flows', '--json']
// one thread against two, interleaved (a run of each in turn), so the load of the same minutes weighs on both
const one = ['NETDOC_CAPTURE_THREADS=1']
runs.push(...interleaved([
  ['netdoc resets --pcap (whole CLI, connection ends; the native decoder and flow engine, the default)', resets(pcap)],
  ['netdoc resets --pcap, NETDOC_NATIVE_FLOWS=thread (the flow engine on a thread of its own)', resets(pcap), ['NETDOC_NATIVE_FLOWS=thread']],
  ['netdoc resets --pcap, NETDOC_NATIVE_FLOWS=0 (the native decoder, the JavaScript tracker and analyses)', resets(pcap), ['NETDOC_NATIVE_FLOWS=0']],
  ['netdoc resets --pcap, NETDOC_NATIVE=0 (all JavaScript, as without a C compiler at install)', resets(pcap), ['NETDOC_NATIVE=0']],
  ['netdoc resets --pcap, NETDOC_CAPTURE_THREADS=2 (decoded on a worker thread)', resets(pcap), ['NETDOC_CAPTURE_THREADS=2']],
], times))
// tcpdump in the same rounds: the reference of the x-tcpdump columns is the median of its runs beside these, not one
// run minutes later (this VM's speed swings by 1.5-2x between minutes)
const every = interleaved([
  ['netdoc check --pcap, the four capture checks (every analysis): the default, the native decoder and flow engine', everyAnalysis(pcap)],
  ['netdoc check --pcap, the four capture checks, NETDOC_NATIVE_FLOWS=thread (the flow engine on a thread of its own)', everyAnalysis(pcap), ['NETDOC_NATIVE_FLOWS=thread']],
  ['netdoc check --pcap, the four capture checks, one thread, NETDOC_NATIVE_FLOWS=0 (the native decoder, the JavaScript tracker)', everyAnalysis(pcap), [...one, 'NETDOC_NATIVE_FLOWS=0']],
  ['netdoc check --pcap, the four capture checks, one thread, NETDOC_NATIVE=0 (all JavaScript)', everyAnalysis(pcap), [...one, 'NETDOC_NATIVE=0']],
  ['netdoc check --pcap, the four capture checks, NETDOC_CAPTURE_THREADS=2 (decoded on a worker thread, the JavaScript tracker)', everyAnalysis(pcap), ['NETDOC_CAPTURE_THREADS=2']],
  ['netdoc check --pcap, the four capture checks, NETDOC_CAPTURE_THREADS=split (analyses split across two threads)', everyAnalysis(pcap), ['NETDOC_CAPTURE_THREADS=split']],
  ['tcpdump -r -nn > /dev/null (in the same rounds as the every-analysis runs)', ['tcpdump', '-r', pcap, '-nn']],
], times)
const tcpdump = every.pop()
runs.push(...every)
runs.push(repeated('netdoc resets --interval 0 (no capture: start-up and probes)', [process.execPath, netdoc, 'resets', '--interval', '0', '--json'], times))
runs.push(repeated('netdoc keepalive --pcap (keepalive.probes, keepalive.heartbeat)', [process.execPath, netdoc, 'keepalive', '--pcap', pcap, '--interval', '0', '--only', 'keepalive.probes,keepalive.heartbeat', '--json'], 1))
runs.push(tcpdump)
runs.push(repeated("tcpdump -r 'tcp[tcpflags] & (tcp-syn|tcp-fin|tcp-rst) != 0'", ['tcpdump', '-r', pcap, '-nn', 'tcp[tcpflags] & (tcp-syn|tcp-fin|tcp-rst) != 0'], 1))
if (has('tshark') && !args.includes('--no-tshark')) runs.push(repeated('tshark -Y tcp.analysis.keep_alive', ['tshark', '-r', pcap, '-n', '-Y', 'tcp.analysis.keep_alive'], 1))
// The analysis alone, in this process (no CLI start-up, no host probes): reader → decoder → tracker → analyses, one thread.
{
  const { captureFact } = await import(join(ROOT, 'dist', 'capture', 'fact.js'))
  const { fileChunks } = await import(join(ROOT, 'dist', 'capture', 'file-chunks.js'))
  const t = performance.now()
  const cpu0 = process.cpuUsage()
  const fact = await captureFact(fileChunks(pcap), { kind: 'file', path: pcap })
  const secs = (performance.now() - t) / 1000
  const cpu = process.cpuUsage(cpu0)
  const cpuSecs = (cpu.user + cpu.system) / 1e6
  console.log(`analysis alone, in-process, one thread: ${secs.toFixed(2)} s wall, ${cpuSecs.toFixed(2)} s CPU = ${(fact.packets / cpuSecs / 1e6).toFixed(2)} M packets/CPU s; ${fact.connections} connections, peak ${fact.peakLiveFlows} live`)
}
// Memory against file size: the same capture three times over, each copy an hour later (editcap -t, mergecap -a).
if (args.includes('--triple') && has('editcap') && has('mergecap')) {
  const later = (h) => join(OUT, `later-${h}.pcap`)
  for (const h of [1, 2]) execFileSync('editcap', ['-t', String(h * 3600), pcap, later(h)])
  const triple = pcap.replace(/\.pcap$/, '-x3.pcap')
  execFileSync('mergecap', ['-a', '-F', 'pcap', '-w', triple, pcap, later(1), later(2)])
  for (const h of [1, 2]) execFileSync('rm', ['-f', later(h)])
  for (const [what, argv, env] of [['netdoc resets --pcap', resets(triple)], ['netdoc check --pcap, every analysis, one thread,', everyAnalysis(triple), one], ['netdoc check --pcap, every analysis, one thread, NETDOC_NATIVE_FLOWS=0,', everyAnalysis(triple), [...one, 'NETDOC_NATIVE_FLOWS=0']]]) {
    const r = repeated(`${what} on the file 3x (${(statSync(triple).size / 1e6).toFixed(0)} MB, ${3 * packets} packets)`, argv, 1, env)
    r.packets = 3 * packets
    runs.push(r)
  }
}
// On a loaded machine the wall time means little: CPU time (user + system) beside it, and the load average.
const load1 = loadavg()
console.log(`load average before ${load0}, after ${load1} (1, 5, 15 min; ${cpus().length} cores)`)
console.log(`| run | runs | wall s (median, min) | CPU s (median, min) | M packets/s wall | M packets/CPU s | x tcpdump wall | x tcpdump CPU | peak RSS MB |`)
console.log('|---|---:|---:|---:|---:|---:|---:|---:|---:|')
for (const r of runs) {
  const n = r.packets ?? packets
  const rate = (secs) => (n / secs / 1e6).toFixed(2)
  const vs = (a, b) => (r.label.startsWith('netdoc') ? (a / b).toFixed(3) : '')
  console.log(`| ${r.label} | ${r.n} | ${r.secs.toFixed(2)}, ${r.minSecs.toFixed(2)} | ${r.cpu.toFixed(2)}, ${r.minCpu.toFixed(2)} | ${rate(r.secs)} | ${rate(r.cpu)} | ${vs(r.secs, tcpdump.secs)} | ${vs(r.cpu, tcpdump.cpu)} | ${r.mb.toFixed(0)} |`)
}

// resets.closes cross-check on the same file: netdoc's verdict counts against tcpdump filter counts, by connection
// (4-tuple): connections with a RST = aborts + refused; SYNs answered by neither a SYN-ACK nor a RST = timeouts. BPF's tcp[] reads IPv4
// only, so IPv6 (no extension headers on loopback) is matched at its fixed offsets: next header 6, flags at 40 + 13.
if (existsSync(join(ROOT, 'dist', 'commands', 'resets.js'))) {
  const r = spawnSync(process.execPath, [netdoc, 'resets', '--pcap', pcap, '--interval', '0', '--only', 'resets.closes', '--max-details', '0', '--json'], { maxBuffer: 256 << 20 })
  const report = JSON.parse(r.stdout.toString())
  const sum = (name) => report.findings.filter((f) => f.check === 'resets.closes').reduce((n, f) => n + (f.evidence.find((e) => e.name === name)?.value ?? 0), 0)
  const lines = (filter) => spawnSync('tcpdump', ['-r', pcap, '-nn', filter], { maxBuffer: 1 << 30 }).stdout.toString().split('\n').filter(Boolean)
  const ends = (l) => { const f = l.split(' '); return [f[2], f[4].replace(/:$/, '')] }
  const tuple = (a, b) => (a < b ? `${a} ${b}` : `${b} ${a}`)
  const rsts = new Set(lines('tcp[tcpflags] & tcp-rst != 0 or (ip6 and ip6[6] == 6 and ip6[53] & 4 != 0)').map((l) => tuple(...ends(l))))
  const syn = new Set()
  const synAck = new Set()
  for (const l of lines('tcp[tcpflags] & tcp-syn != 0 or (ip6 and ip6[6] == 6 and ip6[53] & 2 != 0)')) {
    const [a, b] = ends(l)
    if (/Flags \[S\]/.test(l)) syn.add(`${a} ${b}`)
    else synAck.add(`${b} ${a}`)
  }
  // a SYN answered by neither a SYN-ACK nor a RST (that one is refused)
  const unansweredList = [...syn].filter((k) => !synAck.has(k) && !rsts.has(tuple(...k.split(' '))))
  const unanswered = unansweredList.length
  console.log(`resets.closes on this file: ${['graceful', 'refused', 'timeout', 'abort', 'half-closed', 'open', 'partial'].map((e) => `${e} ${sum(e)}`).join(', ')}`)
  const refusedTcpdump = [...syn].filter((k) => !synAck.has(k) && rsts.has(tuple(...k.split(' ')))).length
  console.log(`  aborts + refused = ${sum('abort') + sum('refused')}; tcpdump: connections with a RST = ${rsts.size}`)
  console.log(`  refused = ${sum('refused')}; tcpdump: SYNs answered by a RST only = ${refusedTcpdump}`)
  console.log(`  timeouts = ${sum('timeout')}; tcpdump: SYNs (distinct 4-tuples) answered by neither SYN-ACK nor RST = ${unanswered}${unanswered ? ` (${unansweredList.slice(0, 3).join(', ')})` : ''}`)
}
