// `netdoc drops` against the real kernel, in namespaces made here: a UDP receiver with a tiny SO_RCVBUF flooded
// (UDP stage and the socket named), a listener that never accepts (TCP listen stage), two veth pairs between two
// namespaces with an asymmetric route and rp_filter=1 (IP stage, rp_filter named), and a quiet namespace. Each
// drops at its own stage only (plus the socket queue stage that names the socket the drop belongs to).
// The veth scenario needs addresses on a link: it uses the documentation ranges 192.0.2.0/24 and 198.51.100.0/24
// (RFC 5737), inside the two namespaces made here only, which route nowhere else.
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

import { describeRoot, findingsOf, runCli, runJson, TestNetns } from '../helpers/netns.js'

const pathOf = (report: any) => findingsOf(report, 'drops.path')[0]
/** The stages whose rows dropped in drops.path's details. */
const droppedStages = (report: any): string[] => [...new Set<string>(pathOf(report).details.filter((d: any) => d.status === 'dropped').map((d: any) => d.stage))].sort()

describeRoot('netdoc drops: a UDP receiver with a tiny buffer, flooded', () => {
  let ns: TestNetns
  let snap: string
  beforeAll(async () => {
    ns = await TestNetns.create('dropsudp')
    snap = mkdtempSync(join(tmpdir(), 'netdoc-drops-snap-'))
  })
  afterAll(async () => {
    await ns?.cleanup()
    rmSync(snap, { recursive: true, force: true })
  })

  test('drops at the UDP stage, the socket named, and nowhere else; a snapshot replays the same table', async () => {
    await ns.node('udp-deaf-receiver.cjs', ['127.0.0.1', 9921, 20])
    // 50 datagrams every 10 ms for 12 s (at most 60000), overlapping both windows below.
    const flood = await ns.node('udp-flood.cjs', ['127.0.0.1', 9921, 12, 50])
    await new Promise((r) => setTimeout(r, 300))
    const r = await runJson(['drops', '--netns', ns.name, '--interval', '2'])
    const f = pathOf(r.report)
    expect(f).toMatchObject({ status: 'fail', subject: {} })
    expect(['warning', 'critical']).toContain(f.severity)
    expect(droppedStages(r.report)).toEqual(['socket', 'udp'])
    const socket = f.details.find((d: any) => d.stage === 'socket' && d.status === 'dropped')
    expect(socket).toMatchObject({ local: '127.0.0.1:9921', process: 'node', counter: 'skmem d' })
    expect(socket.delta).toBeGreaterThan(0)
    const rcvbuf = f.details.find((d: any) => d.counter === 'UdpRcvbufErrors')
    expect(rcvbuf.delta).toBeGreaterThan(0)
    expect(f.message).toContain('127.0.0.1:9921 (node')
    expect(findingsOf(r.report, 'buffers.udp').some((x: any) => x.status === 'fail')).toBe(true)
    expect(findingsOf(r.report, 'drops.ip')[0].status).toBe('pass')
    expect(findingsOf(r.report, 'drops.tcp')[0].status).toBe('pass')

    const rec = await runCli(['snapshot', '-o', snap, '--force', '--netns', ns.name, '--interval', '2'])
    flood.kill('SIGKILL')
    expect(rec.code).toBe(0)
    const live = JSON.parse(readFileSync(join(snap, 'report.json'), 'utf8'))
    const replay = await runJson(['drops', '--from', snap])
    expect(pathOf(replay.report).details).toEqual(pathOf(live).details)
    expect(droppedStages(replay.report)).toEqual(['socket', 'udp'])
    const table = await runCli(['drops', '--from', snap], { env: { COLUMNS: '160' } })
    expect(table.stdout).toMatch(/▶\s+UDP\s+UdpInErrors/)
    expect(table.stdout).toContain('127.0.0.1:9921 node/')
    expect((await runCli(['drops', '--from', snap], { env: { COLUMNS: '160' } })).stdout).toBe(table.stdout)
  })
})

