#!/usr/bin/env node
// bench/pcap: makes a few-hundred-MB loopback capture in a throwaway namespace (bulk traffic through iperf3, or a
// node bulk sender when iperf3 is missing, plus short connections and keepalive traffic; snaplen 96), then times
// netdoc's capture analysis against tcpdump -r and tshark on the same file, with peak memory (GNU time).
// Needs root. Usage: node bench/pcap.mjs [MEGABYTES=300] [--keep FILE] [--file EXISTING.pcap]
import { execFileSync, spawn, spawnSync } from 'node:child_process'
import { existsSync, mkdirSync, statSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..')
const args = process.argv.slice(2)
const fileArg = args.includes('--file') ? args[args.indexOf('--file') + 1] : undefined
const megabytes = Number(args.find((a) => /^\d+$/.test(a)) ?? 300)
const OUT = join(ROOT, 'bench', 'out')
mkdirSync(OUT, { recursive: true })
const pcap = fileArg ?? join(OUT, `bulk-${megabytes}mb.pcap`)
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
  await makeCapture()
}
const size = statSync(pcap).size
const packets = Number(spawnSync('sh', ['-c', 'tcpdump -r "$1" -nn 2>/dev/null | wc -l', 'sh', pcap]).stdout.toString().trim())
console.log(`file: ${pcap}, ${(size / 1e6).toFixed(0)} MB, ${packets} packets (snaplen 96)`)
const netdoc = join(ROOT, 'bin', 'run.js')
const runs = [
  timed('netdoc keepalive --pcap (probes + heartbeat)', [process.execPath, netdoc, 'keepalive', '--pcap', pcap, '--interval', '0', '--only', 'keepalive.probes,keepalive.heartbeat', '--json']),
]
if (existsSync(join(ROOT, 'dist', 'commands', 'resets.js'))) {
  runs.push(timed('netdoc resets --pcap', [process.execPath, netdoc, 'resets', '--pcap', pcap, '--interval', '0', '--json']))
}
if (existsSync(join(ROOT, 'dist', 'checks', 'congestion.flows.js'))) {
  runs.push(timed('netdoc congestion --pcap (congestion.flows)', [process.execPath, netdoc, 'congestion', '--pcap', pcap, '--interval', '0', '--only', 'congestion.flows', '--json']))
}
runs.push(timed('tcpdump -r -nn > /dev/null', ['tcpdump', '-r', pcap, '-nn']))
runs.push(timed("tcpdump -r 'tcp[tcpflags] & (tcp-syn|tcp-fin|tcp-rst) != 0'", ['tcpdump', '-r', pcap, '-nn', 'tcp[tcpflags] & (tcp-syn|tcp-fin|tcp-rst) != 0']))
if (has('tshark')) runs.push(timed('tshark -Y tcp.analysis.keep_alive', ['tshark', '-r', pcap, '-n', '-Y', 'tcp.analysis.keep_alive']))
// The analysis alone, in this process (no CLI start-up, no host probes): the reader → decoder → tracker → analyses.
{
  const { captureFact } = await import(join(ROOT, 'dist', 'capture', 'fact.js'))
  const { createReadStream } = await import('node:fs')
  const t = performance.now()
  const cpu0 = process.cpuUsage()
  const fact = await captureFact(createReadStream(pcap, { highWaterMark: 1 << 20 }), { kind: 'file', path: pcap })
  const secs = (performance.now() - t) / 1000
  const cpu = process.cpuUsage(cpu0)
  const cpuSecs = (cpu.user + cpu.system) / 1e6
  console.log(`analysis alone: ${secs.toFixed(2)} s wall, ${cpuSecs.toFixed(2)} s CPU = ${(fact.packets / cpuSecs / 1e6).toFixed(2)} M packets per CPU second; ${fact.connections} connections, peak ${fact.peakLiveFlows} live`)
}
console.log(`load average: ${(await import('node:os')).loadavg().map((l) => l.toFixed(2)).join(' ')}`)
console.log('| tool | wall s | CPU s (user+sys) | packets per CPU s | peak RSS MB |')
console.log('|---|---|---|---|---|')
for (const r of runs) console.log(`| ${r.label} | ${r.secs.toFixed(2)} | ${r.cpu.toFixed(2)} | ${(packets / r.cpu / 1e6).toFixed(2)} M | ${r.mb.toFixed(0)} |`)

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
