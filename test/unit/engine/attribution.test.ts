// Owners only when something needs them (issue 17): the census of real `ss -tano` output, and the owners pass
// (`ss -tanpo state ...`, captured beside it) read only when a failing finding or a drawn view names a process.
import { readFileSync } from 'node:fs'
import { join } from 'node:path'

import { loadChecks } from '../../../src/checks/registry.js'
import { runChecks, type RunInput } from '../../../src/engine/run.js'
import { Unavailable } from '../../../src/model/errors.js'
import { keyLabel, type Source } from '../../../src/probes/source.js'
import { ROOT } from '../../helpers/netns.js'
import { notingCommands, tableSource } from '../../helpers/table-source.js'

const fixture = (name: string) => readFileSync(join(ROOT, 'test', 'fixtures', 'census', name), 'utf8')
const OWNERS = 'ss -tanpo state close-wait state established state listening'

/** A fixture table that remembers every command read through it. */
function logged(table: Record<string, string | Error>): { source: Source; commands: string[] } {
  const commands: string[] = []
  return { source: notingCommands(tableSource(table), (key) => commands.push(keyLabel(key))), commands }
}

async function run(table: Record<string, string | Error>, ids: string[], extra: Partial<RunInput> = {}) {
  const { source, commands } = logged(table)
  const result = await runChecks({ source, checks: await loadChecks(ids), intervalSeconds: 0, options: { maxDetails: 100 }, recordedWindowSeconds: 0, ...extra })
  const failing = (id: string) => result.findings.filter((f) => f.check === id && f.status === 'fail')
  return { result, commands, failing }
}

const CW = { side: 'server', local: '[::ffff:127.0.0.1]:9100' }

test('failing findings without a pid get their owners from one targeted pass; the checks see them', async () => {
  const { result, commands, failing } = await run({ 'ss -tano': fixture('ss-tano.out'), [OWNERS]: fixture('ss-tanpo-owners.out') }, ['sockets.close-wait', 'keepalive.sockets'], {
    viewOwners: () => ['listening'],
  })
  expect(commands).toEqual(['ss -tano', OWNERS])
  const cw = failing('sockets.close-wait')
  expect(cw.map((f) => f.subject)).toEqual([{ ...CW, pid: 308247, process: 'node' }])
  expect(cw[0].message).toMatch(/^12 CLOSE_WAIT sockets held by node \(pid 308247\)/)
  // 5 held connections without keepalive: the listener's side and the client's, each with its process
  const ka = failing('keepalive.sockets').map((f) => f.subject)
  expect(ka).toEqual(
    expect.arrayContaining([
      { local: '[::1]:9001', side: 'server', process: 'node', pid: 308231 },
      { remote: '[::1]:9001', side: 'client', process: 'node', pid: 308269 },
    ]),
  )
  // their counts are the owners pass's, and the evidence says so
  expect(failing('keepalive.sockets').flatMap((f) => f.evidence.map((e) => e.source))).toEqual(expect.arrayContaining([OWNERS]))
  expect(new Set(failing('keepalive.sockets').flatMap((f) => f.evidence.map((e) => e.source)))).toEqual(new Set([OWNERS]))
  const census = result.facts.get('census')
  expect(census.listening.find((l) => l.local === '127.0.0.1:8080')).toMatchObject({ pid: 308239, process: 'node' })
  expect(census.attributed).toEqual({ source: OWNERS, states: ['close-wait', 'established', 'listening'] })
})

test('each group cites its own read: one the owners pass replaced names the pass, one it did not the census', async () => {
  // the listener's side of the 5 held connections is not in the pass (they closed between the two reads); the client's is
  const withoutServerSide = fixture('ss-tanpo-owners.out')
    .split('\n')
    .filter((l) => !/^ESTAB +\S+ +\S+ +\[::1\]:9001 /.test(l))
    .join('\n')
  const { failing } = await run({ 'ss -tano': fixture('ss-tano.out'), [OWNERS]: withoutServerSide }, ['sockets.close-wait', 'keepalive.sockets'], { viewOwners: () => ['listening'] })
  const sources = (f: { evidence: { source: string }[] }) => [...new Set(f.evidence.map((e) => e.source))]
  const ka = failing('keepalive.sockets').map((f) => ({ subject: f.subject, sources: sources(f) }))
  expect(ka).toEqual(
    expect.arrayContaining([
      { subject: { local: '[::1]:9001', side: 'server' }, sources: ['ss -tano'] },
      { subject: { remote: '[::1]:9001', side: 'client', process: 'node', pid: 308269 }, sources: [OWNERS] },
    ]),
  )
  expect(ka).toHaveLength(2)
  expect(failing('sockets.close-wait').map(sources)).toEqual([[OWNERS]])
})

