// The JUnit renderer, read back with an XML parser as GitLab and Jenkins would.
import { XMLParser, XMLValidator } from 'fast-xml-parser'

import { renderJunit } from '../../../src/report/junit.js'
import { NASTY_SHOWN, sampleFindings, sampleReport } from '../../helpers/reports.js'

const parse = (xml: string) => {
  expect(XMLValidator.validate(xml)).toBe(true)
  const doc = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '', htmlEntities: true, isArray: (name) => ['testsuite', 'testcase'].includes(name) }).parse(xml)
  return doc.testsuites as { tests: string; failures: string; testsuite: Array<{ name: string; tests: string; failures: string; errors: string; skipped: string; testcase: any[] }> }
}

const cases = (suites: ReturnType<typeof parse>) => suites.testsuite.flatMap((s) => s.testcase)

describe('junit', () => {
  test('one testsuite per topic, one testcase per finding (classname = check id, name = subject without the pid)', () => {
    const suites = parse(renderJunit(sampleReport()))
    expect(suites.testsuite.map((s) => s.name)).toEqual(['buffers', 'keepalive', 'queues', 'timewait', 'weird'])
    expect(cases(suites)).toHaveLength(sampleFindings().length)
    const queues = suites.testsuite.find((s) => s.name === 'queues')!
    expect(queues.testcase.map((c) => [c.classname, c.name])).toEqual([
      ['queues.accept-queue-fill', 'server 127.0.0.1:8080 (node)'],
      ['queues.syncookies', 'host'],
    ])
  })

  test('failure only at or above --fail-on, with message and remediation; skipped and error', () => {
    const critical = parse(renderJunit(sampleReport('critical')))
    const failed = cases(critical).filter((c) => c.failure)
    expect(failed.map((c) => c.classname).sort()).toEqual(['queues.accept-queue-fill', 'weird.nasty-strings'])
    const fill = failed.find((c) => c.classname === 'queues.accept-queue-fill')
    expect(fill.failure.type).toBe('critical')
    expect(fill.failure.message).toBe('Accept queue full: 127.0.0.1:8080 accept queue 5/4')
    expect(fill.failure['#text']).toContain("$ ss -ltnp 'sport = :8080'")
    expect(critical.failures).toBe('2')
    // the warning is below the gate: it passes with a note
    const storm = cases(critical).find((c) => c.classname === 'timewait.storm')
    expect(storm.failure).toBeUndefined()
    expect(storm['system-out']).toMatch(/^WARNING \(below --fail-on critical\)/)
    expect(cases(critical).find((c) => c.classname === 'keepalive.probes').skipped.message).toMatch(/needs a capture/)
    expect(cases(critical).find((c) => c.classname === 'buffers.softnet').error.message).toMatch(/permission denied/)
    expect(critical.testsuite.find((s) => s.name === 'buffers')!.errors).toBe('1')

    const info = parse(renderJunit(sampleReport('info')))
    expect(cases(info).filter((c) => c.failure)).toHaveLength(4)
    const never = parse(renderJunit(sampleReport('never')))
    expect(cases(never).filter((c) => c.failure)).toHaveLength(0)
    expect(cases(never).find((c) => c.classname === 'queues.accept-queue-fill')['system-out']).toMatch(/^CRITICAL \(the gate is off: --fail-on never\)/)
  })

  test('findings known in the baseline do not fail', () => {
    const findings = sampleFindings()
    findings[0].baseline = 'known'
    const suites = parse(renderJunit(sampleReport('critical', findings)))
    const fill = cases(suites).find((c) => c.classname === 'queues.accept-queue-fill')
    expect(fill.failure).toBeUndefined()
    expect(fill['system-out']).toMatch(/known in the baseline/)
  })

  test('everything is escaped: the parser gives back the text, the control bytes XML forbids written as \\xNN', () => {
    const xml = renderJunit(sampleReport())
    const nasty = cases(parse(xml)).find((c) => c.classname === 'weird.nasty-strings')
    const clean = NASTY_SHOWN
    expect(nasty.name).toBe(`127.0.0.1:1 (${clean})`)
    expect(nasty.failure.message).toBe(`${clean}: ${clean}`)
    expect(nasty.failure['#text']).toContain(clean)
    expect(xml).not.toMatch(/[\u0001\u001b]/)
  })
})
