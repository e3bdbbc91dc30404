// congestion.loss and mtu.fragmentation from pathologies made in a namespace: nft drops a random 5 % of the
// segments toward one port and none toward its twin; 4000-byte UDP datagrams over a 1500-byte loopback with every
// non-first fragment dropped before reassembly.
import { describeRoot, findingsOf, runJson, TestNetns } from '../helpers/netns.js'

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))

describeRoot('congestion.loss: one port loses 5 % of its segments, its twin none', () => {
  let ns: TestNetns
  beforeAll(async () => {
    ns = await TestNetns.create('cgloss')
    await ns.exec(['ip', 'link', 'set', 'lo', 'mtu', '1500'])
    // on input, after the sender sent: TCP sees a real loss (a drop on output is a local send failure instead)
    await ns.exec(['nft', 'add table inet loss'])
    await ns.exec(['nft', 'add chain inet loss in { type filter hook input priority 0 ; }'])
    await ns.exec(['nft', 'add rule inet loss in tcp dport 9101 counter'])
    await ns.exec(['nft', 'add rule inet loss in tcp dport 9101 numgen random mod 100 < 5 counter drop'])
  })
  afterAll(async () => ns?.cleanup())

  test('the lossy destination fails with a share close to the drops nft counted; the clean one does not', async () => {
    await ns.node('tcp-sink.cjs', ['127.0.0.1', 9101])
    await ns.node('tcp-sink.cjs', ['127.0.0.1', 9102])
    const lossy = await ns.node('bulk-sender.cjs', ['127.0.0.1', 9101, 8])
    const clean = await ns.node('bulk-sender.cjs', ['127.0.0.1', 9102, 8])
    await sleep(1500) // both transfers in their stride
    const r = await runJson(['congestion', '--netns', ns.name, '--interval', '1', '--only', 'congestion.loss'])
    // the independent count: what nft saw toward 9101 and what it dropped, over the same connections' lives
    const rules = (await ns.exec(['nft', 'list chain inet loss in'])).stdout
    lossy.kill('SIGKILL')
    clean.kill('SIGKILL')
    const counts = [...rules.matchAll(/packets (\d+)/g)].map((m) => Number(m[1]))
    expect(counts).toHaveLength(2)
    const [seen, dropped] = counts
    const nftShare = dropped / seen

    const found = findingsOf(r.report, 'congestion.loss')
    const toLossy = found.find((f: any) => f.subject.remote === '127.0.0.1:9101')
    expect(toLossy).toMatchObject({ status: 'fail', subject: { remote: '127.0.0.1:9101', side: 'client' } })
    expect(['warning', 'critical']).toContain(toLossy.severity)
    expect(found.find((f: any) => f.subject.remote === '127.0.0.1:9102')).toBeUndefined()
    const ev = (name: string) => toLossy.evidence.find((e: any) => e.name === name).value
    const share = ev('retrans') / ev('segs_out')
    // retransmissions re-send what was dropped (and retransmissions dropped again count in both); the ss figures
    // come from the sample, nft's a moment later, so they agree within a few points, not exactly
    expect(Math.abs(share - nftShare)).toBeLessThan(0.04)
    expect(toLossy.message).toMatch(/toward 127\.0\.0\.1:9101: \d+ of \d+ segments retransmitted/)
  })
}, { tools: ['nft'] })

describeRoot('mtu.fragmentation: UDP datagrams above the MTU lose their fragments', () => {
  let ns: TestNetns
  beforeAll(async () => {
    ns = await TestNetns.create('mtufrag')
    await ns.exec(['ip', 'link', 'set', 'lo', 'mtu', '1500'])
    await ns.sysctl('net.ipv4.ipfrag_time', 1)
    // before reassembly (ip_local_deliver reassembles before the input hook; priority -450 is before conntrack's
    // defragmentation): the first fragment of each datagram arrives, the rest never do
    await ns.exec(['nft', 'add table ip fragdrop'])
    await ns.exec(['nft', 'add chain ip fragdrop pre { type filter hook prerouting priority -450 ; }'])
    await ns.exec(['nft', 'add rule ip fragdrop pre ip frag-off & 0x1fff != 0 counter drop'])
  })
  afterAll(async () => ns?.cleanup())

  test('ReasmFails and ReasmTimeout grow in the window', async () => {
    const sender = await ns.node('udp-flood.cjs', ['127.0.0.1', 9200, 8, 2, 4000])
    await sleep(1500) // the first fragments have waited ipfrag_time (1 s) by now
    const r = await runJson(['mtu', '--netns', ns.name, '--interval', '2', '--only', 'mtu.fragmentation', '--fail-on', 'warning'])
    sender.kill('SIGKILL')
    const [f] = findingsOf(r.report, 'mtu.fragmentation')
    expect(f).toMatchObject({ status: 'fail', severity: 'warning', subject: {} })
    const delta = (name: string) => f.evidence.find((e: any) => e.name === name)?.delta
    expect(delta('IpReasmFails')).toBeGreaterThan(0)
    expect(delta('IpReasmTimeout')).toBeGreaterThan(0)
    expect(f.message).toMatch(/IpReasmTimeout \d+ in 2\.0 s: fragments waited 1 s \(ipfrag_time\)/)
    expect(r.code).toBe(1)
  })
}, { tools: ['nft'] })

