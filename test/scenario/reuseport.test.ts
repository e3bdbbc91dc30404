// SO_REUSEPORT on the real kernel: three processes listen on one port, each with its own accept queue (backlog 4);
// in one namespace a member stops accepting while clients connect, in its healthy twin every member accepts.
import { describeRoot, findingsOf, runCli, runJson, TestNetns } from '../helpers/netns.js'

const PORT = 8181
const member = (ns: TestNetns, mode: 'accept' | 'stall') => ns.start(['python3', `${process.cwd()}/test/helpers/programs/reuseport-member.py`, '127.0.0.1', String(PORT), '4', mode, '30'])

describeRoot('reuseport scenario: one stalled member of a group', () => {
  let stalled: TestNetns
  let healthy: TestNetns
  let stalledPid: number
  let stalledReport: any
  let healthyReport: any
  let view: string

  beforeAll(async () => {
    ;[stalled, healthy] = await Promise.all([TestNetns.create('reuseport'), TestNetns.create('reuseport-ok')])
    stalledPid = (await member(stalled, 'stall')).pid!
    await member(stalled, 'accept')
    await member(stalled, 'accept')
    for (let i = 0; i < 3; i++) await member(healthy, 'accept')
    // 60 connections each, 20 ms apart, held 4 s: the hash sends about a third to each member.
    await stalled.node('connect-burst.cjs', ['127.0.0.1', PORT, 60, 20, 4000], { waitReady: false })
    await healthy.node('connect-burst.cjs', ['127.0.0.1', PORT, 60, 20, 4000], { waitReady: false })
    await new Promise((r) => setTimeout(r, 1500))
    ;[stalledReport, healthyReport] = await Promise.all([
      runJson(['check', 'queues', '--netns', stalled.name, '--interval', '1']).then((r) => r.report),
      runJson(['check', 'queues', '--netns', healthy.name, '--interval', '1']).then((r) => r.report),
    ])
    view = (await runCli(['queues', '--netns', stalled.name, '--interval', '0'], { env: { COLUMNS: '120' } })).stdout
  }, 60000)

  afterAll(async () => {
    await stalled?.cleanup()
    await healthy?.cleanup()
  })

  test('the stalled member is named by its pid, critical; its accepting siblings are not blamed', () => {
    const f = findingsOf(stalledReport, 'queues.reuseport-imbalance').filter((x) => x.status === 'fail')
    expect(f).toHaveLength(1)
    expect(f[0]).toMatchObject({ severity: 'critical', subject: { local: `127.0.0.1:${PORT}`, side: 'server', pid: stalledPid, process: 'python3' } })
    expect(f[0].message).toMatch(/SO_REUSEPORT group of 3/)
    expect(f[0].details).toHaveLength(3)
  })

  test('every member accepting: pass', () => {
    const f = findingsOf(healthyReport, 'queues.reuseport-imbalance')
    expect(f).toEqual([expect.objectContaining({ status: 'pass', message: expect.stringMatching(new RegExp(`127\\.0\\.0\\.1:${PORT} \\(3\\)`)) })])
  })

  test('the queues view shows the group member by member', () => {
    expect(view).toMatch(/SO_REUSEPORT groups \(1\)/)
    expect(view).toMatch(new RegExp(`127\\.0\\.0\\.1:${PORT} \\(3\\)\\s+python3 \\(${stalledPid}\\)|python3 \\(${stalledPid}\\)`))
  })
})