test('a failing finding the configuration ignores wants no owners: no ss -p pass for it', async () => {
  const table = { 'ss -tano': fixture('ss-tano.out'), 'ss -tanpo state close-wait': fixture('ss-tanpo-owners.out').split('\n').filter((l) => l.startsWith('CLOSE-WAIT')).map((l) => l.replace(/^CLOSE-WAIT /, '')).join('\n') }
  const ignored = await run(table, ['sockets.close-wait'], { config: { ignore: [{ check: 'sockets.close-wait', local: CW.local }] } })
  expect(ignored.commands).toEqual(['ss -tano'])
  expect(ignored.failing('sockets.close-wait')).toEqual([])
  // a rule that names the process can only match once the owners are known: the pass runs, then the rule applies
  const byProcess = await run(table, ['sockets.close-wait'], { config: { ignore: [{ check: 'sockets.close-wait', process: 'node' }] } })
  expect(byProcess.commands).toEqual(['ss -tano', 'ss -tanpo state close-wait'])
  expect(byProcess.failing('sockets.close-wait')).toEqual([])
})

test('fd limits and an owners pass in one sample share one ss -p walk; over a window, one walk per sample', async () => {
  const table = { 'ss -tano': fixture('ss-tano.out'), 'ss -tanpo': fixture('ss-tanpo-owners.out'), 'ss -tanpo state close-wait': fixture('ss-tanpo-owners.out').split('\n').filter((l) => l.startsWith('CLOSE-WAIT')).map((l) => l.replace(/^CLOSE-WAIT /, '')).join('\n') }
  const once = await run(table, ['ports.fd-limit', 'sockets.close-wait'])
  expect(once.commands).toEqual(['ss -tano', 'ss -tanpo'])
  expect(once.failing('sockets.close-wait').map((f) => f.subject)).toEqual([{ ...CW, pid: 308247, process: 'node' }])
  expect(once.result.facts.get('census').attributed).toEqual({ source: 'ss -tanpo', states: ['close-wait'] })
  // the descriptors' processes are every socket's owners in that pass
  expect(once.result.facts.get('descriptors').map((d) => d.pid).sort()).toEqual([308223, 308231, 308239, 308247, 308269])
  const window = await run(table, ['ports.fd-limit', 'sockets.close-wait'], { recordedWindowSeconds: 2 })
  expect(window.commands).toEqual(['ss -tano', 'ss -tanpo', 'ss -tano', 'ss -tanpo state close-wait'])
  expect(window.failing('sockets.close-wait').map((f) => f.subject)).toEqual([{ ...CW, pid: 308247, process: 'node' }])
})

