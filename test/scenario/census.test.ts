// The socket census on the real kernel: TIME_WAIT storms by side, a CLOSE_WAIT leak attributed to its process,
// a narrowed port range nearly used up, a listener inside the range, a process near its open-files limit.
// Each scenario makes its own namespace; the port-range sysctls are per namespace, so narrowing them is cheap here.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

import { describeRoot, findingsOf, PROGRAMS, runCli, runJson, TestNetns } from '../helpers/netns.js'

const failing = (report: any, check: string) => findingsOf(report, check).filter((f: any) => f.status === 'fail')

describeRoot('census: client closes first (TIME_WAIT storm toward one destination)', () => {
  let ns: TestNetns
  beforeAll(async () => {
    ns = await TestNetns.create('tw-client')
    await ns.sysctl('net.ipv4.ip_local_port_range', '40000 40999')
    await ns.sysctl('net.ipv4.tcp_tw_reuse', 0)
    await ns.node('echo-server.cjs', ['127.0.0.1', 9000])
    await ns.node('echo-server.cjs', ['127.0.0.1', 9001])
    expect(await ns.runNode('short-connections.cjs', ['127.0.0.1', 9000, 650, 50, 'client-closes'])).toMatch(/^done 650 0/)
    expect(await ns.runNode('short-connections.cjs', ['127.0.0.1', 9001, 30, 10, 'client-closes'])).toMatch(/^done 30 0/)
  })
  afterAll(() => ns?.cleanup())

  test('without tcp_tw_reuse: a warning on the client side naming the destination, the light one not blamed', async () => {
    const { report } = await runJson(['timewait', '--netns', ns.name, '--interval', '1'])
    const storm = failing(report, 'timewait.storm')
    expect(storm).toHaveLength(1)
    expect(storm[0].severity).toBe('warning') // ~650 of 1000 ports: ≥ 50 %, < 80 %
    expect(storm[0].subject).toEqual({ local: '127.0.0.1', remote: '127.0.0.1:9000', side: 'client' })
    const reuse = failing(report, 'timewait.reuse')
    expect(reuse.map((f: any) => f.subject.remote)).toEqual(['127.0.0.1:9000'])
    // --netns: the fix acts on that namespace (issue 11; it printed the host's command before)
    expect(reuse[0].remediation.commands).toContain(`ip netns exec ${ns.name} sysctl -w net.ipv4.tcp_tw_reuse=1`)

    // a failing finding that names no process (TIME_WAIT has no owner): the census ran without ss -p, and no
    // owners pass followed (DEBUG=netdoc prints each command netdoc ran)
    const traced = await runJson(['timewait', '--netns', ns.name, '--interval', '0'], { env: { DEBUG: 'netdoc' } })
    expect(failing(traced.report, 'timewait.storm')).toHaveLength(1)
    const ssRuns = traced.stderr.split('\n').filter((l) => / ss -/.test(l) && !l.includes('→'))
    expect(ssRuns.length).toBeGreaterThan(0)
    expect(ssRuns.every((l) => l.endsWith(' ss -tano'))).toBe(true)

    const ports = await runJson(['ports', '--netns', ns.name, '--interval', '0'])
    const ex = failing(ports.report, 'ports.ephemeral-exhaustion')
    expect(ex.map((f: any) => f.subject.remote)).toEqual(['127.0.0.1:9000'])
    expect(ex[0].message).toMatch(/\d+\/1000 usable ephemeral ports in use/)
  })

  test('with tcp_tw_reuse=2 on loopback the TIME_WAIT is reusable: info, and not counted as exhaustion', async () => {
    await ns.sysctl('net.ipv4.tcp_tw_reuse', 2)
    try {
      const { report } = await runJson(['check', 'timewait', 'ports', '--netns', ns.name, '--interval', '0'])
      const storm = failing(report, 'timewait.storm')
      expect(storm).toHaveLength(1)
      expect(storm[0].severity).toBe('info')
      expect(storm[0].message).toMatch(/reusable/)
      expect(failing(report, 'timewait.reuse')).toHaveLength(0)
      expect(failing(report, 'ports.ephemeral-exhaustion')).toHaveLength(0)
    } finally {
      await ns.sysctl('net.ipv4.tcp_tw_reuse', 0)
    }
  })
})

