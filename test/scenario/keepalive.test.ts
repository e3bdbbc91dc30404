// Keepalive on the real kernel: keepalive at 1 s and 3 s idle, a PING/PONG heartbeat every 1.5 s, and a peer whose
// answers iptables drops, captured at once by tcpdump (then --pcap) and by netdoc itself (--capture lo, live).
// Also the settings checks against a namespace's own keepalive sysctls.
import { execFile } from 'node:child_process'
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { promisify } from 'node:util'

import { Ajv2020 } from 'ajv/dist/2020.js'

import { asNobody, describeRoot, findingsOf, ROOT, runCli, runJson, TestNetns } from '../helpers/netns.js'
import { hasModule, testEachWith, testWith } from '../helpers/requires.js'

const execFileP = promisify(execFile)
const BASE = 9100
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms).unref()) // unref: a race timer must not keep jest alive
const ev = (f: any, name: string) => f.evidence.find((e: any) => e.name === name)?.value
const within = (v: number, target: number, share = 0.25) => Math.abs(v - target) <= target * share

describeRoot('keepalive on the wire', () => {
  let ns: TestNetns
  let dir: string
  let pcap: string
  let live: { code: number; report: any; stderr: string }

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'netdoc-ka-'))
    pcap = join(dir, 'ka.pcap')
    ns = await TestNetns.create('ka')
    // the dead peer's connection gives up after a few probes a second apart
    await ns.sysctl('net.ipv4.tcp_keepalive_intvl', 1)
    await ns.sysctl('net.ipv4.tcp_keepalive_probes', 4)
    const tcpdump = await ns.start(['tcpdump', '-i', 'lo', '--immediate-mode', '-U', '-w', pcap], { waitReady: false })
    // netdoc's own live capture needs the optional cap module; without it only the tcpdump file is judged
    const liveChild = hasModule('cap')
      ? await ns.start([process.execPath, join(ROOT, 'bin', 'run.js'), 'keepalive', '--capture', 'lo', '--duration', '9', '--interval', '0', '--json', '--write', join(dir, 'live.pcap')], { waitReady: false })
      : undefined
    const sockets = liveChild ? 3 : 2
    // both capturing: two packet sockets in the namespace (bounded wait)
    for (let i = 0; i < 100; i++) {
      const { stdout } = await ns.exec(['cat', '/proc/net/packet'])
      if (stdout.trim().split('\n').length >= sockets) break
      await sleep(100)
    }
    // a packet socket exists before its ring and filter are ready: give tcpdump a moment so no handshake is missed
    await sleep(1000)
    await ns.node('keepalive-mix.cjs', [BASE])
    // from now on the server of BASE+4 never answers: its segments are dropped before they reach lo
    await ns.exec(['iptables', '-A', 'OUTPUT', '-p', 'tcp', '--sport', String(BASE + 4), '-j', 'DROP'])
    if (liveChild) {
      const liveDone = new Promise<number>((resolve) => liveChild.on('exit', (code) => resolve(code ?? -1)))
      const code = await Promise.race([liveDone, sleep(30000).then(() => -1)])
      const out = liveChild.output()
      live = { code, report: JSON.parse(out.slice(out.indexOf('{'))), stderr: '' }
    } else {
      await sleep(9000) // the same window as the live run: enough probes of the dead peer
    }
    process.kill(tcpdump.pid!, 'SIGINT')
    await Promise.race([new Promise((r) => tcpdump.on('exit', r)), sleep(5000)])
  }, 60000)

  afterAll(async () => {
    await ns?.cleanup()
    if (dir) rmSync(dir, { recursive: true, force: true })
  })

  function judge(report: any) {
    const probes = findingsOf(report, 'keepalive.probes')
    const byServer = (port: number) => probes.filter((f: any) => f.subject.server === `127.0.0.1:${port}`)
    const [one] = byServer(BASE + 1)
    expect(one).toMatchObject({ status: 'fail', severity: 'info', subject: { client: expect.stringMatching(/^127\.0\.0\.1:\d+$/) } })
    expect(within(ev(one, 'intervalSeconds'), 1)).toBe(true)
    expect(ev(one, 'unanswered')).toBe(0)
    const [dead] = byServer(BASE + 4)
    expect(dead).toMatchObject({ status: 'fail', severity: 'warning' })
    expect(ev(dead, 'unanswered')).toBeGreaterThanOrEqual(2)
    expect(within(ev(dead, 'intervalSeconds'), 1)).toBe(true)
    // the heartbeat connection carries no keepalive
    expect(byServer(BASE + 3)).toHaveLength(0)
    const beats = findingsOf(report, 'keepalive.heartbeat')
    expect(beats).toHaveLength(1)
    expect(beats[0]).toMatchObject({ status: 'fail', severity: 'info', subject: { server: `127.0.0.1:${BASE + 3}` } })
    expect(within(ev(beats[0], 'periodSeconds'), 1.5)).toBe(true)
    expect(ev(beats[0], 'bytes')).toBe(5)
    return { byServer }
  }

  test('from the tcpdump file: intervals within 25 %, the dead peer a warning, the heartbeat only on its connection', async () => {
    const { code, report } = await runJson(['keepalive', '--pcap', pcap, '--interval', '0'])
    expect(code).toBe(0)
    const { byServer } = judge(report)
    const [three] = byServer(BASE + 2)
    expect(three).toMatchObject({ status: 'fail', severity: 'info' })
    expect(within(ev(three, 'intervalSeconds'), 3)).toBe(true)
    expect(report.notes.join('\n')).toMatch(/TCP segments, 4 connections/)
    // capture findings (client/server subjects, capture evidence) are valid reports
    const validate = new Ajv2020({ allErrors: true, allowUnionTypes: true }).compile(JSON.parse(readFileSync(join(ROOT, 'schema', 'report.schema.json'), 'utf8')))
    expect(validate(report) ? [] : validate.errors).toEqual([])
  })

  testWith({ modules: ['cap'] }, 'the same live through --capture lo, and --write keeps a file tcpdump can read', async () => {
    expect(live.code).toBe(0)
    judge(live.report)
    // a live capture compares the interval with the namespace's tcp_keepalive_time (7200 s)
    const [one] = findingsOf(live.report, 'keepalive.probes').filter((f: any) => f.subject.server === `127.0.0.1:${BASE + 1}`)
    expect(one.message).toMatch(/not this host's tcp_keepalive_time 7200 s/)
    const written = join(dir, 'live.pcap')
    expect(existsSync(written)).toBe(true)
    const { stdout } = await execFileP('tcpdump', ['-nn', '-r', written], { maxBuffer: 16 * 1024 * 1024 })
    expect(stdout.trim().split('\n').length).toBeGreaterThan(20)
  })
}, { tools: ['tcpdump', 'iptables'] })

