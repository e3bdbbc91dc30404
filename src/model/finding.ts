// A finding of the report (../shared/CONTRACT.md): severity, subject, evidence, remediation. The report that holds
// the findings is model/report.ts.

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

export const RANK: Record<Severity, number> = { critical: 3, warning: 2, info: 1 }

export function severityRank(s: Severity | undefined): number {
  return s ? RANK[s] : 0
}
