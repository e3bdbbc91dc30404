// The census and descriptor probes over a Source backed by the captured fixtures (no I/O of the host).
import { readFileSync } from 'node:fs'
import { join } from 'node:path'

import { Unavailable } from '../../../src/model/errors.js'
import type { FactId, FactTypes } from '../../../src/model/facts.js'
import { census } from '../../../src/probes/census.js'
import { descriptors } from '../../../src/probes/descriptors.js'
import { ownedCensus } from '../../../src/probes/owned-census.js'
import { sockstat } from '../../../src/probes/sockstat.js'
import { ROOT } from '../../helpers/netns.js'
import { tableSource } from '../../helpers/table-source.js'

const fixture = (name: string) => readFileSync(join(ROOT, 'test', 'fixtures', 'census', name), 'utf8')

const noGet = async <K extends FactId>(id: K): Promise<FactTypes[K]> => {
  throw new Error(`unexpected get(${id})`)
}

describe('census probe', () => {
  test('reads ss -tano in one pass: no owners (ss -p is looked up later, only when something needs it)', async () => {
    const c = await census.collect(tableSource({ 'ss -tano': fixture('ss-tano.out') }), noGet)
    expect(c.source).toBe('ss -tano')
    expect(c.total).toBe(72)
    expect(c.closeWait).toEqual([{ side: 'server', local: '[::ffff:127.0.0.1]:9100', count: 12, source: 'ss -tano' }])
    expect(c.owners).toEqual([])
    expect(c.keepalive!.total).toBe(10)
    // the census counts its own sockets with a timer (the groups may later be the owners pass's)
    expect(c.keepalive!.with).toBe(c.keepalive!.groups.reduce((n, g) => n + g.with, 0))
  })

  test('a snapshot of netdoc 0.3 (ss -tanpo, owners inline) still replays, with its owners', async () => {
    const c = await census.collect(tableSource({ 'ss -tanpo': fixture('ss-tanpo.out') }), noGet)
    expect(c.source).toBe('ss -tanpo')
    expect(c.total).toBe(72)
    expect(c.closeWait[0]).toMatchObject({ pid: 17584, count: 12 })
  })

  test('falls back to /proc/net/tcp and tcp6 when ss is missing, without processes', async () => {
    const src = tableSource({
      'ss -tano': new Unavailable('error', '`ss` not found: install iproute2 (apt-get install -y iproute2)'),
      '/proc/net/tcp': fixture('proc-net-tcp.out'),
      '/proc/net/tcp6': fixture('proc-net-tcp6.out'),
    })
    const c = await census.collect(src, noGet)
    expect(c.source).toBe('/proc/net/tcp + /proc/net/tcp6')
    expect(c.states['CLOSE-WAIT']).toBe(12)
    expect(c.owners).toEqual([])
  })

  test('without IPv6 the fallback reads /proc/net/tcp alone; another ss failure is not hidden', async () => {
    const noSs = new Unavailable('error', '`ss` not found: install iproute2')
    const c = await census.collect(tableSource({ 'ss -tano': noSs, '/proc/net/tcp': fixture('proc-net-tcp.out') }), noGet)
    expect(c.states.LISTEN).toBe(2)
    const broken = tableSource({ 'ss -tano': new Unavailable('error', 'ss -tano failed: Cannot open netlink socket') })
    await expect(census.collect(broken, noGet)).rejects.toThrow(/netlink/)
  })
})

describe('sockstat probe', () => {
  test('merges sockstat and sockstat6; sockstat6 may be missing', async () => {
    const both = await sockstat.collect(tableSource({ '/proc/net/sockstat': fixture('sockstat.out'), '/proc/net/sockstat6': fixture('sockstat6.out') }), noGet)
    expect(both.TCP.tw).toBe(34)
    expect(both.TCP6.inuse).toBe(24)
    const v4 = await sockstat.collect(tableSource({ '/proc/net/sockstat': fixture('sockstat.out') }), noGet)
    expect(v4.TCP6).toBeUndefined()
  })
})

