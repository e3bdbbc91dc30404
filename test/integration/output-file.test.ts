// -o/--output FILE: every format goes to a file exactly as it would go to stdout, written through a temporary
// file beside it and a rename (a reader never sees half a file); a directory that cannot take the file is exit 2
// before the run.
import { spawnSync } from 'node:child_process'
import { chmodSync, linkSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

import { writeFileAtomically } from '../../src/cli/output-file.js'
import { normalise } from '../helpers/golden.js'
import { asNobody, isRoot, ROOT, runCli } from '../helpers/netns.js'

const BUSY = join(ROOT, 'test', 'fixtures', 'snapshots', 'busy-host')
const RUN = ['check', 'queues', '--from', BUSY, '--interval', '0']

describe('-o/--output FILE', () => {
  let dir: string
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'netdoc-out-'))
  })
  afterAll(() => rmSync(dir, { recursive: true, force: true }))

  test.each(['table', 'json', 'junit', 'openmetrics', 'markdown', 'html'])('--format %s -o FILE writes what stdout would show, and nothing on stdout', async (format) => {
    const file = join(dir, `r.${format}`)
    const [toFile, toStdout] = await Promise.all([runCli([...RUN, '--format', format, '-o', file]), runCli([...RUN, '--format', format])])
    expect(toFile).toMatchObject({ code: 1, stdout: '' })
    expect(normalise(readFileSync(file, 'utf8'))).toBe(normalise(toStdout.stdout))
    expect(readdirSync(dir).filter((f) => f.endsWith('.tmp'))).toEqual([])
  })

  test('--json -o FILE: the JSON report in the file, stdout empty', async () => {
    const file = join(dir, 'report.json')
    const r = await runCli([...RUN, '--json', '--output', file])
    expect(r).toMatchObject({ code: 1, stdout: '' })
    const report = JSON.parse(readFileSync(file, 'utf8'))
    expect(report.findings.some((f: any) => f.check === 'queues.accept-overflow' && f.status === 'fail')).toBe(true)
  })

  test.each([
    ['a directory that does not exist', () => '/nonexistent/netdoc/r.html', /^netdoc: -o\/--output \/nonexistent\/netdoc\/r\.html: directory \/nonexistent\/netdoc does not exist/],
    ['a directory', () => dir, /: is a directory; name a file/],
  ])('%s: exit 2, one line, no stack trace', async (_name, path, message) => {
    const r = await runCli([...RUN, '--format', 'html', '-o', path()])
    expect(r.code).toBe(2)
    expect(r.stdout).toBe('')
    expect(r.stderr).toMatch(message)
    expect(r.stderr.trim().split('\n')).toHaveLength(1)
  })

  const nobody = isRoot() ? asNobody() : undefined
  ;(nobody ? test : test.skip)('a directory the user cannot write: exit 2 naming it', () => {
    const locked = join(dir, 'locked')
    spawnSync('mkdir', ['-m', '0755', locked])
    chmodSync(dir, 0o755)
    const r = spawnSync(nobody![0], [...nobody!.slice(1), process.execPath, join(ROOT, 'bin', 'run.js'), ...RUN, '--format', 'json', '-o', join(locked, 'r.json')], { encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } })
    expect(r.status).toBe(2)
    expect(r.stderr).toMatch(/-o\/--output .*locked\/r\.json: directory .*locked is not writable/)
  })

  test('written atomically: a new file replaces the old by rename, so a reader of the old one keeps it whole', () => {
    const file = join(dir, 'metrics.prom')
    writeFileSync(file, 'old\n')
    const held = join(dir, 'held') // a second name for the old file, as an open reader would hold it
    linkSync(file, held)
    const before = statSync(file).ino
    writeFileAtomically(file, 'new\n'.repeat(100000))
    expect(readFileSync(held, 'utf8')).toBe('old\n')
    expect(readFileSync(file, 'utf8')).toBe('new\n'.repeat(100000))
    expect(statSync(file).ino).not.toBe(before)
    expect(readdirSync(dir).filter((f) => f.endsWith('.tmp'))).toEqual([])
  })
})