describeRoot('netdoc drops: a listener that never accepts', () => {
  let ns: TestNetns
  beforeAll(async () => {
    ns = await TestNetns.create('dropslisten')
  })
  afterAll(async () => ns?.cleanup())

  test('drops at the TCP listen stage, the listener named, and nowhere else', async () => {
    await ns.node('stuck-listener.cjs', ['127.0.0.1', 8085, 2, 60])
    await ns.node('connect-burst.cjs', ['127.0.0.1', 8085, 60, 30, 4000], { waitReady: false })
    await new Promise((r) => setTimeout(r, 300))
    const r = await runJson(['drops', '--netns', ns.name, '--interval', '2'])
    expect(pathOf(r.report).status).toBe('fail')
    expect(droppedStages(r.report)).toEqual(['socket', 'tcp-listen'])
    const rows = pathOf(r.report).details
    expect(rows.find((d: any) => d.counter === 'TcpExtListenOverflows').delta).toBeGreaterThan(0)
    expect(rows.find((d: any) => d.stage === 'socket' && d.status === 'dropped')).toMatchObject({ local: '127.0.0.1:8085', process: 'node' })
    expect(findingsOf(r.report, 'queues.accept-overflow').filter((f: any) => f.status === 'fail')[0]).toMatchObject({ subject: { local: '127.0.0.1:8085' } })
    expect(findingsOf(r.report, 'drops.tcp')[0].status).toBe('pass')
  })
})

