// Fixes that are right when pasted, on the real kernel: which settings a fresh namespace has, `check --netns X`
// printing commands that act on X (pasted here, they change X and not the host), a persistence step that survives
// procps' order of application against a sysctl.conf that sets the opposite, and tcp_syncookies=2 under a SYN burst.
import { execFile } from 'node:child_process'
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync, readdirSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { promisify } from 'node:util'

import { isGlobalSysctl, PERSIST_FILE, sysctlFix } from '../../src/checks/support/remediation.js'
import { lintFindings, writtenKeys } from '../helpers/lint-remediation.js'
import { describeRoot, findingsOf, runCli, runJson, TestNetns } from '../helpers/netns.js'

const execFileP = promisify(execFile)
const hostValue = (key: string) => readFileSync(`/proc/sys/${key.replaceAll('.', '/')}`, 'utf8').trim()
const failingCommands = (report: any): string[] => report.findings.filter((f: any) => f.status === 'fail').flatMap((f: any) => f.remediation.commands)

describeRoot('remediation scenario: the settings of a fresh namespace', () => {
  let ns: TestNetns
  beforeAll(async () => {
    ns = await TestNetns.create('sysctls')
  })
  afterAll(async () => ns?.cleanup())

  // Recorded on Linux 6.18: per-namespace settings exist and are writable in a new namespace; global ones are
  // absent (tcp_mem, netdev_*) or read-only (rmem_max, wmem_max). isGlobalSysctl must say the same.
  const NET_KEYS = [
    'net.core.somaxconn', 'net.ipv4.tcp_max_syn_backlog', 'net.ipv4.tcp_syncookies', 'net.ipv4.tcp_abort_on_overflow', 'net.ipv4.tcp_keepalive_time',
    'net.ipv4.tcp_keepalive_intvl', 'net.ipv4.tcp_keepalive_probes', 'net.ipv4.ip_local_port_range', 'net.ipv4.ip_local_reserved_ports',
    'net.ipv4.tcp_tw_reuse', 'net.ipv4.tcp_timestamps', 'net.ipv4.tcp_max_tw_buckets', 'net.ipv4.tcp_moderate_rcvbuf', 'net.ipv4.tcp_rmem',
    'net.ipv4.tcp_wmem', 'net.ipv4.tcp_congestion_control', 'net.ipv4.tcp_fin_timeout', 'net.ipv4.tcp_orphan_retries',
    'net.ipv4.tcp_mem', 'net.ipv4.udp_mem', 'net.ipv4.tcp_max_orphans', 'net.core.netdev_max_backlog', 'net.core.netdev_budget',
    'net.core.netdev_budget_usecs', 'net.core.default_qdisc', 'net.core.rmem_max', 'net.core.wmem_max', 'net.core.rmem_default', 'net.core.wmem_default',
  ]

  test('a setting is per namespace exactly when a fresh namespace has it writable', async () => {
    const script = NET_KEYS.map((k) => `f=/proc/sys/${k.replaceAll('.', '/')}; if [ ! -e $f ]; then echo ${k} absent; elif [ -w $f ] && [ "$(stat -c %a $f)" != 444 ]; then echo ${k} rw; else echo ${k} ro; fi`).join('\n')
    const { stdout } = await ns.exec(['sh', '-c', script])
    const seen = Object.fromEntries(stdout.trim().split('\n').map((l) => l.split(' ')))
    for (const k of NET_KEYS) expect([k, seen[k] === 'rw']).toEqual([k, !isGlobalSysctl(k)])
  })
})

