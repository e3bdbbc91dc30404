// The tcpInfo fact names the command it was read with, and the checks cite that, not a command they assume.
import { existsSync, readFileSync } from 'node:fs'
import { join } from 'node:path'

import { loss } from '../../../src/checks/congestion.loss.js'
import type { FactId, FactTypes } from '../../../src/model/facts.js'
import { SnapshotSource, keyPath } from '../../../src/probes/snapshot.js'
import { keyLabel, type Source } from '../../../src/probes/source.js'
import { tcpInfo } from '../../../src/probes/tcp-info.js'
import { ctxOf, evaluateDeclared, factsOf } from '../../helpers/facts.js'
import { ROOT } from '../../helpers/netns.js'
import { tableSource } from '../../helpers/table-source.js'

const LOSSY = readFileSync(join(ROOT, 'test', 'fixtures', 'linux-6.18.44', 'ss-tnimp-established-lossy'), 'utf8')

const noGet = async <K extends FactId>(id: K): Promise<FactTypes[K]> => {
  throw new Error(`unexpected get(${id})`)
}

/** A source that notes every command asked of it. */
function noting(inner: Source, asked: string[]): Source {
  return {
    ...inner,
    lines: (key) => {
      if ('cmd' in key) asked.push(keyLabel(key))
      return inner.lines(key)
    },
  }
}

describe('tcpInfo probe', () => {
  test('the fact names the command the probe ran, and congestion.loss cites it', async () => {
    const asked: string[] = []
    const info = await tcpInfo.collect(noting(tableSource({ 'ss -tnimp state established': LOSSY }), asked), noGet)
    expect(asked).toHaveLength(1)
    expect(info.source).toBe(asked[0])
    const failing = evaluateDeclared(loss, factsOf({ tcpInfo: info }), ctxOf(loss, 0)).filter((f) => f.status === 'fail')
    expect(failing.length).toBeGreaterThan(0)
    for (const f of failing) expect(f.evidence.map((e) => e.source)).toEqual(f.evidence.map(() => asked[0]))
  })

  test('a snapshot of netdoc 0.3 (no source recorded) replays with the command whose output it recorded', async () => {
    const root = join(ROOT, 'test', 'fixtures', 'snapshots', 'busy-host')
    const info = await tcpInfo.collect(new SnapshotSource(root).forSample(1), noGet)
    expect(info.sockets).toBeGreaterThan(0)
    expect(existsSync(join(root, 'sample-1', keyPath({ cmd: info.source.split(' ') })))).toBe(true)
    expect(info.source).toBe('ss -tnimp state established')
  })
})
