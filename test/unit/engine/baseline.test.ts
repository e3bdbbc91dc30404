// --baseline: identity is check + subject (without the pid); only new failing findings fail the gate.
import { baselineOf, findingIdentity, markBaseline } from '../../../src/engine/baseline.js'
import { buildReport } from '../../../src/engine/report.js'
import type { Finding, Severity } from '../../../src/model/finding.js'

const failing = (check: string, severity: Severity, subject: Finding['subject']): Finding => ({
  check,
  status: 'fail',
  severity,
  title: 't',
  message: 'm',
  subject,
  evidence: [],
  remediation: { text: 'r', commands: [], docs: `docs/checks/${check}.md` },
})
const passing = (check: string): Finding => ({ check, status: 'pass', title: 't', message: 'm', subject: {}, evidence: [] })

describe('baseline', () => {
  test('identity: check and subject, field order and pid do not matter', () => {
    expect(findingIdentity({ check: 'a.b', subject: { local: '127.0.0.1:80', process: 'nginx', pid: 1 } })).toBe(
      findingIdentity({ check: 'a.b', subject: { pid: 2, process: 'nginx', local: '127.0.0.1:80' } }),
    )
    expect(findingIdentity({ check: 'a.b', subject: { local: '127.0.0.1:80' } })).not.toBe(findingIdentity({ check: 'a.b', subject: { local: '127.0.0.1:81' } }))
    expect(findingIdentity({ check: 'a.b', subject: {} })).not.toBe(findingIdentity({ check: 'a.c', subject: {} }))
  })

  test.each([
    ['same finding again', failing('q.fill', 'critical', { local: '127.0.0.1:80', pid: 7 }), 'known'],
    ['less severe than before', failing('q.fill', 'warning', { local: '127.0.0.1:80' }), 'known'],
    ['more severe than before', failing('t.storm', 'critical', { remote: '10.0.0.1:443' }), 'new'],
    ['another subject', failing('q.fill', 'critical', { local: '127.0.0.1:81' }), 'new'],
    ['was passing before', failing('q.syncookies', 'warning', {}), 'new'],
  ] as const)('%s → %s', (_name, finding, expected) => {
    const baseline = baselineOf([
      failing('q.fill', 'critical', { local: '127.0.0.1:80', pid: 6 }),
      failing('t.storm', 'warning', { remote: '10.0.0.1:443' }),
      passing('q.syncookies'),
    ])
    const f = structuredClone(finding) as Finding
    markBaseline([f], baseline)
    expect(f.baseline).toBe(expected)
  })

  test('only new failing findings count for the exit code', () => {
    const baseline = baselineOf([failing('q.fill', 'critical', { local: '127.0.0.1:80' })])
    const now = [failing('q.fill', 'critical', { local: '127.0.0.1:80' }), passing('q.syncookies')]
    expect(markBaseline(now, baseline)).toBe(1)
    expect(buildReport({ version: '0', target: { kind: 'live' }, windowSeconds: 0, findings: now, failOn: 'critical' }).exitCode).toBe(0)
    now.push(failing('q.overflow', 'critical', { local: '127.0.0.1:80' }))
    markBaseline(now, baseline)
    const report = buildReport({ version: '0', target: { kind: 'live' }, windowSeconds: 0, findings: now, failOn: 'critical', baseline: { path: 'b.json', known: 1 } })
    expect(report.exitCode).toBe(1)
    expect(report.gate).toEqual({ failOn: 'critical', baseline: { path: 'b.json', known: 1 } })
    expect(now.find((f) => f.check === 'q.syncookies')!.baseline).toBeUndefined()
  })
})
