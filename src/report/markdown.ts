// --format markdown: a table of findings and their remediations, for an issue or a CI job summary
// ($GITHUB_STEP_SUMMARY). GitHub renders HTML inside Markdown, so every cell is escaped.
import { type Finding } from '../model/finding.js'
import { failsGate, type Report } from '../model/report.js'
import { mdCell, mdCode, visible } from './escape.js'
import { subjectLabel } from './table.js'
import { identityLabels, namespaceLabel } from './target.js'

const ICON = { critical: '🔴 critical', warning: '🟠 warning', info: '🔵 info', error: '⚠️ error', skip: '⚪ skip', pass: '✅ pass' }

function level(f: Finding): string {
  const text = f.status === 'fail' ? ICON[f.severity!] : ICON[f.status]
  return f.baseline === 'known' ? `${text} (baseline)` : text
}

export function renderMarkdown(report: Report): string {
  const failOn = report.gate?.failOn ?? 'critical'
  const s = report.summary
  const t = report.target
  const gate = report.exitCode === 0 ? '✅ passed' : '❌ failed'
  const where = [t.kind === 'snapshot' ? `snapshot ${t.path}` : t.netns ? namespaceLabel(t.netns) : t.kind, t.hostname, ...identityLabels(t.identity), t.kernel && `kernel ${t.kernel}`].filter(Boolean).join(', ')
  const out = [
    `## netdoc: ${gate}`,
    '',
    `${s.critical} critical, ${s.warning} warning, ${s.info} info, ${s.pass} pass, ${s.skip} skip, ${s.error} error · ${mdCell(where)} · window ${report.window.seconds.toFixed(1)} s · --fail-on ${failOn}${report.gate?.baseline ? ` · baseline ${mdCell(report.gate.baseline.path)} (${report.gate.baseline.known} known)` : ''} · exit ${report.exitCode}`,
    '',
  ]
  const shown = report.findings.filter((f) => f.status === 'fail' || f.status === 'error')
  if (shown.length) {
    out.push('| | Check | Subject | Finding |', '|---|---|---|---|')
    for (const f of shown) {
      const gateMark = failsGate(f, failOn) ? ' **(gate)**' : ''
      out.push(`| ${level(f)}${gateMark} | ${mdCode(f.check)} | ${mdCell(subjectLabel(f.subject))} | ${f.status === 'fail' ? `**${mdCell(f.title)}**: ` : ''}${mdCell(f.message)} |`)
    }
    out.push('')
  } else out.push('No failing finding.', '')

  const fixes = shown.filter((f) => f.remediation)
  if (fixes.length) {
    out.push('### Remediation', '')
    for (const f of fixes) {
      const r = f.remediation!
      out.push(`#### ${mdCode(f.check)} · ${mdCell(subjectLabel(f.subject))}`, '', mdCell(r.text), '')
      if (r.commands.length) {
        const fence = '`'.repeat(Math.max(3, ...r.commands.map((c) => Math.max(0, ...[...c.matchAll(/`+/g)].map((m) => m[0].length + 1)))))
        out.push(`${fence}sh`, ...r.commands.map(visible), fence, '')
      }
      out.push(`Docs: ${mdCode(r.docs)}`, '')
    }
  }

  const quiet = report.findings.filter((f) => f.status === 'pass' || f.status === 'skip')
  if (quiet.length) {
    out.push(`<details><summary>${quiet.length} passing or skipped</summary>`, '', '| | Check | Message |', '|---|---|---|')
    for (const f of quiet) out.push(`| ${level(f)} | ${mdCode(f.check)} | ${mdCell(f.message)} |`)
    out.push('', '</details>', '')
  }
  for (const n of report.notes ?? []) out.push(`> note: ${mdCell(n)}`, '')
  return out.join('\n')
}
