// Captures that start after the connections did (the normal case on a busy host, CONTRACT.md "Captures that start
// mid-connection"), on the real kernel in a namespace: keepalive-mix.cjs connects first (keepalive answered, a peer
// whose answers iptables drops once the captures run, a PING/PONG heartbeat, an idle connection the server resets during the capture,
// keepalive over IPv6), and only then netdoc --capture starts, through tcpdump and through cap, while tcpdump -i any
// writes a LINUX_SLL2 file for --pcap.
import { execFile } from 'node:child_process'
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { promisify } from 'node:util'

import { describeRoot, findingsOf, ROOT, runJson, TestNetns } from '../helpers/netns.js'
import { hasModule, testWith } from '../helpers/requires.js'

const execFileP = promisify(execFile)
const BASE = 9300
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms).unref())
const ev = (f: any, name: string) => f.evidence.find((e: any) => e.name === name)?.value
const within = (v: number, target: number, share = 0.25) => Math.abs(v - target) <= target * share

interface Live {
  code: number
  report: any
  output: string
}

describeRoot(
  'captures that start after the connections',
  () => {
    let ns: TestNetns
    let dir: string
    const live: { tcpdump?: Live; cap?: Live } = {}
    const withCap = hasModule('cap')

    beforeAll(async () => {
      dir = mkdtempSync(join(tmpdir(), 'netdoc-mid-'))
      ns = await TestNetns.create('mid')
      // the dead peer's connection keeps probing a second apart for the whole capture
      await ns.sysctl('net.ipv4.tcp_keepalive_intvl', 1)
      await ns.sysctl('net.ipv4.tcp_keepalive_probes', 30)
      const mix = await ns.node('keepalive-mix.cjs', [BASE, 'more'])
      // every handshake is over well before any capture starts
      await sleep(1500)
      // BASE+7's server is silent from before the file's capture starts: the file holds only its unanswered probes
      // (tcpdump starts first, and fast)
      await ns.exec(['iptables', '-A', 'OUTPUT', '-p', 'tcp', '--sport', String(BASE + 7), '-j', 'DROP'])
      const anyDump = await ns.start(['tcpdump', '-i', 'any', '-B', '16384', '--immediate-mode', '-U', '-w', join(dir, 'any.pcap')], { waitReady: false })
      const netdoc = (via: 'tcpdump' | 'cap') =>
        ns.start([process.execPath, join(ROOT, 'bin', 'run.js'), 'check', 'keepalive', 'resets', '--capture', 'lo', '--capture-with', via, '--duration', '9', '--interval', '0', '--json', '--write', join(dir, `${via}.pcap`)], { waitReady: false })
      const children = { tcpdump: await netdoc('tcpdump'), ...(withCap ? { cap: await netdoc('cap') } : {}) }
      // listened for from the start: one may exit while the other is awaited
      const exits = Object.fromEntries(
        Object.entries(children).map(([via, c]) => [via, Promise.race([new Promise<number>((resolve) => c.on('exit', (code) => resolve(code ?? -1))), sleep(40000).then(() => -1)])]),
      )
      // every capture running: one packet socket each (bounded wait), then a moment for their filters
      const sockets = withCap ? 3 : 2
      for (let i = 0; i < 150; i++) {
        const { stdout } = await ns.exec(['cat', '/proc/net/packet'])
        if (stdout.trim().split('\n').length >= sockets + 1) break
        await sleep(100)
      }
      // from now on the server of BASE+4 never answers: its segments are dropped before they reach lo. Not earlier:
      // node's keepalive gives up after 10 unanswered probes (libuv's TCP_KEEPCNT), 10 s, and a slow start of
      // netdoc must not miss them.
      await ns.exec(['iptables', '-A', 'OUTPUT', '-p', 'tcp', '--sport', String(BASE + 4), '-j', 'DROP'])
      await sleep(1500)
      // the established, idle connection of BASE+5 is reset by its server during the capture
      process.kill(mix.pid!, 'SIGUSR2')
      for (const [via, child] of Object.entries(children)) {
        const code = await exits[via]
        const output = child.output()
        let report: any
        try {
          report = JSON.parse(output.slice(output.indexOf('{')))
        } catch {
          report = undefined
        }
        live[via as 'tcpdump' | 'cap'] = { code, report, output }
      }
      process.kill(anyDump.pid!, 'SIGINT')
      await Promise.race([new Promise((r) => anyDump.on('exit', r)), sleep(5000)])
    }, 90000)

    afterAll(async () => {
      await ns?.cleanup()
      if (dir && !process.env.NETDOC_KEEP_TEST_FILES) rmSync(dir, { recursive: true, force: true })
    })

    /** What every capture of this traffic must show, whichever way it was taken. */
    function judge(report: any, serverBy: 'listener' | 'port', lossy = false) {
      // a lost packet doubles a gap: on a lossy file a median may be off by a period
      const near = (v: number, target: number) => within(v, target, lossy ? 1 : 0.25)
      const probes = findingsOf(report, 'keepalive.probes')
      const byServer = (server: string) => probes.filter((f: any) => f.subject.server === server)
      const [answered] = byServer(`127.0.0.1:${BASE + 1}`)
      expect(answered).toMatchObject({ status: 'fail', details: [{ midstream: true, serverBy }] })
      expect(ev(answered, 'probes')).toBeGreaterThanOrEqual(4)
      expectAnswered(answered, lossy)
      expect(near(ev(answered, 'intervalSeconds'), 1)).toBe(true)
      const [dead] = byServer(`127.0.0.1:${BASE + 4}`)
      expect(dead).toMatchObject({ status: 'fail', severity: 'warning', title: 'Keepalive probes unanswered' })
      expect(ev(dead, 'unanswered')).toBeGreaterThanOrEqual(4)
      expect(near(ev(dead, 'intervalSeconds'), 1)).toBe(true)
      // the heartbeat connection carries no keepalive, and its PING/PONG is a heartbeat
      expect(byServer(`127.0.0.1:${BASE + 3}`)).toHaveLength(0)
      const beats = findingsOf(report, 'keepalive.heartbeat')
      expect(beats.map((b: any) => b.subject.server)).toEqual([`127.0.0.1:${BASE + 3}`])
      expect(beats[0]).toMatchObject({ status: 'fail', severity: 'info' })
      expect(near(ev(beats[0], 'periodSeconds'), 1.5)).toBe(true)
      // the connection reset by its server during the capture
      const [reset] = findingsOf(report, 'resets.closes').filter((f: any) => f.subject.server === `127.0.0.1:${BASE + 5}`)
      expect(reset).toMatchObject({ status: 'fail', severity: 'warning' })
      expect(ev(reset, 'abort')).toBe(1)
      expect(ev(reset, 'partial')).toBe(0)
      expect(reset.details[0]).toMatchObject({ end: 'abort', by: 'server', midstream: true, serverBy })
      // the other connections were still open at the end: open, not partial, and never an error
      const ends = findingsOf(report, 'resets.closes').filter((f: any) => f.subject.server === `127.0.0.1:${BASE + 1}`)
      expect(ends[0]).toMatchObject({ status: 'pass' })
      expect(ends[0].details[0]).toMatchObject({ end: 'open', midstream: true })
      expect(report.findings.filter((f: any) => f.status === 'error')).toEqual([])
      return { byServer }
    }

    /**
     * Every probe answered. `lossy`: tcpdump -i any on this kernel drops packets of lo with its default 2 MB buffer
     * (seen here: the probes' TS ecr shows the server answered each one, the file lacked up to 3 of 4 answers and
     * some probes; test/fixtures/capture/make.sh retries for the same reason). -B 16384 made it whole in every run
     * here, but a file is judged as a file: only some answers are required.
     */
    function expectAnswered(f: any, lossy: boolean) {
      if (lossy) return expect(ev(f, 'answered')).toBeGreaterThanOrEqual(1)
      expect(f.severity).toBe('info')
      expect(ev(f, 'unanswered')).toBe(0)
      expect(ev(f, 'answered')).toBe(ev(f, 'probes'))
    }

    function judgeLive(l: Live | undefined, via: 'tcpdump' | 'cap') {
      expect(l?.report).toBeDefined()
      expect(l!.code).toBe(0)
      judge(l!.report, 'listener')
      expect(l!.report.target).toMatchObject({ kind: 'live', capture: 'live:lo', captureWith: via })
      expect(l!.report.notes.join('\n')).toMatch(via === 'tcpdump' ? /live via tcpdump/ : /live via libpcap \(cap\)/)
    }

    test('--capture-with tcpdump: probes answered and unanswered, the heartbeat and the reset, all midstream; --write keeps a file', async () => {
      judgeLive(live.tcpdump, 'tcpdump')
      const written = join(dir, 'tcpdump.pcap')
      expect(existsSync(written)).toBe(true)
      const { stdout } = await execFileP('tcpdump', ['-nn', '-r', written], { maxBuffer: 16 * 1024 * 1024 })
      // the file is tcpdump's own stream, exactly the packets netdoc analysed
      const analysed = /: (\d+) packets/.exec(live.tcpdump!.report.notes.join('\n'))
      expect(stdout.trim().split('\n').length).toBe(Number(analysed?.[1]))
    })

    testWith({ modules: ['cap'] }, '--capture-with cap: the same through libpcap in-process; --write keeps a file', async () => {
      judgeLive(live.cap, 'cap')
      const { stdout } = await execFileP('tcpdump', ['-nn', '-r', join(dir, 'cap.pcap')], { maxBuffer: 16 * 1024 * 1024 })
      expect(stdout.trim().split('\n').length).toBeGreaterThan(20)
    })

    test('the same on a file from tcpdump -i any (LINUX_SLL2), with keepalive over IPv6; servers told by port', async () => {
      const file = join(dir, 'any.pcap')
      expect(readFileSync(file).readUInt32LE(20) & 0xffff).toBe(276)
      const { code, report } = await runJson(['check', 'keepalive', 'resets', '--pcap', file, '--interval', '0'])
      expect(code).toBe(0)
      const { byServer } = judge(report, 'port', true)
      const [v6] = byServer(`[::1]:${BASE + 6}`)
      expect(v6).toMatchObject({ status: 'fail', subject: { client: expect.stringMatching(/^\[::1\]:\d+$/) }, details: [{ midstream: true, serverBy: 'port' }] })
      expect(ev(v6, 'probes')).toBeGreaterThanOrEqual(4)
      expectAnswered(v6, true)
      // the silent peer: no segment of its server in the file, so each probe is judged by the next identical one
      const [silent] = byServer(`127.0.0.1:${BASE + 7}`)
      expect(silent).toMatchObject({ status: 'fail', severity: 'warning', details: [{ midstream: true }] })
      expect(ev(silent, 'answered')).toBe(0)
      expect(ev(silent, 'unanswered')).toBeGreaterThanOrEqual(4)
      expect(within(ev(silent, 'intervalSeconds'), 1, 1)).toBe(true)
    })
  },
  { tools: ['tcpdump', 'iptables'] },
)

