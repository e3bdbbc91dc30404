// The charts of the HTML report, as data: pure functions of the report's findings (their evidence and details
// rows), one builder per chart. The page hands each spec to uPlot; nothing here draws. A chart whose findings are
// absent (no capture, nothing failing) is not built, so every chart on the page has data points.
import type { Evidence, Finding } from '../model/finding.js'
import type { Report } from '../model/report.js'

export interface ChartSeries {
  label: string
  color: string
  /** one value per x; null where this series has no point */
  values: Array<number | null>
  /** bars (categories), points (scatter) or a line (a limit) */
  draw: 'bars' | 'points' | 'line'
  /** bar width as a share of the category (narrower bars drawn over wider ones read as "of which") */
  width?: number
}

export interface ChartSpec {
  /** stable id: the element's data-chart and the test's handle */
  id: string
  title: string
  /** the checks whose findings the chart draws */
  from: string[]
  /** 'time': x is capture time in seconds; 'category': x is 0..n-1 named by xLabels */
  x: 'time' | 'category'
  xs: number[]
  xLabels?: string[]
  /** y is 0..n-1 named by yLabels (a server per row) */
  yLabels?: string[]
  yLabel: string
  series: ChartSeries[]
}

/** The verdicts of resets.closes, in the contract's order, with a colour each: red for the abnormal ends. */
export const VERDICT_COLORS: Record<string, string> = {
  graceful: '#2e7d32',
  refused: '#ef6c00',
  timeout: '#8e24aa',
  abort: '#c62828',
  'half-closed': '#f9a825',
  open: '#1565c0',
  partial: '#757575',
}

const ev = (f: Finding, name: string): number | undefined => {
  const e: Evidence | undefined = f.evidence.find((x) => x.name === name)
  return typeof e?.value === 'number' ? e.value : undefined
}
const failing = (report: Report, check: string) => report.findings.filter((f) => f.check === check && f.status === 'fail')
const num = (v: unknown): number | undefined => (typeof v === 'number' && Number.isFinite(v) ? v : undefined)
const endpointOf = (f: Finding) => [f.subject.local, f.subject.remote].filter(Boolean).join(' → ') || f.subject.server || f.subject.interface || '(host)'
const connectionOf = (f: Finding | Record<string, unknown>) => {
  const s = 'subject' in f ? (f as Finding).subject : (f as Record<string, unknown>)
  return `${String(s.client ?? '?')} → ${String(s.server ?? '?')}`
}

/** Capture: every connection's end (its lastSeen) on a time axis, one row per server, coloured by verdict. */
function connectionEnds(report: Report): ChartSpec | undefined {
  const rows = report.findings.filter((f) => f.check === 'resets.closes').flatMap((f) => f.details ?? [])
  const ends = rows
    .map((r) => ({ t: num(r.lastSeen) ?? num(r.firstSeen), server: String(r.server ?? ''), end: String(r.end ?? '') }))
    .filter((r): r is { t: number; server: string; end: string } => r.t !== undefined && r.end in VERDICT_COLORS)
    .sort((a, b) => a.t - b.t)
  if (ends.length === 0) return undefined
  const servers = [...new Set(ends.map((e) => e.server))].sort()
  const verdicts = Object.keys(VERDICT_COLORS).filter((v) => ends.some((e) => e.end === v))
  // uPlot wants ascending x; two ends in the same microsecond are nudged apart so both are drawn
  const xs: number[] = []
  for (const e of ends) xs.push(xs.length && e.t <= xs[xs.length - 1] ? xs[xs.length - 1] + 1e-6 : e.t)
  return {
    id: 'capture-ends',
    title: 'Connection ends over time, per server',
    from: ['resets.closes'],
    x: 'time',
    xs,
    yLabels: servers,
    yLabel: 'server',
    series: verdicts.map((v) => ({ label: v, color: VERDICT_COLORS[v], draw: 'points' as const, values: ends.map((e) => (e.end === v ? servers.indexOf(e.server) : null)) })),
  }
}

