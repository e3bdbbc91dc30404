// congestion.flows on real traffic in a namespace, captured at once by tcpdump (then --pcap) and by netdoc itself
// (--capture lo): nft drops a random 8 % of the segments toward one port and none toward its twin; a third server
// with a small SO_RCVBUF stops reading for 3 s (a real zero window). Paced senders keep the capture small.
//
// The independent count of retransmissions on the same file: tcpdump -r text output, a data segment toward the
// lossy port whose sequence range ends at or below the highest end already seen from that connection
// (`seq A:B` with -S, absolute numbers); and tshark's tcp.analysis.retransmission where tshark is installed.
// Shares are of bytes: on loopback (as on any sending host with TSO/GSO) a captured segment carries several MSS
// and a lost one is re-sent as MSS-sized segments, so counts of segments disagree with the drops by 2x.
import { execFileSync } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

import { describeRoot, findingsOf, PROGRAMS, ROOT, runJson, TestNetns } from '../helpers/netns.js'
import { testWith } from '../helpers/requires.js'

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))
const LOSSY = 9101
const CLEAN = 9102
const STALLED = 9103
const DROP_PERCENT = 8

/** Data and retransmitted segments and bytes toward `port`, counted from tcpdump's text output (see the header). */
function tcpdumpCount(file: string, port: number): { data: number; retrans: number; bytes: number; retransBytes: number; share: number } {
  const out = execFileSync('tcpdump', ['-r', file, '-nn', '-S', `tcp dst port ${port}`], { stdio: ['ignore', 'pipe', 'ignore'], maxBuffer: 1 << 28 }).toString()
  const highest = new Map<string, number>()
  let data = 0
  let retrans = 0
  let bytes = 0
  let retransBytes = 0
  for (const line of out.split('\n')) {
    const m = / IP6? (\S+) > \S+: .*seq (\d+):(\d+),/.exec(line)
    if (!m) continue
    const [from, a, b] = [m[1], Number(m[2]), Number(m[3])]
    if (b === a) continue
    data++
    bytes += b - a
    const top = highest.get(from)
    // modular: B at or below the highest end (within half the sequence space) re-sends what was sent
    if (top !== undefined && ((b - top) | 0) <= 0) {
      retrans++
      retransBytes += b - a
    } else highest.set(from, b)
  }
  return { data, retrans, bytes, retransBytes, share: retransBytes / bytes }
}