test('a full pass for fd limits that failed (a time-out) leaves the narrower owners pass to try; one that cannot run at all does not', async () => {
  const closeWait = fixture('ss-tanpo-owners.out').split('\n').filter((l) => l.startsWith('CLOSE-WAIT')).map((l) => l.replace(/^CLOSE-WAIT /, '')).join('\n')
  const timedOut = await run({ 'ss -tano': fixture('ss-tano.out'), 'ss -tanpo': new Unavailable('error', 'ss -tanpo timed out after 30 s'), 'ss -tanpo state close-wait': closeWait }, ['ports.fd-limit', 'sockets.close-wait'])
  expect(timedOut.commands).toEqual(['ss -tano', 'ss -tanpo', 'ss -tanpo state close-wait'])
  expect(timedOut.failing('sockets.close-wait').map((f) => f.subject)).toEqual([{ ...CW, pid: 308247, process: 'node' }])
  const noSs = await run({ 'ss -tano': fixture('ss-tano.out'), 'ss -tanpo': new Unavailable('skip', 'ss is not installed'), 'ss -tanpo state close-wait': closeWait }, ['ports.fd-limit', 'sockets.close-wait'])
  expect(noSs.commands).not.toContain('ss -tanpo state close-wait')
  expect(noSs.result.notes).toEqual([expect.stringMatching(/^process owners not read \(/)])
})

test('nothing that names a process fails: no ss -p pass at all', async () => {
  const { commands, failing, result } = await run({ 'ss -tano': fixture('ss-tano.out') }, ['timewait.storm', 'sockets.fin-wait2', 'ports.ephemeral-exhaustion'])
  expect(commands).toEqual(['ss -tano'])
  expect(failing('timewait.storm')).toEqual([])
  expect(result.facts.get('census').attributed).toBeUndefined()
})

test('one state wanted: `ss state X` without its State column; a snapshot reads its full pass, filtered the same way', async () => {
  const live = await run({ 'ss -tano': fixture('ss-tano.out'), [OWNERS]: fixture('ss-tanpo-owners.out') }, ['sockets.close-wait'], { viewOwners: () => ['close-wait', 'established', 'listening'] })
  const replay = await run({ 'ss -tano': fixture('ss-tano.out'), 'ss -tanpo': fixture('ss-tanpo-owners.out') }, ['sockets.close-wait'], { owners: 'all', viewOwners: () => ['close-wait', 'established', 'listening'] })
  expect(replay.commands).toEqual(['ss -tano', 'ss -tanpo'])
  // the same findings; only the evidence says which command the owners came from
  const same = (fs: any[]) => fs.map((f) => ({ ...f, evidence: f.evidence.map((e: any) => e.value) }))
  expect(same(replay.result.findings)).toEqual(same(live.result.findings))
  expect(replay.failing('sockets.close-wait')[0].evidence[0].source).toBe('ss -tanpo')
  const groups = (r: typeof live) => r.result.facts.get('census').closeWait.map(({ source: _, ...g }) => g)
  expect(groups(replay)).toEqual(groups(live))
  // the lines of `ss -tanpo state close-wait` have no State column: cut it from the captured pass
  const onlyCloseWait = fixture('ss-tanpo-owners.out')
    .split('\n')
    .filter((l) => l.startsWith('CLOSE-WAIT'))
    .map((l) => l.replace(/^CLOSE-WAIT /, ''))
    .join('\n')
  const one = await run({ 'ss -tano': fixture('ss-tano.out'), 'ss -tanpo state close-wait': onlyCloseWait }, ['sockets.close-wait'])
  expect(one.commands).toEqual(['ss -tano', 'ss -tanpo state close-wait'])
  expect(one.failing('sockets.close-wait').map((f) => f.subject)).toEqual([{ ...CW, pid: 308247, process: 'node' }])
})

test('a snapshot of netdoc 0.3 has owners inline: no pass; a pass that cannot run leaves the findings without a pid and says so', async () => {
  const old = await run({ 'ss -tanpo': fixture('ss-tanpo.out') }, ['sockets.close-wait'])
  expect(old.commands).toEqual(['ss -tano', 'ss -tanpo'])
  expect(old.failing('sockets.close-wait')[0].subject).toMatchObject({ pid: 17584, process: 'node' })

  const denied = await run({ 'ss -tano': fixture('ss-tano.out'), 'ss -tanpo state close-wait': new Unavailable('error', 'ss -tanpo failed: Operation not permitted') }, ['sockets.close-wait'])
  expect(denied.failing('sockets.close-wait').map((f) => f.subject)).toEqual([CW])
  expect(denied.result.notes).toEqual([expect.stringMatching(/process owners not read \(ss -tanpo failed: Operation not permitted\)/)])
})

test('an owners pass that prints a line ss never prints leaves the findings as the census made them, with a note, and the run goes on', async () => {
  const bad = await run({ 'ss -tano': fixture('ss-tano.out'), 'ss -tanpo state close-wait': 'BOGUS line\n' }, ['sockets.close-wait'])
  expect(bad.failing('sockets.close-wait').map((f) => f.subject)).toEqual([CW])
  expect(bad.result.notes).toEqual([expect.stringMatching(/^process owners not read \(.+\): findings name no process$/)])
})

test('an owners pass that fails for a bug (a TypeError in its reader) says so: the note names an internal error of netdoc, not the host, and the run goes on', async () => {
  const bug = new TypeError("Cannot read properties of undefined (reading 'pid')")
  const r = await run({ 'ss -tano': fixture('ss-tano.out'), 'ss -tanpo state close-wait': bug }, ['sockets.close-wait'])
  expect(r.failing('sockets.close-wait').map((f) => f.subject)).toEqual([CW])
  expect(r.result.notes).toEqual([expect.stringMatching(/^process owners not read \(internal error reading the process owners: Cannot read properties of undefined \(reading 'pid'\) \(a bug in netdoc, not the host's fault; DEBUG=netdoc prints the stack\)\)/)])
})