describeRoot('census: server closes first (server-side TIME_WAIT, TIME_WAIT bucket table full)', () => {
  let ns: TestNetns
  beforeAll(async () => {
    ns = await TestNetns.create('tw-server')
    await ns.sysctl('net.ipv4.tcp_max_tw_buckets', 1100)
    await ns.node('closing-server.cjs', ['127.0.0.1', 8080])
    expect(await ns.runNode('short-connections.cjs', ['127.0.0.1', 8080, 1300, 50, 'server-closes'])).toMatch(/^done 1300 0/)
  })
  afterAll(() => ns?.cleanup())

  test('TIME_WAIT is attributed to the listener as server side, never to a client destination', async () => {
    const { report } = await runJson(['timewait', '--netns', ns.name, '--interval', '1'])
    const storm = failing(report, 'timewait.storm')
    const server = storm.filter((f: any) => f.subject.side === 'server')
    expect(server).toHaveLength(1)
    expect(server[0].severity).toBe('info')
    expect(server[0].subject).toMatchObject({ local: '127.0.0.1:8080', side: 'server', process: 'node' })
    expect(storm.filter((f: any) => f.subject.side === 'client')).toHaveLength(0)
    // 1300 closes with room for 1100: the table is full and the kernel counted the overflow
    const host = storm.find((f: any) => f.subject.sysctl === 'net.ipv4.tcp_max_tw_buckets')
    expect(host?.severity).toBe('warning')
    const overflow = failing(report, 'timewait.bucket-overflow')
    expect(overflow).toHaveLength(1)
    expect(overflow[0].evidence.find((e: any) => e.name === 'TcpExtTCPTimeWaitOverflow').value).toBeGreaterThan(0)
  })
})

