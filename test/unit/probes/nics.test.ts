// The nics and rpFilter probes over a Source answering from the ethtool fixtures (no I/O of the host).
import { readFileSync } from 'node:fs'
import { join } from 'node:path'

import { Unavailable } from '../../../src/model/errors.js'
import type { FactId, FactTypes, NetInterface } from '../../../src/model/facts.js'
import { nics } from '../../../src/probes/nics.js'
import { rpFilter } from '../../../src/probes/rp-filter.js'
import { ROOT } from '../../helpers/netns.js'
import { tableSource } from '../../helpers/table-source.js'

const fixture = (name: string) => readFileSync(join(ROOT, 'test', 'fixtures', 'ethtool', name), 'utf8')

const ifaces = (...names: string[]): NetInterface[] => names.map((name) => ({ name, stats: {} }))
const getWith = (list: NetInterface[]) => async <K extends FactId>(id: K): Promise<FactTypes[K]> => {
  if (id !== 'interfaces') throw new Error(`unexpected get(${id})`)
  return list as FactTypes[K]
}

describe('nics probe', () => {
  test('ethtool -i, -S, -g per interface but lo; a driver without -g keeps the reason', async () => {
    const source = tableSource({
      'ethtool -i eth0': 'driver: virtio_net\n',
      'ethtool -S eth0': fixture('ethtool-S-virtio_net'),
      'ethtool -g eth0': fixture('ethtool-g-virtio_net'),
      'ethtool -i veth0': 'driver: veth\n',
      'ethtool -S veth0': fixture('ethtool-S-veth'),
      'ethtool -g veth0': new Unavailable('error', 'ethtool -g veth0 failed: netlink error: Operation not supported'),
    })
    const out = await nics.collect(source, getWith(ifaces('lo', 'eth0', 'veth0')))
    expect(out.map((n) => n.name)).toEqual(['eth0', 'veth0'])
    expect(out[0]).toMatchObject({ driver: 'virtio_net', ring: { current: { rx: 256 }, max: { rx: 256 } } })
    expect(out[0].stats!.rx_drops).toBe(0)
    expect(out[1]).toMatchObject({ driver: 'veth', ringUnavailable: expect.stringMatching(/Operation not supported/) })
  })

  test('ethtool not installed: the whole fact is a skip naming the install command', async () => {
    const source = tableSource({ 'ethtool -i eth0': new Unavailable('error', '`ethtool` not found: install ethtool') })
    await expect(nics.collect(source, getWith(ifaces('lo', 'eth0')))).rejects.toMatchObject({ kind: 'skip', reason: expect.stringMatching(/apt-get install -y ethtool/) })
  })

  test('only lo: no command is run', async () => {
    expect(await nics.collect(tableSource({}), getWith(ifaces('lo')))).toEqual([])
  })
})

test('rpFilter probe: conf.all, conf.default and each interface', async () => {
  const source = tableSource({
    '/proc/sys/net/ipv4/conf/all/rp_filter': '0\n',
    '/proc/sys/net/ipv4/conf/default/rp_filter': '2\n',
    '/proc/sys/net/ipv4/conf/lo/rp_filter': '0\n',
    '/proc/sys/net/ipv4/conf/eth0/rp_filter': '1\n',
  })
  expect(await rpFilter.collect(source, getWith(ifaces('lo', 'eth0', 'gone0')))).toEqual({ all: 0, default: 2, interfaces: { lo: 0, eth0: 1 } })
})