describeRoot('remediation scenario: check --netns X prints commands that act on X', () => {
  let ns: TestNetns
  const snap = mkdtempSync(join(tmpdir(), 'netdoc-rem-snap-'))
  const BAD = { 'net.ipv4.tcp_syncookies': 0, 'net.ipv4.tcp_abort_on_overflow': 1, 'net.ipv4.tcp_moderate_rcvbuf': 0, 'net.ipv4.tcp_keepalive_time': 7300 }
  const CHECKS = ['queues.syncookies', 'queues.abort-on-overflow', 'buffers.autotuning', 'keepalive.detection-time']
  let report: any
  let host: Record<string, string>

  beforeAll(async () => {
    ns = await TestNetns.create('remedy')
    for (const [k, v] of Object.entries(BAD)) await ns.sysctl(k, v)
    host = Object.fromEntries(Object.keys(BAD).map((k) => [k, hostValue(k)]))
    report = (await runJson(['check', '--netns', ns.name, '--interval', '0', '--fail-on', 'never'])).report
  })
  afterAll(async () => {
    await ns?.cleanup()
    rmSync(snap, { recursive: true, force: true })
  })

  test('every command passes the lint; per-namespace changes run in X; no /etc/sysctl.d step for them', () => {
    for (const id of CHECKS) expect([id, findingsOf(report, id)[0]?.status]).toEqual([id, 'fail'])
    const commands = failingCommands(report)
    expect(lintFindings(report.findings.filter((f: any) => f.status === 'fail'))).toEqual([])
    const writes = commands.filter((c) => writtenKeys(c).length > 0)
    expect(writes.length).toBeGreaterThanOrEqual(CHECKS.length)
    for (const c of writes) if (!writtenKeys(c).every(isGlobalSysctl)) expect(c.startsWith(`ip netns exec ${ns.name} sysctl -w `)).toBe(true)
    for (const c of commands) if (/^(ss|nstat) /.test(c)) throw new Error(`not placed in ${ns.name}: ${c}`)
    for (const id of CHECKS) {
      const f = findingsOf(report, id)[0]
      expect(f.remediation.commands.join('\n')).not.toMatch(/sysctl\.d/)
      expect(f.remediation.text).toMatch(new RegExp(`/etc/sysctl\\.d never reaches it: .*in whatever creates ${ns.name}`))
    }
  })

  test('pasted, the commands change X and leave the host alone; the checks pass afterwards', async () => {
    const fixes = CHECKS.flatMap((id) => findingsOf(report, id)[0].remediation.commands.filter((c: string) => writtenKeys(c).length > 0))
    for (const c of fixes) await execFileP('sh', ['-c', c], { timeout: 10000 })
    for (const k of Object.keys(BAD)) expect([k, hostValue(k)]).toEqual([k, host[k]])
    const after = (await runJson(['check', '--netns', ns.name, '--interval', '0', '--only', CHECKS.join(','), '--fail-on', 'never'])).report
    for (const id of CHECKS) expect([id, findingsOf(after, id)[0].status]).toEqual([id, 'pass'])
  })

  test('--pid: the same fixes through nsenter into the process', async () => {
    await ns.sysctl('net.ipv4.tcp_syncookies', 0)
    const server = await ns.node('echo-server.cjs', ['127.0.0.1', 7070])
    const r = (await runJson(['check', '--pid', String(server.pid), '--interval', '0', '--only', 'queues.syncookies'])).report
    expect(findingsOf(r, 'queues.syncookies')[0].remediation.commands).toEqual([`nsenter -n -t ${server.pid} sysctl -w net.ipv4.tcp_syncookies=1`])
    expect(findingsOf(r, 'queues.syncookies')[0].remediation.text).toMatch(/docker run --sysctl net\.ipv4\.tcp_syncookies=1/)
  })

  test('a snapshot keeps the namespace: --from prints the commands for where it was taken', async () => {
    await ns.sysctl('net.ipv4.tcp_syncookies', 0)
    const dir = join(snap, 'x')
    expect((await runCli(['snapshot', '-o', dir, '--netns', ns.name, '--interval', '0'])).code).toBe(0)
    const r = (await runJson(['check', '--from', dir, '--only', 'queues.syncookies'])).report
    expect(findingsOf(r, 'queues.syncookies')[0].remediation.commands).toEqual([`ip netns exec ${ns.name} sysctl -w net.ipv4.tcp_syncookies=1`])
  })
})

