// The conntrack, neighbour and listener-holder probes over a Source of fixtures: which input each reads, the
// fallback to `conntrack -S`, and the skip that names what is missing.
import { readFileSync } from 'node:fs'
import { join } from 'node:path'

import { Unavailable } from '../../../src/model/errors.js'
import type { FactId, FactTypes, Listener } from '../../../src/model/facts.js'
import { conntrackStats } from '../../../src/probes/conntrack-stats.js'
import { listenerHolders } from '../../../src/probes/listener-holders.js'
import { neighbourStats } from '../../../src/probes/neighbour-stats.js'
import { ROOT } from '../../helpers/netns.js'
import { tableSource } from '../../helpers/table-source.js'

const fixture = (folder: string, name: string) => readFileSync(join(ROOT, 'test', 'fixtures', folder, name), 'utf8')
const noGet = async <K extends FactId>(id: K): Promise<FactTypes[K]> => {
  throw new Error(`unexpected get(${id})`)
}

describe('conntrackStats probe', () => {
  test('/proc/net/stat/nf_conntrack when it exists', async () => {
    const s = await conntrackStats.collect(tableSource({ '/proc/net/stat/nf_conntrack': fixture('linux-6.18.44', 'proc-net-stat-nf_conntrack') }), noGet)
    expect(s).toMatchObject({ source: '/proc/net/stat/nf_conntrack', entries: 20 })
  })

  test('conntrack -S (a command through the Source) when the kernel has no procfs statistics', async () => {
    const s = await conntrackStats.collect(tableSource({ 'conntrack -S': fixture('kernel-tables', 'conntrack-S-drops.out') }), noGet)
    expect(s.source).toBe('conntrack -S')
    expect(s.cpus).toHaveLength(2)
  })

  test('neither: a skip naming both and the install command', async () => {
    const source = tableSource({ 'conntrack -S': new Unavailable('error', '`conntrack` not found: install conntrack-tools (apt-get install -y conntrack)') })
    await expect(conntrackStats.collect(source, noGet)).rejects.toMatchObject({ kind: 'skip', reason: expect.stringMatching(/\/proc\/net\/stat\/nf_conntrack is missing and conntrack -S gave none.*apt-get install -y conntrack/) })
  })

  test('conntrack -S refused (no CAP_NET_ADMIN): an error, not a skip', async () => {
    const source = tableSource({ 'conntrack -S': new Unavailable('error', 'conntrack -S failed: Operation not permitted') })
    await expect(conntrackStats.collect(source, noGet)).rejects.toMatchObject({ kind: 'error' })
  })
})

describe('neighbourStats probe', () => {
  test('both tables from the host', async () => {
    const n = await neighbourStats.collect(tableSource({ '/proc/net/stat/arp_cache': fixture('linux-6.18.44', 'proc-net-stat-arp_cache'), '/proc/net/stat/ndisc_cache': fixture('linux-6.18.44', 'proc-net-stat-ndisc_cache') }), noGet)
    expect(n.arp?.entries).toBe(5)
    expect(n.ndisc?.cpus.length).toBe(2)
  })

  test('no IPv6: the ARP table alone', async () => {
    const n = await neighbourStats.collect(tableSource({ '/proc/net/stat/arp_cache': fixture('linux-6.18.44', 'proc-net-stat-arp_cache') }), noGet)
    expect(n.ndisc).toBeUndefined()
  })

  test('inside another namespace (no table): skip saying the tables are the host\'s', async () => {
    await expect(neighbourStats.collect(tableSource({}), noGet)).rejects.toMatchObject({ kind: 'skip', reason: expect.stringMatching(/initial network namespace/) })
  })
})

describe('listenerHolders probe', () => {
  const listeners: Listener[] = [{ source: 'ss -ltnmp', local: '*:1234', address: '*', port: 1234, recvQ: 0, sendQ: 16, processes: [{ name: 'sleep', pid: 42, fd: 3 }, { name: 'gone', pid: 43, fd: 5 }] }]
  const get = async <K extends FactId>(id: K): Promise<FactTypes[K]> => {
    if (id !== 'listeners') throw new Error(`unexpected get(${id})`)
    return listeners as FactTypes[K]
  }

  test('every holder: stat, fdinfo, children; a process that exited is marked, not fatal', async () => {
    const source = tableSource({
      '/proc/uptime': '1000.50 1900.00\n',
      '/proc/42/stat': '42 (sleep) S 1 42 42 0 -1 4194560 93 0 0 0 0 0 0 0 20 0 1 0 50000 2252800 160\n',
      '/proc/42/fdinfo/3': 'pos:\t0\nflags:\t02\nmnt_id:\t15\n',
      '/proc/42/task/42/children': '',
    })
    const [sleep, gone] = await listenerHolders.collect(source, get)
    expect(sleep).toEqual({ pid: 42, fd: 3, name: 'sleep', ppid: 1, ageSeconds: 501, cloexec: false, children: [] })
    expect(gone).toMatchObject({ pid: 43, fd: 5 })
    expect(gone.unreadable).toMatch(/\/proc\/43\/stat/)
  })
})