describeRoot('congestion.control: connections made before the algorithm changed keep the old one', () => {
  let ns: TestNetns
  beforeAll(async () => {
    ns = await TestNetns.create('cgctl')
    await ns.sysctl('net.ipv4.tcp_congestion_control', 'reno')
  })
  afterAll(async () => ns?.cleanup())

  // A namespace may set only the algorithms of tcp_allowed_congestion_control (EPERM otherwise): reno and bbr here.
  // An accepted connection takes the default at accept time, not its listener's (net/ipv4/tcp_cong.c
  // tcp_ca_openreq_child) unless the listener set one with TCP_CONGESTION: so the connection is made under reno.
  test('both ends of a connection made under reno, the configured default now bbr', async () => {
    await ns.node('tcp-sink.cjs', ['127.0.0.1', 9301])
    const sender = await ns.node('bulk-sender.cjs', ['127.0.0.1', 9301, 6])
    await ns.sysctl('net.ipv4.tcp_congestion_control', 'bbr')
    const r = await runJson(['congestion', '--netns', ns.name, '--interval', '0', '--only', 'congestion.control'])
    sender.kill('SIGKILL')
    const found = findingsOf(r.report, 'congestion.control')
    expect(found).toHaveLength(1)
    expect(found[0]).toMatchObject({ status: 'fail', severity: 'warning', subject: { sysctl: 'net.ipv4.tcp_congestion_control' } })
    expect(found[0].message).toMatch(/^2 established sockets use reno while the configured default is bbr, e\.g\. 127\.0\.0\.1:\d+ → 127\.0\.0\.1:\d+/)
    expect(found[0].details[0]).toMatchObject({ congestion: 'reno', sockets: 2 })
  })
})

describeRoot('congestion.control: an accepted connection takes the default at accept time, not its listener\'s', () => {
  let ns: TestNetns
  beforeAll(async () => {
    ns = await TestNetns.create('cgacc')
  })
  afterAll(async () => ns?.cleanup())

  // The listener is made under reno and the default changed to bbr before the client connects: on 6.18 the accepted
  // socket is bbr (tcp_ca_openreq_child takes the namespace default unless the listener set TCP_CONGESTION itself).
  test('listener made under reno, default then bbr: both ends of the new connection are bbr', async () => {
    await ns.sysctl('net.ipv4.tcp_congestion_control', 'reno')
    await ns.node('tcp-sink.cjs', ['127.0.0.1', 9302])
    await ns.sysctl('net.ipv4.tcp_congestion_control', 'bbr')
    const sender = await ns.node('bulk-sender.cjs', ['127.0.0.1', 9302, 6])
    const accepted = (await ns.exec(['ss', '-tniH', 'state', 'established', 'sport', '=', ':9302'])).stdout
    const listener = (await ns.exec(['ss', '-tliH', 'sport', '=', ':9302'])).stdout
    const r = await runJson(['congestion', '--netns', ns.name, '--interval', '0', '--only', 'congestion.control'])
    sender.kill('SIGKILL')
    expect(listener).toMatch(/\breno\b/)
    expect(accepted).toMatch(/\bbbr\b/)
    expect(accepted).not.toMatch(/\breno\b/)
    const found = findingsOf(r.report, 'congestion.control')
    expect(found).toEqual([expect.objectContaining({ status: 'pass', subject: {} })])
    expect(found[0].message).toMatch(/bbr 2\b/)
  })
})
