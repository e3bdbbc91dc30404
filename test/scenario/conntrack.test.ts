// Conntrack and the neighbour tables on the real kernel. A namespace whose nft rule tracks every flow (`ct state`)
// holds connections open; in it the per-namespace nf_conntrack_tcp_timeout_established is cut below the keepalive
// time, in its healthy twin it keeps the kernel default. The table's global max is never changed. The neighbour
// tables exist only in the initial namespace: read from the host, skipped inside a namespace.
import { describeRoot, findingsOf, runCli, runJson, TestNetns } from '../helpers/netns.js'

const RULES = 'table inet netdoc_track { chain input { type filter hook input priority 0; ct state established,related accept; ct state invalid drop; accept; }; }'

async function tracked(tag: string, port: number): Promise<TestNetns> {
  const ns = await TestNetns.create(tag)
  await ns.exec(['nft', RULES])
  await ns.node('echo-server.cjs', ['127.0.0.1', port])
  await ns.node('hold-connections.cjs', ['127.0.0.1', port, 5, 30, 'hold'])
  return ns
}

describeRoot(
  'conntrack scenario: a tracked namespace with a short established timeout',
  () => {
    let short: TestNetns
    let healthy: TestNetns
    let shortReport: any
    let healthyReport: any
    let view: string

    beforeAll(async () => {
      ;[short, healthy] = await Promise.all([tracked('ct-short', 7300), tracked('ct-ok', 7300)])
      await short.sysctl('net.netfilter.nf_conntrack_tcp_timeout_established', 300)
      ;[shortReport, healthyReport] = await Promise.all([
        runJson(['conntrack', '--netns', short.name, '--interval', '1']).then((r) => r.report),
        runJson(['conntrack', '--netns', healthy.name, '--interval', '1']).then((r) => r.report),
      ])
      view = (await runCli(['conntrack', '--netns', healthy.name, '--interval', '0'], { env: { COLUMNS: '120' } })).stdout
    }, 60000)

    afterAll(async () => {
      await short?.cleanup()
      await healthy?.cleanup()
    })

    test('established timeout 300 s below tcp_keepalive_time 7200 s: conntrack.timeouts warns, the fix runs in the namespace', () => {
      const f = findingsOf(shortReport, 'conntrack.timeouts')
      expect(f).toEqual([expect.objectContaining({ status: 'fail', severity: 'warning', subject: { sysctl: 'net.netfilter.nf_conntrack_tcp_timeout_established' } })])
      expect(f[0].message).toMatch(/is 300 s .*tcp_keepalive_time \(7200 s\)/)
      expect(f[0].remediation.commands[0]).toBe(`ip netns exec ${short.name} sysctl -w net.netfilter.nf_conntrack_tcp_timeout_established=28800`)
    })

    test('the healthy twin (kernel default 432000 s): pass', () => {
      expect(findingsOf(healthyReport, 'conntrack.timeouts')).toEqual([expect.objectContaining({ status: 'pass' })])
    })

    test('the held connections are tracked: the table counts them and passes; drops read per CPU from procfs pass', () => {
      const table = findingsOf(healthyReport, 'conntrack.table')
      expect(table).toEqual([expect.objectContaining({ status: 'pass' })])
      const count = table[0].evidence.find((e: any) => e.name === 'net.netfilter.nf_conntrack_count')
      expect(Number(count.value)).toBeGreaterThanOrEqual(5)
      expect(findingsOf(healthyReport, 'conntrack.drops')).toEqual([expect.objectContaining({ status: 'pass', message: expect.stringMatching(/\/proc\/net\/stat\/nf_conntrack/) })])
    })

    test("inside a namespace the neighbour tables are the host's: skipped with the reason", () => {
      expect(findingsOf(healthyReport, 'neigh.table-overflow')).toEqual([expect.objectContaining({ status: 'skip', message: expect.stringMatching(/initial network namespace/) })])
    })

    test('netdoc conntrack shows the table and its per-CPU statistics', () => {
      expect(view).toMatch(/Conntrack · \d+\/\d+ entries .* buckets \d+/)
      expect(view).toMatch(/Statistics \(\/proc\/net\/stat\/nf_conntrack, summed over \d+ CPUs\)/)
      expect(view).toMatch(/Neighbour tables: not shown here/)
    })
  },
  { tools: ['nft'] },
)

test("the host's own neighbour tables, read for real: ARP entries against gc_thresh3, no error", async () => {
  const { report } = await runJson(['check', 'neigh', '--interval', '0'])
  const f = findingsOf(report, 'neigh.table-overflow')
  expect(f).toHaveLength(1)
  expect(['pass', 'fail']).toContain(f[0].status)
  if (f[0].status === 'pass') expect(f[0].message).toMatch(/ARP \(IPv4\) \d+\/(\d+|\?)/)
})