describeRoot(
  'netdoc drops: rp_filter=1 with an asymmetric route over two veth pairs',
  () => {
    let a: TestNetns
    let b: TestNetns
    beforeAll(async () => {
      a = await TestNetns.create('dropsrpa')
      b = await TestNetns.create('dropsrpb')
      await a.exec(['ip', 'link', 'add', 'rpa0', 'type', 'veth', 'peer', 'name', 'rpb0', 'netns', b.name])
      await a.exec(['ip', 'addr', 'add', '192.0.2.1/24', 'dev', 'rpa0'])
      await a.exec(['ip', 'link', 'set', 'rpa0', 'up'])
      // The route back to 198.51.100.0/24 leaves by another interface: the asymmetry rp_filter=1 refuses.
      // (a second veth pair: this kernel has no dummy driver)
      await a.exec(['ip', 'link', 'add', 'rpa1', 'type', 'veth', 'peer', 'name', 'rpb1', 'netns', b.name])
      await a.exec(['ip', 'addr', 'add', '198.51.100.1/24', 'dev', 'rpa1'])
      await a.exec(['ip', 'link', 'set', 'rpa1', 'up'])
      await b.exec(['ip', 'link', 'set', 'rpb1', 'up'])
      await a.sysctl('net.ipv4.conf.all.rp_filter', 0)
      await a.sysctl('net.ipv4.conf.rpa0.rp_filter', 1)
      await b.exec(['ip', 'addr', 'add', '192.0.2.2/24', 'dev', 'rpb0'])
      await b.exec(['ip', 'addr', 'add', '198.51.100.7/32', 'dev', 'rpb0'])
      await b.exec(['ip', 'link', 'set', 'rpb0', 'up'])
      // A answers no ARP for a source it would filter: B is told A's address once, by hand.
      const mac = (await a.exec(['cat', '/sys/class/net/rpa0/address'])).stdout.trim()
      await b.exec(['ip', 'neigh', 'replace', '192.0.2.1', 'lladdr', mac, 'dev', 'rpb0', 'nud', 'permanent'])
    })
    afterAll(async () => {
      await b?.cleanup()
      await a?.cleanup()
    })

    test('drops at the IP stage only, IPReversePathFilter grows, rp_filter of the interface named with the fix', async () => {
      // 5 datagrams every 20 ms from 198.51.100.7 for 4 s (at most 1000), overlapping the window.
      await b.node('udp-from.cjs', ['198.51.100.7', '192.0.2.1', 9, 4, 5])
      await new Promise((r) => setTimeout(r, 200))
      const r = await runJson(['drops', '--netns', a.name, '--interval', '2'])
      expect(droppedStages(r.report)).toEqual(['ip'])
      expect(pathOf(r.report).details.find((d: any) => d.counter === 'TcpExtIPReversePathFilter').delta).toBeGreaterThan(0)
      const ip = findingsOf(r.report, 'drops.ip').filter((f: any) => f.status === 'fail')
      expect(ip).toHaveLength(1)
      expect(ip[0]).toMatchObject({ title: 'Reverse-path filter dropping packets', subject: { interface: 'rpa0', sysctl: 'net.ipv4.conf.rpa0.rp_filter' } })
      expect(ip[0].message).toContain('rpa0 1')
      expect(ip[0].remediation.commands).toContain(`ip netns exec ${a.name} sysctl -w net.ipv4.conf.rpa0.rp_filter=2`)
      // rpa0 is a veth: ethtool -S reads its driver counters, which did not drop; it has no ring sizes (-g).
      const ring = findingsOf(r.report, 'drops.ring')[0]
      expect(ring.status).toBe('pass')
      expect(ring.message).toMatch(/rpa0 \(veth\): no drop, ring sizes unknown/)
    })

    test('a snapshot records the ethtool outputs (and the -g refusal) and the rp_filter settings, and replays them', async () => {
      const dir = mkdtempSync(join(tmpdir(), 'netdoc-drops-rp-'))
      try {
        const rec = await runCli(['snapshot', '-o', dir, '--force', '--netns', a.name, '--interval', '0'])
        expect(rec.code).toBe(0)
        const commands = join(dir, 'sample-0', 'commands')
        expect(existsSync(join(commands, 'ethtool -S rpa0.out'))).toBe(true)
        expect(existsSync(join(commands, 'ethtool -i rpa0.out'))).toBe(true)
        expect(readFileSync(join(commands, 'ethtool -g rpa0.out.unavailable'), 'utf8')).toMatch(/Operation not supported/)
        expect(readFileSync(join(dir, 'sample-0', 'files', 'proc', 'sys', 'net', 'ipv4', 'conf', 'rpa0', 'rp_filter'), 'utf8').trim()).toBe('1')
        const replay = await runJson(['drops', '--from', dir, '--only', 'drops.ring,drops.ip'])
        expect(findingsOf(replay.report, 'drops.ring')[0].message).toMatch(/rpa0 \(veth\): no drop, ring sizes unknown \(.*Operation not supported/)
      } finally {
        rmSync(dir, { recursive: true, force: true })
      }
    })
  },
  { tools: ['ethtool'] },
)

describeRoot('netdoc drops: a quiet namespace', () => {
  let ns: TestNetns
  beforeAll(async () => {
    ns = await TestNetns.create('dropsquiet')
  })
  afterAll(async () => ns?.cleanup())

  test('no stage dropped; the path passes, the ring check skips (only lo), conntrack is read (or absent when not loaded)', async () => {
    const r = await runJson(['drops', '--netns', ns.name, '--interval', '1'])
    expect(pathOf(r.report).status).toBe('pass')
    expect(droppedStages(r.report)).toEqual([])
    const conntrack = pathOf(r.report).details.filter((d: any) => d.stage === 'conntrack')
    expect(conntrack.map((d: any) => d.counter)).toEqual(['drop', 'insert_failed'])
    const loaded = existsSync('/proc/sys/net/netfilter/nf_conntrack_max')
    for (const d of conntrack) expect(d).toMatchObject(loaded ? { status: 'quiet', delta: 0 } : { status: 'absent' })
    expect(findingsOf(r.report, 'drops.ring')[0]).toMatchObject({ status: 'skip' })
    expect(findingsOf(r.report, 'drops.ring')[0].message).toMatch(/no interface but lo/)
    expect(r.code).toBe(0)
  })
})
