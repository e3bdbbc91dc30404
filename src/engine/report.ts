import type { Finding } from '../model/finding.js'
import type { Gate, Report, Target } from '../model/report.js'
import { severityRank } from '../model/finding.js'
import { exitCodeFor, summarize, type FailOn } from '../model/report.js'

const STATUS_ORDER = { fail: 0, error: 1, skip: 2, pass: 3 }

/** Failing findings first, most severe first; then errors, skips, passes; stable by check id. */
export function sortFindings(findings: Finding[]): Finding[] {
  return [...findings].sort(
    (a, b) => STATUS_ORDER[a.status] - STATUS_ORDER[b.status] || severityRank(b.severity) - severityRank(a.severity) || a.check.localeCompare(b.check),
  )
}

export function buildReport(input: { version: string; target: Target; windowSeconds: number; findings: Finding[]; failOn: FailOn; notes?: string[]; baseline?: Gate['baseline'] }): Report {
  const findings = sortFindings(input.findings)
  const report: Report = {
    schemaVersion: 1,
    netdoc: input.version,
    generatedAt: new Date().toISOString(),
    target: input.target,
    window: { seconds: Math.round(input.windowSeconds * 1000) / 1000 },
    findings,
    summary: summarize(findings),
    exitCode: exitCodeFor(findings, input.failOn),
    gate: { failOn: input.failOn, ...(input.baseline ? { baseline: input.baseline } : {}) },
  }
  if (input.notes?.length) report.notes = input.notes
  return report
}
