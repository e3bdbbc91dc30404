// The accept queue on the real kernel: a listener that never accepts (backlog 4) and a healthy one, in a
// namespace of the test's own, with clients hammering both.
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

import { describeRoot, findingsOf, ROOT, runCli, runJson, TestNetns } from '../helpers/netns.js'

const key = (f: any) => JSON.stringify([f.check, f.status, f.severity ?? null, f.subject])
const keys = (report: any) => report.findings.map(key).sort()

describeRoot('queues scenario: a listener that never accepts', () => {
  let ns: TestNetns
  let stuckPid: number
  const snap = mkdtempSync(join(tmpdir(), 'netdoc-snap-'))
  let during: any
  let duringCode: number

  beforeAll(async () => {
    ns = await TestNetns.create('queues')
    const stuck = await ns.node('stuck-listener.cjs', ['127.0.0.1', 8080, 4, 60])
    stuckPid = stuck.pid!
    await ns.node('echo-server.cjs', ['::1', 9090])
    // Clients for ~4 s: 80 to the stuck listener, 80 to the healthy one.
    await ns.node('connect-burst.cjs', ['127.0.0.1', 8080, 80, 50, 500], { waitReady: false })
    await ns.node('connect-burst.cjs', ['::1', 9090, 80, 50, 500], { waitReady: false })
    await new Promise((r) => setTimeout(r, 300))
    const r = await runJson(['queues', '--netns', ns.name, '--interval', '2'])
    during = r.report
    duringCode = r.code
    // Wait for the clients to finish: from here on the counters are still.
    await new Promise((r) => setTimeout(r, 2500))
  })

  afterAll(async () => {
    await ns?.cleanup()
    rmSync(snap, { recursive: true, force: true })
  })

  test('during the storm: accept-overflow is critical and names the stuck listener and its pid', () => {
    const f = findingsOf(during, 'queues.accept-overflow')
    expect(f).toHaveLength(1)
    expect(f[0]).toMatchObject({ status: 'fail', severity: 'critical', subject: { local: '127.0.0.1:8080', pid: stuckPid, process: 'node', side: 'server' } })
    expect(f[0].evidence.find((e: any) => e.name === 'TcpExtListenOverflows').delta).toBeGreaterThan(0)
    expect(duringCode).toBe(1)
    expect(during.exitCode).toBe(1)
    expect(during.target).toMatchObject({ kind: 'live', netns: ns.name })
    expect(during.window.seconds).toBeGreaterThanOrEqual(1.9)
  })

  test('the healthy listener is never blamed', () => {
    const all = during.findings.filter((f: any) => f.status === 'fail')
    expect(all.length).toBeGreaterThan(0)
    for (const f of all) expect(f.subject.local).not.toBe('[::1]:9090')
  })

  test('accept-queue-fill: the stuck listener is full (critical)', () => {
    expect(findingsOf(during, 'queues.accept-queue-fill')).toEqual([
      expect.objectContaining({ severity: 'critical', subject: expect.objectContaining({ local: '127.0.0.1:8080' }) }),
    ])
  })

  test('after the storm, --interval 0 reports the overflow as info (since boot), still naming the listener', async () => {
    const { report, code } = await runJson(['queues', '--netns', ns.name, '--interval', '0'])
    const f = findingsOf(report, 'queues.accept-overflow')
    expect(f).toEqual([expect.objectContaining({ status: 'fail', severity: 'info', subject: expect.objectContaining({ local: '127.0.0.1:8080' }) })])
    expect(report.window.seconds).toBe(0)
    // The queue is still full (nobody accepts), which stays critical.
    expect(code).toBe(1)
    const gate = await runCli(['queues', '--netns', ns.name, '--interval', '0', '--fail-on', 'never'])
    expect(gate.code).toBe(0)
  })

  test('snapshot then --from reproduces the findings the snapshot saw', async () => {
    const s = await runCli(['snapshot', '-o', snap, '--netns', ns.name, '--interval', '1'])
    expect(s.stderr).toBe('')
    expect(s.code).toBe(0)
    const seen = JSON.parse(readFileSync(join(snap, 'report.json'), 'utf8'))
    const { report } = await runJson(['check', '--from', snap])
    expect(report.target).toMatchObject({ kind: 'snapshot', path: snap, netns: ns.name })
    expect(keys(report)).toEqual(keys(seen))
    expect(findingsOf(report, 'queues.accept-overflow')[0].subject.local).toBe('127.0.0.1:8080')
    // and the same again: replay is deterministic
    expect(keys((await runJson(['check', '--from', snap])).report)).toEqual(keys(report))
  })

  test('a snapshot from an old kernel (2.6.32 netstat layout) still analyses; a missing file makes its checks skip', async () => {
    const old = mkdtempSync(join(tmpdir(), 'netdoc-old-'))
    try {
      cpSync(snap, old, { recursive: true })
      const layout = readFileSync(join(ROOT, 'test', 'fixtures', 'linux-2.6.32-layout', 'proc-net-netstat'))
      for (const sample of ['sample-0', 'sample-1']) writeFileSync(join(old, sample, 'files', 'proc', 'net', 'netstat'), layout)
      const { report } = await runJson(['check', '--from', old, '--only', 'queues'])
      const overflow = findingsOf(report, 'queues.accept-overflow')[0]
      expect(overflow.evidence.find((e: any) => e.name === 'TcpExtListenOverflows')).toMatchObject({ value: 1234, delta: 0 })
      const syn = findingsOf(report, 'queues.syn-overflow')[0]
      expect(syn).toMatchObject({ status: 'fail', severity: 'info' })
      // the newer counters are absent, not 0; the sysctls it judges by are shown
      expect(syn.evidence.map((e: any) => e.name)).toEqual(['TcpExtSyncookiesSent', 'net.ipv4.tcp_syncookies', 'net.core.somaxconn'])

      for (const sample of ['sample-0', 'sample-1']) rmSync(join(old, sample, 'files', 'proc', 'net', 'netstat'))
      const gone = (await runJson(['check', '--from', old, '--only', 'queues'])).report
      expect(findingsOf(gone, 'queues.accept-overflow')).toEqual([expect.objectContaining({ status: 'skip', message: expect.stringMatching(/netstat is not in the snapshot/) })])
      expect(findingsOf(gone, 'queues.accept-queue-fill')[0].status).toBe('fail') // the rest still runs
    } finally {
      rmSync(old, { recursive: true, force: true })
    }
  })

  test('--netns from outside equals running inside the namespace (check and the topic command)', async () => {
    const outside = (await runJson(['check', '--only', 'queues', '--netns', ns.name, '--interval', '0'])).report
    const { stdout } = await ns.exec([process.execPath, join(ROOT, 'bin', 'run.js'), 'queues', '--interval', '0', '--json'], { timeoutMs: 30000 }).catch((e) => e)
    const inside = JSON.parse(stdout)
    expect(keys(inside)).toEqual(keys(outside))
  })

  test('--pid of a process inside the namespace sees the same as --netns (a container\'s view)', async () => {
    const byNs = (await runJson(['queues', '--netns', ns.name, '--interval', '0'])).report
    const byPid = (await runJson(['queues', '--pid', String(stuckPid), '--interval', '0'])).report
    expect(byPid.target.netns).toBe(`pid:${stuckPid}`)
    expect(keys(byPid)).toEqual(keys(byNs))
  })

  test('the human view lists both listeners and the fix', async () => {
    const r = await runCli(['queues', '--netns', ns.name, '--interval', '0'])
    expect(r.stdout).toMatch(/127\.0\.0\.1:8080 .* FULL/)
    expect(r.stdout).toMatch(/\[::1\]:9090/)
    expect(r.stdout).toContain(`$ ip netns exec ${ns.name} ss -ltnp 'sport = :8080'`)
    expect(r.stdout).not.toMatch(/\x1b\[/) // NO_COLOR and piped: plain
  })
})
