// The one helper that builds every sysctl change and persistence step (src/checks/support/remediation.ts), and the
// corrected commands and texts of issue 11 pinned per check.
import { abortOnOverflow } from '../../../src/checks/queues.abort-on-overflow.js'
import { detectionTime } from '../../../src/checks/keepalive.detection-time.js'
import { portsFdLimit } from '../../../src/checks/ports.fd-limit.js'
import { portsRange } from '../../../src/checks/ports.range.js'
import { retransmits } from '../../../src/checks/tcp.retransmits.js'
import { socketsOrphans as orphansCheck } from '../../../src/checks/sockets.orphans.js'
import { RESET_CAUSES } from '../../../src/derived/reset-causes.js'
import { isGlobalSysctl, PERSIST_FILE, persistSysctls, placeCommand, remedy, sysctlFix, whereOf } from '../../../src/checks/support/remediation.js'
import type { Where } from '../../../src/model/check.js'
import type { ListeningSocket, ProcessDescriptors } from '../../../src/model/facts.js'
import { census, censusSysctls, ctxOf, evaluate, factsOf, failing, sysctls } from '../../helpers/facts.js'

const HOST: Where = { kind: 'host' }
const NETNS: Where = { kind: 'netns', name: 'blue' }
const PID: Where = { kind: 'pid', pid: 4242 }

describe('where a command runs', () => {
  test('the manifest and target spelling of a namespace', () => {
    expect(whereOf(undefined)).toEqual(HOST)
    expect(whereOf('blue')).toEqual(NETNS)
    expect(whereOf('pid:4242')).toEqual(PID)
  })

  test('per-namespace tools and settings run inside it; host-wide ones do not', () => {
    expect(placeCommand(NETNS, 'ss -ltn')).toBe('ip netns exec blue ss -ltn')
    expect(placeCommand(PID, 'nstat -az TcpExtListenOverflows')).toBe('nsenter -n -t 4242 nstat -az TcpExtListenOverflows')
    expect(placeCommand(NETNS, 'sysctl -w net.ipv4.tcp_keepalive_time=60')).toBe('ip netns exec blue sysctl -w net.ipv4.tcp_keepalive_time=60')
    expect(placeCommand(NETNS, 'cat /proc/net/sockstat')).toBe('ip netns exec blue cat /proc/net/sockstat')
    expect(placeCommand(NETNS, 'sysctl -w net.core.netdev_max_backlog=2000')).toBe('sysctl -w net.core.netdev_max_backlog=2000')
    expect(placeCommand(NETNS, "dmesg | grep -i 'SYN flooding'")).toBe("dmesg | grep -i 'SYN flooding'")
    expect(placeCommand(NETNS, 'prlimit --pid 5 --nofile=4096:')).toBe('prlimit --pid 5 --nofile=4096:')
    expect(placeCommand(HOST, 'ss -ltn')).toBe('ss -ltn')
    // idempotent
    expect(placeCommand(NETNS, placeCommand(NETNS, 'ss -ltn'))).toBe('ip netns exec blue ss -ltn')
  })

  test('a netns name that is not a plain word is quoted', () => {
    expect(placeCommand({ kind: 'netns', name: "a b'c" }, 'ss -ltn')).toBe(`ip netns exec 'a b'\\''c' ss -ltn`)
  })

  test('global settings: measured absent or read-only in a fresh namespace (test/scenario/remediation.test.ts)', () => {
    for (const k of ['net.ipv4.tcp_mem', 'net.ipv4.udp_mem', 'net.ipv4.tcp_max_orphans', 'net.core.netdev_max_backlog', 'net.core.netdev_budget', 'net.core.netdev_budget_usecs', 'net.core.default_qdisc', 'net.core.rmem_max', 'net.core.wmem_max', 'fs.file-max']) {
      expect([k, isGlobalSysctl(k)]).toEqual([k, true])
    }
    for (const k of ['net.core.somaxconn', 'net.ipv4.tcp_keepalive_time', 'net.ipv4.ip_local_port_range', 'net.ipv4.tcp_rmem', 'net.ipv4.tcp_max_syn_backlog']) {
      expect([k, isGlobalSysctl(k)]).toEqual([k, false])
    }
  })
})

