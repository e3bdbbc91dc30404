// Goldens of every format and every topic view from one full snapshot: test/fixtures/snapshots/busy-host, recorded
// by its make.sh (every probe, with a stuck listener, client TIME_WAIT toward one destination through a narrow port
// range, CLOSE_WAIT held by a process, and a capture of servers aborting connections with requests unread).
// Regenerate after an intended change with
//   npm run build && UPDATE_GOLDEN=1 NODE_OPTIONS=--experimental-vm-modules npx jest test/integration/golden
// and review the diff. Tables are drawn 100 columns wide (COLUMNS=100); the time of the run is normalised.
import { existsSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'

import { XMLParser, XMLValidator } from 'fast-xml-parser'

import { loadAllChecks } from '../../src/checks/registry.js'
import { GOLDEN, normalise } from '../helpers/golden.js'
import { openMetricsProblems } from '../helpers/openmetrics-grammar.js'
import { ROOT, runCli } from '../helpers/netns.js'

const CHECKS = await loadAllChecks()

const FIXTURE = 'test/fixtures/snapshots/busy-host'
const PCAP = `${FIXTURE}/traffic.pcap`

const CASES: Array<{ file: string; args: string[] }> = [
  { file: 'busy-host.check.json', args: ['check', '--format', 'json'] },
  { file: 'busy-host.check.txt', args: ['check', '--format', 'table'] },
  { file: 'busy-host.check.verbose.txt', args: ['check', '--format', 'table', '--verbose'] },
  { file: 'busy-host.check.junit.xml', args: ['check', '--format', 'junit'] },
  { file: 'busy-host.check.prom', args: ['check', '--format', 'openmetrics'] },
  { file: 'busy-host.check.md', args: ['check', '--format', 'markdown'] },
  { file: 'busy-host.check.pcap.html', args: ['check', '--format', 'html', '--pcap', PCAP] },
  ...['queues', 'timewait', 'ports', 'keepalive', 'buffers', 'resets', 'congestion', 'mtu', 'conntrack', 'drops'].map((topic) => ({ file: `busy-host.${topic}.txt`, args: [topic] })),
  { file: 'busy-host.resets.pcap.txt', args: ['resets', '--pcap', PCAP] },
  { file: 'busy-host.resets.pcap.json', args: ['resets', '--pcap', PCAP, '--format', 'json'] },
  { file: 'busy-host.keepalive.pcap.txt', args: ['keepalive', '--pcap', PCAP] },
  { file: 'busy-host.congestion.pcap.txt', args: ['congestion', '--pcap', PCAP] },
]

const key = (f: any) => JSON.stringify([f.check, f.status, f.severity ?? null, f.subject])

describe('golden outputs from the busy-host snapshot', () => {
  const outputs = new Map<string, { code: number; text: string }>()
  beforeAll(async () => {
    for (const c of CASES) {
      const [command, ...rest] = c.args
      const r = await runCli([command, '--from', FIXTURE, ...rest], { env: { COLUMNS: '100' } })
      if (r.stderr) throw new Error(`${c.file}: ${r.stderr}`)
      outputs.set(c.file, { code: r.code, text: normalise(r.stdout) })
      if (process.env.UPDATE_GOLDEN === '1') writeFileSync(join(GOLDEN, c.file), normalise(r.stdout))
    }
  }, 120000)

  test.each(CASES.map((c) => [c.file]))('%s matches its golden', (file) => {
    const golden = join(GOLDEN, file)
    expect(existsSync(golden)).toBe(true)
    expect(outputs.get(file)!.text).toBe(readFileSync(golden, 'utf8'))
  })

  test('the snapshot was recorded with every check, and none of them errs on it', () => {
    const manifest = JSON.parse(readFileSync(join(ROOT, FIXTURE, 'manifest.json'), 'utf8'))
    expect([...manifest.checks].sort()).toEqual(CHECKS.map((c) => c.meta.id).sort())
    expect(manifest.samples).toBe(2)
    const report = JSON.parse(outputs.get('busy-host.check.json')!.text)
    expect(report.findings.filter((f: any) => f.status === 'error')).toEqual([])
  })

  test('the replay finds the pathologies the namespace had, with their subjects and severities', () => {
    const report = JSON.parse(outputs.get('busy-host.check.json')!.text)
    const failing = (check: string) => report.findings.filter((f: any) => f.check === check && f.status === 'fail').map((f: any) => [f.severity, f.subject.local, f.subject.remote])
    expect(failing('queues.accept-overflow')).toEqual([['critical', '127.0.0.1:8080', undefined]])
    expect(failing('queues.accept-queue-fill')).toEqual([['critical', '127.0.0.1:8080', undefined]])
    expect(failing('ports.ephemeral-exhaustion')).toEqual([['critical', '127.0.0.1', '127.0.0.1:9000']])
    expect(failing('timewait.storm')).toEqual([['critical', '127.0.0.1', '127.0.0.1:9000']])
    expect(failing('timewait.reuse')).toEqual([['warning', '127.0.0.1', '127.0.0.1:9000']])
    expect(failing('sockets.close-wait')).toEqual([['warning', '127.0.0.1:7000', undefined]])
    expect(report.exitCode).toBe(1)
    const pcap = JSON.parse(outputs.get('busy-host.resets.pcap.json')!.text)
    expect(pcap.findings.filter((f: any) => f.check === 'resets.closes').map((f: any) => [f.status, f.severity, f.subject.server])).toEqual([['fail', 'warning', '127.0.0.1:7100']])
  })

  test('the replay agrees with what the host showed when the snapshot was taken (its report.json)', () => {
    const seen = JSON.parse(readFileSync(join(ROOT, FIXTURE, 'report.json'), 'utf8'))
    const replayed = JSON.parse(outputs.get('busy-host.check.json')!.text)
    expect(replayed.findings.map(key).sort()).toEqual(seen.findings.map(key).sort())
  })

  test('the table tells one story per subject: the three findings about the destination stand under one heading', () => {
    const text = outputs.get('busy-host.check.txt')!.text
    const block = text.split('\n\n').find((b) => b.startsWith('client 127.0.0.1 → 127.0.0.1:9000\n'))!
    expect([...block.matchAll(/^ {2}\w+ +([\w.-]+) ·/gm)].map((m) => m[1])).toEqual(['ports.ephemeral-exhaustion', 'timewait.storm', 'timewait.reuse'])
    expect(text.match(/^client 127\.0\.0\.1 → 127\.0\.0\.1:9000$/gm)).toHaveLength(1)
  })

  test('every human view fits 100 columns: only commands to copy are longer', () => {
    for (const c of CASES.filter((x) => x.file.endsWith('.txt'))) {
      const long = outputs.get(c.file)!.text.split('\n').filter((l) => l.length > 100 && !l.trimStart().startsWith('$ '))
      expect([c.file, long]).toEqual([c.file, []])
    }
  })

  test('JUnit is valid XML with one suite per topic; OpenMetrics follows the exposition grammar', () => {
    const xml = outputs.get('busy-host.check.junit.xml')!.text
    expect(XMLValidator.validate(xml)).toBe(true)
    const doc = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '' }).parse(xml)
    const suites = [doc.testsuites.testsuite].flat().map((s: any) => s.name)
    expect(suites).toEqual(expect.arrayContaining(['queues', 'timewait', 'ports', 'sockets', 'keepalive', 'buffers', 'resets']))
    expect(openMetricsProblems(outputs.get('busy-host.check.prom')!.text)).toEqual([])
  })
})
