// One way to test a check (ESLint's RuleTester): a table of cases, facts in → findings out (status, severity,
// subject; a message pattern where the words matter). Each case is one jest test named after it. No I/O.
//
//   checkTable(syncookies, [
//     { name: 'off', start: { sysctls: sysctls({ 'net.ipv4.tcp_syncookies': 0 }) },
//       findings: [{ status: 'fail', severity: 'warning', subject: { sysctl: 'net.ipv4.tcp_syncookies' } }] },
//     { name: 'on', start: { sysctls: sysctls({ 'net.ipv4.tcp_syncookies': 1 }) }, findings: [{ status: 'pass' }] },
//   ])
import type { Check, CheckOptions } from '../../src/model/check.js'
import type { Finding, Severity, Status, Subject } from '../../src/model/finding.js'
import { ctxOf, evaluateDeclared, factsOf, type Sample } from './facts.js'

export interface ExpectedFinding {
  status: Status
  /** required for `fail`, absent otherwise */
  severity?: Severity
  /** compared whole; {} when omitted (a pass or a host-wide finding) */
  subject?: Subject
  /** when the words matter: the message must match */
  message?: RegExp
}

export interface CheckCase {
  name: string
  /** the facts at the start of the window */
  start: Sample
  /** the facts at its end; omitted, the start sample is the only one (a 0 s window) */
  end?: Sample
  /** the window when `end` is given (default 2 s) */
  windowSeconds?: number
  options?: Partial<CheckOptions>
  /** overrides of the check's threshold defaults */
  thresholds?: Record<string, number>
  /** every finding the check returns, in order */
  findings: ExpectedFinding[]
  /** more to assert on the findings (evidence, remediation commands, details) */
  also?: (findings: Finding[]) => void
}

/** The findings of a check over a case's facts. */
export function evaluateCase(check: Check, c: Omit<CheckCase, 'name' | 'findings'>): Finding[] {
  const windowSeconds = c.end ? (c.windowSeconds ?? 2) : 0
  // over the facts its meta declares, as the engine runs it: an undeclared read fails the case
  return evaluateDeclared(check, factsOf(c.start, c.end ?? c.start), ctxOf(check, windowSeconds, c.options, c.thresholds))
}

export function checkTable(check: Check, cases: CheckCase[]): void {
  describe(check.meta.id, () => {
    test.each(cases.map((c) => [c.name, c] as const))('%s', (_name, c) => {
      const findings = evaluateCase(check, c)
      const seen = findings.map((f) => ({ status: f.status, severity: f.severity, subject: f.subject }))
      expect(seen).toEqual(c.findings.map((e) => ({ status: e.status, severity: e.severity, subject: e.subject ?? {} })))
      c.findings.forEach((e, i) => e.message && expect(findings[i].message).toMatch(e.message))
      c.also?.(findings)
    })
  })
}