describeRoot(
  '--capture-with tcpdump: its own errors are exit 2 with one line; a SIGTERM ends the capture early',
  () => {
    let ns: TestNetns
    beforeAll(async () => {
      ns = await TestNetns.create('tdx')
    })
    afterAll(async () => ns?.cleanup())

    const netdoc = (args: string[]) =>
      ns.exec([process.execPath, join(ROOT, 'bin', 'run.js'), 'resets', '--capture-with', 'tcpdump', '--interval', '0', '--duration', '1', ...args]).then(
        () => ({ code: 0, stderr: '' }),
        (err: any) => ({ code: err.code as number, stderr: String(err.stderr) }),
      )

    test('a bad filter names --filter and pcap-filter', async () => {
      const r = await netdoc(['--capture', 'lo', '--filter', 'tcp port'])
      expect(r.code).toBe(2)
      expect(r.stderr.trim().split('\n')).toHaveLength(1)
      expect(r.stderr).toMatch(/--filter "tcp port": tcpdump: .*syntax error.*man pcap-filter/)
    })

    test('SIGTERM during the capture: the report of what was captured, and no tcpdump left behind', async () => {
      const child = await ns.start([process.execPath, join(ROOT, 'bin', 'run.js'), 'resets', '--capture', 'lo', '--capture-with', 'tcpdump', '--interval', '0', '--duration', '60', '--json'], { waitReady: false })
      const exit = new Promise<number>((resolve) => child.on('exit', (code) => resolve(code ?? -1)))
      const packetSockets = async () => (await ns.exec(['cat', '/proc/net/packet'])).stdout.trim().split('\n').length - 1
      // polled tightly, so the SIGTERM comes right as tcpdump opens its socket, before it wrote its file header (the
      // race that once made the report lose its capture: a signal to a child that had just exited threw ESRCH)
      for (let i = 0; i < 1500 && (await packetSockets()) < 1; i++) await sleep(10)
      expect(await packetSockets()).toBe(1)
      process.kill(child.pid!, 'SIGTERM')
      expect(await Promise.race([exit, sleep(15000).then(() => 'still running')])).toBe(0)
      const out = child.output()
      const report = JSON.parse(out.slice(out.indexOf('{')))
      expect(report.target).toMatchObject({ capture: 'live:lo', captureWith: 'tcpdump' })
      expect(findingsOf(report, 'resets.closes')[0]).toMatchObject({ status: 'error', message: expect.stringMatching(/holds no packets/) })
      expect(await packetSockets()).toBe(0)
    }, 30000)

    test('an interface that is down or missing names --capture', async () => {
      const r = await netdoc(['--capture', 'nosuch0'])
      expect(r.code).toBe(2)
      expect(r.stderr).toMatch(/--capture nosuch0: no such interface/)
    })
  },
  { tools: ['tcpdump'] },
)
