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

describe('the lazy registry', () => {
  test('netdoc checks --json lists every check and imports no check module and no probe', async () => {
    const r = await importsOf(['checks', '--json'])
    expect(r.code).toBe(0)
    expect(JSON.parse(r.stdout).length).toBeGreaterThan(25)
    expect(r.modules).toContain('dist/commands/checks.js')
    expect(checkModules(r.modules)).toEqual([])
    expect(r.modules.filter((m) => m.startsWith('dist/probes/'))).toEqual([])
  })

  test('a run imports only the checks it selected', async () => {
    const r = await importsOf(['check', '--only', 'queues.syncookies', '--interval', '0', '--json', '--fail-on', 'never'])
    expect(r.code).toBe(0)
    expect(JSON.parse(r.stdout).findings.map((f: { check: string }) => f.check)).toEqual(['queues.syncookies'])
    expect(checkModules(r.modules)).toEqual(['dist/checks/queues.syncookies.js'])
  })
})