describeRoot('keepalive settings', () => {
  let ns: TestNetns
  beforeAll(async () => {
    ns = await TestNetns.create('kaset')
  })
  afterAll(async () => ns?.cleanup())

  test('default sysctls → info with 7875 s (every stock host has it); 60/10/3 → pass; idle timeout compared', async () => {
    const before = await runJson(['keepalive', '--netns', ns.name, '--interval', '0', '--idle-timeout', '350'])
    const [d] = findingsOf(before.report, 'keepalive.detection-time')
    expect(d).toMatchObject({ status: 'fail', severity: 'info' })
    expect(d.message).toContain('7875 s = 2 h 11 min 15 s')
    expect(findingsOf(before.report, 'keepalive.idle-timeout')[0]).toMatchObject({ status: 'fail', severity: 'warning' })
    // no capture given: the capture checks skip and say how to give one
    for (const id of ['keepalive.probes', 'keepalive.heartbeat']) {
      expect(findingsOf(before.report, id)[0]).toMatchObject({ status: 'skip', message: expect.stringMatching(/--pcap FILE/) })
    }
    await ns.sysctl('net.ipv4.tcp_keepalive_time', 60)
    await ns.sysctl('net.ipv4.tcp_keepalive_intvl', 10)
    await ns.sysctl('net.ipv4.tcp_keepalive_probes', 3)
    const after = await runJson(['keepalive', '--netns', ns.name, '--interval', '0', '--idle-timeout', '350'])
    expect(findingsOf(after.report, 'keepalive.detection-time')[0]).toMatchObject({ status: 'pass' })
    expect(ev(findingsOf(after.report, 'keepalive.detection-time')[0], 'detectionSeconds')).toBe(90)
    expect(findingsOf(after.report, 'keepalive.idle-timeout')[0]).toMatchObject({ status: 'pass' })
  })

  test('long-lived connections without keepalive, per listener and per process and destination', async () => {
    await ns.node('keepalive-mix.cjs', [BASE])
    const dir = mkdtempSync(join(tmpdir(), 'netdoc-kasock-'))
    try {
      const cfg = join(dir, 'cfg.json')
      writeFileSync(cfg, JSON.stringify({ checks: { 'keepalive.sockets': { thresholds: { minSockets: 1 } } } }))
      const { report } = await runJson(['keepalive', '--netns', ns.name, '--interval', '1', '--only', 'keepalive.sockets', '--config', cfg])
      const fs = findingsOf(report, 'keepalive.sockets')
      // every server end lacks keepalive (only the clients set it); of the client ends only the heartbeat one does
      const servers = fs.filter((f: any) => f.subject.side === 'server').map((f: any) => f.subject.local).sort()
      expect(servers).toEqual([1, 2, 3, 4].map((i) => `127.0.0.1:${BASE + i}`))
      const clients = fs.filter((f: any) => f.subject.side === 'client')
      expect(clients.map((f: any) => f.subject.remote)).toEqual([`127.0.0.1:${BASE + 3}`])
      expect(clients[0]).toMatchObject({ status: 'fail', severity: 'info', subject: { process: 'node' } })
      expect(ev(clients[0], 'withoutKeepalive')).toBe(1)
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  })
})

describeRoot('live capture that netdoc cannot do', () => {
  const nobody = asNobody()
  const asNobodyTest = nobody ? testWith : (_needs: unknown, name: string) => test.skip(name, () => {}) // asNobody said why
  asNobodyTest({ modules: ['cap'] }, 'without root or CAP_NET_RAW → exit 2 with the fix', async () => {
    const r = await execFileP(nobody![0], [...nobody!.slice(1), process.execPath, join(ROOT, 'bin', 'run.js'), 'keepalive', '--capture', 'lo', '--duration', '1', '--interval', '0']).catch((e) => e)
    expect(r.code).toBe(2)
    expect(r.stderr).toMatch(/--capture lo: .*not permitted; run as root or give node CAP_NET_RAW/)
  })

  // these errors come from libpcap through cap; without cap every one of them is "cap is not installed"
  testEachWith({ modules: ['cap'] }, [
    [['--capture', 'nosuch0'], /--capture nosuch0: no such interface/],
    [['--capture', 'lo', '--filter', 'tcp portx 80'], /--filter "tcp portx 80": .*syntax error/],
    [['--capture', 'lo', '--write', '/nonexistent/dir/x.pcap'], /--write \/nonexistent\/dir\/x\.pcap: cannot create it/],
    [['--capture', 'lo', '--netns', 'x'], /run netdoc inside it \(ip netns exec NAME/],
  ])('%j → exit 2', async (args, message) => {
    const r = await runCli(['keepalive', '--duration', '1', '--interval', '0', ...(args as string[])])
    expect(r.code).toBe(2)
    expect(r.stderr).toMatch(message as RegExp)
    expect(r.stderr.trim().split('\n')).toHaveLength(1)
  })
})

describe('capture inputs that netdoc cannot use', () => {
  let dir: string
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'netdoc-cap-err-'))
  })
  afterAll(() => rmSync(dir, { recursive: true, force: true }))

  test.each([
    [['--pcap', join(ROOT, 'package.json')], /--pcap .*package\.json: not a pcap or pcapng file/],
    [['--pcap', '/nonexistent.pcap'], /--pcap \/nonexistent\.pcap: no such file/],
    [['--pcap', ROOT], /is a directory/],
    [['--filter', 'tcp'], /--filter works with --capture IFACE only/],
    [['--pcap', 'a.pcap', '--capture', 'lo'], /give one of them/],
  ])('%j → exit 2 with the fix, no stack trace', async (args, message) => {
    const r = await runCli(['keepalive', '--interval', '0', ...(args as string[])])
    expect(r.code).toBe(2)
    expect(r.stderr).toMatch(message as RegExp)
    expect(r.stderr).not.toMatch(/\n\s+at /)
    expect(r.stdout).toBe('')
  })

  test('a truncated capture is analysed up to the cut and the report says so', async () => {
    const { readFileSync, writeFileSync } = await import('node:fs')
    const buf = readFileSync(join(ROOT, 'test', 'fixtures', 'capture', 'lo-eth.pcap'))
    const cut = join(dir, 'cut.pcap')
    writeFileSync(cut, buf.subarray(0, buf.length - 30))
    const { code, report } = await runJson(['keepalive', '--pcap', cut, '--interval', '0', '--only', 'keepalive.probes'])
    expect(code).toBe(0)
    expect(report.notes.join('\n')).toMatch(/cut\.pcap is truncated: .*analysed up to the cut/)
    expect(report.notes.join('\n')).toMatch(/99 packets/)
  })
})
