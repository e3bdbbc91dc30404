// What netdoc says it reads is what it runs: an `ss -...` named in a check's description or a command's help is a
// command a probe really asks for. The commands are not listed here: they are recorded from every probe's reads over
// the full busy-host snapshot (every check, every owners pass), so a probe that changes its flags changes them too.
import { readdirSync } from 'node:fs'
import { join } from 'node:path'

import { loadAllChecks } from '../../src/checks/registry.js'
import { runChecks } from '../../src/engine/run.js'
import { SnapshotSource } from '../../src/probes/snapshot.js'
import { ROOT } from '../helpers/netns.js'
import { notingCommands } from '../helpers/table-source.js'

/** `ss` with its flags and any `state X` filters, as a text names a command (`ss Recv-Q` names a column, not a command). */
const SS_COMMAND = /\bss -[A-Za-z]+(?: state [a-z-]+)*/g

const CHECKS = await loadAllChecks()

/** The summary, description and examples of every command (src/commands, topics included). */
async function commandTexts(): Promise<Array<[string, string]>> {
  const dir = join(ROOT, 'src', 'commands')
  const files = readdirSync(dir, { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith('.ts'))
  const texts: Array<[string, string]> = []
  for (const file of files) {
    const command = (await import(join(dir, file))).default as { summary?: string; description?: string; examples?: unknown[] }
    texts.push([file, [command.summary, command.description, ...(command.examples ?? []).map((e) => JSON.stringify(e))].filter(Boolean).join('\n')])
  }
  return texts
}

describe('commands named in the static text are the ones the probes run', () => {
  const run = new Set<string>()
  beforeAll(async () => {
    const source = new SnapshotSource(join(ROOT, 'test', 'fixtures', 'snapshots', 'busy-host'))
    await runChecks({ source: notingCommands(source, (key) => run.add(key.cmd.join(' '))), checks: CHECKS, intervalSeconds: 0, options: { maxDetails: 100 }, recordedWindowSeconds: source.manifest.windowSeconds, owners: 'all', viewOwners: () => ['close-wait', 'established', 'listening'] })
  })

  /** The mentions of `ss -...` in a text that no probe ran: equal to a command run, or its flags before its filters. */
  const unrun = (text: string) => [...text.matchAll(SS_COMMAND)].map((m) => m[0]).filter((named) => ![...run].some((cmd) => cmd === named || cmd.startsWith(named + ' ')))

  test('the recording saw the probes run ss (the comparison is not vacuous)', () => {
    expect([...run].filter((c) => c.startsWith('ss ')).length).toBeGreaterThanOrEqual(4)
  })

  test.each(CHECKS.map((c) => [c.meta.id, c.meta]))('%s: its description and titles name only ss commands a probe runs', (_id, meta) => {
    expect(unrun([meta.title, meta.failureTitle, meta.description].join('\n'))).toEqual([])
  })

  test('every command summary, description and example names only ss commands a probe runs', async () => {
    const texts = await commandTexts()
    expect(texts.length).toBeGreaterThan(10)
    expect(texts.flatMap(([file, text]) => unrun(text).map((named) => `${file}: ${named}`))).toEqual([])
  })
})
