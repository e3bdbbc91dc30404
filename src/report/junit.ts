// --format junit: for GitLab's junit report, Jenkins and GitHub test reporters. One <testsuite> per topic, one
// <testcase> per finding (classname = check id, name = subject without its pid). <failure> only for findings that
// fail the gate (at or above --fail-on, not known in the --baseline); failing findings below it pass with a
// <system-out> note.
import { type Finding } from '../model/finding.js'
import { failsGate, type Report } from '../model/report.js'
import { xmlAttr, xmlText } from './escape.js'
import { subjectLabel } from './table.js'

const attrs = (a: Record<string, string | number | undefined>): string =>
  Object.entries(a)
    .filter(([, v]) => v !== undefined)
    .map(([k, v]) => ` ${k}="${xmlAttr(String(v))}"`)
    .join('')

function remediationText(f: Finding): string {
  if (!f.remediation) return ''
  const r = f.remediation
  return ['', `fix: ${r.text}`, ...r.commands.map((c) => `  $ ${c}`), `docs: ${r.docs}`].join('\n')
}

/** The test's name: the subject without its pid, so CI test history follows a listener across restarts. */
const testName = (f: Finding): string => subjectLabel({ ...f.subject, pid: undefined })

function testcase(f: Finding, report: Report): string[] {
  const failOn = report.gate?.failOn ?? 'critical'
  const open = `    <testcase${attrs({ classname: f.check, name: testName(f), time: 0 })}>`
  const body = `${f.message}${remediationText(f)}`
  if (f.status === 'fail' && failsGate(f, failOn)) {
    return [open, `      <failure${attrs({ message: `${f.title}: ${f.message}`, type: f.severity })}>${xmlText(body)}</failure>`, '    </testcase>']
  }
  if (f.status === 'fail') {
    const why = f.baseline === 'known' ? 'known in the baseline' : failOn === 'never' ? 'the gate is off: --fail-on never' : `below --fail-on ${failOn}`
    return [open, `      <system-out>${xmlText(`${f.severity!.toUpperCase()} (${why}): ${f.title}: ${body}`)}</system-out>`, '    </testcase>']
  }
  if (f.status === 'skip') return [open, `      <skipped${attrs({ message: f.message })}/>`, '    </testcase>']
  if (f.status === 'error') return [open, `      <error${attrs({ message: f.message, type: 'error' })}>${xmlText(f.message)}</error>`, '    </testcase>']
  return [`    <testcase${attrs({ classname: f.check, name: testName(f), time: 0 })}/>`]
}

interface Counts {
  tests: number
  failures: number
  errors: number
  skipped: number
}

function count(findings: Finding[], report: Report): Counts {
  const failOn = report.gate?.failOn ?? 'critical'
  return {
    tests: findings.length,
    failures: findings.filter((f) => failsGate(f, failOn)).length,
    errors: findings.filter((f) => f.status === 'error').length,
    skipped: findings.filter((f) => f.status === 'skip').length,
  }
}

export function renderJunit(report: Report): string {
  const topics = new Map<string, Finding[]>()
  for (const f of report.findings) {
    const topic = f.check.split('.')[0]
    if (!topics.has(topic)) topics.set(topic, [])
    topics.get(topic)!.push(f)
  }
  const out = ['<?xml version="1.0" encoding="UTF-8"?>', `<testsuites${attrs({ name: 'netdoc', ...count(report.findings, report), time: report.window.seconds })}>`]
  for (const [topic, findings] of [...topics].sort(([a], [b]) => a.localeCompare(b))) {
    const suite = { name: topic, ...count(findings, report), time: report.window.seconds, timestamp: report.generatedAt.replace(/\.\d+Z$/, ''), hostname: report.target.hostname ?? 'unknown' }
    out.push(`  <testsuite${attrs(suite)}>`)
    for (const f of findings) out.push(...testcase(f, report))
    out.push('  </testsuite>')
  }
  out.push('</testsuites>')
  return out.join('\n') + '\n'
}
