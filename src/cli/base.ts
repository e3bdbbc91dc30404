// What every checking command does: flags → source → engine → report → output and exit code.
// Commands stay thin; they only say which topic they are and which view (TOPIC_VIEWS) they draw.
import { Command, Errors } from '@oclif/core'
import { hostname } from 'node:os'

import { CHECKS } from '../checks/registry.js'
import { loadBaseline, markBaseline } from '../engine/baseline.js'
import { resolveConfig, type Config } from '../engine/config.js'
import { buildReport } from '../engine/report.js'
import { describeTarget } from '../engine/target.js'
import { whereOf } from '../checks/support/remediation.js'
import { runChecks, type RunResult } from '../engine/run.js'
import { selectChecks, splitList } from '../engine/select.js'
import type { CheckOptions } from '../model/check.js'
import { UsageError } from '../model/errors.js'
import type { FactId } from '../model/facts.js'
import type { Report } from '../model/finding.js'
import type { ProbeContext } from '../probes/index.js'
import { LiveSource } from '../probes/live.js'
import { NetnsSource } from '../probes/netns.js'
import { SnapshotSource } from '../probes/snapshot.js'
import type { Source } from '../probes/source.js'
import { messageOf } from '../cli-errors.js'
import { render, type Format } from '../report/index.js'
import { TOPIC_VIEWS, type TopicView, type ViewTopic } from '../report/views/index.js'
import { wantColor } from '../report/style.js'
import { commonFlags } from './flags.js'
import { parseBandwidth, parseDurationFlag } from './units.js'

export interface Parsed {
  flags: Record<string, any>
  topics: string[]
}

export async function resolveSource(flags: { from?: string; netns?: string; pid?: number }): Promise<Source> {
  if (flags.from) return new SnapshotSource(flags.from)
  if (flags.netns) return NetnsSource.named(flags.netns)
  if (flags.pid) return NetnsSource.ofPid(flags.pid)
  return new LiveSource()
}

/** --netns NAME / --pid PID as the report target and the snapshot manifest write it: "NAME" or "pid:PID". */
export const netnsLabel = (flags: { netns?: string; pid?: number }): string | undefined => flags.netns ?? (flags.pid ? `pid:${flags.pid}` : undefined)

