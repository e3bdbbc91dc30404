// Lints every remediation a report can print: from the committed snapshot fixtures (through the built CLI) and from
// a table of failing facts for every check, as printed for the host, a named netns and a process's namespace.
import { readdirSync } from 'node:fs'
import { join } from 'node:path'

import { loadAllChecks } from '../../../src/checks/registry.js'
import type { Where } from '../../../src/model/check.js'
import type { Finding } from '../../../src/model/finding.js'
import { isGlobalSysctl, placeFindings } from '../../../src/checks/support/remediation.js'
import { lintFindings, writtenKeys } from '../../helpers/lint-remediation.js'
import { census, censusSysctls, ctxOf, factsOf, listener, type Sample } from '../../helpers/facts.js'
import { ROOT, runJson } from '../../helpers/netns.js'

const CHECKS = await loadAllChecks()

const SNAPSHOTS = join(ROOT, 'test', 'fixtures', 'snapshots')

// Facts that make most checks fail at once: bad settings, overflowing queues, growing counters.
const bad = censusSysctls({
  'net.core.somaxconn': 128, 'net.ipv4.tcp_max_syn_backlog': 512, 'net.ipv4.tcp_syncookies': 0, 'net.ipv4.tcp_abort_on_overflow': 1,
  'net.ipv4.tcp_moderate_rcvbuf': 0, 'net.ipv4.tcp_rmem': '4096\t131072\t6291456', 'net.ipv4.tcp_wmem': '4096\t16384\t4194304',
  'net.ipv4.tcp_mem': '100\t200\t300', 'net.core.rmem_max': 212992, 'net.core.wmem_max': 212992,
  'net.core.netdev_max_backlog': 1000, 'net.core.netdev_budget': 300, 'net.core.netdev_budget_usecs': 2000,
  'net.ipv4.tcp_keepalive_time': 7200, 'net.ipv4.tcp_keepalive_intvl': 75, 'net.ipv4.tcp_keepalive_probes': 9,
  'net.ipv4.ip_local_port_range': '50000\t50100', 'net.ipv4.ip_local_reserved_ports': '', 'net.ipv4.tcp_tw_reuse': 0,
  'net.ipv4.tcp_max_orphans': 1000, 'net.ipv4.tcp_orphan_retries': 0, 'net.ipv4.tcp_max_tw_buckets': 1000, 'net.ipv4.tcp_tw_recycle': 1,
  'net.ipv4.tcp_congestion_control': 'cubic', 'net.ipv4.tcp_available_congestion_control': 'reno cubic',
  'fs.file-nr': '99000\t0\t100000', 'fs.file-max': 100000, 'fs.nr_open': 1048576,
  'net.netfilter.nf_conntrack_tcp_timeout_established': 300,
})
const counters = (n: number) => ({
  TcpExtListenOverflows: 10 * n, TcpExtListenDrops: 10 * n, TcpExtTCPReqQFullDrop: 10 * n, TcpExtTCPReqQFullDoCookies: 0, TcpExtSyncookiesSent: 0,
  TcpExtTCPTimeWaitOverflow: 10 * n, TcpRetransSegs: 300 * n, TcpOutSegs: 1000 * n, TcpExtTCPMemoryPressures: n, TcpExtPruneCalled: n,
  UdpRcvbufErrors: 50 * n, UdpInErrors: 50 * n, UdpSndbufErrors: 0, TcpExtTCPAbortOnClose: 5 * n, TcpExtTCPAbortOnData: 5 * n, TcpOutRsts: 20 * n,
})
const stuck = (drops: number) => listener('127.0.0.1:50050', 129, 128, { drops, processes: [{ name: 'api', pid: 811, fd: 6 }] })
const sample = (n: number): Sample => ({
  counters: counters(n),
  listeners: [stuck(10 * n)],
  sockstat: { TCP: { inuse: 10, orphan: 990, tw: 1000, alloc: 10, mem: 290 }, UDP: { inuse: 3, mem: 1 } } as never,
  softnet: [{ cpu: 0, processed: 1000 * n, dropped: 10 * n, timeSqueeze: 10 * n }] as never,
  interfaces: [{ name: 'eth0', speedMbps: 10000, stats: { rx_packets: 100000 * n, rx_dropped: 0, rx_fifo_errors: 1000 * n, rx_missed_errors: 0 } }] as never,
  descriptors: [{ pid: 811, name: 'api', sockets: 900, open: 1000, limit: 1024, hardLimit: 524288 }],
  census: census({ listening: [{ local: '*:50050', port: 50050, pid: 811, process: 'api' }, { local: '*:27017', port: 27017 }] }),
})