describe('sysctl changes and persistence', () => {
  test('on the host: set, find where it is set now, take it out of sysctl.conf, replace its line in a file after 99-sysctl.conf', () => {
    const fix = sysctlFix(HOST, [['net.ipv4.tcp_keepalive_time', 60]])
    expect(fix.commands).toEqual([
      'sysctl -w net.ipv4.tcp_keepalive_time=60',
      'grep -rsF -e net.ipv4.tcp_keepalive_time /etc/sysctl.conf /etc/sysctl.d /run/sysctl.d /usr/lib/sysctl.d  # where it is set now',
      "test ! -f /etc/sysctl.conf || sed -i -e 's/^[[:space:]]*net\\.ipv4\\.tcp_keepalive_time[[:space:]]*=/# netdoc: &/' /etc/sysctl.conf",
      `touch ${PERSIST_FILE} && sed -i -e '/^[[:space:]]*net\\.ipv4\\.tcp_keepalive_time[[:space:]]*=/d' ${PERSIST_FILE} && printf '%s\\n' 'net.ipv4.tcp_keepalive_time = 60' >> ${PERSIST_FILE}`,
    ])
    expect('99-zz-netdoc.conf' > '99-sysctl.conf').toBe(true)
    expect(fix.text).toBe('')
  })

  test('values with spaces are one shell word, in the set and in the file', () => {
    const fix = sysctlFix(HOST, [['net.ipv4.tcp_rmem', '4096 131072 25165824']])
    expect(fix.commands[0]).toBe("sysctl -w net.ipv4.tcp_rmem='4096 131072 25165824'")
    expect(fix.commands[3]).toContain("'net.ipv4.tcp_rmem = 4096 131072 25165824' >>")
  })

  test('no step writes a file with > (two fixes of one report add up)', () => {
    for (const c of persistSysctls([['net.ipv4.tcp_rmem', '1 2 3'], ['net.ipv4.tcp_wmem', '1 2 3']])) expect(c).not.toMatch(/(^|[^>])>\s*\//)
  })

  test('in a named netns: set inside it, and say that /etc/sysctl.d never reaches it instead of printing it', () => {
    const fix = sysctlFix(NETNS, [['net.ipv4.tcp_keepalive_time', 60]])
    expect(fix.commands).toEqual(['ip netns exec blue sysctl -w net.ipv4.tcp_keepalive_time=60'])
    expect(fix.text).toMatch(/\/etc\/sysctl\.d never reaches it: to keep it, run the sysctl command below in whatever creates blue, right after `ip netns add blue`/)
  })

  test("in a process's namespace (a container): nsenter, the runtime's setting, and Kubernetes' unsafe ones named", () => {
    const fix = sysctlFix(PID, [['net.core.somaxconn', 4096], ['net.ipv4.tcp_keepalive_time', 60]])
    expect(fix.commands).toEqual(['nsenter -n -t 4242 sysctl -w net.core.somaxconn=4096 net.ipv4.tcp_keepalive_time=60'])
    expect(fix.text).toMatch(/docker run --sysctl net\.core\.somaxconn=4096 --sysctl net\.ipv4\.tcp_keepalive_time=60/)
    expect(fix.text).toMatch(/securityContext\.sysctls \(net\.core\.somaxconn is unsafe in Kubernetes' sense: the kubelet must allow it with --allowed-unsafe-sysctls\)/)
    const container = sysctlFix({ kind: 'container', name: 'web', runtime: 'podman', pid: 77 }, [['net.ipv4.tcp_keepalive_time', 60]])
    expect(container.commands).toEqual(['nsenter -n -t 77 sysctl -w net.ipv4.tcp_keepalive_time=60'])
    expect(container.text).toMatch(/podman run --sysctl net\.ipv4\.tcp_keepalive_time=60/)
  })

  test('a global setting found from a namespace: set and persisted on the host, and said to be global', () => {
    const fix = sysctlFix(NETNS, [['net.core.netdev_max_backlog', 2000]])
    expect(fix.commands[0]).toBe('sysctl -w net.core.netdev_max_backlog=2000')
    expect(fix.commands.some((c) => c.includes(`>> ${PERSIST_FILE}`))).toBe(true)
    expect(fix.text).toMatch(/net\.core\.netdev_max_backlog is global: one value for the whole host, set from the host \(not from inside a container's namespace\)/)
  })

  test('remedy puts the look-first commands in the namespace too', () => {
    expect(remedy(NETNS, 'why', [], ['ss -ltn', 'dmesg']).commands).toEqual(['ip netns exec blue ss -ltn', 'dmesg'])
  })
})

describe('issue 11 items, pinned', () => {
  test('keepalive fix with --netns acts on that namespace (item 1)', () => {
    const f = detectionTime.evaluate(factsOf({ sysctls: sysctls({ 'net.ipv4.tcp_keepalive_time': 7200, 'net.ipv4.tcp_keepalive_intvl': 75, 'net.ipv4.tcp_keepalive_probes': 9 }) }), ctxOf(detectionTime, 0, { where: NETNS }))[0]
    expect(f.remediation!.commands).toEqual(['ip netns exec blue sysctl -w net.ipv4.tcp_keepalive_time=60 net.ipv4.tcp_keepalive_intvl=10 net.ipv4.tcp_keepalive_probes=3'])
    expect(f.remediation!.text).toMatch(/never reaches it/)
  })

  const listening = (port: number): ListeningSocket => ({ local: `*:${port}`, port })
  const rangeSample = (ports: number[], sys: Record<string, string> = {}) => ({ census: census({ listening: ports.map(listening) }), sysctls: censusSysctls(sys) })

  test('reserved ports: every finding carries the one merged list, so following all of them reserves all (item 3)', () => {
    const f = failing(evaluate(portsRange, rangeSample([40000, 41000, 42000], { 'net.ipv4.ip_local_reserved_ports': '45000' })))
    expect(f).toHaveLength(3)
    for (const x of f) expect(x.remediation!.commands[0]).toBe('sysctl -w net.ipv4.ip_local_reserved_ports=45000,40000,41000,42000')
  })

  test('a wider range: ends of different parity, and listening ports it would cover reserved in the same command (item 8)', () => {
    const f = failing(evaluate(portsRange, rangeSample([27017, 22], { 'net.ipv4.ip_local_port_range': '50000 55000' })))
    const set = f[0].remediation!.commands[0]
    expect(set).toBe("sysctl -w net.ipv4.ip_local_reserved_ports=27017 net.ipv4.ip_local_port_range='15000 65001'")
    const [low, high] = /'(\d+) (\d+)'/.exec(set)!.slice(1).map(Number)
    expect((high - low) % 2).toBe(1)
  })

  const proc = (limit: number, hardLimit?: number): ProcessDescriptors => ({ pid: 100, name: 'haproxy', sockets: 900, open: limit, limit, ...(hardLimit ? { hardLimit } : {}) })
  const fdSample = (d: ProcessDescriptors) => ({ descriptors: [d], sysctls: censusSysctls({ 'fs.file-nr': '1000\t0\t100000', 'fs.file-max': 100000, 'fs.nr_open': 1048576 }) })

  test('prlimit raises the soft limit only (N:), never lowers the hard one (item 6)', () => {
    const below = failing(evaluate(portsFdLimit, fdSample(proc(1024, 524288))))[0].remediation!.commands
    expect(below).toContain('prlimit --pid 100 --nofile=4096:  # the soft limit only; the hard limit stays')
    const above = failing(evaluate(portsFdLimit, fdSample(proc(1024, 2048))))[0].remediation!.commands
    expect(above).toContain('prlimit --pid 100 --nofile=4096:4096  # soft and hard (hard is 2048 now)')
    for (const c of [...below, ...above]) expect(c).not.toMatch(/--nofile=\d+(\s|$)/)
  })

  test('abort-on-overflow is confirmed with EmbryonicRsts, not TCPAbortOnData (item 9)', () => {
    const f = abortOnOverflow.evaluate(factsOf({ sysctls: sysctls({ 'net.ipv4.tcp_abort_on_overflow': 1 }) }), ctxOf(abortOnOverflow, 0))[0]
    expect(f.remediation!.commands[0]).toMatch(/^nstat -az TcpExtEmbryonicRsts/)
    expect(f.remediation!.commands.join('\n')).not.toMatch(/TCPAbortOnData/)
  })

  test('TCPAbortOnTimeout: keepalive expiry sends a RST; connect() attempts that ran out of SYN retries count too (item 10)', () => {
    const timeout = RESET_CAUSES.find((r) => r.short === 'TCPAbortOnTimeout')!
    expect(timeout.cause).toMatch(/tcp_syn_retries/)
    expect(timeout.cause).toMatch(/keepalive expiry sends a RST/)
    expect(timeout.cause).not.toMatch(/no RST is sent/)
  })

  test('orphans: tcp_orphan_retries 0 means 8, and the ss one-liner groups by state and peer (items 10, 11)', () => {
    const s = { sockstat: { TCP: { inuse: 0, orphan: 900, tw: 0, alloc: 0, mem: 0 } }, sysctls: sysctls({ 'net.ipv4.tcp_max_orphans': 1000, 'net.ipv4.tcp_orphan_retries': 0 }) }
    const f = failing(orphansCheck.evaluate(factsOf(s as never), ctxOf(orphansCheck, 0)))[0]
    expect(f.remediation!.text).toMatch(/0 does not mean "no retries": the kernel then uses 8/)
    expect(f.remediation!.commands[0]).toMatch(/^ss -tan state fin-wait-1 state last-ack state closing \| awk 'NR>1 \{print \$1, \$5\}'/)
  })

  test('BBR advice: no global default_qdisc from inside a namespace; pacing since 4.13 (item 10)', () => {
    const f = failing(
      retransmits.evaluate(
        factsOf({ counters: { TcpRetransSegs: 0, TcpOutSegs: 0 }, sysctls: sysctls({ 'net.ipv4.tcp_congestion_control': 'cubic' }) }, { counters: { TcpRetransSegs: 500, TcpOutSegs: 5000 } }),
        ctxOf(retransmits, 2, { where: NETNS }),
      ),
    )[0]
    expect(f.remediation!.commands).toContain('ip netns exec blue sysctl -w net.ipv4.tcp_congestion_control=bbr')
    expect(f.remediation!.commands.join('\n')).not.toMatch(/default_qdisc=|modprobe .*&&/)
    expect(f.remediation!.text).toMatch(/paces itself since Linux 4\.13.*default_qdisc is global, affects only qdiscs created later/)
  })
})
