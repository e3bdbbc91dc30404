// The report of ../shared/CONTRACT.md ("The JSON report"): target, window, findings, summary, exit code.
import type { HostIdentity } from './facts.js'
import { RANK, severityRank, type Finding, type Severity } from './finding.js'

export interface Target {
  kind: 'live' | 'snapshot' | 'pcap'
  hostname?: string
  kernel?: string
  netns?: string
  path?: string
  /** the capture the report adds evidence from: a --pcap file, or live:IFACE */
  capture?: string
  /** the host's distribution, virtualization and the container netdoc ran in, as recorded (a snapshot's: the original host's) */
  identity?: HostIdentity
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
