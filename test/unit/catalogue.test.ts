// Every check has its file, its test, its doc page and its registry line (as ESLint does for its rules).
import { existsSync, readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'

import { CHECKS } from '../../src/checks/registry.js'
import { ROOT } from '../helpers/netns.js'

const checkFiles = readdirSync(join(ROOT, 'src', 'checks'))
  .filter((f) => /^[a-z0-9-]+\.[a-z0-9-]+\.ts$/.test(f))
  .map((f) => f.replace(/\.ts$/, ''))

describe('check catalogue', () => {
  test('every check file is registered, and every registered check has a file', () => {
    expect(CHECKS.map((c) => c.meta.id).sort()).toEqual([...checkFiles].sort())
  })

  test.each(CHECKS.map((c) => [c.meta.id]))('%s has a doc page that cites the kernel and a test', (id) => {
    const doc = join(ROOT, 'docs', 'checks', `${id}.md`)
    expect(existsSync(doc)).toBe(true)
    const text = readFileSync(doc, 'utf8')
    expect(text).toMatch(new RegExp(`^# ${id.replace('.', '\\.')}`, 'm'))
    expect(text).toMatch(/## Remediation/)
    expect(existsSync(join(ROOT, 'test', 'unit', 'checks', `${id}.test.ts`))).toBe(true)
  })

  test('ids are unique, kebab-case, and prefixed by their topic', () => {
    const ids = CHECKS.map((c) => c.meta.id)
    expect(new Set(ids).size).toBe(ids.length)
    for (const c of CHECKS) {
      expect(c.meta.id).toMatch(/^[a-z]+\.[a-z0-9]+(-[a-z0-9]+)*$/)
      expect(c.meta.id.startsWith(c.meta.topic + '.')).toBe(true)
      expect(c.meta.facts.length).toBeGreaterThan(0)
    }
  })
})
