// mtu.fragmentation from a capture, on the real kernel in a namespace: lo at MTU 1500, 4000-byte UDP datagrams
// from a client to a server port over IPv4 and IPv6, and 500-byte ones to another port; nft drops every non-first
// fragment on lo's egress hook, which runs before the packet tap, so the capture (tcpdump -i lo) holds what the
// receiver gets: the first fragment of each large datagram. (A drop in prerouting or input comes after the tap:
// the capture would hold every fragment.) The kernel sends no more fragments of a datagram after one failed
// (ip_do_fragment, ip6_fragment), so nft drops one fragment per datagram: its counter is the independent count of
// datagrams that lost fragments, tcpdump's filter count of first fragments the one of fragmented datagrams.
import { execFile } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { promisify } from 'node:util'

import { describeRoot, findingsOf, ROOT, runJson, TestNetns } from '../helpers/netns.js'
import { testWith } from '../helpers/requires.js'

const execFileP = promisify(execFile)
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms).unref())
const ev = (f: any, name: string) => f.evidence.find((e: any) => e.name === name)?.value

/** Packets of a capture file that match a filter, counted by tcpdump. */
async function tcpdumpCount(file: string, filter: string): Promise<number> {
  const { stdout } = await execFileP('tcpdump', ['-nr', file, filter], { maxBuffer: 64 << 20 })
  return stdout.split('\n').filter(Boolean).length
}

async function dropRules(ns: TestNetns): Promise<void> {
  await ns.exec(['ip', 'link', 'set', 'lo', 'mtu', '1500'])
  await ns.sysctl('net.ipv4.ipfrag_time', 1)
  await ns.sysctl('net.ipv6.ip6frag_time', 1)
  await ns.exec(['nft', 'add table netdev fragdrop'])
  await ns.exec(['nft', 'add chain netdev fragdrop out { type filter hook egress device lo priority 0 ; }'])
  await ns.exec(['nft', 'add rule netdev fragdrop out ip frag-off & 0x1fff != 0 counter drop'])
  await ns.exec(['nft', 'add rule netdev fragdrop out frag frag-off != 0 counter drop'])
}

/** The nft counters of the two drop rules: [IPv4, IPv6] fragments dropped. */
async function dropped(ns: TestNetns): Promise<[number, number]> {
  const rules = (await ns.exec(['nft', 'list chain netdev fragdrop out'])).stdout
  const counts = [...rules.matchAll(/packets (\d+)/g)].map((m) => Number(m[1]))
  expect(counts).toHaveLength(2)
  return [counts[0], counts[1]]
}

