// Builders shared by the checks, so every finding has the same shape and its doc link.
import type { CheckContext, CheckMeta } from '../../model/check.js'
import type { Evidence, Finding, Severity, Subject } from '../../model/finding.js'

export const docsFor = (id: string): string => `docs/checks/${id}.md`

export function pass(meta: CheckMeta, message: string, evidence: Evidence[] = [], details?: Finding['details']): Finding {
  const f: Finding = { check: meta.id, status: 'pass', title: meta.title, message, subject: {}, evidence }
  if (details?.length) f.details = details
  return f
}

export function skip(meta: CheckMeta, message: string, subject: Subject = {}): Finding {
  return { check: meta.id, status: 'skip', title: meta.title, message, subject, evidence: [] }
}

export interface FailInput {
  severity: Severity
  message: string
  subject?: Subject
  evidence?: Evidence[]
  remediation: { text: string; commands?: string[] }
  details?: Finding['details']
  /** overrides meta.failureTitle when the failing state has a more exact name */
  title?: string
}

export function fail(meta: CheckMeta, input: FailInput): Finding {
  const f: Finding = {
    check: meta.id,
    status: 'fail',
    severity: input.severity,
    title: input.title ?? meta.failureTitle,
    message: input.message,
    subject: input.subject ?? {},
    evidence: input.evidence ?? [],
    remediation: { text: input.remediation.text, commands: input.remediation.commands ?? [], docs: docsFor(meta.id) },
  }
  if (input.details?.length) f.details = input.details
  return f
}

/**
 * A drop or error count judged as a rate over the window, as the queue checks judge theirs: below the check's
 * warningPerSecond it is info (the trickle any busy host has: a drop in a 2 s window is not an outage), from it a
 * warning, from criticalPerSecond critical. Since boot (no window) it is history: info.
 */
export function rateSeverity(count: number, windowSeconds: number, ctx: CheckContext, names = { warning: 'warningPerSecond', critical: 'criticalPerSecond' }): Severity {
  if (windowSeconds <= 0) return 'info'
  const perSecond = count / windowSeconds
  return perSecond >= ctx.threshold(names.critical) ? 'critical' : perSecond >= ctx.threshold(names.warning) ? 'warning' : 'info'
}

// The counter rule, evidence rows and formatting live in src/derived (one place for checks and views);
// re-exported here so a check imports its finding builders from one module.
export { perSecond, readCounter, type CounterReading } from '../../derived/counters.js'
export { counterEvidence, sysctlEvidence } from '../../derived/evidence.js'
export { agree, plural, rate, seconds } from '../../derived/format.js'
