// A session owns one run: configuration, baseline, selection, source, target, notes, the window, the report and
// its exit code. Commands are flags → session → render; nothing of a run is decided in src/cli or src/commands.
import { hostname } from 'node:os'

import type { CheckOptions, Facts, OwnedState, Where } from '../model/check.js'
import { UsageError } from '../model/errors.js'
import type { AnalysisName } from '../model/capture.js'
import type { FactId } from '../model/facts.js'
import type { Report } from '../model/report.js'
import type { ProbeContext } from '../probes/index.js'
import { loadAllChecks, loadChecks } from '../checks/registry.js'
import { connectFinding } from '../checks/support/connect-verdict.js'
import { HOST, labelOf, whereOf } from '../checks/support/remediation.js'
import { SYN_SYSCTLS } from '../derived/syn-retries.js'
import { LiveSource } from '../probes/live.js'
import { NetnsSource } from '../probes/netns.js'
import { OutputDir } from '../probes/output-dir.js'
import { MANIFEST, RecordingSource, SnapshotSource, type SnapshotManifest } from '../probes/snapshot.js'
import type { Source } from '../probes/source.js'
import { parseBandwidth, parseDurationFlag } from './units.js'
import { loadBaseline, markBaseline } from './baseline.js'
import { catalogue } from './catalogue.js'
import { resolveConfig, type Config } from './config.js'
import { buildReport } from './report.js'
import { runChecks, type RunResult } from './run.js'
import { selectChecks, splitList } from './select.js'
import { WindowFacts } from './facts.js'
import { collectSample } from './sample.js'
import { describeTarget } from './target.js'

/** The flags of a checking command, as oclif parsed them (src/cli/flags.ts). */
export type RunFlags = Record<string, any>

type WhereFlags = { from?: string; netns?: string; pid?: number; container?: string }

/** The namespace --netns / --pid / --container name (a container resolved through its runtime to its main pid). */
export async function inspectedNamespace(flags: WhereFlags): Promise<Where> {
  if (flags.container) {
    const { resolveContainer } = await import('../probes/container.js')
    const c = await resolveContainer(flags.container)
    return { kind: 'container', name: c.name, runtime: c.runtime, pid: c.pid }
  }
  if (flags.netns) return { kind: 'netns', name: flags.netns }
  if (flags.pid) return { kind: 'pid', pid: flags.pid }
  return HOST
}

export async function resolveSource(flags: WhereFlags, where: Where): Promise<Source> {
  if (flags.from) return new SnapshotSource(flags.from)
  if (where.kind === 'netns') return NetnsSource.named(where.name)
  if (where.kind === 'pid') return NetnsSource.ofPid(where.pid)
  if (where.kind === 'container') return NetnsSource.ofPid(where.pid, `--container ${where.name}`)
  return new LiveSource()
}

/** Flags first, then the configuration's defaults (idleTimeout, bandwidth, rtt). */
export function checkOptions(flags: RunFlags, config: Config, configLabel = 'the configuration'): CheckOptions {
  const bw = flags.bandwidth ?? config.bandwidth
  const rtt = flags.rtt ?? config.rtt
  return {
    idleTimeoutSeconds: flags['idle-timeout'] ?? config.idleTimeout,
    bandwidthBps: bw ? parseBandwidth(bw, flags.bandwidth ? '--bandwidth' : `${configLabel}: bandwidth:`) : undefined,
    rttSeconds: rtt ? parseDurationFlag(rtt, flags.rtt ? '--rtt' : `${configLabel}: rtt:`) : undefined,
    maxDetails: flags['max-details'] ?? 100,
    expectSysctls: config.expect?.sysctls && Object.fromEntries(Object.entries(config.expect.sysctls).map(([k, v]) => [k, String(v)])),
  }
}

