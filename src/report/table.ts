// The human report (models: eslint, kubectl get): findings grouped under their subject, worst first, text wrapped
// to the width with commands kept whole on their own lines; passes in one line, skips one line per reason.
import type { ChalkInstance } from 'chalk'

import type { Finding, Subject } from '../model/finding.js'
import type { Report } from '../model/report.js'
import { identityLabels, namespaceLabel } from './target.js'
import { visible } from './escape.js'
import { screenWidth, wrap } from './layout.js'
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

/**
 * What findings stand together under: the endpoints (and interface, cpu, counter) without who holds them, so
 * ports.ephemeral-exhaustion, timewait.storm and timewait.reuse about one destination tell one story, and a
 * listener's findings with and without its process name are one group. Host-wide findings are one group.
 */
export function groupKey(s: Subject): string {
  const { side, local, remote, client, server, interface: dev, cpu, sysctl, counter } = s
  const where = [side, local, remote, client, server, dev, cpu].some((v) => v !== undefined)
  return JSON.stringify(where ? [side, local, remote, client, server, dev, cpu] : sysctl ?? counter ?? '')
}

const RANK: Record<string, number> = { critical: 0, warning: 1, info: 2, error: 3 }
const rank = (f: Finding) => (f.baseline === 'known' ? 4 : f.status === 'fail' ? RANK[f.severity!] : RANK[f.status] ?? 5)

function label(f: Finding, c: ChalkInstance): string {
  const text = (f.status === 'fail' ? f.severity! : f.status).toUpperCase().padEnd(8)
  if (f.baseline === 'known') return c.dim(text)
  if (f.status === 'fail') return f.severity === 'critical' ? c.red.bold(text) : f.severity === 'warning' ? c.yellow.bold(text) : c.cyan(text)
  if (f.status === 'error') return c.magenta(text)
  if (f.status === 'skip') return c.gray(text)
  return c.green(text)
}

export interface TableOptions extends Style {
  /** show pass/skip findings one per line (default: folded into one line each) */
  verbose?: boolean
  /** columns to wrap to (default: COLUMNS, the terminal, else 80) */
  width?: number
}

/** `queues: accept-overflow, syncookies · timewait: storm`: check ids by topic, each topic named once. */
function idsByTopic(findings: Finding[]): string {
  const byTopic = new Map<string, string[]>()
  for (const f of findings) {
    const dot = f.check.indexOf('.')
    const topic = dot < 0 ? f.check : f.check.slice(0, dot)
    const names = byTopic.get(topic) ?? []
    if (!names.includes(f.check.slice(dot + 1))) names.push(f.check.slice(dot + 1))
    byTopic.set(topic, names)
  }
  return [...byTopic].map(([topic, names]) => `${topic}: ${names.join(', ')}`).join(' · ')
}

export async function renderFindings(report: Report, opts: TableOptions): Promise<string> {
  const c = await makeChalk(opts)
  const width = opts.width ?? screenWidth()
  const out: string[] = []
  const quiet = (f: Finding) => f.status === 'pass' || f.status === 'skip'

  // Groups in order of their worst finding, then of first appearance; findings in a group worst first.
  const groups = new Map<string, Finding[]>()
  for (const f of report.findings) {
    if (!opts.verbose && quiet(f)) continue
    const key = groupKey(f.subject)
    groups.set(key, [...(groups.get(key) ?? []), f])
  }
  const ordered = [...groups.values()].map((fs) => [...fs].sort((a, b) => rank(a) - rank(b)))
  ordered.sort((a, b) => rank(a[0]) - rank(b[0]))
  const indent = ' '.repeat(11)
  for (const fs of ordered) {
    // The fullest label of the group: the one that also names the process.
    const heading = fs.map((f) => visible(subjectLabel(f.subject))).sort((a, b) => b.length - a.length)[0]
    out.push(c.bold(heading))
    for (const f of fs) {
      const known = f.baseline === 'known' ? c.dim(' (known in the baseline)') : ''
      out.push(...wrap(`${c.bold(f.check)}${f.status === 'fail' ? ` · ${c.bold(visible(f.title))}` : ''}${known}`, width, `  ${label(f, c)} `, indent))
      out.push(...wrap(visible(f.message), width, indent))
      if (f.remediation) {
        out.push(...wrap(visible(f.remediation.text), width, `${indent}${c.dim('fix:')} `, `${indent}     `))
        // Commands are copied whole: never wrapped, however long.
        for (const cmd of f.remediation.commands) out.push(`${indent}  ${c.dim('$')} ${visible(cmd)}`)
        out.push(`${indent}${c.dim('docs: ' + visible(f.remediation.docs))}`)
      }
    }
    out.push('')
  }

  if (!opts.verbose) {
    const passes = report.findings.filter((f) => f.status === 'pass')
    if (passes.length) out.push(...wrap(idsByTopic(passes), width, c.green('pass') + ' ', '     ').map((l) => c.dim(l)))
    // Skips one line per reason: nine checks that need one missing input say so once.
    const byReason = new Map<string, Finding[]>()
    for (const f of report.findings.filter((x) => x.status === 'skip')) byReason.set(f.message, [...(byReason.get(f.message) ?? []), f])
    for (const [reason, fs] of byReason) out.push(...wrap(`${idsByTopic(fs)} — ${visible(reason)}`, width, c.gray('skip') + ' ', '     ').map((l) => c.dim(l)))
  }
  for (const n of report.notes ?? []) out.push(...wrap(visible(n), width, c.yellow('note: '), '      '))
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
  const where = [t.kind === 'snapshot' ? `snapshot ${t.path}` : t.netns ? namespaceLabel(t.netns) : t.kind, t.hostname, ...identityLabels(t.identity), t.kernel && `kernel ${t.kernel}`].filter(Boolean).join(', ')
  const baseline = report.gate?.baseline ? ` · ${report.gate.baseline.known} known in the baseline` : ''
  out.push(...wrap(`${counts.join(', ')} · ${visible(where)} · window ${report.window.seconds.toFixed(1)} s${baseline} · exit ${report.exitCode}`, width, '', '  '))
  return out.join('\n') + '\n'
}
