// The OpenMetrics renderer against the exposition grammar, and read back with a Prometheus text-format parser.
import parsePrometheus from 'parse-prometheus-text-format'

import { escapeLabelValue } from '../../../src/report/escape.js'
import { labelName, renderOpenMetrics } from '../../../src/report/openmetrics.js'
import { openMetricsProblems } from '../../helpers/openmetrics-grammar.js'
import { NASTY_SHOWN, sampleFindings, sampleReport } from '../../helpers/reports.js'

const family = (text: string, name: string) => parsePrometheus(text).find((f) => f.name === name)!

describe('openmetrics', () => {
  const text = renderOpenMetrics(sampleReport())

  test('follows the exposition grammar: one HELP/TYPE per family, unique label sets, # EOF last', () => {
    expect(openMetricsProblems(text)).toEqual([])
  })

  test('the grammar check catches what it should', () => {
    expect(openMetricsProblems('a 1\n')).toContain('does not end with "# EOF" and a newline')
    expect(openMetricsProblems('# TYPE a gauge\na{x="1\n"} 1\n# EOF\n').length).toBeGreaterThan(0)
    expect(openMetricsProblems('# TYPE a gauge\na{x="1"} 1\na{x="1"} 2\n# EOF\n')).toEqual(['line 3: a{x="1"} 2: duplicate label set'])
    expect(openMetricsProblems('# TYPE a gauge\n# TYPE a gauge\na 1\n# EOF\n')[0]).toMatch(/second HELP or TYPE/)
  })

  test('netdoc_finding is 1 for failing and 0 for passing findings, labelled by check, severity and subject', () => {
    const f = family(text, 'netdoc_finding')
    expect(f.type).toBe('GAUGE')
    const fill = f.metrics.find((m) => m.labels?.check === 'queues.accept-queue-fill')!
    expect(fill.value).toBe('1')
    expect(fill.labels).toEqual({ check: 'queues.accept-queue-fill', severity: 'critical', local: '127.0.0.1:8080', side: 'server', process: 'node' })
    expect(f.metrics.find((m) => m.labels?.check === 'queues.syncookies')).toMatchObject({ value: '0', labels: { severity: 'none' } })
    // skip and error have no pass/fail value: they are in netdoc_check_status only
    expect(f.metrics.some((m) => m.labels?.check === 'keepalive.probes')).toBe(false)
  })

  test('netdoc_check_status has one series per status, 1 for the current one', () => {
    const f = family(text, 'netdoc_check_status')
    const of = (check: string) => Object.fromEntries(f.metrics.filter((m) => m.labels?.check === check).map((m) => [m.labels!.status, m.value]))
    expect(of('buffers.softnet')).toEqual({ pass: '0', fail: '0', skip: '0', error: '1' })
    expect(of('timewait.storm')).toEqual({ pass: '0', fail: '1', skip: '0', error: '0' })
  })

  test('measured values come from the evidence of any check, numeric strings included', () => {
    const v = family(text, 'netdoc_evidence_value')
    expect(v.metrics.find((m) => m.labels?.name === 'timeWait')).toMatchObject({ value: '9000', labels: { check: 'timewait.storm', remote: '[::1]:443', side: 'client' } })
    expect(v.metrics.find((m) => m.labels?.name === 'share')!.value).toBe('0.31')
    expect(v.metrics.find((m) => m.labels?.name === 'net.ipv4.tcp_tw_reuse')!.value).toBe('0')
    expect(family(text, 'netdoc_evidence_delta').metrics.map((m) => [m.labels?.name, m.value])).toEqual([['timeWait', '12']])
    expect(family(text, 'netdoc_findings').metrics.find((m) => m.labels?.status === 'critical')!.value).toBe('2')
    expect(family(text, 'netdoc_exit_code').metrics[0].value).toBe('1')
  })

  test('label values are escaped and read back as text, control characters shown as \\xNN', () => {
    const nasty = family(text, 'netdoc_finding').metrics.find((m) => m.labels?.check === 'weird.nasty-strings')!
    expect(nasty.labels!.process).toBe(NASTY_SHOWN)
    expect(text).not.toMatch(/[\u0001\u001b]/)
    expect(escapeLabelValue('a\\b"c\nd')).toBe('a\\\\b\\"c\\nd')
    expect(labelName('9-lives.x')).toBe('_9_lives_x')
    expect(labelName('__reserved')).toBe('_reserved')
  })

  test('two findings with the same labels keep one sample', () => {
    const twice = [...sampleFindings(), { ...sampleFindings()[0], subject: { ...sampleFindings()[0].subject, pid: 43 } }]
    const out = renderOpenMetrics(sampleReport('critical', twice))
    expect(openMetricsProblems(out)).toEqual([])
  })
})
