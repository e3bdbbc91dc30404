// Builders shared by the checks, so every finding has the same shape and its doc link.
import type { CheckMeta, Facts } from '../../model/check.js'
import type { Counters } from '../../model/facts.js'
import type { Evidence, Finding, Severity, Subject } from '../../model/finding.js'
import { counterSource } from '../../parsers/proc-net-netstat.js'

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

export interface CounterReading {
  name: string
  /** the since-boot total at the end of the window */
  value: number
  /** growth over the window; undefined when the window is 0 */
  delta?: number
}

/** A counter at both ends of the window, or undefined when this kernel lacks it. */
export function readCounter(facts: Facts, name: string, windowSeconds: number): CounterReading | undefined {
  const end: Counters = facts.get('counters')
  if (end[name] === undefined) return undefined
  if (windowSeconds <= 0) return { name, value: end[name] }
  const start = facts.first('counters')[name]
  // A counter that went down was reset (module reload, namespace re-created): judge only the end value.
  const delta = start === undefined || end[name] < start ? undefined : end[name] - start
  return { name, value: end[name], delta }
}

export function counterEvidence(c: CounterReading): Evidence {
  const e: Evidence = { source: counterSource(c.name), name: c.name, value: c.value }
  if (c.delta !== undefined) e.delta = c.delta
  return e
}

export function sysctlEvidence(name: string, value: string | undefined): Evidence {
  return { source: `/proc/sys/${name.replaceAll('.', '/')}`, name, value: value ?? null }
}

export const plural = (n: number, word: string, many = word + 's'): string => `${n} ${n === 1 ? word : many}`

/** "2.0 s" — how the window is written in messages. */
export const seconds = (s: number): string => `${s.toFixed(1)} s`

/** A counter's growth per second over the window; undefined without a window or a delta. */
export const perSecond = (c: CounterReading | undefined, windowSeconds: number): number | undefined =>
  c?.delta === undefined || windowSeconds <= 0 ? undefined : c.delta / windowSeconds

/** "3.5/s" — how a rate is written in messages. */
export const rate = (r: number): string => `${r < 10 ? r.toFixed(1) : Math.round(r)}/s`
