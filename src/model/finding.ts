// The report vocabulary of ../shared/CONTRACT.md. This module imports nothing of the project.

export type Severity = 'critical' | 'warning' | 'info'
export type Status = 'pass' | 'fail' | 'skip' | 'error'
export const SEVERITIES: readonly Severity[] = ['critical', 'warning', 'info']

/** What a finding is about; addresses are written as `ss` writes them. {} for host-wide. */
export interface Subject {
  local?: string
  remote?: string
  side?: 'client' | 'server'
  pid?: number
  process?: string
  client?: string
  server?: string
  interface?: string
  sysctl?: string
  cpu?: number
  /** a kernel counter that names the cause, for host-wide findings of one cause each (resets.aborts) */
  counter?: string
}

export interface Evidence {
  source: string
  name: string
  value: number | string | null
  delta?: number
  unit?: string
}

export interface Remediation {
  text: string
  commands: string[]
  docs: string
}

export interface Finding {
  check: string
  status: Status
  severity?: Severity
  title: string
  message: string
  subject: Subject
  evidence: Evidence[]
  remediation?: Remediation
  details?: Array<Record<string, unknown>>
  /** with --baseline, for failing findings: "known" when the baseline already had it (it does not fail the gate) */
  baseline?: 'new' | 'known'
}

export interface Target {
  kind: 'live' | 'snapshot' | 'pcap'
  hostname?: string
  kernel?: string
  netns?: string
  path?: string
  /** the capture the report adds evidence from: a --pcap file, or live:IFACE */
  capture?: string
  /** a live capture: how it captured (the cap module's libpcap, or tcpdump) */
  captureWith?: 'cap' | 'tcpdump'
}

export interface Summary {
  critical: number
  warning: number
  info: number
  pass: number
  skip: number
  error: number
}

export interface Report {
  schemaVersion: 1
  netdoc: string
  generatedAt: string
  target: Target
  window: { seconds: number }
  findings: Finding[]
  summary: Summary
  exitCode: 0 | 1 | 2
  notes?: string[]
  /** how the exit code was computed: --fail-on, and the --baseline whose findings did not count */
  gate?: Gate
}

export interface Gate {
  failOn: FailOn
  baseline?: { path: string; known: number }
}

export type FailOn = Severity | 'never'

const RANK: Record<Severity, number> = { critical: 3, warning: 2, info: 1 }

export function severityRank(s: Severity | undefined): number {
  return s ? RANK[s] : 0
}

/** True when the finding makes the gate fail at this --fail-on level. */
export function failsGate(f: Finding, failOn: FailOn): boolean {
  if (failOn === 'never' || f.status !== 'fail' || f.baseline === 'known') return false
  return severityRank(f.severity) >= RANK[failOn]
}

export function summarize(findings: Finding[]): Summary {
  const s: Summary = { critical: 0, warning: 0, info: 0, pass: 0, skip: 0, error: 0 }
  for (const f of findings) {
    if (f.status === 'fail' && f.severity) s[f.severity]++
    else if (f.status !== 'fail') s[f.status]++
  }
  return s
}

export function exitCodeFor(findings: Finding[], failOn: FailOn): 0 | 1 {
  return findings.some((f) => failsGate(f, failOn)) ? 1 : 0
}