describeRoot(
  'mtu.fragmentation: a capture names the UDP flows whose datagrams lose fragments',
  () => {
    let ns: TestNetns
    let dir: string
    beforeAll(async () => {
      dir = mkdtempSync(join(tmpdir(), 'netdoc-frag-'))
      ns = await TestNetns.create('fragcap')
      await dropRules(ns)
    })
    afterAll(async () => {
      await ns?.cleanup()
      rmSync(dir, { recursive: true, force: true })
    })

    test('--pcap: the IPv4 and IPv6 flows with their sizes and lost datagrams, as nft and tcpdump count them; the small flow is no finding', async () => {
      const file = join(dir, 'lo.pcap')
      const tcpdump = await ns.start(['tcpdump', '-i', 'lo', '-B', '16384', '--immediate-mode', '-U', '-w', file], { waitReady: false })
      for (let i = 0; i < 100 && !/listening on/.test(tcpdump.output()); i++) await sleep(100)
      expect(tcpdump.output()).toMatch(/listening on/)
      const v4 = await ns.node('udp-flood.cjs', ['127.0.0.1', 9200, 1, 1, 4000])
      const v6 = await ns.node('udp-flood.cjs', ['::1', 9202, 1, 1, 4000])
      const small = await ns.node('udp-flood.cjs', ['127.0.0.1', 9201, 1, 1, 500])
      const exited = (c: typeof v4) => new Promise((r) => (c.exitCode !== null ? r(c.exitCode) : c.on('exit', r)))
      await Promise.race([Promise.all([exited(v4), exited(v6), exited(small)]), sleep(15000)])
      // the capture goes on past the tracker's end-of-capture grace (1 s), so the last datagrams are judged too: a
      // packet 1.5 s later tells the file went on
      await sleep(1500)
      await ns.runNode('udp-flood.cjs', ['127.0.0.1', 9201, 0.01, 1, 500])
      await sleep(200)
      process.kill(tcpdump.pid!, 'SIGINT')
      await Promise.race([exited(tcpdump), sleep(5000)])
      const [drop4, drop6] = await dropped(ns)
      expect(drop4).toBeGreaterThan(10)
      expect(drop6).toBeGreaterThan(10)

      const r = await runJson(['mtu', '--pcap', file, '--netns', ns.name, '--interval', '0', '--only', 'mtu.fragmentation'])
      const found = findingsOf(r.report, 'mtu.fragmentation')
      // the namespace's counters since it was made: the receiver timed the first fragments out; 4 flows: the
      // marker datagram came from a socket of its own
      const host = found.find((f: any) => Object.keys(f.subject).length === 0)
      expect(host).toMatchObject({ status: 'fail', severity: 'info' })
      expect(ev(host, 'IpReasmFails')).toBeGreaterThan(0)
      expect(host.message).toMatch(/the capture: \d+ UDP datagrams in 4 flows, 2 flows with fragmented datagrams \(MTU 1500, the largest fragment\)/)
      expect(host.message).not.toMatch(/cut|first fragment never came/)

      const v4Flow = found.find((f: any) => f.subject.server === '127.0.0.1:9200')
      expect(v4Flow).toMatchObject({ status: 'fail', severity: 'warning', title: 'Fragmented UDP datagrams lost fragments', subject: { client: expect.stringMatching(/^127\.0\.0\.1:\d+$/), server: '127.0.0.1:9200' } })
      // every datagram lost its fragments: as many as nft dropped, as many as tcpdump sees first fragments
      const firsts4 = await tcpdumpCount(file, 'udp and ip[6:2] & 0x3fff = 0x2000')
      expect(await tcpdumpCount(file, 'ip[6:2] & 0x1fff != 0')).toBe(0)
      expect(ev(v4Flow, 'incomplete')).toBe(drop4)
      expect(ev(v4Flow, 'fragmented')).toBe(firsts4)
      expect(ev(v4Flow, 'datagrams')).toBe(firsts4)
      expect(ev(v4Flow, 'maxBytes')).toBe(4008)
      expect(ev(v4Flow, 'missingFragments')).toBe(2 * drop4) // 1480 + 1480 + 1048 bytes: two of three missing
      expect(ev(v4Flow, 'mtu')).toBe(1500)
      expect(v4Flow.message).toMatch(new RegExp(`^127\\.0\\.0\\.1:\\d+ → 127\\.0\\.0\\.1:9200: ${firsts4} of ${firsts4} datagrams above the MTU 1500 came in IP fragments \\(up to 4008 bytes`))

      const v6Flow = found.find((f: any) => f.subject.server === '[::1]:9202')
      expect(v6Flow).toMatchObject({ status: 'fail', severity: 'warning', subject: { client: expect.stringMatching(/^\[::1\]:\d+$/), server: '[::1]:9202' } })
      // IPv6 first fragments: a Fragment header (next header 44) right after the fixed header, offset 0, M set
      const firsts6 = await tcpdumpCount(file, 'ip6 and ip6[6] == 44 and ip6[42:2] & 0xfff9 = 1')
      expect(ev(v6Flow, 'incomplete')).toBe(drop6)
      expect(ev(v6Flow, 'fragmented')).toBe(firsts6)
      expect(ev(v6Flow, 'maxBytes')).toBe(4008)

      expect(found.find((f: any) => f.subject.server === '127.0.0.1:9201')).toBeUndefined()
      expect(r.code).toBe(0) // warnings do not fail the default gate (critical)

      // the view: the UDP flows table names all three
      const view = await execFileP(process.execPath, [join(ROOT, 'bin', 'run.js'), 'mtu', '--pcap', file, '--interval', '0'], { env: { ...process.env, NO_COLOR: '1', COLUMNS: '120' } })
      expect(view.stdout).toMatch(/UDP flows in the capture: \d+ datagrams, \d+ IP fragments; MTU 1500 \(the largest fragment\)/)
      expect(view.stdout).toMatch(new RegExp(`127\\.0\\.0\\.1:\\d+ +127\\.0\\.0\\.1:9200 +${firsts4} +4008 +4008 +${firsts4} \\(client\\) +3 +${drop4} +${2 * drop4}`))
      expect(view.stdout).toMatch(/127\.0\.0\.1:\d+ +127\.0\.0\.1:9201 +\d+ +508 +508 +0 /)
    })

    const liveTest = (via: 'tcpdump' | 'cap', port: number) => async () => {
      const before = (await dropped(ns))[0]
      const netdoc = await ns.start([process.execPath, join(ROOT, 'bin', 'run.js'), 'mtu', '--capture', 'lo', '--capture-with', via, '--duration', '5', '--interval', '0', '--only', 'mtu.fragmentation', '--json'], { waitReady: false })
      // the capture is running once its packet socket exists (bounded wait), then a moment for its filter
      for (let i = 0; i < 100; i++) {
        const { stdout } = await ns.exec(['cat', '/proc/net/packet'])
        if (stdout.trim().split('\n').length >= 2) break
        await sleep(100)
      }
      await sleep(300)
      await ns.runNode('udp-flood.cjs', ['127.0.0.1', port, 1, 1, 4000])
      const code = await Promise.race([new Promise<number>((resolve) => netdoc.on('exit', (c) => resolve(c ?? -1))), sleep(40000).then(() => -1)])
      const out = netdoc.output()
      expect(code).toBe(0)
      const report = JSON.parse(out.slice(out.indexOf('{')))
      const drops = (await dropped(ns))[0] - before
      const flow = findingsOf(report, 'mtu.fragmentation').find((f: any) => f.subject.server === `127.0.0.1:${port}`)
      expect(flow).toMatchObject({ status: 'fail', severity: 'warning', subject: { server: `127.0.0.1:${port}` } })
      expect(ev(flow, 'maxBytes')).toBe(4008)
      // every datagram sent while the capture ran lost its fragments: the flood ends seconds before the capture does,
      // so none is cut by its end
      expect(ev(flow, 'incomplete')).toBe(drops)
    }
    test('--capture lo (tcpdump): the live capture names the fragmenting flow too', liveTest('tcpdump', 9300))
    testWith({ modules: ['cap'] }, '--capture lo (libpcap through cap): the same', liveTest('cap', 9301))
  },
  { tools: ['nft', 'tcpdump'] },
)