describeRoot('census: a CLOSE_WAIT leak held by a helper process', () => {
  let ns: TestNetns
  let serverPid: number
  let clientPid: number
  beforeAll(async () => {
    ns = await TestNetns.create('close-wait')
    // Listens on :: (dual stack): the IPv4 clients show up as ::ffff:127.0.0.1 on the server side.
    const server = await ns.node('leaky-server.cjs', ['::', 9100, 60])
    serverPid = server.pid!
    const client = await ns.node('hold-connections.cjs', ['127.0.0.1', 9100, 150, 60, 'close'])
    clientPid = client.pid!
    await new Promise((r) => setTimeout(r, 300)) // the FINs cross loopback
  })
  afterAll(() => ns?.cleanup())

  test('sockets.close-wait names the leaking process and pid; the closed side lingers in FIN_WAIT2', async () => {
    const { report } = await runJson(['timewait', '--netns', ns.name, '--interval', '1'])
    const cw = failing(report, 'sockets.close-wait')
    expect(cw).toHaveLength(1)
    expect(cw[0].severity).toBe('warning') // 150: ≥ 10, < 1000
    expect(cw[0].subject).toEqual({ side: 'server', local: '[::ffff:127.0.0.1]:9100', pid: serverPid, process: 'node' })
    expect(cw[0].message).toMatch(new RegExp(`150 CLOSE_WAIT sockets held by node \\(pid ${serverPid}\\)`))
    expect(cw[0].message).toMatch(/ls -l \/proc\/\d+\/fd/)
    // its owner came from one pass over the CLOSE_WAIT sockets after the checks ran, not from the census
    const traced = await runCli(['timewait', '--netns', ns.name, '--interval', '0', '--json'], { env: { DEBUG: 'netdoc' } })
    const ssRuns = traced.stderr.split('\n').filter((l) => / ss -/.test(l) && !l.includes('→'))
    expect(ssRuns.map((l) => l.slice(l.indexOf(' ss -') + 1))).toEqual(['ss -tano', 'ss -tanpo state close-wait'])
    // nothing fails under a higher threshold: the JSON run reads no owners, the table's CLOSE_WAIT-by-process
    // view still names the process (the view asks for them when it is drawn)
    const dir = mkdtempSync(join(tmpdir(), 'netdoc-cw-'))
    try {
      const cfg = join(dir, 'cfg.json')
      writeFileSync(cfg, JSON.stringify({ checks: { 'sockets.close-wait': { thresholds: { warning: 1000, critical: 2000 } } } }))
      const quiet = await runCli(['timewait', '--netns', ns.name, '--interval', '0', '--json', '--config', cfg], { env: { DEBUG: 'netdoc' } })
      expect(JSON.parse(quiet.stdout).findings.filter((f: any) => f.check === 'sockets.close-wait').map((f: any) => f.status)).toEqual(['pass'])
      expect(quiet.stderr).not.toMatch(/ ss -tanpo/)
      const table = await runCli(['timewait', '--netns', ns.name, '--interval', '0', '--config', cfg], { env: { DEBUG: 'netdoc', COLUMNS: '100' } })
      expect(table.stderr).toMatch(/ ss -tanpo state close-wait\n/)
      expect(table.stdout).toMatch(new RegExp(`CLOSE_WAIT by process[^\\n]*\\n[^\\n]*\\nnode \\(${serverPid}\\) +server +\\[::ffff:127\\.0\\.0\\.1\\]:9100 +150`))
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
    // fd limits need every socket's owner: their full pass is the owners pass of the same sample, one ss -p walk
    const both = await runCli(['check', '--netns', ns.name, '--interval', '0', '--json', '--only', 'ports.fd-limit,sockets.close-wait'], { env: { DEBUG: 'netdoc' } })
    const bothRuns = both.stderr.split('\n').filter((l) => / ss -/.test(l) && !l.includes('→'))
    expect(bothRuns.map((l) => l.slice(l.indexOf(' ss -') + 1))).toEqual(['ss -tano', 'ss -tanpo'])
    expect(failing(JSON.parse(both.stdout), 'sockets.close-wait')[0].subject).toMatchObject({ pid: serverPid, process: 'node' })
    const fd = JSON.parse(both.stdout).findings.find((f: any) => f.check === 'ports.fd-limit')
    expect(fd).toMatchObject({ status: 'pass', message: expect.stringMatching(/^[2-9]\d* socket-owning processes read/) })
    const fw = failing(report, 'sockets.fin-wait2')
    expect(fw).toHaveLength(1)
    expect(fw[0].subject).toEqual({ local: '127.0.0.1', remote: '127.0.0.1:9100', side: 'client' })
    expect(clientPid).toBeGreaterThan(0)
  })
})

describeRoot('census: a narrowed port range nearly used up, a listener inside it, a process near its fd limit', () => {
  let ns: TestNetns
  let holderPid: number
  beforeAll(async () => {
    ns = await TestNetns.create('ports')
    await ns.sysctl('net.ipv4.ip_local_port_range', '41000 41999')
    await ns.sysctl('net.ipv4.ip_local_reserved_ports', '41600')
    await ns.node('echo-server.cjs', ['127.0.0.1', 9000, 1024])
    await ns.node('echo-server.cjs', ['::1', 9001])
    await ns.node('echo-server.cjs', ['127.0.0.1', 41500]) // inside the range, not reserved
    await ns.node('echo-server.cjs', ['127.0.0.1', 41600]) // inside the range, reserved
    // 850 held connections toward one destination from a process allowed 1000 descriptors
    const holder = await ns.start(['prlimit', '--nofile=1000:1000', process.execPath, join(PROGRAMS, 'hold-connections.cjs'), '127.0.0.1', '9000', '850', '60', 'hold'])
    holderPid = holder.pid!
    expect(holder.output()).toMatch(/ready 850/)
    await ns.node('hold-connections.cjs', ['::1', 9001, 20, 60, 'hold'])
  })
  afterAll(() => ns?.cleanup())

  test('critical for the heavy destination, the light IPv6 one not blamed, the unreserved listener named', async () => {
    const { report } = await runJson(['ports', '--netns', ns.name, '--interval', '1'])
    const ex = failing(report, 'ports.ephemeral-exhaustion')
    expect(ex).toHaveLength(1)
    expect(ex[0].severity).toBe('critical') // 850 of 999 usable
    expect(ex[0].subject).toEqual({ local: '127.0.0.1', remote: '127.0.0.1:9000', side: 'client' })
    expect(ex[0].message).toMatch(/850\/999 usable ephemeral ports in use/)

    const range = failing(report, 'ports.range')
    const listeners = range.filter((f: any) => f.subject.local)
    expect(listeners.map((f: any) => f.subject.local)).toEqual(['127.0.0.1:41500'])
    expect(listeners[0].severity).toBe('warning')
    expect(listeners[0].remediation.commands[0]).toBe(`ip netns exec ${ns.name} sysctl -w net.ipv4.ip_local_reserved_ports=41600,41500`)
    expect(range.find((f: any) => f.subject.sysctl === 'net.ipv4.ip_local_port_range')?.severity).toBe('info')

    const fd = failing(report, 'ports.fd-limit').filter((f: any) => f.subject.pid === holderPid)
    expect(fd).toHaveLength(1)
    const open = fd[0].evidence.find((e: any) => e.name === 'open').value
    expect(open).toBeGreaterThanOrEqual(850)
    expect(fd[0].severity).toBe(open >= 950 ? 'critical' : 'warning')
  })

  test('a snapshot replays the census and the descriptor reads: the same findings with --from', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'netdoc-census-'))
    try {
      const snap = await runCli(['snapshot', '-o', join(dir, 's'), '--netns', ns.name, '--interval', '0'])
      expect(snap.code).toBe(0)
      const { report } = await runJson(['ports', '--from', join(dir, 's')])
      expect(failing(report, 'ports.ephemeral-exhaustion').map((f: any) => [f.subject.remote, f.severity])).toEqual([['127.0.0.1:9000', 'critical']])
      expect(failing(report, 'ports.fd-limit').map((f: any) => f.subject.pid)).toContain(holderPid)
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  })
})