/** Capture: keepalive probes per connection, the unanswered ones drawn over them. */
function keepaliveProbes(report: Report): ChartSpec | undefined {
  const fs = failing(report, 'keepalive.probes').filter((f) => ev(f, 'probes') !== undefined)
  if (fs.length === 0) return undefined
  return {
    id: 'keepalive-probes',
    title: 'Keepalive probes per connection',
    from: ['keepalive.probes'],
    x: 'category',
    xs: fs.map((_, i) => i),
    xLabels: fs.map(connectionOf),
    yLabel: 'probes',
    series: [
      { label: 'probes', color: '#1565c0', draw: 'bars', width: 0.7, values: fs.map((f) => ev(f, 'probes') ?? null) },
      { label: 'unanswered', color: '#c62828', draw: 'bars', width: 0.35, values: fs.map((f) => ev(f, 'unanswered') ?? 0) },
    ],
  }
}

/** Capture: application heartbeats per connection, with their period. */
function heartbeats(report: Report): ChartSpec | undefined {
  const fs = failing(report, 'keepalive.heartbeat').filter((f) => ev(f, 'messages') !== undefined)
  if (fs.length === 0) return undefined
  return {
    id: 'heartbeats',
    title: 'Heartbeat messages per connection',
    from: ['keepalive.heartbeat'],
    x: 'category',
    xs: fs.map((_, i) => i),
    xLabels: fs.map((f) => `${connectionOf(f)} (every ${ev(f, 'periodSeconds') ?? '?'} s)`),
    yLabel: 'messages',
    series: [{ label: 'messages', color: '#00838f', draw: 'bars', width: 0.6, values: fs.map((f) => ev(f, 'messages') ?? null) }],
  }
}

/** Host: each reported listener's accept queue (Recv-Q) against its limit (Send-Q, the backlog). */
function acceptQueues(report: Report): ChartSpec | undefined {
  const byListener = new Map<string, { fill: number; limit: number }>()
  for (const f of [...failing(report, 'queues.accept-queue-fill'), ...failing(report, 'queues.accept-overflow')]) {
    const fill = ev(f, 'Recv-Q')
    const limit = ev(f, 'Send-Q')
    const key = f.subject.local ?? endpointOf(f)
    if (fill !== undefined && limit !== undefined && !byListener.has(key)) byListener.set(key, { fill, limit })
  }
  if (byListener.size === 0) return undefined
  const rows = [...byListener]
  return {
    id: 'accept-queues',
    title: 'Accept queue fill per listener, against its limit',
    from: ['queues.accept-queue-fill', 'queues.accept-overflow'],
    x: 'category',
    xs: rows.map((_, i) => i),
    xLabels: rows.map(([k]) => k),
    yLabel: 'connections',
    series: [
      { label: 'limit (backlog)', color: '#9e9e9e', draw: 'bars', width: 0.7, values: rows.map(([, v]) => v.limit) },
      { label: 'waiting (Recv-Q)', color: '#c62828', draw: 'bars', width: 0.35, values: rows.map(([, v]) => v.fill) },
    ],
  }
}

/** Host: ephemeral ports in use per destination against the usable range. */
function portsPerDestination(report: Report): ChartSpec | undefined {
  const fs = failing(report, 'ports.ephemeral-exhaustion').filter((f) => ev(f, 'portsUsed') !== undefined)
  if (fs.length === 0) return undefined
  return {
    id: 'ports-per-destination',
    title: 'Ephemeral ports used per destination, against the usable range',
    from: ['ports.ephemeral-exhaustion'],
    x: 'category',
    xs: fs.map((_, i) => i),
    xLabels: fs.map(endpointOf),
    yLabel: 'ports',
    series: [
      { label: 'usable ports', color: '#9e9e9e', draw: 'bars', width: 0.7, values: fs.map((f) => ev(f, 'usablePorts') ?? null) },
      { label: 'used', color: '#ef6c00', draw: 'bars', width: 0.35, values: fs.map((f) => ev(f, 'portsUsed') ?? null) },
    ],
  }
}