describeRoot('remediation scenario: a persistence step survives sysctl --system against a sysctl.conf that sets the opposite', () => {
  let ns: TestNetns
  const root = mkdtempSync(join(tmpdir(), 'netdoc-persist-'))
  const KEY = 'net.ipv4.tcp_keepalive_time'
  // The printed paths, moved under a temporary root: the real /etc is never written.
  const relocate = (c: string) => c.replaceAll('/etc/', `${root}/etc/`).replaceAll('/run/sysctl.d', `${root}/run/sysctl.d`).replaceAll('/usr/lib/sysctl.d', `${root}/usr/lib/sysctl.d`)

  beforeAll(async () => {
    ns = await TestNetns.create('persist')
  })
  afterAll(async () => {
    await ns?.cleanup()
    rmSync(root, { recursive: true, force: true })
  })

  function freshTree(): void {
    rmSync(join(root, 'etc'), { recursive: true, force: true })
    mkdirSync(join(root, 'etc', 'sysctl.d'), { recursive: true })
    mkdirSync(join(root, 'usr', 'lib', 'sysctl.d'), { recursive: true })
    writeFileSync(join(root, 'etc', 'sysctl.conf'), `# the distribution's file\n${KEY} = 7200\nnet.ipv4.tcp_fin_timeout = 60\n`)
    symlinkSync('../sysctl.conf', join(root, 'etc', 'sysctl.d', '99-sysctl.conf')) // as Debian, Ubuntu and RHEL ship it
  }

  /** A command as a person pastes it, in the namespace; grep finding nothing is an answer, not a failure. */
  async function paste(command: string): Promise<void> {
    try {
      await ns.exec(['sh', '-c', command])
    } catch (err) {
      // grep: 1 when nothing matched, 2 when a directory of the list is absent (often /run/sysctl.d)
      if (!(command.startsWith('grep ') && [1, 2].includes((err as { code?: number }).code ?? 0))) throw err
    }
  }

  /** procps `sysctl --system`: sysctl.d files in the order of their names, then /etc/sysctl.conf last. */
  async function applyLikeProcps(): Promise<string> {
    const dir = join(root, 'etc', 'sysctl.d')
    for (const f of readdirSync(dir).sort()) await ns.exec(['sysctl', '-q', '-p', join(dir, f)])
    await ns.exec(['sysctl', '-q', '-p', join(root, 'etc', 'sysctl.conf')])
    return (await ns.exec(['sysctl', '-n', KEY])).stdout.trim()
  }

  test('the printed steps, pasted (in the namespace), win: procps order and a second fix on the same file', async () => {
    freshTree()
    const fix = sysctlFix({ kind: 'host' }, [[KEY, 60]])
    const other = sysctlFix({ kind: 'host' }, [['net.ipv4.tcp_keepalive_intvl', 10]])
    for (const c of [...fix.commands, ...other.commands, ...fix.commands]) await paste(relocate(c))
    expect(await applyLikeProcps()).toBe('60')
    const persisted = readFileSync(relocate(PERSIST_FILE), 'utf8')
    expect(persisted).toBe(`net.ipv4.tcp_keepalive_intvl = 10\n${KEY} = 60\n`) // the second fix added its key, the repeat replaced its line
    expect(readFileSync(join(root, 'etc', 'sysctl.conf'), 'utf8')).toContain(`# netdoc: ${KEY} = 7200`)
    expect(readFileSync(join(root, 'etc', 'sysctl.conf'), 'utf8')).toContain('net.ipv4.tcp_fin_timeout = 60') // other keys untouched
  })

  test("procps itself applies /etc/sysctl.conf after every sysctl.d file (--dry-run: reads this host's files, writes nothing)", async () => {
    const { stdout } = await execFileP('sysctl', ['--system', '--dry-run'], { timeout: 10000, maxBuffer: 16 * 1024 * 1024 })
    const applied = [...stdout.matchAll(/^\* Applying (\S+) \.\.\.$/gm)].map((m) => m[1])
    expect(applied.length).toBeGreaterThan(0)
    if (applied.includes('/etc/sysctl.conf')) expect(applied.at(-1)).toBe('/etc/sysctl.conf')
  })

  test('control: a sysctl.d file alone, even one named after 99-sysctl.conf, loses to sysctl.conf under procps', async () => {
    freshTree()
    writeFileSync(relocate(PERSIST_FILE), `${KEY} = 60\n`)
    expect(await applyLikeProcps()).toBe('7200')
  })
})