/** Flags first, then the configuration's defaults (idleTimeout, bandwidth, rtt). */
export function checkOptions(flags: Record<string, any>, config: Config, configLabel = 'the configuration'): CheckOptions {
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
export function captureRequest(flags: Record<string, any>): ProbeContext['capture'] {
  if (flags.pcap && flags.capture) throw new UsageError('--pcap and --capture: give one of them (a file to read, or an interface to capture on)')
  if (!flags.capture && (flags.filter || flags.write)) throw new UsageError(`${flags.filter ? '--filter' : '--write'} works with --capture IFACE only (for a file, filter it with tcpdump -r FILE -w OUT 'filter')`)
  if (flags.capture && (flags.from || flags.netns || flags.pid)) {
    throw new UsageError('--capture captures in netdoc\'s own namespace: for another one run netdoc inside it (ip netns exec NAME netdoc ... --capture IFACE); --from cannot capture')
  }
  if (flags.pcap) return { pcap: flags.pcap }
  if (flags.capture) return { capture: { interface: flags.capture, seconds: flags.duration, filter: flags.filter, write: flags.write } }
  return undefined
}

/** Progress text on one stderr line, only when stderr is a terminal. */
function progressLine(): { show?: (text: string) => void; done: () => void } {
  if (!process.stderr.isTTY) return { done: () => undefined }
  let shown = false
  return {
    show(text) {
      shown = true
      process.stderr.write(`\r\x1b[K${text}`)
    },
    done() {
      if (shown) process.stderr.write('\r\x1b[K')
    },
  }
}

/** Shows "sampling… 2 s" on stderr while the window runs, only when stderr is a terminal. */
function progress(): { onWait?: (left: number) => void; done: () => void } {
  if (!process.stderr.isTTY) return { done: () => undefined }
  let shown = false
  return {
    onWait(left) {
      shown = true
      process.stderr.write(`\rsampling the window… ${left} s `)
    },
    done() {
      if (shown) process.stderr.write('\r\x1b[K')
    },
  }
}

/** Usage errors and oclif's flag errors: one clear line on stderr, exit 2, never JSON on stdout. */
export abstract class BaseCommand extends Command {
  /** set once the report went to -o/--output: --json then prints nothing on stdout either */
  private wroteFile = false

  /**
   * Writes the report in --format, to stdout or atomically to -o/--output FILE (oclif prints it itself for --json
   * without -o). Topic views, when the command has them, are drawn above the findings in the table format and as
   * sections of the HTML page.
   */
  protected async output(report: Report, flags: Record<string, any>, views?: (format: Format) => Promise<TopicView[]>): Promise<void> {
    const toFile: string | undefined = flags.output
    if (this.jsonEnabled() && !toFile) return
    const format: Format = this.jsonEnabled() ? 'json' : flags.format
    const color = format === 'table' && !toFile && flags.color !== false && wantColor(false)
    const drawn = (format === 'table' || format === 'html') && views ? await views(format) : []
    const text = await render(format, report, { color, verbose: flags.verbose, view: drawn.map((v) => v.text).join('\n') || undefined, views: drawn })
    if (!toFile) {
      process.stdout.write(text)
      return
    }
    const { writeFileAtomically } = await import('./output-file.js')
    writeFileAtomically(toFile, text)
    this.wroteFile = true
  }

  /** --json with -o FILE: the JSON went to the file, stdout stays empty. */
  protected logJson(json: unknown): void {
    if (!this.wroteFile) super.logJson(json)
  }

  protected async catch(err: Error & { exitCode?: number; oclif?: { exit?: number } }): Promise<any> {
    if (err instanceof Errors.ExitError) throw err
    if (process.env.DEBUG?.includes('netdoc')) console.error(err)
    process.stderr.write(`netdoc: ${messageOf(err)}\n`)
    if (!(err instanceof UsageError) && !err.oclif) process.stderr.write('netdoc: this is a bug; run again with DEBUG=netdoc for the stack trace\n')
    this.exit(2)
  }
}

export abstract class NetdocCommand extends BaseCommand {
  static enableJsonFlag = true
  static baseFlags = commonFlags

  /** the topic (or topics and check ids) this command shows; undefined for `check` (every topic, or those named as arguments) */
  protected topic?: string | string[]
  /** the topic whose view this command draws above its findings (TOPIC_VIEWS) */
  protected viewTopic?: ViewTopic

  /** facts the views need beyond those of the checks */
  protected viewFacts(_format: Format, _topics: string[]): FactId[] {
    return this.viewTopic ? TOPIC_VIEWS[this.viewTopic].facts : []
  }

  /** the human views of this run, drawn from its facts (pure) */
  protected async views(result: RunResult, _report: Report, _format: Format): Promise<TopicView[]> {
    return this.viewTopic ? [{ topic: this.viewTopic, text: await TOPIC_VIEWS[this.viewTopic].draw(result) }] : []
  }

  protected async runReport(parsed: Parsed): Promise<Report> {
    const { flags } = parsed
    const { config, label: configLabel } = await resolveConfig(flags.config, process.cwd(), CHECKS)
    const baseline = flags.baseline ? loadBaseline(flags.baseline) : undefined
    const topics = this.topic ? [this.topic].flat() : parsed.topics
    const checks = selectChecks(CHECKS, { topics, only: splitList(flags.only), skip: splitList(flags.skip) })
    const capture = captureRequest(flags)
    // a directory that is missing or not writable is said before the window runs, not after
    if (flags.output) (await import('./output-file.js')).checkOutputPath(flags.output)
    const source = await resolveSource(flags)
    const snapshot = source instanceof SnapshotSource ? source : undefined
    // Remediations act where the facts came from: a snapshot's recorded namespace, else --netns/--pid.
    const options = { ...checkOptions(flags, config, configLabel), where: whereOf(snapshot ? snapshot.manifest.netns : netnsLabel(flags)) }
    const p = progress()
    const line = progressLine()
    const result = await runChecks({
      source,
      checks,
      intervalSeconds: flags.interval,
      config,
      options,
      extraFacts: this.viewFacts(this.jsonEnabled() ? 'json' : flags.format, topics),
      onWait: p.onWait,
      recordedWindowSeconds: snapshot ? snapshot.manifest.windowSeconds : undefined,
      probeContext: { capture, progress: line.show },
    }).finally(() => {
      line.done()
      p.done()
    })
    const target = describeTarget({
      snapshot,
      host: { ...result.host, hostname: result.host.hostname ?? hostname() },
      netns: flags.netns,
      pid: flags.pid,
      pcap: flags.pcap,
      capture: flags.capture,
      checks,
    })
    const notes: string[] = []
    if (!snapshot && process.getuid && process.getuid() !== 0) {
      notes.push(`not running as root: process names and pids are shown only for sockets of uid ${process.getuid()}; run as root to see every process`)
    }
    notes.push(...result.notes)
    const known = baseline ? markBaseline(result.findings, baseline) : 0
    const report = buildReport({
      version: this.config.version,
      target,
      windowSeconds: result.windowSeconds,
      findings: result.findings,
      failOn: flags['fail-on'],
      notes,
      ...(baseline ? { baseline: { path: flags.baseline, known } } : {}),
    })
    process.exitCode = report.exitCode

    await this.output(report, flags, (format) => this.views(result, report, format))
    return report
  }
}
