// The HTML renderer: one self-contained page (no external URL), every untrusted string escaped, the data the
// charts read embedded as JSON that no string can break out of, and charts built only from data that exists.
import { readFileSync } from 'node:fs'

import { htmlText, jsonForScript } from '../../../src/report/escape.js'
import { renderHtml } from '../../../src/report/html.js'
import { loadHtmlAssets } from '../../../src/report/html-assets.js'
import { chartsOf } from '../../../src/report/html-charts.js'
import type { Finding } from '../../../src/model/finding.js'
import { NASTY, sampleFindings, sampleReport } from '../../helpers/reports.js'

const assets = loadHtmlAssets()
const HOSTILE = '</script><script>window.pwned=1</script><!--'
const dataOf = (html: string) => JSON.parse(html.match(/<script type="application\/json" id="netdoc-data">([^<]*)<\/script>/)![1])

const closes = (server: string, rows: Array<Record<string, unknown>>): Finding => ({
  check: 'resets.closes', status: 'fail', severity: 'warning', title: 'aborted', message: 'm', subject: { server }, evidence: [], details: rows,
})
const probes = (client: string, server: string, n: number, unanswered: number): Finding => ({
  check: 'keepalive.probes', status: 'fail', severity: unanswered ? 'warning' : 'info', title: 'probes', message: 'm', subject: { client, server },
  evidence: [{ source: 'capture', name: 'probes', value: n }, { source: 'capture', name: 'intervalSeconds', value: 1 }, { source: 'capture', name: 'unanswered', value: unanswered }],
})

