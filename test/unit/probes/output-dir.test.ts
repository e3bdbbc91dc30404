// OutputDir: how `netdoc snapshot -o DIR` writes, run as root into places like /tmp where another user can plant
// links. Real files and links in a temporary directory of the test's own.
import { existsSync, lstatSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

import { UsageError } from '../../../src/model/errors.js'
import { OutputDir } from '../../../src/probes/output-dir.js'

let base: string
let victim: string
let elsewhere: string
beforeEach(() => {
  base = mkdtempSync(join(tmpdir(), 'netdoc-outdir-'))
  victim = join(base, 'victim')
  writeFileSync(victim, 'precious\n')
  elsewhere = join(base, 'elsewhere')
  mkdirSync(elsewhere)
})
afterEach(() => rmSync(base, { recursive: true, force: true }))

const usage = (fn: () => void): string => {
  try {
    fn()
  } catch (err) {
    expect(err).toBeInstanceOf(UsageError)
    return (err as Error).message
  }
  throw new Error('no error')
}

test('a new directory is made, with the directories under it, and files are written', () => {
  const out = new OutputDir(join(base, 'snap', 'deeper'), '-o')
  out.prepare()
  out.writeFile('sample-0/files/proc/net/netstat', 'x\n')
  expect(readFileSync(join(base, 'snap', 'deeper', 'sample-0', 'files', 'proc', 'net', 'netstat'), 'utf8')).toBe('x\n')
})

test('a non-empty directory is refused without force, naming the flag and the fix', () => {
  const dir = join(base, 'full')
  mkdirSync(dir)
  writeFileSync(join(dir, 'old'), '')
  expect(usage(() => new OutputDir(dir, '-o').prepare())).toMatch(/^-o .*full: directory is not empty; .*--force/)
})

test('the directory itself a link: refused, even with force', () => {
  const link = join(base, 'link')
  symlinkSync(elsewhere, link)
  expect(usage(() => new OutputDir(link, '-o', true).prepare())).toMatch(/is a symbolic link/)
  expect(readdirSync(elsewhere)).toEqual([])
})

test('a link planted where a file goes, during the run: not followed, the run stops (exit 2), the target untouched', () => {
  const dir = join(base, 'snap')
  const out = new OutputDir(dir, '-o')
  out.prepare()
  out.writeFile('sample-0/files/a', 'a')
  symlinkSync(victim, join(dir, 'manifest.json'))
  expect(usage(() => out.writeFile('manifest.json', 'evil'))).toMatch(/manifest\.json appeared while netdoc was writing/)
  expect(readFileSync(victim, 'utf8')).toBe('precious\n')
  // a dangling link (a file the attacker wants created) is not followed either
  symlinkSync(join(base, 'created-by-root'), join(dir, 'report.json'))
  expect(() => out.writeFile('report.json', 'evil')).toThrow(UsageError)
  expect(existsSync(join(base, 'created-by-root'))).toBe(false)
})

test('a link planted where a directory goes: not written through', () => {
  const dir = join(base, 'snap')
  const out = new OutputDir(dir, '-o')
  out.prepare()
  symlinkSync(elsewhere, join(dir, 'sample-1'))
  expect(usage(() => out.writeFile('sample-1/files/x', 'evil'))).toMatch(/sample-1 is a symbolic link/)
  expect(readdirSync(elsewhere)).toEqual([])
})

test('force replaces a planted link (the link, never its target) and files of an earlier run', () => {
  const dir = join(base, 'snap')
  mkdirSync(dir)
  symlinkSync(victim, join(dir, 'manifest.json'))
  symlinkSync(elsewhere, join(dir, 'sample-0'))
  writeFileSync(join(dir, 'report.json'), 'old')
  const out = new OutputDir(dir, '-o', true)
  out.prepare()
  out.writeFile('manifest.json', 'new')
  out.writeFile('sample-0/files/x', 'new')
  out.writeFile('report.json', 'new')
  expect(readFileSync(victim, 'utf8')).toBe('precious\n')
  expect(readdirSync(elsewhere)).toEqual([])
  expect(lstatSync(join(dir, 'manifest.json')).isFile()).toBe(true)
  expect(lstatSync(join(dir, 'sample-0')).isDirectory()).toBe(true)
  expect(readFileSync(join(dir, 'report.json'), 'utf8')).toBe('new')
})

test('a write stream is created new too', async () => {
  const dir = join(base, 'snap')
  const out = new OutputDir(dir, '-o')
  out.prepare()
  symlinkSync(victim, join(dir, 'lines.out'))
  expect(() => out.createWriteStream('lines.out')).toThrow(UsageError)
  const s = out.createWriteStream('other.out')
  await new Promise<void>((resolve) => s.end('line\n', () => resolve()))
  expect(readFileSync(join(dir, 'other.out'), 'utf8')).toBe('line\n')
  expect(readFileSync(victim, 'utf8')).toBe('precious\n')
})

test('paths outside the directory are refused', () => {
  const out = new OutputDir(join(base, 'snap'), '-o')
  out.prepare()
  expect(() => out.writeFile('../victim', 'evil')).toThrow(/not inside/)
  expect(readFileSync(victim, 'utf8')).toBe('precious\n')
})
