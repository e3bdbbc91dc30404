// `netdoc snapshot -o DIR` as root into a shared place: a non-empty DIR is refused unless --force, and a link
// planted in DIR is never followed. The built CLI on this host (it only reads), into directories of the test's own.
import { lstatSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

import { runCli } from '../helpers/netns.js'

let base: string
beforeAll(() => {
  base = mkdtempSync(join(tmpdir(), 'netdoc-snapout-'))
})
afterAll(() => rmSync(base, { recursive: true, force: true }))

const snapshot = (dir: string, ...more: string[]) => runCli(['snapshot', '-o', dir, '--interval', '0', ...more])

test('a non-empty directory: exit 2 naming -o and --force; nothing written', async () => {
  const dir = join(base, 'full')
  mkdirSync(dir)
  writeFileSync(join(dir, 'notes.txt'), 'mine\n')
  const r = await snapshot(dir)
  expect(r.code).toBe(2)
  expect(r.stderr).toMatch(/-o .*full: directory is not empty; .*--force/)
  expect(r.stderr.trim().split('\n')).toHaveLength(1)
  expect(readdirSync(dir)).toEqual(['notes.txt'])
})

test('--force writes over it; a planted link is replaced, its target untouched, and --from reads the result', async () => {
  const dir = join(base, 'planted')
  const victim = join(base, 'victim')
  const elsewhere = join(base, 'elsewhere')
  writeFileSync(victim, 'precious\n')
  mkdirSync(elsewhere)
  mkdirSync(dir)
  symlinkSync(victim, join(dir, 'manifest.json'))
  symlinkSync(elsewhere, join(dir, 'sample-0'))
  const r = await snapshot(dir, '--force')
  expect(r.code).toBe(0)
  expect(readFileSync(victim, 'utf8')).toBe('precious\n')
  expect(readdirSync(elsewhere)).toEqual([])
  expect(lstatSync(join(dir, 'manifest.json')).isFile()).toBe(true)
  expect(lstatSync(join(dir, 'sample-0')).isDirectory()).toBe(true)
  const replay = await runCli(['check', '--from', dir, '--only', 'queues.syncookies', '--json'])
  expect(JSON.parse(replay.stdout).target.kind).toBe('snapshot')
})

test('DIR itself a link: exit 2, nothing written where it points', async () => {
  const elsewhere = join(base, 'pointed')
  mkdirSync(elsewhere)
  const link = join(base, 'link')
  symlinkSync(elsewhere, link)
  const r = await snapshot(link, '--force')
  expect(r.code).toBe(2)
  expect(r.stderr).toMatch(/-o .*link: is a symbolic link/)
  expect(readdirSync(elsewhere)).toEqual([])
})

test('two snapshots at once into two new directories: both complete, nothing shared', async () => {
  const [a, b] = [join(base, 'a'), join(base, 'b')]
  const [ra, rb] = await Promise.all([snapshot(a), snapshot(b)])
  expect([ra.code, rb.code]).toEqual([0, 0])
  expect(readdirSync(a).sort()).toEqual(readdirSync(b).sort())
})
