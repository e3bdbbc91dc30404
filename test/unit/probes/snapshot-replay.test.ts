// A snapshot replays the lines the live run read, split where the live reader split them: a command's output at
// LF (CRLF read as LF, exec.ts chunkLines), never at a lone CR, which any user can put in a process name.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

import { loadChecks } from '../../../src/checks/registry.js'
import { runChecks } from '../../../src/engine/run.js'
import { Unavailable } from '../../../src/model/errors.js'
import { LiveSource } from '../../../src/probes/live.js'
import { OutputDir } from '../../../src/probes/output-dir.js'
import { MANIFEST, RecordingSource, SnapshotSource } from '../../../src/probes/snapshot.js'
import { keyLabel, type ProbeKey, type Source } from '../../../src/probes/source.js'
import { ROOT } from '../../helpers/netns.js'

const fixture = (name: string) => readFileSync(join(ROOT, 'test', 'fixtures', 'census', name), 'utf8')

/** The leaking server of the census fixtures (pid 308247, its CLOSE_WAIT sockets on 9100), renamed with a CR. */
const CR_NAME = 'lea\rker'

let dir: string
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'netdoc-replay-'))
})
afterEach(() => rmSync(dir, { recursive: true, force: true }))

/**
 * The live host's reader over recorded command outputs: each command a `cat` of its file through a real pipe
 * (LiveSource, exec.ts); any other read is missing, as on a host without it.
 */
function piped(outputs: Record<string, string>): Source {
  const live = new LiveSource()
  const cat = (key: ProbeKey): ProbeKey => {
    const text = outputs[keyLabel(key)]
    if (text === undefined) throw new Unavailable('skip', `${keyLabel(key)} does not exist on this system`)
    const file = join(dir, `${Object.keys(outputs).indexOf(keyLabel(key))}.out`)
    writeFileSync(file, text)
    return { cmd: ['cat', file] }
  }
  const source: Source = {
    description: 'live host',
    kind: 'live',
    text: async (key) => live.text(cat(key)),
    async *lines(key) {
      yield* live.lines(cat(key))
    },
    async *lineBatches(key) {
      yield* live.lineBatches(cat(key))
    },
    textMany: async (paths) => new Map(paths.map((p) => [p, new Unavailable('skip', `${p} does not exist on this system`)])),
    forSample: () => source,
  }
  return source
}

function manifest(root: string): void {
  writeFileSync(
    join(root, MANIFEST),
    JSON.stringify({ format: 'netdoc-snapshot', formatVersion: 1, netdoc: 'test', createdAt: '2026-12-01T00:00:00.000Z', source: 'live host', windowSeconds: 0, samples: 1, checks: [] }),
  )
}

test('a process name with a CR: the replay reads the census and its owners as the live run read them', async () => {
  const owners = fixture('ss-tanpo-owners.out').replaceAll('(("node",pid=308247,', `(("${CR_NAME}",pid=308247,`)
  expect(owners).toContain(CR_NAME)
  const checks = await loadChecks(['sockets.close-wait', 'keepalive.sockets'])
  const snapshot = join(dir, 'snapshot')
  const out = new OutputDir(snapshot, '-o')
  out.prepare()
  // what `netdoc snapshot` does: the live reads, recorded, with the full owners pass
  const live = await runChecks({ source: new RecordingSource(piped({ 'ss -tano': fixture('ss-tano.out'), 'ss -tanpo': owners }), out), checks, intervalSeconds: 0, options: { maxDetails: 100 }, owners: 'record', viewOwners: () => ['close-wait', 'established', 'listening'] })
  manifest(snapshot)
  const replay = await runChecks({ source: new SnapshotSource(snapshot), checks, intervalSeconds: 0, options: { maxDetails: 100 }, recordedWindowSeconds: 0, owners: 'all', viewOwners: () => ['close-wait', 'established', 'listening'] })

  expect(live.notes).toEqual([])
  const held = live.findings.find((f) => f.check === 'sockets.close-wait' && f.status === 'fail')
  expect(held?.subject).toMatchObject({ pid: 308247, process: CR_NAME })
  expect(replay.findings).toEqual(live.findings)
  const census = (r: typeof live) => {
    const c = r.facts.get('census')
    return { ...c, keepalive: c.keepalive && { ...c.keepalive, ids: [...c.keepalive.ids] } }
  }
  expect(census(replay)).toEqual(census(live))
  expect(replay.facts.get('keepaliveSockets').groups).toEqual(live.facts.get('keepaliveSockets').groups)
})

test('a recorded command output replays line for line as its pipe was read: CRLF as LF, a lone CR kept, a line ending in CR kept', async () => {
  const root = join(dir, 'snapshot')
  // `\r\r\n`: the live reader reads CRLF as LF, so that line keeps one CR of its own (ss wrote it)
  const text = 'a\rb\r\n\r\nc\rd\ne\r\r\nf\r\n'
  const out = new OutputDir(root, '-o')
  out.prepare()
  const read: string[] = []
  for await (const line of new RecordingSource(piped({ 'ss -tano': text }), out).lines({ cmd: ['ss', '-tano'] })) read.push(line)
  manifest(root)
  expect(read).toEqual(['a\rb', '', 'c\rd', 'e\r', 'f'])
  const replayed: string[] = []
  for await (const line of new SnapshotSource(root).lines({ cmd: ['ss', '-tano'] })) replayed.push(line)
  expect(replayed).toEqual(read)
  const batches: string[] = []
  for await (const batch of new SnapshotSource(root).lineBatches({ cmd: ['ss', '-tano'] })) batches.push(...batch)
  expect(batches).toEqual(read)
})
