// `netdoc connect` run inside a namespace the test made, against a listener, a closed port, a port whose SYNs
// iptables drops, and one it rejects with ICMP host-unreachable; IPv6 in brackets; bad arguments.
import { execFile } from 'node:child_process'
import { mkdirSync, rmSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'

import { describeRoot, ROOT, runCli, TestNetns, type CliResult } from '../helpers/netns.js'
import { hasTool, testWith } from '../helpers/requires.js'

const IPTABLES = { tools: ['iptables' as const] } // the drop and reject rules

describeRoot('netdoc connect', () => {
  let ns: TestNetns

  /** The built CLI run inside the namespace (so its connect() and its sysctls are the namespace's). */
  const connect = (args: string[]): Promise<CliResult & { report: any }> =>
    new Promise((resolve, reject) => {
      execFile('ip', ['netns', 'exec', ns.name, process.execPath, join(ROOT, 'bin', 'run.js'), 'connect', ...args, '--json'], { timeout: 30000 }, (err, stdout, stderr) => {
        const code = err ? (typeof (err as { code?: unknown }).code === 'number' ? (err as { code: number }).code : -1) : 0
        try {
          resolve({ code, stdout, stderr, report: JSON.parse(stdout) })
        } catch {
          reject(new Error(`not JSON (exit ${code}): ${stdout}\n${stderr}`))
        }
      })
    })
  const evidence = (f: any, name: string) => f.evidence.find((e: any) => e.name === name)?.value

  beforeAll(async () => {
    ns = await TestNetns.create('connect')
    await ns.node('abort-server.cjs', ['127.0.0.1', 8080, 'graceful'])
    await ns.node('abort-server.cjs', ['::1', 8080, 'graceful'])
    // SYNs to 8091 are dropped; 8092 is rejected with ICMP host-unreachable (the tests that need them skip without iptables)
    if (hasTool('iptables')) {
      await ns.exec(['iptables', '-A', 'INPUT', '-p', 'tcp', '--dport', '8091', '--syn', '-j', 'DROP'])
      await ns.exec(['iptables', '-A', 'OUTPUT', '-p', 'tcp', '--dport', '8092', '-j', 'REJECT', '--reject-with', 'icmp-host-unreachable'])
    }
  })
  afterAll(async () => {
    await ns?.cleanup()
  })

  test('a listener: ok, exit 0', async () => {
    const { code, report } = await connect(['127.0.0.1:8080'])
    expect(report.findings).toHaveLength(1)
    expect(report.findings[0]).toMatchObject({ check: 'connect.result', status: 'pass', subject: { remote: '127.0.0.1:8080' } })
    expect(report.findings[0].message).toMatch(/^connected to 127\.0\.0\.1:8080 in [\d.]+ ms$/)
    expect(code).toBe(0)
  })

  test('an IPv6 literal in brackets, and a name', async () => {
    const v6 = await connect(['[::1]:8080'])
    expect(v6.report.findings[0]).toMatchObject({ status: 'pass', subject: { remote: '[::1]:8080' } })
    const closed6 = await connect(['[::1]:8090'])
    expect(evidence(closed6.report.findings[0], 'verdict')).toBe('refused')
    const named = await connect(['localhost:8080'])
    expect(named.report.findings[0].status).toBe('pass')
  })

  test('a closed port: refused (RST), critical, exit 1', async () => {
    const { code, report } = await connect(['127.0.0.1:8090'])
    const f = report.findings[0]
    expect(f).toMatchObject({ status: 'fail', severity: 'critical', title: 'Connection refused', subject: { remote: '127.0.0.1:8090' } })
    expect(evidence(f, 'errno')).toBe('ECONNREFUSED')
    expect(code).toBe(1)
  })

  testWith(IPTABLES, 'SYNs dropped: timeout at --timeout, with how long the kernel would keep trying', async () => {
    await ns.sysctl('net.ipv4.tcp_syn_retries', 3)
    await ns.sysctl('net.ipv4.tcp_syn_linear_timeouts', 4)
    const { code, report } = await connect(['127.0.0.1:8091', '--timeout', '1'])
    const f = report.findings[0]
    expect(f).toMatchObject({ status: 'fail', severity: 'critical', title: 'Connection timed out', subject: { remote: '127.0.0.1:8091' } })
    expect(evidence(f, 'verdict')).toBe('timeout')
    expect(f.message).toMatch(/in 1 s; the kernel would keep trying for 19 s \(8 SYNs with tcp_syn_retries 3, tcp_syn_linear_timeouts 4\)/)
    expect(code).toBe(1)
  })

  testWith(IPTABLES, 'SYNs dropped, the kernel gives up before --timeout: ETIMEDOUT, still a timeout', async () => {
    // tcp_syn_retries 1: the kernel gives up after 3 s (SYN at 0, 1 and 2 s with linear timeouts)
    await ns.sysctl('net.ipv4.tcp_syn_retries', 1)
    const { report } = await connect(['127.0.0.1:8091', '--timeout', '20'])
    const f = report.findings[0]
    expect(evidence(f, 'errno')).toBe('ETIMEDOUT')
    expect(f.message).toMatch(/the kernel gave up after [\d.]+ s \(tcp_syn_retries 1, tcp_syn_linear_timeouts 4: 3 SYNs over 3 s\)/)
  })

  testWith(IPTABLES, 'ICMP host-unreachable: unreachable', async () => {
    const { code, report } = await connect(['127.0.0.1:8092'])
    expect(report.findings[0]).toMatchObject({ title: 'Destination unreachable' })
    expect(evidence(report.findings[0], 'errno')).toBe('EHOSTUNREACH')
    expect(code).toBe(1)
  })

  test('a name that does not resolve: dns', async () => {
    // RFC 6761: .invalid never resolves; inside this namespace no resolver is reachable either
    const { code, report } = await connect(['nothing.invalid:80', '--timeout', '2'])
    expect(evidence(report.findings[0], 'verdict')).toBe('dns')
    expect(report.findings[0].subject).toEqual({ remote: 'nothing.invalid:80' })
    expect(code).toBe(1)
  })

  test.each([
    [['connect', '127.0.0.1'], /expected HOST:PORT/],
    [['connect', '::1:80'], /IPv6 addresses in brackets/],
    [['connect', '127.0.0.1:99999'], /out of range/],
    [['connect', '127.0.0.1:80', '--timeout', 'soon'], /--timeout soon/],
    [['connect'], /Missing 1 required arg/],
  ])('bad arguments %j: exit 2, a clear message, no stack trace', async (args, msg) => {
    const r = await runCli(args)
    expect(r.code).toBe(2)
    expect(r.stdout).toBe('')
    expect(r.stderr).toMatch(msg)
    expect(r.stderr).not.toMatch(/\n\s+at /)
  })
})

describeRoot('netdoc connect: a resolver that never answers', () => {
  let ns: TestNetns
  let etc: string

  beforeAll(async () => {
    ns = await TestNetns.create('dns')
    // `ip netns exec` bind-mounts /etc/netns/NAME/resolv.conf over /etc/resolv.conf for this namespace only
    etc = join('/etc/netns', ns.name)
    mkdirSync(etc, { recursive: true })
    writeFileSync(join(etc, 'resolv.conf'), 'nameserver 127.0.0.1\noptions timeout:5 attempts:2\n')
    await ns.node('dns-sink.cjs', ['127.0.0.1'])
  })
  afterAll(async () => {
    await ns?.cleanup()
    if (etc) rmSync(etc, { recursive: true, force: true })
  })

  test('the lookup is cut at --timeout: dns verdict, and netdoc exits instead of waiting for the resolver (10 s)', async () => {
    const t0 = Date.now()
    const r = await new Promise<{ code: number; stdout: string }>((resolve) =>
      execFile('ip', ['netns', 'exec', ns.name, process.execPath, join(ROOT, 'bin', 'run.js'), 'connect', 'slow.invalid:80', '--timeout', '1', '--json'], { timeout: 30000 }, (err, stdout) =>
        resolve({ code: err ? ((err as { code?: number }).code ?? -1) : 0, stdout }),
      ),
    )
    const f = JSON.parse(r.stdout).findings[0]
    expect(f).toMatchObject({ title: 'Name did not resolve', subject: { remote: 'slow.invalid:80' } })
    expect(f.message).toBe('looking up slow.invalid took longer than 1 s: the resolver does not answer')
    expect(r.code).toBe(1)
    expect(Date.now() - t0).toBeLessThan(9000)
  })
})