describeRoot('congestion.flows: a lossy port, its clean twin and a receiver that stops reading', () => {
  let ns: TestNetns
  let dir: string
  let pcap: string
  let live: any
  let nftShare: number

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'netdoc-cgflows-'))
    pcap = join(dir, 'flows.pcap')
    ns = await TestNetns.create('cgflows')
    await ns.exec(['ip', 'link', 'set', 'lo', 'mtu', '1500'])
    // on input, after tcpdump saw the segment on lo: the capture holds every drop and its retransmission
    await ns.exec(['nft', 'add table inet loss'])
    await ns.exec(['nft', 'add chain inet loss in { type filter hook input priority 0 ; }'])
    await ns.exec(['nft', `add rule inet loss in tcp dport ${LOSSY} tcp flags & (syn | fin | rst) == 0 counter`])
    await ns.exec(['nft', `add rule inet loss in tcp dport ${LOSSY} tcp flags & (syn | fin | rst) == 0 numgen random mod 100 < ${DROP_PERCENT} counter drop`])
    await ns.node('tcp-sink.cjs', ['127.0.0.1', LOSSY])
    await ns.node('tcp-sink.cjs', ['127.0.0.1', CLEAN])
    await ns.start(['python3', join(PROGRAMS, 'stalled-reader.py'), '127.0.0.1', String(STALLED), '4096', '0.5', '3', '20'])

    const tcpdump = await ns.start(['tcpdump', '-i', 'lo', '-s', '128', '--immediate-mode', '-U', '-w', pcap], { waitReady: false })
    const netdoc = await ns.start([process.execPath, join(ROOT, 'bin', 'run.js'), 'congestion', '--capture', 'lo', '--duration', '9', '--interval', '0', '--only', 'congestion.flows', '--json'], { waitReady: false })
    // both capturing: two packet sockets in the namespace (bounded wait)
    for (let i = 0; i < 150; i++) {
      const { stdout } = await ns.exec(['cat', '/proc/net/packet'])
      if (stdout.trim().split('\n').length >= 3) break
      await sleep(100)
    }
    const senders = await Promise.all([
      ns.node('paced-sender.cjs', ['127.0.0.1', LOSSY, 3, 8192]),
      ns.node('paced-sender.cjs', ['127.0.0.1', CLEAN, 3, 8192]),
      ns.node('paced-sender.cjs', ['127.0.0.1', STALLED, 5, 4096]),
    ])
    await Promise.all(senders.map((s) => Promise.race([new Promise((r) => s.on('exit', r)), sleep(20000)])))
    const code = await Promise.race([new Promise<number>((r) => netdoc.on('exit', (c) => r(c ?? -1))), sleep(30000).then(() => -1)])
    const out = netdoc.output()
    expect(code).toBeGreaterThanOrEqual(0)
    live = JSON.parse(out.slice(out.indexOf('{')))
    process.kill(tcpdump.pid!, 'SIGINT')
    await Promise.race([new Promise((r) => tcpdump.on('exit', r)), sleep(5000)])
    // bytes of IP packets: the headers make this share a little lower than that of payload bytes
    const counts = [...(await ns.exec(['nft', 'list chain inet loss in'])).stdout.matchAll(/packets \d+ bytes (\d+)/g)].map((m) => Number(m[1]))
    nftShare = counts[1] / counts[0]
  }, 90000)

  afterAll(async () => {
    await ns?.cleanup()
    if (dir) rmSync(dir, { recursive: true, force: true })
  })

  function judge(report: any, independentShare: number) {
    const found = findingsOf(report, 'congestion.flows')
    const of = (port: number) => found.find((f: any) => f.subject.server === `127.0.0.1:${port}`)
    const lossy = of(LOSSY)
    expect(lossy).toMatchObject({ status: 'fail', subject: { server: `127.0.0.1:${LOSSY}` } })
    expect(['warning', 'critical']).toContain(lossy.severity)
    const [row] = lossy.details
    expect(row.limitedBy).toBe('network')
    expect(row.retransmissions).toBeGreaterThan(0)
    const share = row.lossShare
    expect(Math.abs(share - independentShare)).toBeLessThan(0.03)
    expect(lossy.message).toMatch(/\d+ of \d+ data segments retransmitted/)

    expect(of(CLEAN)).toMatchObject({ status: 'pass', subject: { server: `127.0.0.1:${CLEAN}` } })
    // nothing drops on the clean port, but on a starved 2-core machine an RTO can fire before the ACK is sent
    // (seen: 2 in a run at load 10); the verdict must still be pass, far below the lossy port's share
    expect(of(CLEAN).details[0].retransmissions).toBeLessThanOrEqual(5)
    expect(of(CLEAN).details[0].lossShare).toBeLessThan(share / 4)

    const stalled = of(STALLED)
    expect(stalled).toMatchObject({ status: 'fail', severity: 'warning', subject: { server: `127.0.0.1:${STALLED}` } })
    const [z] = stalled.details
    expect(z).toMatchObject({ limitedBy: 'receiver', zeroWindowBy: 'server' })
    // the reader stops 0.5 s in for 3 s; its buffer fills within a few ms of the stall and opens when it reads
    expect(z.zeroWindowSeconds).toBeGreaterThan(2)
    expect(z.zeroWindowSeconds).toBeLessThan(3.5)
    return { share, row }
  }

  test('from the tcpdump file (--pcap): the lossy port fails within a few points of the tcpdump count, the clean one passes, the stalled receiver limits its connection', async () => {
    const { report } = await runJson(['congestion', '--pcap', pcap, '--interval', '0', '--only', 'congestion.flows'])
    const count = tcpdumpCount(pcap, LOSSY)
    expect(count.retrans).toBeGreaterThan(0)
    const { share, row } = judge(report, count.share)
    // the same file, the same rule: the counts agree (netdoc leaves out segments filling a gap within 3 ms)
    expect(Math.abs(row.dataSegments - count.data)).toBeLessThanOrEqual(2)
    expect(Math.abs(row.retransmissions + row.outOfOrder - count.retrans)).toBeLessThanOrEqual(2)
    // nft counted the drops on its own: every drop is retransmitted (and a dropped retransmission counts twice)
    expect(Math.abs(share - nftShare)).toBeLessThan(0.04)
  })

  testWith({ tools: ['tshark'] }, 'tshark counts the same retransmissions on the same file', async () => {
    const { report } = await runJson(['congestion', '--pcap', pcap, '--interval', '0', '--only', 'congestion.flows'])
    // payload bytes of the matching segments
    const tshark = (filter: string) =>
      execFileSync('tshark', ['-r', pcap, '-n', '-Y', filter, '-T', 'fields', '-e', 'tcp.len'], { stdio: ['ignore', 'pipe', 'ignore'], maxBuffer: 1 << 28 })
        .toString().trim().split('\n').filter(Boolean).reduce((n, l) => n + Number(l), 0)
    const data = tshark(`tcp.dstport == ${LOSSY} && tcp.len > 0`)
    // Wireshark calls a resend that fills a gap soon after it opened (within its RTT estimate, tiny on loopback)
    // out-of-order, not a retransmission: in some runs 15-25 % of the resent bytes. Nothing here reorders (nft only
    // drops), so each of those is a retransmission, as netdoc counts it (it calls out-of-order only a gap filled
    // within 3 ms of opening); the sum is tshark's count of resent bytes.
    const resent = tshark(`tcp.dstport == ${LOSSY} && tcp.len > 0 && (tcp.analysis.retransmission || tcp.analysis.out_of_order)`)
    expect(tshark(`tcp.dstport == ${LOSSY} && tcp.len > 0 && tcp.analysis.retransmission`)).toBeGreaterThan(0)
    judge(report, resent / data)
  })

  test('from netdoc’s own live capture (--capture lo): the same verdicts', () => {
    const count = tcpdumpCount(pcap, LOSSY)
    // the live capture began with tcpdump's and ran past the senders: the same connections
    judge(live, count.share)
  })
}, { tools: ['tcpdump', 'nft'] })