describe('html', () => {
  const report = sampleReport()
  const html = renderHtml(report, { assets, views: [{ topic: 'queues', text: `listener ${NASTY}` }] })

  test('nothing is loaded from outside: no http(s) URL in src=, href= or url()', () => {
    expect(html).not.toMatch(/(?:src|href)\s*=\s*["']?\s*(?:https?:)?\/\//i)
    expect(html).not.toMatch(/url\(\s*["']?\s*(?:https?:)?\/\//i)
    expect(html).toContain("default-src 'none'")
    // the chart library travels inside the page
    expect(html).toContain(assets.uplotJs.slice(0, 200))
  })

  test('findings by severity, each with its check, subject, evidence and copyable commands', () => {
    const order = [...html.matchAll(/<section id="(critical|warning|info|errors)"/g)].map((m) => m[1])
    expect(order).toEqual(['critical', 'warning', 'info', 'errors'])
    const checks = [...html.matchAll(/<article class="finding[^"]*" data-check="([^"]+)" data-status="(\w+)"/g)].map((m) => `${m[1]}:${m[2]}`)
    expect(checks).toEqual(['queues.accept-queue-fill:fail', 'weird.nasty-strings:fail', 'timewait.storm:fail', 'timewait.reuse:fail', 'buffers.softnet:error'])
    expect(html).toContain(`<pre><code>ss -ltnp &#39;sport = :8080&#39;</code></pre><button type="button" class="copy"`)
    expect(html).toMatch(/<td>Recv-Q<\/td><td class="num">5<\/td>/)
    expect(html).toMatch(/2 passed or skipped/)
  })

  test('untrusted strings are escaped: no markup, no control byte, the view in a <pre>', () => {
    expect(html).not.toContain('<tag>')
    expect(html).toContain('&lt;tag&gt;')
    // eslint-disable-next-line no-control-regex
    expect(html).not.toMatch(/[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]/)
    expect(html).toContain('\\x1b[2J')
    expect(html).toMatch(/<pre class="view">listener a &quot;quoted&quot; &lt;tag&gt;/)
    expect(htmlText('"\'<>&')).toBe('&quot;&#39;&lt;&gt;&amp;')
  })

  test('a hostile process name cannot close the data script; the embedded report reads back unchanged', () => {
    const findings = [...sampleFindings(), { ...sampleFindings()[0], subject: { local: '127.0.0.1:9', process: HOSTILE, pid: 7 } }]
    const hostile = sampleReport('critical', findings)
    const page = renderHtml(hostile, { assets })
    // one data script, three scripts in all (data, uPlot, boot): the name opened none
    expect(page.match(/<script/g)).toHaveLength(3)
    expect(page).not.toContain('window.pwned=1</script>')
    expect(page).toContain('\\u003c/script\\u003e')
    const data = dataOf(page)
    expect(data.report).toEqual(JSON.parse(JSON.stringify(hostile)))
    expect(data.report.findings.find((f: any) => f.subject.pid === 7).subject.process).toBe(HOSTILE)
    expect(JSON.parse(jsonForScript({ s: '<\u2028>&' }))).toEqual({ s: '<\u2028>&' })
  })

  test('host charts from the findings that carry their numbers; none when nothing failed', () => {
    const ids = chartsOf(report).map((c) => c.id)
    expect(ids).toEqual(['accept-queues'])
    const [q] = chartsOf(report)
    expect(q.xLabels).toEqual(['127.0.0.1:8080'])
    expect(q.series.map((s) => s.values)).toEqual([[4], [5]])
    expect(chartsOf(sampleReport('critical', sampleFindings().filter((f) => f.status !== 'fail')))).toEqual([])
    expect(dataOf(html).charts.map((c: any) => c.id)).toEqual(['accept-queues'])
    expect(html).toContain('<figure class="chart" data-chart="accept-queues">')
  })

  test('capture charts: connection ends per server coloured by verdict, probes per connection', () => {
    const r = sampleReport('critical', [
      closes('127.0.0.1:80', [
        { client: '127.0.0.1:1', server: '127.0.0.1:80', end: 'abort', by: 'server', firstSeen: 10, lastSeen: 12, packets: 6 },
        { client: '127.0.0.1:2', server: '127.0.0.1:80', end: 'graceful', firstSeen: 11, lastSeen: 12, packets: 8 },
      ]),
      closes('[::1]:81', [{ client: '[::1]:3', server: '[::1]:81', end: 'refused', firstSeen: 9, lastSeen: 9.5, packets: 2 }]),
      probes('127.0.0.1:5', '127.0.0.1:90', 6, 2),
    ])
    const [ends, ka] = chartsOf(r)
    expect(ends).toMatchObject({ id: 'capture-ends', x: 'time', yLabels: ['127.0.0.1:80', '[::1]:81'] })
    // ascending times, the two ends of the same instant both kept
    expect(ends.xs).toEqual([9.5, 12, 12 + 1e-6])
    expect(Object.fromEntries(ends.series.map((s) => [s.label, s.values]))).toEqual({ graceful: [null, null, 0], refused: [1, null, null], abort: [null, 0, null] })
    expect(ka).toMatchObject({ id: 'keepalive-probes', xLabels: ['127.0.0.1:5 → 127.0.0.1:90'] })
    expect(ka.series.map((s) => s.values)).toEqual([[6], [2]])
  })

  test('details: a field every row holds as undefined is no column (as JSON leaves it out)', () => {
    const rows = [
      { client: '127.0.0.1:1', handshakeMs: undefined, retransmissions: 3, limitedBy: undefined },
      { client: '127.0.0.1:2', handshakeMs: undefined, retransmissions: 0, limitedBy: 'network' },
    ]
    const page = renderHtml({ ...sampleReport(), findings: [closes('127.0.0.1:80', rows)] }, { assets })
    const head = page.match(/<details class="rows">.*?<thead><tr>(.*?)<\/tr><\/thead>/s)![1]
    expect([...head.matchAll(/<th>([^<]*)<\/th>/g)].map((m) => m[1])).toEqual(['client', 'retransmissions', 'limitedBy'])
  })

  test('the hooks of later analyses draw once their details exist', () => {
    const flows: Finding = { check: 'congestion.flows', status: 'fail', severity: 'warning', title: 't', message: 'm', subject: { server: '127.0.0.1:80' }, evidence: [], details: [{ client: '127.0.0.1:1', server: '127.0.0.1:80', rttMs: { min: 1, p50: 2, p95: 9, max: 12 }, retransmissions: 3 }] }
    const path: Finding = { check: 'drops.path', status: 'fail', severity: 'warning', title: 't', message: 'm', subject: {}, evidence: [], details: [{ stage: 'nic', counter: 'rx_missed', delta: 4, rate: 2 }, { stage: 'softnet', counter: 'dropped', delta: 0, rate: 0 }] }
    const charts = chartsOf(sampleReport('critical', [flows, path]))
    expect(charts.map((c) => c.id)).toEqual(['rtt-retransmissions', 'drops-per-stage'])
    expect(charts[1].xLabels).toEqual(['nic', 'softnet'])
  })

  test('the page names the chart library and its licence travels with it', () => {
    expect(readFileSync(new URL('../../../node_modules/uplot/package.json', import.meta.url), 'utf8')).toMatch(/"license": "MIT"/)
  })
})