/** Host: TIME_WAIT sockets per destination. */
function timewaitPerDestination(report: Report): ChartSpec | undefined {
  const fs = failing(report, 'timewait.storm').filter((f) => ev(f, 'TIME-WAIT') !== undefined)
  if (fs.length === 0) return undefined
  return {
    id: 'timewait-per-destination',
    title: 'TIME_WAIT sockets per destination',
    from: ['timewait.storm'],
    x: 'category',
    xs: fs.map((_, i) => i),
    xLabels: fs.map(endpointOf),
    yLabel: 'sockets',
    series: [{ label: 'TIME_WAIT', color: '#6a1b9a', draw: 'bars', width: 0.6, values: fs.map((f) => ev(f, 'TIME-WAIT') ?? null) }],
  }
}

// Hook for issue 13: congestion.flows details rows (per connection rttMs {min,p50,p95,max}, retransmissions).
// Drawn as soon as that check's findings carry those rows.
function rttPerConnection(report: Report): ChartSpec | undefined {
  const rows = report.findings.filter((f) => f.check === 'congestion.flows').flatMap((f) => f.details ?? [])
  const flows = rows.filter((r) => num((r.rttMs as Record<string, unknown> | undefined)?.p50) !== undefined || num(r.retransmissions) !== undefined)
  if (flows.length === 0) return undefined
  const rtt = (r: Record<string, unknown>, k: string) => num((r.rttMs as Record<string, unknown> | undefined)?.[k]) ?? null
  return {
    id: 'rtt-retransmissions',
    title: 'RTT and retransmissions per connection',
    from: ['congestion.flows'],
    x: 'category',
    xs: flows.map((_, i) => i),
    xLabels: flows.map((r) => connectionOf(r)),
    yLabel: 'ms / segments',
    series: [
      { label: 'RTT p95 (ms)', color: '#9e9e9e', draw: 'bars', width: 0.7, values: flows.map((r) => rtt(r, 'p95')) },
      { label: 'RTT p50 (ms)', color: '#1565c0', draw: 'bars', width: 0.35, values: flows.map((r) => rtt(r, 'p50')) },
      { label: 'retransmissions', color: '#c62828', draw: 'points', values: flows.map((r) => num(r.retransmissions) ?? null) },
    ],
  }
}

// Hook for issue 15: drops.path details rows (stage, counter, delta), in receive-path order.
function dropsPerStage(report: Report): ChartSpec | undefined {
  const rows = report.findings.filter((f) => f.check === 'drops.path').flatMap((f) => f.details ?? [])
  const stages = rows.filter((r) => typeof r.stage === 'string' && num(r.delta) !== undefined)
  if (stages.length === 0) return undefined
  return {
    id: 'drops-per-stage',
    title: 'Drops per receive-path stage in the window',
    from: ['drops.path'],
    x: 'category',
    xs: stages.map((_, i) => i),
    xLabels: stages.map((r) => String(r.stage)),
    yLabel: 'packets dropped',
    series: [{ label: 'dropped', color: '#c62828', draw: 'bars', width: 0.6, values: stages.map((r) => num(r.delta) ?? null) }],
  }
}

/** Every chart the report has data for, capture first (when there is one), then the host's. */
export const CHARTS: Array<(report: Report) => ChartSpec | undefined> = [
  connectionEnds,
  keepaliveProbes,
  heartbeats,
  rttPerConnection,
  acceptQueues,
  portsPerDestination,
  timewaitPerDestination,
  dropsPerStage,
]

export function chartsOf(report: Report): ChartSpec[] {
  return CHARTS.map((build) => build(report)).filter((c): c is ChartSpec => c !== undefined)
}
