// The gate as a pipeline sees it: exit codes, --baseline, configuration files and their errors, `checks --json`.
// Replays the stuck-listener snapshot, so no root is needed.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

import { ROOT, runCli, runJson } from '../helpers/netns.js'

const FIXTURE = join(ROOT, 'test', 'fixtures', 'snapshots', 'stuck-listener')
const dir = mkdtempSync(join(tmpdir(), 'netdoc-gate-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

const check = (args: string[], opts?: { cwd?: string }) => runCli(['check', '--from', FIXTURE, '--only', 'queues', ...args], opts)
const checkJson = (args: string[], opts?: { cwd?: string }) => runJson(['check', '--from', FIXTURE, '--only', 'queues', ...args], opts)

/** One or two lines on stderr, naming what was wrong; no stack trace. */
function expectUsageError(r: { code: number; stdout: string; stderr: string }, ...mentions: string[]) {
  expect(r.code).toBe(2)
  expect(r.stdout).toBe('')
  for (const m of mentions) expect(r.stderr).toContain(m)
  expect(r.stderr.trim().split('\n').length).toBeLessThanOrEqual(2)
  expect(r.stderr).not.toMatch(/^\s+at /m)
}

describe('exit codes', () => {
  test.each([
    [['--fail-on', 'critical'], 1],
    [['--fail-on', 'warning'], 1],
    [['--fail-on', 'never'], 0],
    [['--skip', 'queues.accept-overflow,queues.accept-queue-fill'], 0],
  ])('%j → %i', async (args, code) => {
    const r = await check(args)
    expect(r.code).toBe(code)
  })

  test('usage errors are 2', async () => {
    expectUsageError(await check(['--fail-on', 'sometimes']), 'sometimes')
    expectUsageError(await runCli(['check', '--from', FIXTURE, '--only', 'nope']), '--only nope')
    expectUsageError(await check(['--format', 'xml']), 'xml')
  })
})

describe('--baseline', () => {
  let previous: any
  beforeAll(async () => {
    previous = (await checkJson([])).report
  })

  test('the same findings again: nothing new, exit 0, both marked known', async () => {
    const file = join(dir, 'same.json')
    writeFileSync(file, JSON.stringify(previous))
    const { code, report } = await checkJson(['--baseline', file])
    expect(code).toBe(0)
    expect(report.exitCode).toBe(0)
    expect(report.gate).toEqual({ failOn: 'critical', baseline: { path: file, known: 2 } })
    expect(report.findings.filter((f: any) => f.status === 'fail').map((f: any) => f.baseline)).toEqual(['known', 'known'])
    // the human and JUnit outputs agree with the exit code
    expect((await check(['--baseline', file])).stdout).toMatch(/2 known in the baseline · exit 0/)
    expect((await check(['--baseline', file, '--format', 'junit'])).stdout).not.toContain('<failure')
  })

  test('a finding the baseline lacks is new and fails the gate', async () => {
    const file = join(dir, 'older.json')
    writeFileSync(file, JSON.stringify({ ...previous, findings: previous.findings.filter((f: any) => f.check !== 'queues.accept-queue-fill') }))
    const { code, report } = await checkJson(['--baseline', file])
    expect(code).toBe(1)
    expect(report.findings.filter((f: any) => f.status === 'fail').map((f: any) => [f.check, f.baseline])).toEqual([
      ['queues.accept-overflow', 'known'],
      ['queues.accept-queue-fill', 'new'],
    ])
  })

  test('a baseline that is missing or not a report is a usage error naming the file', async () => {
    expectUsageError(await check(['--baseline', join(dir, 'missing.json')]), `--baseline ${join(dir, 'missing.json')}`, 'no such file')
    const notReport = join(dir, 'not-report.json')
    writeFileSync(notReport, '{"hello": 1}')
    expectUsageError(await check(['--baseline', notReport]), notReport, 'not a netdoc JSON report')
  })
})

describe('configuration', () => {
  test('an unknown key or a wrong type is exit 2 naming the key and the file', async () => {
    const file = join(dir, 'bad.yaml')
    writeFileSync(file, 'checks:\n  queues.accept-queue-fill:\n    thresholds:\n      warningFill: high\n')
    expectUsageError(await check(['--config', file]), file, 'checks.queues.accept-queue-fill.thresholds.warningFill', 'must be a number')
    const json = join(dir, 'bad.json')
    writeFileSync(json, '{"expect": {"sysctls": {"net.core.somaxconn": ">= lots"}}}')
    expectUsageError(await check(['--config', json]), json, 'expect.sysctls.net.core.somaxconn')
  })

  test('.netdocrc.yaml in the working directory: ignores, severity overrides and expected sysctls apply', async () => {
    const cwd = mkdtempSync(join(dir, 'rc-'))
    writeFileSync(
      join(cwd, '.netdocrc.yaml'),
      [
        'checks:',
        '  queues.accept-queue-fill:',
        '    severity: warning',
        'ignore:',
        '  - check: queues.accept-overflow',
        '    local: 127.0.0.1:8080',
        'expect:',
        '  sysctls:',
        '    net.core.somaxconn: ">=8192"',
        '    net.ipv4.tcp_syncookies: 1',
      ].join('\n'),
    )
    const r = await runJson(['check', '--from', FIXTURE, '--only', 'queues,sysctl'], { cwd })
    const failing = r.report.findings.filter((f: any) => f.status === 'fail').map((f: any) => [f.check, f.severity, f.subject.local ?? f.subject.sysctl])
    expect(failing).toEqual([
      ['sysctl.expected', 'critical', 'net.core.somaxconn'],
      ['queues.accept-queue-fill', 'warning', '127.0.0.1:8080'],
    ])
    expect(r.code).toBe(1)
    // a bad .netdocrc names itself
    writeFileSync(join(cwd, '.netdocrc.yaml'), 'idleTimeout: soon\n')
    expectUsageError(await runCli(['check', '--from', FIXTURE], { cwd }), join(cwd, '.netdocrc.yaml'), 'idleTimeout')
  })
})

describe('expected sysctls beyond those the checks read', () => {
  test('are read live, recorded by a snapshot given the configuration, and replayed from it', async () => {
    const cfg = join(dir, 'expect.json')
    const swappiness = readFileSync('/proc/sys/vm/swappiness', 'utf8').trim()
    writeFileSync(cfg, JSON.stringify({ expect: { sysctls: { 'vm.swappiness': swappiness, 'net.core.somaxconn': '>=1' } } }))
    const live = await runJson(['check', '--only', 'sysctl', '--interval', '0', '--config', cfg])
    expect(live.report.findings).toEqual([expect.objectContaining({ check: 'sysctl.expected', status: 'pass', message: '2 expected sysctl values all met' })])

    const withConfig = join(dir, 'snap-with-config')
    const without = join(dir, 'snap-without')
    expect((await runCli(['snapshot', '-o', withConfig, '--interval', '0', '--config', cfg])).code).toBe(0)
    expect((await runCli(['snapshot', '-o', without, '--interval', '0'])).code).toBe(0)
    const replay = await runJson(['check', '--from', withConfig, '--only', 'sysctl', '--config', cfg])
    expect(replay.report.findings.map((f: any) => f.status)).toEqual(['pass'])
    // a snapshot taken without the configuration lacks vm.swappiness (no check reads it): reported as missing
    const missing = await runJson(['check', '--from', without, '--only', 'sysctl', '--config', cfg])
    expect(missing.report.findings.map((f: any) => [f.status, f.severity, f.subject.sysctl])).toEqual([['fail', 'warning', 'vm.swappiness']])
  })
})

describe('netdoc checks --json', () => {
  test('lists every check with its configurable thresholds and their defaults', async () => {
    const r = await runCli(['checks', '--json'])
    expect(r.code).toBe(0)
    const list = JSON.parse(r.stdout)
    const CHECKS = await (await import('../../src/checks/registry.js')).loadAllChecks()
    expect(list.map((c: any) => c.id)).toEqual(CHECKS.map((c) => c.meta.id))
    for (const c of CHECKS) {
      const listed = list.find((l: any) => l.id === c.meta.id)
      const expected = Object.fromEntries(Object.entries(c.meta.thresholds ?? {}).map(([k, t]) => [k, { default: t.value, description: t.description }]))
      expect(listed.thresholds).toEqual(expected)
      expect(listed.docs).toBe(`docs/checks/${c.meta.id}.md`)
    }
    expect(list.find((l: any) => l.id === 'queues.accept-queue-fill').thresholds.warningFill.default).toBe(0.8)
  })

  test('the human listing is grouped by topic and shows the thresholds too', async () => {
    const r = await runCli(['checks'])
    expect(r.stdout).toMatch(/queues\.accept-queue-fill[\s\S]*thresholds [^\n]*warningFill=0\.8/)
    // one heading per topic, each followed by its own checks only
    const headings = [...r.stdout.matchAll(/^(\w+) \((\d+)\)$/gm)]
    expect(new Set(headings.map((h) => h[1])).size).toBe(headings.length)
    expect(headings.map((h) => h[1])).toEqual(expect.arrayContaining(['queues', 'timewait', 'ports', 'keepalive', 'buffers', 'resets']))
    for (const [i, h] of headings.entries()) {
      const section = r.stdout.slice(h.index, headings[i + 1]?.index)
      const ids = [...section.matchAll(/^ {2}([\w-]+\.[\w.-]+) /gm)].map((m) => m[1])
      expect(ids.length).toBe(Number(h[2]))
      expect(ids.every((id) => id.startsWith(`${h[1]}.`))).toBe(true)
    }
  })
})

test('the golden fixture is the same snapshot these tests replay', () => {
  expect(JSON.parse(readFileSync(join(FIXTURE, 'manifest.json'), 'utf8')).netns).toBe('gate-fixture')
})
