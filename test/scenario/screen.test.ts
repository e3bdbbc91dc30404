// A healthy host's `netdoc check` fits one screen: at most 40 lines of 100 columns (COLUMNS=100; commands to copy
// are kept whole on their own line). The namespace made here serves a few connections with keepalive settings
// that detect a dead peer in minutes, so nothing in it is wrong.
import { describeRoot, runCli, runJson, TestNetns } from '../helpers/netns.js'

describeRoot('output that fits a screen', () => {
  let ns: TestNetns
  beforeAll(async () => {
    ns = await TestNetns.create('screen')
    await ns.sysctl('net.ipv4.tcp_keepalive_time', 60)
    await ns.sysctl('net.ipv4.tcp_keepalive_intvl', 10)
    await ns.sysctl('net.ipv4.tcp_keepalive_probes', 3)
    await ns.node('echo-server.cjs', ['127.0.0.1', 9100])
    await ns.runNode('short-connections.cjs', ['127.0.0.1', 9100, 20, 5, 'server-closes'])
  })
  afterAll(async () => ns?.cleanup())

  test('a healthy namespace: no failing finding, and the table output is at most 40 lines of 100 columns', async () => {
    const json = await runJson(['check', '--netns', ns.name, '--interval', '1'])
    expect(json.report.findings.filter((f: any) => f.status === 'fail' || f.status === 'error').map((f: any) => [f.check, f.severity])).toEqual([])
    expect(json.code).toBe(0)

    const r = await runCli(['check', '--netns', ns.name, '--interval', '1'], { env: { COLUMNS: '100' } })
    expect(r.code).toBe(0)
    const lines = r.stdout.trimEnd().split('\n')
    expect(lines.length).toBeLessThanOrEqual(40)
    expect(lines.filter((l) => l.length > 100)).toEqual([])
    // every passing check is named in the pass line(s), by topic
    const passes = json.report.findings.filter((f: any) => f.status === 'pass')
    expect(passes.length).toBeGreaterThan(15)
    const start = lines.findIndex((l) => l.startsWith('pass '))
    const end = lines.findIndex((l, i) => i > start && !l.startsWith('     '))
    const passText = lines.slice(start, end).join(' ').replace(/ +/g, ' ')
    for (const f of passes) {
      const [topic, name] = f.check.split('.')
      expect([f.check, passText.includes(`${topic}: `) && new RegExp(`[ :,]${name}(,| ·|$)`).test(passText)]).toEqual([f.check, true])
    }
    // a skip reason is printed once, however many checks it skips
    for (const reason of new Set<string>(json.report.findings.filter((f: any) => f.status === 'skip').map((f: any) => f.message))) {
      const firstWords = reason.split(' ').slice(0, 4).join(' ')
      expect([reason, r.stdout.split(firstWords).length - 1]).toEqual([reason, 1])
    }
  })

  test('a narrower terminal (COLUMNS=60) wraps to 60 columns', async () => {
    const r = await runCli(['check', '--netns', ns.name, '--interval', '0'], { env: { COLUMNS: '60' } })
    const long = r.stdout.split('\n').filter((l) => l.length > 60 && !l.trimStart().startsWith('$ '))
    expect(long).toEqual([])
  })
})
