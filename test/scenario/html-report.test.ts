// The HTML report in a real browser (Debian's headless Chromium): a capture made here with resets, keepalive
// probes (one peer dead) and a heartbeat, and the busy-host snapshot with its overflowing listener. Each page
// loads with no console error and no request beyond itself, every chart is drawn with data points, the
// findings shown are those of the JSON report of the same input, and a screenshot is kept in test-artifacts/.
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

import { artifactPath, openInChromium, type OpenedPage } from '../helpers/browser.js'
import { describeRoot, findingsOf, ROOT, runCli, runJson, TestNetns } from '../helpers/netns.js'
import { describeWith } from '../helpers/requires.js'

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms).unref())
const BUSY = join(ROOT, 'test', 'fixtures', 'snapshots', 'busy-host')
const BASE = 9300

/** What the page shows, read from the DOM and from the chart library's instances. */
async function shown(opened: OpenedPage) {
  const { page } = opened
  // uPlot draws on construction; wait (bounded) until every chart the page announces has an instance
  await page.waitForFunction(() => {
    const charts = (window as any).netdocCharts
    return charts && document.querySelectorAll('figure[data-chart]').length === Object.keys(charts).length
  }, undefined, { timeout: 10000 })
  return page.evaluate(() => {
    const charts = (window as any).netdocCharts as Record<string, { uplot: any; points: number; canvas: HTMLCanvasElement }>
    const figures = [...document.querySelectorAll('figure[data-chart]')].map((f) => f.getAttribute('data-chart')!)
    const drawn = figures.map((id) => {
      const c = charts[id]
      const { width, height } = c.canvas
      const pixels = c.canvas.getContext('2d')!.getImageData(0, 0, width, height).data
      let painted = 0
      for (let i = 3; i < pixels.length; i += 4) if (pixels[i] > 0) painted++
      const values = c.uplot.data.slice(1).flat().filter((v: unknown) => v !== null && v !== undefined).length
      return { id, xs: c.uplot.data[0].length, values, points: c.points, painted }
    })
    const articles = [...document.querySelectorAll('article.finding')].map((a) => `${a.getAttribute('data-check')}|${a.getAttribute('data-status')}|${a.getAttribute('data-severity') ?? ''}|${a.getAttribute('data-subject')}`)
    const quiet = [...document.querySelectorAll('li[data-check]')].map((l) => `${l.getAttribute('data-check')}|${l.getAttribute('data-status')}`)
    const copyButtons = document.querySelectorAll('button.copy').length
    const views = Object.fromEntries([...document.querySelectorAll('section.view')].map((v) => [v.getAttribute('data-topic'), v.querySelector('pre')!.textContent]))
    return { figures, drawn, articles, quiet, copyButtons, views }
  })
}

const shownOf = (report: any) => ({
  articles: report.findings.filter((f: any) => f.status === 'fail' || f.status === 'error').map((f: any) => `${f.check}|${f.status}|${f.severity ?? ''}|${JSON.stringify(f.subject)}`).sort(),
  quiet: report.findings.filter((f: any) => f.status === 'pass' || f.status === 'skip').map((f: any) => `${f.check}|${f.status}`).sort(),
  commands: report.findings.flatMap((f: any) => (f.status === 'fail' || f.status === 'error' ? (f.remediation?.commands ?? []) : [])).length,
})

/** Renders ARGS as HTML to a file and as JSON, opens the page, and checks it against the JSON. */
async function openReport(dir: string, name: string, args: string[]) {
  const file = join(dir, `${name}.html`)
  const [html, json] = await Promise.all([runCli([...args, '--format', 'html', '-o', file]), runJson(args)])
  expect(html.stderr).toBe('')
  expect(html.code).toBe(json.code)
  const opened = await openInChromium(file)
  try {
    const page = await shown(opened)
    await opened.page.screenshot({ path: artifactPath(`html-report-${name}.png`), fullPage: true })
    if (page.figures.length) await opened.page.locator('#charts').screenshot({ path: artifactPath(`html-report-${name}-charts.png`) })
    expect(opened.errors).toEqual([])
    expect(opened.failedRequests).toEqual([])
    expect(opened.requests.filter((u) => !u.startsWith('file://') && !u.startsWith('data:'))).toEqual([])
    const expected = shownOf(json.report)
    expect([...page.articles].sort()).toEqual(expected.articles)
    expect([...page.quiet].sort()).toEqual(expected.quiet)
    expect(page.copyButtons).toBe(expected.commands)
    for (const c of page.drawn) {
      expect(c).toMatchObject({ xs: expect.any(Number), values: c.points })
      expect(c.xs).toBeGreaterThan(0)
      expect(c.points).toBeGreaterThan(0)
      expect(c.painted).toBeGreaterThan(1000) // axes, grid and the data: a blank canvas paints nothing
    }
    return { page, report: json.report }
  } finally {
    await opened.close()
  }
}

