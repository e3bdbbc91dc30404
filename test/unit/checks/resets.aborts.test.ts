// resets.aborts: counter samples at both ends of the window → one finding per cause that grew.
import { aborts } from '../../../src/checks/resets.aborts.js'
import { WindowFacts } from '../../../src/engine/facts.js'
import type { CheckContext } from '../../../src/model/check.js'
import type { Counters, FactId } from '../../../src/model/facts.js'

const ZERO: Counters = {
  TcpExtTCPAbortOnClose: 0,
  TcpExtTCPAbortOnData: 0,
  TcpExtTCPAbortOnMemory: 0,
  TcpExtTCPAbortOnTimeout: 0,
  TcpExtTCPAbortOnLinger: 0,
  TcpOutRsts: 0,
  TcpEstabResets: 0,
}

function run(start: Counters, end: Counters, windowSeconds = 2, thresholds: Record<string, number> = {}) {
  const facts = new WindowFacts(new Map<FactId, unknown>([['counters', start]]), new Map<FactId, unknown>([['counters', end]]))
  const ctx: CheckContext = {
    windowSeconds,
    options: { maxDetails: 100 },
    threshold: (name) => thresholds[name] ?? aborts.meta.thresholds![name].value,
  }
  return aborts.evaluate(facts, ctx)
}

describe('resets.aborts', () => {
  test('nothing grew in the window: one pass that still tells the since-boot totals', () => {
    const c = { ...ZERO, TcpExtTCPAbortOnClose: 7, TcpOutRsts: 40 }
    const [f, ...rest] = run(c, c)
    expect(rest).toHaveLength(0)
    expect(f.status).toBe('pass')
    expect(f.message).toMatch(/since boot: TCPAbortOnClose 7, OutRsts 40/)
  })

  test('a trickle is info: one abort in 2 s (below warningAbortsPerSecond), peer resets at 5/s (below warningResetsPerSecond)', () => {
    const findings = run(ZERO, { ...ZERO, TcpExtTCPAbortOnTimeout: 1, TcpEstabResets: 10 })
    expect(findings.map((f) => [f.subject.counter, f.severity])).toEqual([
      ['TcpExtTCPAbortOnTimeout', 'info'],
      ['TcpEstabResets', 'info'],
    ])
    expect(run(ZERO, { ...ZERO, TcpEstabResets: 30 }).map((f) => f.severity)).toEqual(['warning'])
  })

  test('unread close and linger 0 are two findings, each with its cause; RSTs and peer resets they explain are not repeated', () => {
    // what the counter scenario made on loopback: 5 aborts of each kind, each RST counted once in OutRsts and
    // each abort twice in EstabResets (one per end)
    const end = { ...ZERO, TcpExtTCPAbortOnClose: 5, TcpExtTCPAbortOnData: 5, TcpOutRsts: 10, TcpEstabResets: 20 }
    const findings = run(ZERO, end)
    const byCounter = Object.fromEntries(findings.map((f) => [f.subject.counter, f]))
    expect(Object.keys(byCounter).sort()).toEqual(['TcpEstabResets', 'TcpExtTCPAbortOnClose', 'TcpExtTCPAbortOnData'])
    const close = byCounter.TcpExtTCPAbortOnClose
    expect(close).toMatchObject({ status: 'fail', severity: 'warning', title: 'TCPAbortOnClose grew' })
    expect(close.message).toMatch(/^TCPAbortOnClose \+5 in 2\.0 s \(2\.5\/s\): closed with unread data/)
    expect(close.remediation!.text).toMatch(/graceful shutdown that drains/)
    expect(close.evidence[0]).toEqual({ source: '/proc/net/netstat', name: 'TcpExtTCPAbortOnClose', value: 5, delta: 5 })
    expect(byCounter.TcpExtTCPAbortOnData.message).toMatch(/SO_LINGER 0/)
    expect(byCounter.TcpExtTCPAbortOnData.remediation!.text).toMatch(/only where a reset is meant/)
    // 20 EstabResets: 10 are this host's own aborts, 10 are the peers' side of them (reset by peer)
    expect(byCounter.TcpEstabResets.message).toMatch(/10 are this host's own aborts \(TCPAbortOn\*\), 10 came from peers/)
  })

  test('RSTs beyond the aborts are refused connections; memory aborts point at tcp_mem and orphans', () => {
    const end = { ...ZERO, TcpExtTCPAbortOnMemory: 2, TcpOutRsts: 12 }
    const byCounter = Object.fromEntries(run(ZERO, end).map((f) => [f.subject.counter, f]))
    expect(byCounter.TcpOutRsts.message).toMatch(/2 are the RSTs of TCPAbortOn\* aborts, 10 are not: .*connection refused/)
    expect(byCounter.TcpExtTCPAbortOnMemory.remediation!.commands.join(' ')).toMatch(/tcp_mem .*tcp_max_orphans/)
  })

  test('one of each: the verb and the noun agree with a count of 1', () => {
    const byCounter = Object.fromEntries(run(ZERO, { ...ZERO, TcpExtTCPAbortOnMemory: 1, TcpOutRsts: 2, TcpEstabResets: 2 }).map((f) => [f.subject.counter, f]))
    expect(byCounter.TcpOutRsts.message).toMatch(/; 1 is the RST of a TCPAbortOn\* abort, 1 is not: /)
    expect(byCounter.TcpEstabResets.message).toMatch(/; 1 is this host's own abort \(TCPAbortOn\*\), 1 came from peers/)
  })

  test('critical at or above the rate threshold, per kind of counter; the threshold is configurable', () => {
    const end = { ...ZERO, TcpExtTCPAbortOnTimeout: 20, TcpOutRsts: 150 }
    const sev = (fs: ReturnType<typeof run>) => Object.fromEntries(fs.map((f) => [f.subject.counter, f.severity]))
    // 10/s aborts (= threshold 10) → critical; 150 RSTs in 2 s = 75/s, below 100/s → warning
    expect(sev(run(ZERO, end))).toEqual({ TcpExtTCPAbortOnTimeout: 'critical', TcpOutRsts: 'warning' })
    expect(sev(run(ZERO, end, 2, { criticalAbortsPerSecond: 11, criticalResetsPerSecond: 50 }))).toEqual({ TcpExtTCPAbortOnTimeout: 'warning', TcpOutRsts: 'critical' })
  })

  test('no window: since-boot totals are info only, one per cause', () => {
    const c = { ...ZERO, TcpExtTCPAbortOnClose: 3, TcpExtTCPAbortOnLinger: 1 }
    const findings = run(c, c, 0)
    expect(findings.map((f) => [f.subject.counter, f.severity, f.title])).toEqual([
      ['TcpExtTCPAbortOnClose', 'info', 'TCPAbortOnClose since boot'],
      ['TcpExtTCPAbortOnLinger', 'info', 'TCPAbortOnLinger since boot'],
    ])
    expect(findings[0].message).toMatch(/^TCPAbortOnClose 3 since boot: /)
  })

  test('a counter that went down (namespace re-created) is not judged in the window', () => {
    const findings = run({ ...ZERO, TcpExtTCPAbortOnClose: 50 }, { ...ZERO, TcpExtTCPAbortOnClose: 3 })
    expect(findings.map((f) => f.status)).toEqual(['pass'])
  })

  test('a kernel without any of the counters: skip', () => {
    const [f] = run({ TcpActiveOpens: 1 }, { TcpActiveOpens: 2 })
    expect(f.status).toBe('skip')
  })
})
