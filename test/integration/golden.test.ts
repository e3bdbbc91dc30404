// Golden outputs per format: the stuck-listener snapshot replayed with --from, `--only queues` (other topics'
// checks come and go; the queue checks are stable). Regenerate after an intended change with
//   npm run build && UPDATE_GOLDEN=1 NODE_OPTIONS=--experimental-vm-modules npx jest test/integration/golden
// and review the diff. The time of the run is normalised and the table is drawn 100 columns wide (COLUMNS=100);
// everything else must match byte for byte. golden-busy-host.test.ts has every view and format of a full snapshot.
import { execFileSync } from 'node:child_process'
import { existsSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'

import { XMLParser, XMLValidator } from 'fast-xml-parser'

import { openMetricsProblems } from '../helpers/openmetrics-grammar.js'
import { GOLDEN, normalise } from '../helpers/golden.js'
import { ROOT, runCli } from '../helpers/netns.js'

const FIXTURE = 'test/fixtures/snapshots/stuck-listener'

const CASES = [
  { file: 'stuck-listener.queues.json', args: ['--format', 'json'] },
  { file: 'stuck-listener.queues.txt', args: ['--format', 'table', '--verbose'] },
  { file: 'stuck-listener.queues.junit.xml', args: ['--format', 'junit'] },
  { file: 'stuck-listener.queues.prom', args: ['--format', 'openmetrics'] },
  { file: 'stuck-listener.queues.md', args: ['--format', 'markdown'] },
  { file: 'stuck-listener.queues.fail-on-never.json', args: ['--format', 'json', '--fail-on', 'never'] },
]

describe('golden reports from the stuck-listener snapshot', () => {
  const outputs = new Map<string, { code: number; text: string }>()
  beforeAll(async () => {
    await Promise.all(
      CASES.map(async (c) => {
        const r = await runCli(['check', '--from', FIXTURE, '--only', 'queues', ...c.args], { env: { COLUMNS: '100' } })
        if (r.stderr) throw new Error(`${c.file}: ${r.stderr}`)
        outputs.set(c.file, { code: r.code, text: normalise(r.stdout) })
        if (process.env.UPDATE_GOLDEN === '1') writeFileSync(join(GOLDEN, c.file), normalise(r.stdout))
      }),
    )
  })

  test.each(CASES.map((c) => [c.file]))('%s matches its golden', (file) => {
    const golden = join(GOLDEN, file)
    expect(existsSync(golden)).toBe(true)
    expect(outputs.get(file)!.text).toBe(readFileSync(golden, 'utf8'))
  })

  test('the exit code is 1 for the full accept queue at --fail-on critical, in every format; 0 with never', () => {
    for (const c of CASES) expect([c.file, outputs.get(c.file)!.code]).toEqual([c.file, c.args.includes('never') ? 0 : 1])
  })

  test('the JSON golden names the listener whose accept queue is full', () => {
    const report = JSON.parse(outputs.get('stuck-listener.queues.json')!.text)
    const failing = report.findings.filter((f: any) => f.status === 'fail').map((f: any) => [f.check, f.severity, f.subject.local])
    expect(failing).toEqual([
      ['queues.accept-overflow', 'critical', '127.0.0.1:8080'],
      ['queues.accept-queue-fill', 'critical', '127.0.0.1:8080'],
    ])
  })

  test('the JUnit golden is valid XML with the failures in the queues suite', () => {
    const xml = outputs.get('stuck-listener.queues.junit.xml')!.text
    expect(XMLValidator.validate(xml)).toBe(true)
    const doc = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '' }).parse(xml)
    expect(doc.testsuites.testsuite).toMatchObject({ name: 'queues', tests: '8', failures: '2', errors: '0', skipped: '0' })
  })

  test('the replay finds what the host showed when the snapshot was taken (its report.json)', () => {
    const key = (f: any) => JSON.stringify([f.check, f.status, f.severity ?? null, f.subject])
    const seen = JSON.parse(readFileSync(join(ROOT, FIXTURE, 'report.json'), 'utf8'))
    const replayed = JSON.parse(outputs.get('stuck-listener.queues.json')!.text)
    expect(replayed.findings.map(key).sort()).toEqual(seen.findings.filter((f: any) => f.check.startsWith('queues.')).map(key).sort())
  })

  test('the OpenMetrics golden follows the exposition grammar', () => {
    expect(openMetricsProblems(outputs.get('stuck-listener.queues.prom')!.text)).toEqual([])
  })

  test("Prometheus's own linter accepts it (when promtool is installed: apt-get install prometheus)", () => {
    let version: string
    try {
      version = execFileSync('promtool', ['--version'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] })
    } catch {
      process.stderr.write('skipping the promtool cross-check: promtool is not installed\n')
      return
    }
    expect(version).toMatch(/promtool/)
    // exits non-zero with the problem on stderr when the exposition is malformed or breaks a naming rule
    const out = execFileSync('promtool', ['check', 'metrics'], { input: outputs.get('stuck-listener.queues.prom')!.text, encoding: 'utf8', stdio: ['pipe', 'pipe', 'pipe'] })
    expect(out.trim()).toBe('')
  })
})
