// The listeners probe names, on each listener, what it was read from: ss, or the /proc/net/tcp* file without ss.
import { readFileSync } from 'node:fs'
import { join } from 'node:path'

import { Unavailable } from '../../../src/model/errors.js'
import type { FactId, FactTypes } from '../../../src/model/facts.js'
import { listeners } from '../../../src/probes/listeners.js'
import { SnapshotSource } from '../../../src/probes/snapshot.js'
import { ROOT } from '../../helpers/netns.js'
import { tableSource } from '../../helpers/table-source.js'

const census = (name: string) => readFileSync(join(ROOT, 'test', 'fixtures', 'census', name), 'utf8')
const SS_OUT = 'State  Recv-Q Send-Q Local Address:Port Peer Address:PortProcess\nLISTEN 5      4          127.0.0.1:8080      0.0.0.0:*    users:(("node",pid=201744,fd=19))\n\t skmem:(r0,rb131072,t0,tb16384,f0,w0,o0,bl0,d6)\n'
const noSs = new Unavailable('error', '`ss` not found: install iproute2 (apt-get install -y iproute2)')

const noGet = async <K extends FactId>(id: K): Promise<FactTypes[K]> => {
  throw new Error(`unexpected get(${id})`)
}

describe('listeners probe', () => {
  test('from ss: the ss command', async () => {
    const out = await listeners.collect(tableSource({ 'ss -ltnmp': SS_OUT }), noGet)
    expect(out).toEqual([expect.objectContaining({ source: 'ss -ltnmp', local: '127.0.0.1:8080', recvQ: 5, sendQ: 4, drops: 6 })])
  })

  test('without ss: the /proc/net file each listener came from', async () => {
    const out = await listeners.collect(tableSource({ 'ss -ltnmp': noSs, '/proc/net/tcp': census('proc-net-tcp.out'), '/proc/net/tcp6': census('proc-net-tcp6.out') }), noGet)
    const sources = new Set(out.map((l) => l.source))
    expect(sources).toEqual(new Set(['/proc/net/tcp', '/proc/net/tcp6']))
    expect(out.every((l) => l.source === (l.local.startsWith('[') ? '/proc/net/tcp6' : '/proc/net/tcp'))).toBe(true)
  })

  test('a snapshot of netdoc 0.3 (its ss -ltnmp output, no source recorded) replays with the command it ran', async () => {
    const snap = new SnapshotSource(join(ROOT, 'test', 'fixtures', 'snapshots', 'stuck-listener'))
    const out = await listeners.collect(snap.forSample(1), noGet)
    expect(out.length).toBeGreaterThan(0)
    expect(out.every((l) => l.source === 'ss -ltnmp')).toBe(true)
  })
})
