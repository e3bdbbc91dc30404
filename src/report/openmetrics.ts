// --format openmetrics: for node_exporter's textfile collector and Prometheus. Every family is a gauge with one
// # HELP and # TYPE; label values escaped; `# EOF` last. Measured values come from the findings' evidence, so a
// check written later is exported without a line here.
import type { Finding, Status } from '../model/finding.js'
import type { Report } from '../model/report.js'
import { escapeLabelValue } from './escape.js'

type Labels = Array<[string, string]>

interface Family {
  help: string
  samples: Map<string, number>
}

/** A label name from any key: [a-zA-Z_][a-zA-Z0-9_]*, never starting with __ (reserved). */
export function labelName(k: string): string {
  const n = k.replace(/[^a-zA-Z0-9_]/g, '_').replace(/^([0-9])/, '_$1').replace(/^__+/, '_')
  return n || '_'
}

function formatValue(v: number): string {
  if (Number.isNaN(v)) return 'NaN'
  if (v === Infinity) return '+Inf'
  if (v === -Infinity) return '-Inf'
  return String(v)
}

const labelText = (labels: Labels): string => (labels.length ? `{${labels.map(([k, v]) => `${k}="${escapeLabelValue(v)}"`).join(',')}}` : '')

/** The subject as labels, without the pid: a restart would start a new series for the same problem. */
function subjectLabels(f: Finding): Labels {
  const seen = new Set(['check', 'severity', 'status', 'name', 'source', 'unit', 'pid'])
  const out: Labels = []
  for (const [k, v] of Object.entries(f.subject)) {
    const name = labelName(k)
    if (v === undefined || seen.has(name)) continue
    seen.add(name)
    out.push([name, String(v)])
  }
  return out
}

/** A number in evidence: a number, or a string that is exactly one number (sysctl values are strings). */
function numeric(v: unknown): number | undefined {
  if (typeof v === 'number' && Number.isFinite(v)) return v
  if (typeof v === 'string' && /^-?\d+(\.\d+)?(e[+-]?\d+)?$/i.test(v.trim())) return Number(v)
  return undefined
}

const STATUSES: Status[] = ['pass', 'fail', 'skip', 'error']
const WORST: Record<Status, number> = { fail: 3, error: 2, skip: 1, pass: 0 }

export function renderOpenMetrics(report: Report): string {
  const families = new Map<string, Family>()
  const set = (name: string, help: string, labels: Labels, value: number) => {
    let fam = families.get(name)
    if (!fam) families.set(name, (fam = { help, samples: new Map() }))
    const key = labelText(labels)
    // One sample per label set: two findings with the same subject keep the first value.
    if (!fam.samples.has(key)) fam.samples.set(key, value)
  }

  const host: Labels = []
  set('netdoc_exit_code', 'The exit code of the run: 0 healthy, 1 the gate failed at --fail-on.', host, report.exitCode)
  set('netdoc_last_run_timestamp_seconds', 'When the report was made (Unix time): alert when it goes stale.', host, Date.parse(report.generatedAt) / 1000)
  set('netdoc_window_seconds', 'The sampling window the counters were judged over.', host, report.window.seconds)
  for (const [k, v] of Object.entries(report.summary)) set('netdoc_findings', 'Findings of the run by severity (failing) or status.', [['status', k]], v)

  const status = new Map<string, Status>()
  for (const f of report.findings) {
    const prev = status.get(f.check)
    if (!prev || WORST[f.status] > WORST[prev]) status.set(f.check, f.status)
    const subject = subjectLabels(f)
    if (f.status === 'pass' || f.status === 'fail') {
      const labels: Labels = [['check', f.check], ['severity', f.severity ?? 'none'], ...subject]
      set('netdoc_finding', 'A finding of a check about a subject: 1 failing, 0 passing.', labels, f.status === 'fail' ? 1 : 0)
    }
    for (const e of f.evidence) {
      const labels: Labels = [['check', f.check], ['name', e.name], ['source', e.source], ...(e.unit ? ([['unit', e.unit]] as Labels) : []), ...subject]
      const value = numeric(e.value)
      if (value !== undefined) set('netdoc_evidence_value', 'A value a check measured or read, from its evidence (name and source say which).', labels, value)
      if (e.delta !== undefined && Number.isFinite(e.delta)) set('netdoc_evidence_delta', 'How much an evidence counter grew over the window.', labels, e.delta)
    }
  }
  for (const [check, s] of status) {
    for (const st of STATUSES) set('netdoc_check_status', 'The status of a check (its worst finding): 1 for the current status.', [['check', check], ['status', st]], st === s ? 1 : 0)
  }

  const out: string[] = []
  for (const [name, fam] of families) {
    out.push(`# HELP ${name} ${fam.help.replaceAll('\\', '\\\\').replaceAll('\n', '\\n')}`, `# TYPE ${name} gauge`)
    for (const [labels, value] of fam.samples) out.push(`${name}${labels} ${formatValue(value)}`)
  }
  out.push('# EOF')
  return out.join('\n') + '\n'
}
