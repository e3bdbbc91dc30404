import { readFileSync } from 'node:fs'
import { join } from 'node:path'

import { censusWithKeepalive } from '../../../src/census/census.js'
import { socketId } from '../../../src/census/keepalive.js'
import type { SsSocket } from '../../../src/parsers/ss.js'
import { parseSs } from '../../../src/parsers/ss.js'
import { ROOT } from '../../helpers/netns.js'

const text = readFileSync(join(ROOT, 'test', 'fixtures', 'keepalive', 'ss-tnop.out'), 'utf8')
const LISTENING = ['127.0.0.1:9101', '127.0.0.1:9102', '127.0.0.1:9103', '127.0.0.1:9104']

/** The keepalive groups of the census pass, as the census probe makes them; `listening` seeds the listeners (ss -tnop has none). */
const aggregateKeepalive = async (sockets: AsyncIterable<SsSocket>, listening: string[]) => (await censusWithKeepalive(sockets, 'ss -tnop', listening)).keepalive!

test('`ss -tnop` (captured): server sides grouped per listener, client sides per process and destination', async () => {
  const r = await aggregateKeepalive(parseSs(text.split('\n')), LISTENING)
  expect(r.total).toBe(8)
  expect(r.ids.size).toBe(8)
  const servers = r.groups.filter((g) => g.side === 'server')
  expect(servers.map((g) => g.local).sort()).toEqual(['127.0.0.1:9101', '127.0.0.1:9102', '127.0.0.1:9103', '127.0.0.1:9104'])
  expect(servers.every((g) => g.with === 0 && g.without === 1 && g.process === 'node')).toBe(true)
  const clients = r.groups.filter((g) => g.side === 'client')
  const byRemote = Object.fromEntries(clients.map((g) => [g.remote, [g.with, g.without]]))
  expect(byRemote).toEqual({ '127.0.0.1:9101': [1, 0], '127.0.0.1:9102': [1, 0], '127.0.0.1:9103': [0, 1], '127.0.0.1:9104': [1, 0] })
})

test('without listening ports every socket is a client', async () => {
  const r = await aggregateKeepalive(parseSs(text.split('\n')), [])
  expect(r.groups.every((g) => g.side === 'client')).toBe(true)
  expect(r.groups.reduce((n, g) => n + g.with + g.without, 0)).toBe(8)
})

test('other states are not counted', async () => {
  const lines = ['State Recv-Q Send-Q Local Address:Port Peer Address:Port Process', 'TIME-WAIT 0 0 127.0.0.1:40000 127.0.0.1:80 timer:(timewait,59sec,0)']
  expect((await aggregateKeepalive(parseSs(lines), ['127.0.0.1:80'])).total).toBe(0)
})

test('socket ids differ per socket and are stable', () => {
  expect(socketId('127.0.0.1:1', '127.0.0.1:2')).toBe(socketId('127.0.0.1:1', '127.0.0.1:2'))
  expect(socketId('127.0.0.1:1', '127.0.0.1:2')).not.toBe(socketId('127.0.0.1:2', '127.0.0.1:1'))
  expect(Number.isSafeInteger(socketId('[::1]:65535', '[::1]:65535'))).toBe(true)
})