/** --pcap / --capture / --duration / --filter / --write → what the capture probe reads. */
export function captureRequest(flags: RunFlags): ProbeContext['capture'] {
  if (flags.pcap && flags.capture) throw new UsageError('--pcap and --capture: give one of them (a file to read, or an interface to capture on)')
  if (!flags.capture && (flags.filter || flags.write)) throw new UsageError(`${flags.filter ? '--filter' : '--write'} works with --capture IFACE only (for a file, filter it with tcpdump -r FILE -w OUT 'filter')`)
  if (flags.capture && (flags.from || flags.netns || flags.pid || flags.container)) {
    throw new UsageError('--capture captures in netdoc\'s own namespace: for another one run netdoc inside it (ip netns exec NAME netdoc ... --capture IFACE); --from cannot capture')
  }
  if (flags.pcap) return { pcap: flags.pcap }
  if (flags.capture) return { capture: { interface: flags.capture, seconds: flags.duration, filter: flags.filter, write: flags.write, with: flags['capture-with'] } }
  return undefined
}

/** The capture analyses the run's checks and views read: only these are attached (each costs per-segment work). */
export function analysesRead(checks: Array<{ meta: { captureAnalyses?: AnalysisName[] } }>, view: AnalysisName[] = []): AnalysisName[] {
  return [...new Set([...checks.flatMap((c) => c.meta.captureAnalyses ?? []), ...view])]
}

function withAnalyses(req: ProbeContext['capture'], analyses: AnalysisName[]): ProbeContext['capture'] {
  return req && { ...req, analyses }
}

/** Which way a live capture of this run captured, when it ran. */
function liveCaptureWith(facts: RunResult['facts']): 'cap' | 'tcpdump' | undefined {
  const capture = facts.optional('capture')
  return capture?.origin.kind === 'live' ? capture.origin.via : undefined
}

export interface SessionInput {
  flags: RunFlags
  /** the topics or check ids to run; empty for all */
  topics: string[]
  /** netdoc's version, for the report */
  version: string
  /** facts and sysctls the topic's view shows beyond those of its checks */
  view?: { facts?: FactId[]; sysctls?: string[]; captureAnalyses?: AnalysisName[]; owners?: (facts: Facts) => OwnedState[] }
  /** where a .netdocrc is looked for */
  cwd?: string
  /** told the seconds left while the window runs; progress text of the probes (a capture) */
  onWait?: (secondsLeft: number) => void
  onProgress?: (text: string) => void
}

export interface Session {
  report: Report
  /** the run's facts and options, for the topic's view */
  run: RunResult
  exitCode: number
}

/** `netdoc check` and every topic command. */
export async function runSession(input: SessionInput): Promise<Session> {
  const { flags } = input
  const entries = await catalogue()
  const { config, label: configLabel } = await resolveConfig(flags.config, input.cwd ?? process.cwd(), entries)
  const baseline = flags.baseline ? loadBaseline(flags.baseline) : undefined
  const selected = selectChecks(entries, { topics: input.topics, only: splitList(flags.only), skip: splitList(flags.skip) })
  // its flags are checked before anything is read
  const request = captureRequest(flags)
  const inspected = await inspectedNamespace(flags)
  const source = await resolveSource(flags, inspected)
  const checks = await loadChecks(selected.map((c) => c.meta.id))
  const capture = withAnalyses(request, analysesRead(checks, input.view?.captureAnalyses))
  const snapshot = source instanceof SnapshotSource ? source : undefined
  // Remediations act where the facts came from: a snapshot's recorded namespace, else --netns/--pid/--container.
  const options = { ...checkOptions(flags, config, configLabel), where: snapshot ? whereOf(snapshot.manifest.netns) : inspected }
  const run = await runChecks({
    source,
    checks,
    intervalSeconds: flags.interval,
    config,
    options,
    extraFacts: input.view?.facts,
    extraSysctls: input.view?.sysctls,
    onWait: input.onWait,
    recordedWindowSeconds: snapshot?.manifest.windowSeconds,
    probeContext: { capture, progress: input.onProgress },
    // a snapshot holds the full owners pass (snapshotSession records it): replay reads it, filtered as live would
    owners: snapshot ? 'all' : 'targeted',
    viewOwners: input.view?.owners,
  })
  const target = describeTarget({
    snapshot,
    host: { ...run.host, hostname: run.host.hostname ?? hostname() },
    netns: labelOf(inspected),
    pcap: flags.pcap,
    capture: flags.capture,
    captureWith: liveCaptureWith(run.facts),
    checks,
  })
  const notes: string[] = []
  if (!snapshot && process.getuid && process.getuid() !== 0) {
    notes.push(`not running as root: process names and pids are shown only for sockets of uid ${process.getuid()}; run as root to see every process`)
  }
  notes.push(...run.notes)
  const known = baseline ? markBaseline(run.findings, baseline) : 0
  const report = buildReport({
    version: input.version,
    target,
    windowSeconds: run.windowSeconds,
    findings: run.findings,
    failOn: flags['fail-on'],
    notes,
    ...(baseline ? { baseline: { path: flags.baseline, known } } : {}),
  })
  return { report, run, exitCode: report.exitCode }
}

