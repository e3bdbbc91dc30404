// The human report: severity first, subject, message, then the remediation with commands to copy.
import type { ChalkInstance } from 'chalk'

import type { Finding, Subject } from '../model/finding.js'
import type { Report } from '../model/report.js'
import { makeChalk, type Style } from './style.js'

export function subjectLabel(s: Subject): string {
  const parts: string[] = []
  if (s.side && (s.local || s.remote)) parts.push(s.side)
  if (s.local) parts.push(s.local)
  if (s.remote) parts.push(`→ ${s.remote}`)
  if (s.client || s.server) parts.push(s.client ? `${s.client} → ${s.server ?? '?'}` : `server ${s.server}`)
  if (s.process) parts.push(`(${s.process}${s.pid !== undefined ? `, pid ${s.pid}` : ''})`)
  else if (s.pid !== undefined) parts.push(`(pid ${s.pid})`)
  if (s.interface) parts.push(`dev ${s.interface}`)
  if (s.cpu !== undefined) parts.push(`cpu ${s.cpu}`)
  if (s.sysctl && parts.length === 0) parts.push(s.sysctl)
  if (s.counter && parts.length === 0) parts.push(s.counter)
  return parts.join(' ') || 'host'
}

function label(f: Finding, c: ChalkInstance): string {
  const text = (f.status === 'fail' ? f.severity! : f.status).toUpperCase().padEnd(8)
  if (f.baseline === 'known') return c.dim(text)
  if (f.status === 'fail') return f.severity === 'critical' ? c.red.bold(text) : f.severity === 'warning' ? c.yellow.bold(text) : c.cyan(text)
  if (f.status === 'error') return c.magenta(text)
  if (f.status === 'skip') return c.gray(text)
  return c.green(text)
}

export interface TableOptions extends Style {
  /** show pass/skip findings one per line (default: only counted) */
  verbose?: boolean
}

export async function renderFindings(report: Report, opts: TableOptions): Promise<string> {
  const c = await makeChalk(opts)
  const out: string[] = []
  const quiet = report.findings.filter((f) => f.status === 'pass' || f.status === 'skip')
  for (const f of report.findings) {
    if (!opts.verbose && (f.status === 'pass' || f.status === 'skip')) continue
    out.push(`${label(f, c)} ${c.bold(f.check)}  ${subjectLabel(f.subject)}${f.baseline === 'known' ? c.dim('  (known in the baseline)') : ''}`)
    out.push(`         ${f.status === 'fail' ? c.bold(f.title) + ': ' : ''}${f.message}`)
    if (f.remediation) {
      out.push(`         ${c.dim('fix:')} ${f.remediation.text}`)
      for (const cmd of f.remediation.commands) out.push(`           ${c.dim('$')} ${cmd}`)
      out.push(`         ${c.dim('docs: ' + f.remediation.docs)}`)
    }
    out.push('')
  }
  if (!opts.verbose && quiet.length) {
    const names = quiet.map((f) => (f.status === 'skip' ? `${f.check} (skipped: ${f.message})` : f.check))
    out.push(c.dim(`ok: ${names.join(', ')}`))
  }
  for (const n of report.notes ?? []) out.push(c.yellow(`note: ${n}`))
  const s = report.summary
  const counts = [
    s.critical ? c.red(`${s.critical} critical`) : '0 critical',
    s.warning ? c.yellow(`${s.warning} warning`) : '0 warning',
    `${s.info} info`,
    `${s.pass} pass`,
    ...(s.skip ? [`${s.skip} skip`] : []),
    ...(s.error ? [c.magenta(`${s.error} error`)] : []),
  ]
  const t = report.target
  const where = [t.kind === 'snapshot' ? `snapshot ${t.path}` : t.netns ? `netns ${t.netns}` : t.kind, t.hostname, t.kernel && `kernel ${t.kernel}`].filter(Boolean).join(', ')
  const baseline = report.gate?.baseline ? ` · ${report.gate.baseline.known} known in the baseline` : ''
  out.push(`${counts.join(', ')} · ${where} · window ${report.window.seconds.toFixed(1)} s${baseline} · exit ${report.exitCode}`)
  return out.join('\n') + '\n'
}
