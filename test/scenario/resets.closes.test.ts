// Every way a connection ends, made live in a namespace and captured at once by tcpdump (then --pcap) and by
// netdoc itself (--capture lo, joined with the abort counters of the same window).
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

import { describeRoot, findingsOf, ROOT, runJson, TestNetns } from '../helpers/netns.js'
import { hasModule, testWith } from '../helpers/requires.js'

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))
const BASE = 9100
const PORT = {
  graceful: BASE + 1,
  unread: BASE + 2,
  linger0: BASE + 3,
  refused: BASE + 4,
  dropped: BASE + 5,
  killedBusy: BASE + 6,
  killedIdle: BASE + 7,
}

describeRoot('resets.closes: connection ends captured live', () => {
  let ns: TestNetns
  let dir: string
  let pcap: string
  let live: any

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'netdoc-closes-'))
    pcap = join(dir, 'closes.pcap')
    ns = await TestNetns.create('closes')
    await ns.exec(['iptables', '-A', 'INPUT', '-p', 'tcp', '--dport', String(PORT.dropped), '--syn', '-j', 'DROP'])
    await ns.node('abort-server.cjs', ['127.0.0.1', PORT.graceful, 'graceful'])
    await ns.node('abort-server.cjs', ['127.0.0.1', PORT.unread, 'unread'])
    await ns.node('abort-server.cjs', ['127.0.0.1', PORT.linger0, 'linger0'])
    const busy = await ns.node('abort-server.cjs', ['127.0.0.1', PORT.killedBusy, 'hold-unread'])
    const idle = await ns.node('abort-server.cjs', ['127.0.0.1', PORT.killedIdle, 'hold'])

    const tcpdump = await ns.start(['tcpdump', '-i', 'lo', '--immediate-mode', '-U', '-w', pcap], { waitReady: false })
    // netdoc's own live capture needs the optional cap module; without it only the tcpdump file is judged
    const netdoc = hasModule('cap')
      ? await ns.start([process.execPath, join(ROOT, 'bin', 'run.js'), 'resets', '--capture', 'lo', '--duration', '5', '--interval', '1', '--json'], { waitReady: false })
      : undefined
    const sockets = netdoc ? 3 : 2
    // both capturing: two packet sockets in the namespace (bounded wait)
    for (let i = 0; i < 100; i++) {
      const { stdout } = await ns.exec(['cat', '/proc/net/packet'])
      if (stdout.trim().split('\n').length >= sockets) break
      await sleep(100)
    }
    const client = (port: number, count: number, hold = false) => ns.runNode('request-client.cjs', ['127.0.0.1', port, count, 50, ...(hold ? ['hold'] : [])])
    const holders = await Promise.all([
      ns.node('request-client.cjs', ['127.0.0.1', PORT.killedBusy, 2, 50, 'hold']),
      ns.node('request-client.cjs', ['127.0.0.1', PORT.killedIdle, 2, 50, 'hold']),
    ])
    expect(holders).toHaveLength(2)
    // the dropped port's client gives up after 2 s (SYNs at 0 and 1 s), while the others run
    await Promise.all([client(PORT.graceful, 3), client(PORT.unread, 3), client(PORT.linger0, 2), client(PORT.refused, 1), client(PORT.dropped, 1)])
    process.kill(busy.pid!, 'SIGKILL')
    process.kill(idle.pid!, 'SIGKILL')

    if (netdoc) {
      const code = await Promise.race([new Promise<number>((r) => netdoc.on('exit', (c) => r(c ?? -1))), sleep(30000).then(() => -1)])
      const out = netdoc.output()
      expect(code).toBe(0) // warnings only
      live = JSON.parse(out.slice(out.indexOf('{')))
    } else {
      await sleep(3000) // the idle holders' half-close is on the wire before tcpdump stops
    }
    process.kill(tcpdump.pid!, 'SIGINT')
    await Promise.race([new Promise((r) => tcpdump.on('exit', r)), sleep(5000)])
  }, 60000)

  afterAll(async () => {
    await ns?.cleanup()
    if (dir) rmSync(dir, { recursive: true, force: true })
  })

  function judge(report: any) {
    const findings = findingsOf(report, 'resets.closes')
    const of = (port: number) => findings.find((f: any) => f.subject.server === `127.0.0.1:${port}`)
    const ev = (f: any, name: string) => f.evidence.find((e: any) => e.name === name)?.value
    const rows = (port: number) => of(port).details.map((r: any) => [r.end, r.by, r.unanswered])

    expect(of(PORT.graceful)).toMatchObject({ status: 'pass' })
    expect(ev(of(PORT.graceful), 'graceful')).toBe(3)

    expect(of(PORT.unread)).toMatchObject({ status: 'fail', severity: 'warning', title: 'Server aborted connections with requests unanswered' })
    expect(rows(PORT.unread)).toEqual(Array(3).fill(['abort', 'server', true]))

    expect(of(PORT.linger0)).toMatchObject({ status: 'fail', severity: 'warning' })
    expect(rows(PORT.linger0)).toEqual(Array(2).fill(['abort', 'server', false]))

    expect(ev(of(PORT.refused), 'refused')).toBe(1)
    const [timeout] = of(PORT.dropped).details
    expect(timeout).toMatchObject({ end: 'timeout', synRetransmissions: expect.any(Number) })
    expect(timeout.synRetransmissions).toBeGreaterThanOrEqual(1)
    expect(of(PORT.dropped).message).toMatch(/a client waits (\d+ min )?\d+ s \(\d+ SYNs\)/)

    expect(rows(PORT.killedBusy)).toEqual(Array(2).fill(['abort', 'server', true]))
    expect(of(PORT.killedIdle)).toMatchObject({ status: 'fail', severity: 'info' })
    expect(rows(PORT.killedIdle)).toEqual(Array(2).fill(['half-closed', 'server', undefined]))
    return of
  }

  test('from the tcpdump file (--pcap): every verdict with its by and unanswered', async () => {
    const { code, report } = await runJson(['resets', '--pcap', pcap, '--interval', '0'])
    expect(code).toBe(0)
    const of = judge(report)
    // a file is not joined with this host's counters
    expect(of(PORT.unread).message).not.toMatch(/TCPAbortOnClose/)
  })

  testWith({ modules: ['cap'] }, 'from the live capture: the same verdicts, joined with TCPAbortOnClose of the same window', () => {
    const of = judge(live)
    expect(of(PORT.unread).message).toMatch(/TCPAbortOnClose \+\d+ in the same window: the server closed \(or died\) with requests unread/)
    expect(of(PORT.killedBusy).message).toMatch(/TCPAbortOnClose \+\d+ in the same window/)
    expect(of(PORT.linger0).message).toMatch(/TCPAbortOnData \+\d+ in the same window/)
    const aborts = findingsOf(live, 'resets.aborts').map((f: any) => f.subject.counter)
    expect(aborts).toEqual(expect.arrayContaining(['TcpExtTCPAbortOnClose', 'TcpExtTCPAbortOnData']))
  })
}, { tools: ['tcpdump', 'iptables'] })
