// What a check is. Checks are pure: they read typed facts and return findings; they never do I/O.
import type { AnalysisName } from './capture.js'
import type { FactId, FactTypes } from './facts.js'
import type { Finding, Severity } from './finding.js'

export interface Threshold {
  value: number
  description: string
}

export interface CheckMeta {
  /** stable id "<topic>.<name>" */
  id: string
  topic: string
  /** what the check looks at, when all is well: "Accept queues" */
  title: string
  /** names the failing state: "Accept queue overflowing" */
  failureTitle: string
  description: string
  /** the facts it needs: when one cannot be read, the check is error/skip with the probe's reason */
  facts: FactId[]
  /** facts it uses when they can be read (`facts.optional(id)` is undefined otherwise) */
  optionalFacts?: FactId[]
  /** the sysctls it reads from the `sysctls` fact; the engine reads exactly the selected checks' ones */
  sysctls?: string[]
  /** it also reads the sysctls the configuration expects values of (expect.sysctls) */
  sysctlsFromConfig?: boolean
  /** tunable numbers with their defaults; `--config` overrides them */
  thresholds?: Record<string, Threshold>
  /** needs a capture (--pcap or --capture); skipped without one */
  needsCapture?: boolean
  /** the capture analyses it reads (analysisOf): a run attaches only the analyses its checks and views declare */
  captureAnalyses?: AnalysisName[]
  /**
   * The census sockets whose owning process its failing findings name, by the subject's side: the census reads
   * sockets without processes (`ss -tano`), and the engine looks owners up (one `ss -p` pass of these states)
   * only when such a finding fails without a pid, then evaluates the check again (src/engine/attribution.ts).
   */
  attribution?: Partial<Record<'server' | 'client', OwnedState>>
}

/** The socket states whose owners an attribution pass reads, as `ss state` names them. */
export type OwnedState = 'listening' | 'close-wait' | 'established'

/** The facts of one run, at the two ends of the window. Every accessor throws Unavailable when the fact is. */
export interface Facts {
  /** the value at the end of the window (or the only sample) */
  get<K extends FactId>(id: K): FactTypes[K]
  /** the value at the start of the window; the same as get() when the window is 0 */
  first<K extends FactId>(id: K): FactTypes[K]
  /** true when the fact could be read */
  has(id: FactId): boolean
  /** the value at the end of the window, or undefined when it could not be read */
  optional<K extends FactId>(id: K): FactTypes[K] | undefined
  /** the whole window these facts are a view of (a check sees a view restricted to what it declares) */
  readonly window?: Facts
}

/** Options that come from flags or config rather than from the host. */
export interface CheckOptions {
  /** a middlebox idle timeout to compare keepalive against (--idle-timeout) */
  idleTimeoutSeconds?: number
  /** link bandwidth in bit/s and RTT in seconds (--bandwidth, --rtt) */
  bandwidthBps?: number
  rttSeconds?: number
  /** the most details rows a finding carries (--max-details) */
  maxDetails: number
  /** expected sysctl values from the config, e.g. { "net.core.somaxconn": ">=4096" } */
  expectSysctls?: Record<string, string>
  /** where the inspected namespace is, so remediation commands act there; the host's own when absent */
  where?: Where
}

/**
 * The namespace a run inspected, as remediations need it: commands that change or read per-namespace state run
 * inside it. `container` is resolved to its main process (nsenter) and names its runtime for the persistent fix.
 */
export type Where =
  | { kind: 'host' }
  | { kind: 'netns'; name: string }
  | { kind: 'pid'; pid: number }
  | { kind: 'container'; name: string; runtime: string; pid: number }

export interface CheckContext {
  /** seconds between the two samples; 0 = since-boot totals only */
  windowSeconds: number
  /** a threshold's value for this check: the config's, or the default in meta */
  threshold(name: string): number
  options: CheckOptions
}

export interface Check {
  meta: CheckMeta
  evaluate(facts: Facts, ctx: CheckContext): Finding[]
}

export type { Severity }