describeRoot('remediation scenario: tcp_syncookies=2 under a SYN burst', () => {
  let ns: TestNetns
  let report: any
  beforeAll(async () => {
    ns = await TestNetns.create('cookies2')
    await ns.sysctl('net.ipv4.tcp_syncookies', 2)
    await ns.node('echo-server.cjs', ['127.0.0.1', 8081])
    // 300 connections over ~3 s: every SYN is answered with a cookie, none overflows anything.
    await ns.node('connect-burst.cjs', ['127.0.0.1', 8081, 300, 10, 500], { waitReady: false })
    await new Promise((r) => setTimeout(r, 200))
    report = (await runJson(['check', '--netns', ns.name, '--only', 'queues.syn-overflow', '--interval', '2'])).report
  })
  afterAll(async () => ns?.cleanup())

  test('the cookie counters grew with every SYN, and queues.syn-overflow does not fail', () => {
    const [f] = findingsOf(report, 'queues.syn-overflow')
    const cookies = f.evidence.find((e: any) => e.name === 'TcpExtSyncookiesSent')
    expect(cookies.delta).toBeGreaterThan(50)
    expect(f).toMatchObject({ status: 'pass', subject: {} })
    expect(f.message).toMatch(/tcp_syncookies=2/)
    expect(report.exitCode).toBe(0)
  })
})

describeRoot('remediation scenario: a SYN queue that overflows into cookies', () => {
  let ns: TestNetns
  let report: any
  beforeAll(async () => {
    ns = await TestNetns.create('synq')
    // Handshakes whose final ACK is dropped stay half-open in the SYN queue, which is full at
    // min(backlog, somaxconn) = 4, so further SYNs get cookies (tcp_syncookies=1, the default): a SYN flood.
    await ns.sysctl('net.ipv4.tcp_syncookies', 1)
    await ns.exec(['iptables', '-A', 'INPUT', '-p', 'tcp', '--dport', '8082', '--tcp-flags', 'SYN,ACK,FIN,RST', 'ACK', '-j', 'DROP'])
    await ns.node('echo-server.cjs', ['127.0.0.1', 8082, 4])
    await ns.node('connect-burst.cjs', ['127.0.0.1', 8082, 200, 15, 500], { waitReady: false })
    await new Promise((r) => setTimeout(r, 300))
    report = (await runJson(['check', '--netns', ns.name, '--only', 'queues.syn-overflow', '--interval', '2', '--fail-on', 'never'])).report
  })
  afterAll(async () => ns?.cleanup())

  test('the advice names the listener with its backlog and somaxconn, and no tcp_max_syn_backlog while cookies are on', () => {
    const [f] = findingsOf(report, 'queues.syn-overflow')
    expect(f).toMatchObject({ status: 'fail', title: 'SYN cookies sent' })
    expect(f.remediation.text).toMatch(/min\(its listen\(\) backlog, net\.core\.somaxconn=\d+\)/)
    expect(f.remediation.text).toMatch(/127\.0\.0\.1:8082 4/)
    expect(f.remediation.commands.join('\n')).not.toMatch(/tcp_max_syn_backlog=/)
    for (const c of f.remediation.commands) if (/^(ss|nstat) /.test(c)) throw new Error(`not placed in ${ns.name}: ${c}`)
  })
}, { tools: ['iptables'] })