describe('descriptors probe', () => {
  test('reads /proc/PID/limits and counts /proc/PID/fd of the socket owners; an exited process is marked unreadable', async () => {
    const src = tableSource({ '/proc/17584/limits': fixture('limits.out'), '/proc/17584/fd/': '0\n1\n2\n19\n20\n' })
    // a census of a netdoc 0.3 snapshot carries its owners: no second ss pass
    const c = await census.collect(tableSource({ 'ss -tanpo': fixture('ss-tanpo.out') }), noGet)
    const get = async <K extends FactId>(id: K): Promise<FactTypes[K]> => {
      if (id !== 'census') throw new Error(id)
      return c as FactTypes[K]
    }
    const d = await descriptors.collect(src, get)
    const leaky = d.find((x) => x.pid === 17584)!
    expect(leaky).toMatchObject({ name: 'node', sockets: 13, open: 5 })
    expect(leaky.limit).toBeGreaterThan(0)
    const gone = d.find((x) => x.pid === 17644)!
    expect(gone.open).toBeUndefined()
    expect(gone.unreadable).toMatch(/does not exist/)
  })

  test('with a census read without owners (ss -tano) it takes them from the full owners pass (ss -tanpo), counted per socket as ss -tanp would', async () => {
    const c = await census.collect(tableSource({ 'ss -tano': fixture('ss-tano.out') }), noGet)
    const getFrom = (src: ReturnType<typeof tableSource>) => {
      const pass = new Map<FactId, Promise<unknown>>()
      const get = async <K extends FactId>(id: K): Promise<FactTypes[K]> => {
        if (id === 'census') return c as FactTypes[K]
        if (id !== 'ownedCensus') throw new Error(id)
        if (!pass.has(id)) pass.set(id, ownedCensus.collect(src, get))
        return pass.get(id) as Promise<FactTypes[K]>
      }
      return get
    }
    const src = tableSource({ 'ss -tanpo': fixture('ss-tanpo.out'), '/proc/17584/limits': fixture('limits.out'), '/proc/17584/fd/': '0\n1\n' })
    const d = await descriptors.collect(src, getFrom(src))
    expect(d.find((x) => x.pid === 17584)).toMatchObject({ name: 'node', sockets: 13, open: 2 })
    // every socket's first process, in every state: what the ss -tanp loop counted
    const owners = new Map<number, number>()
    for (const line of fixture('ss-tanpo.out').split('\n')) {
      const pid = /users:\(\("[^"]*",pid=(\d+)/.exec(line)?.[1]
      if (pid) owners.set(Number(pid), (owners.get(Number(pid)) ?? 0) + 1)
    }
    expect(new Map(d.map((x) => [x.pid, x.sockets]))).toEqual(owners)
    const broken = tableSource({ 'ss -tanpo': new Unavailable('error', 'ss -tanpo failed') })
    expect(await descriptors.collect(broken, getFrom(broken)).catch((e) => e)).toBeInstanceOf(Unavailable)
    // a live host without the pass's output is not a snapshot: no fallback to another command
    const live = { ...tableSource({ 'ss -tanp': fixture('ss-tanpo.out') }), kind: 'live' as const }
    expect(await descriptors.collect(live, getFrom(live)).catch((e) => e)).toBeInstanceOf(Unavailable)
  })

  test('a snapshot recorded before the shared pass holds the descriptors\' own ss -tanp: it replays from that', async () => {
    const c = await census.collect(tableSource({ 'ss -tano': fixture('ss-tano.out') }), noGet)
    const src = tableSource({ 'ss -tanp': fixture('ss-tanpo.out') })
    const get = async <K extends FactId>(id: K): Promise<FactTypes[K]> => (id === 'census' ? c : await ownedCensus.collect(src, get)) as FactTypes[K]
    const d = await descriptors.collect(src, get)
    expect(d.find((x) => x.pid === 17584)).toMatchObject({ name: 'node', sockets: 13 })
    // the same code as the full pass, another command; without -o it knows nothing of keepalive: no keepalive fact
    const owned = await ownedCensus.collect(src, get)
    expect(owned.source).toBe('ss -tanp')
    expect(owned.closeWait[0]).toMatchObject({ pid: 17584, count: 12, source: 'ss -tanp' })
    expect(owned.keepalive).toBeUndefined()
  })
})