function evaluateAll(where: Where): Finding[] {
  const facts = factsOf({ ...sample(0), sysctls: bad }, sample(1))
  return CHECKS.flatMap((check) => {
    try {
      // As the engine does: every command is placed where the facts came from.
      return placeFindings(where, check.evaluate(facts, ctxOf(check, 2, { where, bandwidthBps: 1e10, rttSeconds: 0.05, expectSysctls: { 'net.core.somaxconn': '>=4096' } })))
    } catch {
      return [] // a fact this table does not give: that check is linted through the snapshots and the scenario
    }
  })
}

describe('remediation lint', () => {
  const wheres: Where[] = [{ kind: 'host' }, { kind: 'netns', name: 'blue' }, { kind: 'pid', pid: 4242 }]

  test.each(wheres.map((w) => [w.kind, w] as const))('failing facts, printed for %s: every command passes the lint', (_kind, where) => {
    const findings = evaluateAll(where)
    const failing = findings.filter((f) => f.status === 'fail')
    if (process.env.NETDOC_LINT_SHOW) console.log([...new Set(failing.map((f) => f.check))].join(' '), failing.flatMap((f) => f.remediation!.commands).join('\n'))
    // The table must really exercise the remediations: most checks fail on it.
    expect(new Set(failing.map((f) => f.check)).size).toBeGreaterThanOrEqual(15)
    expect(failing.flatMap((f) => f.remediation!.commands).filter((c) => writtenKeys(c).length > 0).length).toBeGreaterThanOrEqual(10)
    expect(lintFindings(failing)).toEqual([])
    if (where.kind === 'host') return
    // Elsewhere, per-namespace changes run inside the namespace, and only global keys are persisted (on the host).
    const prefix = where.kind === 'netns' ? 'ip netns exec blue ' : 'nsenter -n -t 4242 '
    for (const c of failing.flatMap((f) => f.remediation!.commands)) {
      const keys = writtenKeys(c)
      if (keys.length && !keys.every(isGlobalSysctl)) expect(c.startsWith(prefix)).toBe(true)
      if (keys.length && keys.every(isGlobalSysctl)) expect(c.startsWith('sysctl -w ')).toBe(true)
      if (/^(ss|nstat) /.test(c.replace(prefix, ''))) expect(c.startsWith(prefix)).toBe(true)
      const persisted = /sysctl\.d\/99-zz-netdoc\.conf/.test(c) ? [...c.matchAll(/'([a-z0-9_.-]+) = /g)].map((m) => m[1]) : []
      for (const k of persisted) expect([k, isGlobalSysctl(k)]).toEqual([k, true])
    }
  })

  test('the lint itself catches what it is for', () => {
    const f = (commands: string[]) => ({ check: 'x', remediation: { commands } })
    expect(lintFindings([f(['sysctl -w net.ipv4.no_such_key=1'])])).toEqual([expect.stringMatching(/does not exist on this kernel/)])
    expect(lintFindings([f(["echo 'a = 1' > /etc/sysctl.d/90-x.conf"])])).toEqual([expect.stringMatching(/sorts before 99-sysctl.conf/)])
    expect(lintFindings([f(["echo a > /etc/sysctl.d/zz.conf"]), { check: 'y', remediation: { commands: ['echo b > /etc/sysctl.d/zz.conf'] } }])).toEqual([expect.stringMatching(/erases the earlier/)])
    expect(lintFindings([f(["echo 'unterminated"])])).toEqual([expect.stringMatching(/sh -n fails/)])
    expect(lintFindings([f(['sysctl -w net.ipv4.tcp_tw_recycle=0'])])).toEqual([])
  })

  test.each(readdirSync(SNAPSHOTS, { withFileTypes: true }).filter((d) => d.isDirectory()).map((d) => d.name))('snapshot fixture %s: every command of its report passes the lint', async (name) => {
    const { report } = await runJson(['check', '--from', join(SNAPSHOTS, name), '--fail-on', 'never'])
    const failing = report.findings.filter((f: Finding) => f.status === 'fail')
    expect(failing.length).toBeGreaterThan(0)
    expect(lintFindings(failing)).toEqual([])
  })
})
