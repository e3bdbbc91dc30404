// Every check has its file, its test, its doc page and its registry line (as ESLint does for its rules), and its
// meta says what it is and exactly what it reads.
import { existsSync, readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'

import { CHECK_IDS, CHECK_LOADERS, loadAllChecks } from '../../src/checks/registry.js'
import { CONNECT_CHECK } from '../../src/checks/support/connect-verdict.js'
import { catalogueOf } from '../../src/engine/catalogue-build.js'
import { runChecks } from '../../src/engine/run.js'
import { SnapshotSource } from '../../src/probes/snapshot.js'
import { ROOT } from '../helpers/netns.js'

const CHECKS = await loadAllChecks()

const checkFiles = readdirSync(join(ROOT, 'src', 'checks'))
  .filter((f) => /^[a-z0-9-]+\.[a-z0-9-]+\.ts$/.test(f))
  .map((f) => f.replace(/\.ts$/, ''))

/** Findings a page documents without being a catalogue check: `netdoc connect` judges one attempt (connect.result). */
const COMMAND_FINDINGS = [CONNECT_CHECK]

/** A kernel document: Documentation/...rst (ip-sysctl.rst, snmp_counter.rst) or a kernel source file. */
const KERNEL_CITATION = /Documentation\/[\w/.-]+\.(rst|txt)|\bnet\/(ipv4|ipv6|core)\/[\w-]+\.[ch]\b/

describe('check catalogue', () => {
  test('every check file is registered, and every registered check has a file', () => {
    expect([...CHECK_IDS]).toEqual([...checkFiles].sort())
  })

  test.each(CHECK_IDS.map((id) => [id]))('the registry line of %s loads the check of that id', async (id) => {
    expect((await CHECK_LOADERS[id]()).meta.id).toBe(id)
  })

  test.each(CHECK_IDS.map((id) => [id]))('%s has a doc page that cites a kernel document, and a test', (id) => {
    const doc = join(ROOT, 'docs', 'checks', `${id}.md`)
    expect(existsSync(doc)).toBe(true)
    const text = readFileSync(doc, 'utf8')
    expect(text).toMatch(new RegExp(`^# ${id.replace('.', '\\.')}`, 'm'))
    expect(text).toMatch(/## Remediation/)
    expect(text).toMatch(KERNEL_CITATION)
    expect(existsSync(join(ROOT, 'test', 'unit', 'checks', `${id}.test.ts`))).toBe(true)
  })

  test('no orphan doc page: every page in docs/checks is a check or a finding of a command', () => {
    const pages = readdirSync(join(ROOT, 'docs', 'checks')).filter((f) => f.endsWith('.md')).map((f) => f.slice(0, -3))
    expect(pages.filter((p) => !CHECK_IDS.includes(p) && !COMMAND_FINDINGS.includes(p))).toEqual([])
    for (const id of COMMAND_FINDINGS) expect(pages).toContain(id)
  })

  test.each(CHECKS.map((c) => [c.meta.id, c]))('%s: meta has its titles, a description and what it reads', (_id, c) => {
    const m = c.meta
    expect(m.id).toMatch(/^[a-z]+\.[a-z0-9]+(-[a-z0-9]+)*$/)
    expect(m.id.startsWith(m.topic + '.')).toBe(true)
    for (const text of [m.title, m.failureTitle, m.description]) expect(text.trim().length).toBeGreaterThan(3)
    expect(m.title).not.toBe(m.failureTitle)
    expect(m.facts.length).toBeGreaterThan(0)
    const facts = [...m.facts, ...(m.optionalFacts ?? [])]
    expect(new Set(facts).size).toBe(facts.length)
    // sysctls are read from the sysctls fact: declaring them without it, or it without them, is a slip
    const readsSysctls = (m.sysctls?.length ?? 0) > 0 || Boolean(m.sysctlsFromConfig)
    expect(facts.includes('sysctls')).toBe(readsSysctls)
    for (const name of m.sysctls ?? []) expect(name).toMatch(/^(net|fs|vm|kernel)\.[\w.-]+$/)
  })

  test('ids are unique', () => {
    const ids = CHECKS.map((c) => c.meta.id)
    expect(new Set(ids).size).toBe(ids.length)
  })

  test('queues.syncookies lists only what it reads', async () => {
    const entry = (await catalogueOf(CHECKS)).find((e) => e.meta.id === 'queues.syncookies')!
    expect(entry.reads).toEqual(['/proc/sys/net/ipv4/tcp_syncookies'])
  })

  test('the catalogue the build wrote (dist/catalogue.json) is the one the checks make', async () => {
    const built = JSON.parse(readFileSync(join(ROOT, 'dist', 'catalogue.json'), 'utf8'))
    expect(built).toEqual(JSON.parse(JSON.stringify(await catalogueOf(CHECKS))))
  })

  test('no check reads a fact or sysctl it does not declare (every check over the stuck-listener snapshot)', async () => {
    const source = new SnapshotSource(join(ROOT, 'test', 'fixtures', 'snapshots', 'stuck-listener'))
    const { findings } = await runChecks({ source, checks: CHECKS, intervalSeconds: 0, options: { maxDetails: 100, expectSysctls: { 'net.core.somaxconn': '>=1' } }, recordedWindowSeconds: source.manifest.windowSeconds })
    expect(findings.filter((f) => /does not declare|reads every sysctl/.test(f.message)).map((f) => `${f.check}: ${f.message}`)).toEqual([])
    // the run exercised the checks: most of them judged something
    expect(findings.filter((f) => f.status === 'pass' || f.status === 'fail').length).toBeGreaterThan(10)
  })
})