/** `netdoc connect HOST:PORT`: one attempt, judged with this host's SYN settings read beside it. */
export async function connectSession(input: { host: string; port: number; timeoutSeconds: number; version: string }): Promise<Session> {
  // Only `netdoc connect` opens connections: the probe (net, dns) is imported here, not by every run.
  const { attemptConnect } = await import('../probes/connect.js')
  // The settings are read beside the attempt: the timeout verdict says how long the kernel would keep trying.
  const [attempt, sample] = await Promise.all([
    attemptConnect(input.host, input.port, input.timeoutSeconds * 1000),
    collectSample(new LiveSource(), ['host', 'sysctls'], { sysctls: [...SYN_SYSCTLS] }),
  ])
  const facts = new WindowFacts(sample, sample)
  const host = facts.optional('host') ?? {}
  const finding = connectFinding({ host: input.host, port: input.port, timeoutSeconds: input.timeoutSeconds, attempt, sysctls: facts.optional('sysctls') })
  const report = buildReport({
    version: input.version,
    target: { kind: 'live', hostname: host.hostname ?? hostname(), kernel: host.kernel },
    windowSeconds: 0,
    findings: [finding],
    failOn: 'info', // any failed attempt is exit 1
  })
  const run: RunResult = { findings: [finding], windowSeconds: 0, host, facts, notes: [], options: { maxDetails: 100 } }
  return { report, run, exitCode: report.exitCode }
}

/**
 * `netdoc snapshot -o DIR`: every check's facts recorded (so any later `--from` run finds what it needs), the
 * manifest, and the report of the very inputs recorded (`check --from DIR` must reproduce it).
 */
export async function snapshotSession(input: { dir: string; flags: RunFlags; version: string; cwd?: string; viewSysctls?: string[] }): Promise<Session & { description: string; samples: number }> {
  const { dir, flags } = input
  // The configuration's expected sysctls are read (and so recorded) too.
  const { config, label } = await resolveConfig(flags.config, input.cwd ?? process.cwd(), await catalogue())
  const inspected = await inspectedNamespace(flags)
  const netns = labelOf(inspected)
  const options = { ...checkOptions({}, config, label), where: inspected }
  // root often writes this into /tmp: no file is followed through a link someone planted there
  const out = new OutputDir(dir, '-o', flags.force)
  out.prepare()
  const inner = await resolveSource(flags, inspected)
  const checks = await loadAllChecks()
  // every view's sysctls as well: a topic view replayed from the snapshot shows what it showed live
  // owners: 'record': the full owners pass is recorded whatever this run's findings need, for any later view or subset
  const run = await runChecks({ source: new RecordingSource(inner, out), checks, intervalSeconds: flags.interval, options, extraSysctls: input.viewSysctls, owners: 'record' })
  const samples = run.windowSeconds > 0 ? 2 : 1
  const manifest: SnapshotManifest = {
    format: 'netdoc-snapshot',
    formatVersion: 1,
    netdoc: input.version,
    createdAt: new Date().toISOString(),
    hostname: run.host.hostname,
    kernel: run.host.kernel,
    ...(netns ? { netns } : {}),
    source: inner.description,
    windowSeconds: run.windowSeconds,
    samples,
    checks: checks.map((c) => c.meta.id),
  }
  out.writeFile(MANIFEST, JSON.stringify(manifest, null, 2) + '\n')
  const report = buildReport({
    version: input.version,
    target: { kind: 'live', hostname: run.host.hostname, kernel: run.host.kernel, ...(netns ? { netns } : {}) },
    windowSeconds: run.windowSeconds,
    findings: run.findings,
    failOn: 'critical',
  })
  out.writeFile('report.json', JSON.stringify(report, null, 2) + '\n')
  return { report, run, exitCode: 0, description: inner.description, samples }
}