describeWith({ tools: ['chromium'] }, 'the HTML report of the busy-host snapshot in Chromium', () => {
  let dir: string
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'netdoc-html-'))
  })
  afterAll(() => rmSync(dir, { recursive: true, force: true }))

  test('every check with its capture: the overflowing listener, ports, TIME_WAIT and the aborted connections charted', async () => {
    const { page, report } = await openReport(dir, 'busy-host', ['check', '--from', BUSY, '--pcap', join(BUSY, 'traffic.pcap')])
    expect(findingsOf(report, 'queues.accept-overflow')[0]).toMatchObject({ status: 'fail', severity: 'critical', subject: { local: '127.0.0.1:8080' } })
    // rtt-retransmissions: congestion.flows rows of the captured connections; drops.path: the listen drops of the stuck listener
    expect(page.figures).toEqual(['capture-ends', 'rtt-retransmissions', 'accept-queues', 'ports-per-destination', 'timewait-per-destination', 'drops-per-stage'])
    // every topic's view, as its command draws it in the terminal
    expect(Object.keys(page.views)).toEqual(['queues', 'timewait', 'ports', 'keepalive', 'buffers', 'resets', 'congestion', 'mtu', 'conntrack', 'drops'])
    expect(page.views.resets).toMatch(/127\.0\.0\.1:7100/)
    expect(page.views.congestion).toMatch(/127\.0\.0\.1:7100: 5 conns/)
    // five aborted connections of 127.0.0.1:7100, each a point
    expect(page.drawn.find((c) => c.id === 'capture-ends')).toMatchObject({ xs: 5, points: 5 })
  }, 120000)

  test('a topic command: its view is a section of the page, the same text as in the terminal', async () => {
    const { page } = await openReport(dir, 'busy-host-queues', ['queues', '--from', BUSY])
    expect(page.figures).toEqual(['accept-queues'])
    const terminal = await runCli(['queues', '--from', BUSY])
    expect(Object.keys(page.views)).toEqual(['queues'])
    expect(terminal.stdout.startsWith(page.views.queues!)).toBe(true)
    expect(page.views.queues).toMatch(/127\.0\.0\.1:8080 +node/)
  }, 120000)
})

describeRoot('the HTML report of a live capture in Chromium: resets, keepalive probes, a heartbeat', () => {
  let ns: TestNetns
  let dir: string
  let pcap: string

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'netdoc-html-cap-'))
    pcap = join(dir, 'traffic.pcap')
    ns = await TestNetns.create('html')
    await ns.sysctl('net.ipv4.tcp_keepalive_intvl', 1)
    await ns.sysctl('net.ipv4.tcp_keepalive_probes', 4)
    await ns.node('abort-server.cjs', ['127.0.0.1', BASE + 10, 'unread'])
    await ns.node('abort-server.cjs', ['127.0.0.1', BASE + 11, 'graceful'])
    const tcpdump = await ns.start(['tcpdump', '-i', 'lo', '--immediate-mode', '-U', '-w', pcap], { waitReady: false })
    for (let i = 0; i < 100; i++) {
      const { stdout } = await ns.exec(['cat', '/proc/net/packet'])
      if (stdout.trim().split('\n').length >= 2) break
      await sleep(100)
    }
    await sleep(1000) // the packet socket's ring and filter are ready a moment after it exists
    await ns.node('keepalive-mix.cjs', [BASE])
    // the server of BASE+4 stops answering: its peer's keepalive probes go unanswered
    await ns.exec(['iptables', '-A', 'OUTPUT', '-p', 'tcp', '--sport', String(BASE + 4), '-j', 'DROP'])
    await Promise.all([ns.runNode('request-client.cjs', ['127.0.0.1', BASE + 10, 3, 300]), ns.runNode('request-client.cjs', ['127.0.0.1', BASE + 11, 3, 300])])
    await sleep(7000) // probes every second, heartbeats every 1.5 s
    process.kill(tcpdump.pid!, 'SIGINT')
    await Promise.race([new Promise((r) => tcpdump.on('exit', r)), sleep(5000)])
  }, 60000)

  afterAll(async () => {
    await ns?.cleanup()
    if (dir) rmSync(dir, { recursive: true, force: true })
  })

  test('connection ends per server, probes and heartbeats per connection, all drawn', async () => {
    const { page, report } = await openReport(dir, 'capture', ['check', 'keepalive', 'resets', '--pcap', pcap, '--interval', '0'])
    expect(findingsOf(report, 'resets.closes').find((f: any) => f.subject.server === `127.0.0.1:${BASE + 10}`)).toMatchObject({ status: 'fail', severity: 'warning' })
    expect(findingsOf(report, 'keepalive.probes').find((f: any) => f.subject.server === `127.0.0.1:${BASE + 4}`)).toMatchObject({ status: 'fail', severity: 'warning' })
    expect(findingsOf(report, 'keepalive.heartbeat')[0]).toMatchObject({ status: 'fail', subject: { server: `127.0.0.1:${BASE + 3}` } })
    expect(page.figures).toEqual(['capture-ends', 'keepalive-probes', 'heartbeats'])
    // every connection a point: the six that ended (three aborted, three graceful) and the four still open
    const rows = findingsOf(report, 'resets.closes').flatMap((f: any) => f.details)
    expect(rows.filter((r: any) => r.end === 'abort')).toHaveLength(3)
    expect(rows.filter((r: any) => r.end === 'graceful')).toHaveLength(3)
    expect(page.drawn.find((c) => c.id === 'capture-ends')).toMatchObject({ xs: rows.length, points: rows.length })
  }, 120000)
}, { tools: ['tcpdump', 'iptables', 'chromium'] })
