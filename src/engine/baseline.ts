// --baseline FILE: a previous JSON report. A failing finding the baseline already had (same identity, same or a
// higher severity) is marked "known" and does not fail the gate, so a pipeline fails only on what is new.
import { readFileSync } from 'node:fs'

import { unreadableFile, UsageError } from '../model/errors.js'
import { severityRank, type Finding, type Severity, type Subject } from '../model/finding.js'

/**
 * A finding's identity: its check and its subject. The pid is left out: a restarted process keeps its name and
 * its listener but not its pid, and that is the same problem, not a new one.
 */
export function findingIdentity(f: { check: string; subject?: Subject }): string {
  const subject = Object.entries(f.subject ?? {})
    .filter(([k, v]) => k !== 'pid' && v !== undefined)
    .sort(([a], [b]) => a.localeCompare(b))
  return JSON.stringify([f.check, subject])
}

/** identity → the highest severity the baseline had for it */
export type Baseline = Map<string, number>

export function loadBaseline(path: string): Baseline {
  let text: string
  try {
    text = readFileSync(path, 'utf8')
  } catch (err) {
    throw unreadableFile(`--baseline ${path}`, err, 'give a report saved with --json')
  }
  let raw: unknown
  try {
    raw = JSON.parse(text)
  } catch {
    throw new UsageError(`--baseline ${path}: not JSON; give a report saved with \`netdoc check --json > FILE\``)
  }
  const report = raw as { schemaVersion?: unknown; findings?: unknown }
  if (typeof raw !== 'object' || raw === null || report.schemaVersion !== 1 || !Array.isArray(report.findings)) {
    throw new UsageError(`--baseline ${path}: not a netdoc JSON report (schemaVersion 1 with findings); give a report saved with --json`)
  }
  return baselineOf(report.findings as Finding[], path)
}

export function baselineOf(findings: Finding[], path = 'baseline'): Baseline {
  const known: Baseline = new Map()
  findings.forEach((f, i) => {
    if (typeof f?.check !== 'string' || typeof f.status !== 'string') throw new UsageError(`--baseline ${path}: findings[${i}] has no check or status; is it a netdoc report?`)
    if (f.status !== 'fail') return
    const id = findingIdentity(f)
    known.set(id, Math.max(known.get(id) ?? 0, severityRank(f.severity as Severity | undefined)))
  })
  return known
}

/** Marks each failing finding "known" or "new"; returns how many were known. */
export function markBaseline(findings: Finding[], baseline: Baseline): number {
  let known = 0
  for (const f of findings) {
    if (f.status !== 'fail') continue
    const had = baseline.get(findingIdentity(f))
    f.baseline = had !== undefined && had >= severityRank(f.severity) ? 'known' : 'new'
    if (f.baseline === 'known') known++
  }
  return known
}
