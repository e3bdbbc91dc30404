// `netdoc checks` reads the catalogue built from the checks' meta and imports no check or probe module; a run
// imports only the checks it selected (ESLint's lazy rule registry). Read from the modules the process loaded.
import { execFile } from 'node:child_process'
import { join } from 'node:path'

import { ROOT } from '../helpers/netns.js'

function importsOf(args: string[]): Promise<{ code: number; stdout: string; modules: string[] }> {
  return new Promise((resolve) => {
    execFile(process.execPath, ['--import', join(ROOT, 'test', 'helpers', 'import-log.mjs'), join(ROOT, 'bin', 'run.js'), ...args], { timeout: 60_000 }, (err, stdout, stderr) => {
      const line = stderr.split('\n').find((l) => l.startsWith('IMPORTED '))
      const modules = (line ? (JSON.parse(line.slice('IMPORTED '.length)) as string[]) : []).map((u) => u.slice(u.indexOf('/dist/') + 1))
      resolve({ code: err ? Number(err.code ?? 1) : 0, stdout, modules })
    })
  })
}

const checkModules = (modules: string[]) => modules.filter((m) => /^dist\/checks\/[a-z0-9-]+\.[a-z0-9-]+\.js$/.test(m))

describe('start-up: nothing loaded that the command does not use', () => {
  test('netdoc --help imports no netdoc module (oclif reads the manifest)', async () => {
    const r = await importsOf(['--help'])
    expect(r.code).toBe(0)
    expect(r.stdout).toMatch(/COMMANDS/)
    expect(r.modules).toEqual([])
  })

  test("a start does not load semver for oclif's check of the Node version (bin/run.js checks netdoc's own)", async () => {
    const stderr = await new Promise<string>((resolve) =>
      execFile(process.execPath, ['--require', join(ROOT, 'test', 'helpers', 'require-log.cjs'), join(ROOT, 'bin', 'run.js'), '--help'], { timeout: 60_000 }, (_err, _out, err) => resolve(err)),
    )
    const line = stderr.split('\n').find((l) => l.startsWith('REQUIRED '))!
    const required = JSON.parse(line.slice('REQUIRED '.length)) as string[]
    expect(required.some((p) => p.includes('/@oclif/core/'))).toBe(true)
    expect(required.filter((p) => p.includes('/node_modules/semver/'))).toEqual([])
  })

  test('oclif loads netdoc alone: autocomplete is one of its commands, not a plugin read on every start', async () => {
    const script = `const { Config } = await import('@oclif/core'); const c = await Config.load(${JSON.stringify(ROOT)});
      console.log(JSON.stringify({ plugins: [...c.plugins.keys()], ids: c.commandIDs.filter((i) => i.startsWith('autocomplete')).sort() }))`
    const out = await new Promise<string>((resolve, reject) =>
      execFile(process.execPath, ['--input-type=module', '-e', script], { cwd: ROOT, timeout: 60_000 }, (err, stdout) => (err ? reject(err) : resolve(stdout))),
    )
    expect(JSON.parse(out)).toEqual({ plugins: ['netdoc'], ids: ['autocomplete', 'autocomplete:create', 'autocomplete:script'] })
  })

  test('netdoc checks imports neither the views nor the renderers of a report', async () => {
    const r = await importsOf(['checks'])
    expect(r.code).toBe(0)
    expect(r.modules.filter((m) => m.startsWith('dist/report/views/') || m.startsWith('dist/derived/') || m === 'dist/report/table.js')).toEqual([])
  })
})

describe('the lazy registry', () => {
  test('netdoc checks --json lists every check and imports no check module and no probe', async () => {
    const r = await importsOf(['checks', '--json'])
    expect(r.code).toBe(0)
    expect(JSON.parse(r.stdout).length).toBeGreaterThan(25)
    expect(r.modules).toContain('dist/commands/checks.js')
    expect(checkModules(r.modules)).toEqual([])
    expect(r.modules.filter((m) => m.startsWith('dist/probes/'))).toEqual([])
  })

  test('a run imports only the probes of the facts its checks read', async () => {
    const pcap = join(ROOT, 'test', 'fixtures', 'resets', 'closes-lo.pcap')
    const r = await importsOf(['check', '--pcap', pcap, '--only', 'resets.closes', '--interval', '0', '--json', '--fail-on', 'never'])
    expect(r.code).toBe(0)
    const findings = JSON.parse(r.stdout).findings as { check: string; status: string; subject: { server: string } }[]
    expect(new Set(findings.map((f) => f.check))).toEqual(new Set(['resets.closes']))
    expect(findings.find((f) => f.subject.server === '127.0.0.1:9002')?.status).toBe('fail')
    // the check's facts (capture; counters and sysctls optional) and the host (every report names its host); not
    // the socket tables or their parsers (the probes' own support modules aside)
    const probes = r.modules.filter((m) => m.startsWith('dist/probes/') && !/\/(index|probe|source|exec|netns|snapshot|live|output-dir|vendor|identity|ss-commands)\.js$/.test(m))
    expect(probes.sort()).toEqual(['capture', 'counters', 'host', 'sysctls'].map((p) => `dist/probes/${p}.js`))
    expect(r.modules).not.toContain('dist/parsers/ss.js')
  })

  test('a run imports only the checks it selected', async () => {
    const r = await importsOf(['check', '--only', 'queues.syncookies', '--interval', '0', '--json', '--fail-on', 'never'])
    expect(r.code).toBe(0)
    expect(JSON.parse(r.stdout).findings.map((f: { check: string }) => f.check)).toEqual(['queues.syncookies'])
    expect(checkModules(r.modules)).toEqual(['dist/checks/queues.syncookies.js'])
  })
})
