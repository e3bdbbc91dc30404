import { readFileSync } from 'node:fs'
import { join } from 'node:path'

import { CensusBuilder, censusOf, MAX_DESTINATIONS } from '../../../src/census/census.js'
import { parseProcNetTcp } from '../../../src/parsers/proc-net-tcp.js'
import { parseSs } from '../../../src/parsers/ss.js'
import { ROOT } from '../../helpers/netns.js'

const fixtureLines = (name: string) => readFileSync(join(ROOT, 'test', 'fixtures', 'census', name), 'utf8').split('\n')
const byKey = <T>(items: T[], key: (t: T) => string) => new Map(items.map((t) => [key(t), t]))

describe('census of the captured ss -tanpo (see test/fixtures/census/README.md)', () => {
  let c: Awaited<ReturnType<typeof censusOf>>
  beforeAll(async () => {
    c = await censusOf(parseSs(fixtureLines('ss-tanpo.out')), 'ss -tanpo')
  })

  test('counts per state', () => {
    expect(c.total).toBe(72)
    expect(c.states).toEqual({ LISTEN: 4, 'TIME-WAIT': 34, 'FIN-WAIT-2': 12, 'CLOSE-WAIT': 12, ESTAB: 10 })
  })

  test('client side per (local address, remote): the closer keeps TIME_WAIT, IPv6 kept apart', () => {
    const d = byKey(c.destinations, (x) => `${x.local}|${x.remote}`)
    expect(d.get('127.0.0.1|127.0.0.1:9000')).toEqual({ local: '127.0.0.1', remote: '127.0.0.1:9000', states: { 'TIME-WAIT': 30 }, total: 30 })
    expect(d.get('127.0.0.1|127.0.0.1:9100')).toMatchObject({ states: { 'FIN-WAIT-2': 12 }, total: 12 })
    expect(d.get('::1|[::1]:9001')).toMatchObject({ states: { ESTAB: 5 }, total: 5 })
    expect(c.destinations).toHaveLength(3) // server-side sockets never become destinations
  })

  test('server side per listener: the closing server keeps TIME_WAIT, mapped clients count on the dual-stack listener', () => {
    const l = byKey(c.listeners, (x) => x.local)
    expect(l.get('127.0.0.1:8080')).toEqual({ local: '127.0.0.1:8080', states: { 'TIME-WAIT': 4 }, total: 4, pid: 17561, process: 'node' })
    expect(l.get('*:9100')).toMatchObject({ states: { 'CLOSE-WAIT': 12 }, total: 12 })
    expect(l.get('[::1]:9001')).toMatchObject({ states: { ESTAB: 5 }, total: 5 })
    expect(c.listening.map((l) => l.local).sort()).toEqual(['*:9100', '127.0.0.1:8080', '127.0.0.1:9000', '[::1]:9001'])
    expect(c.listening.find((l) => l.port === 9100)).toEqual({ local: '*:9100', port: 9100, pid: 17584, process: 'node' })
  })

  test('CLOSE_WAIT per (local endpoint, process) and socket owners', () => {
    expect(c.closeWait).toEqual([{ side: 'server', local: '[::ffff:127.0.0.1]:9100', pid: 17584, process: 'node', count: 12 }])
    const owners = byKey(c.owners, (o) => String(o.pid))
    expect(owners.get('17584')).toEqual({ pid: 17584, name: 'node', sockets: 13 }) // the listener and its 12 leaked sockets
    expect(owners.get('17644')).toEqual({ pid: 17644, name: 'node', sockets: 12 })
  })
})

describe('census of the captured /proc/net/tcp and tcp6 (the fallback without ss)', () => {
  test('the same groups, without processes', async () => {
    const sockets = (function* () {
      for (const f of ['proc-net-tcp.out', 'proc-net-tcp6.out']) for (const s of parseProcNetTcp(fixtureLines(f), f)) yield { state: s.state, local: s.local, peer: s.remote, processes: [] }
    })()
    const c = await censusOf(sockets, '/proc/net/tcp')
    expect(c.states['LISTEN']).toBe(4)
    expect(c.states['CLOSE-WAIT']).toBe(12)
    expect(c.destinations.find((d) => d.remote === '127.0.0.1:9000')?.states['TIME-WAIT']).toBe(30)
    // /proc writes the dual-stack wildcard as [::]:9100; the mapped CLOSE-WAIT sockets still land on it
    expect(c.listeners.find((l) => l.local === '[::]:9100')?.states['CLOSE-WAIT']).toBe(12)
    expect(c.closeWait).toEqual([{ side: 'server', local: '[::ffff:127.0.0.1]:9100', count: 12 }])
    expect(c.owners).toEqual([])
  })
})

describe('CensusBuilder', () => {
  const sock = (state: string, local: string, peer: string, pid?: number) => ({ state, local, peer, processes: pid ? [{ name: 'app', pid }] : [] })

  test('a listener seen on its LISTEN line makes the sockets after it server side, with its process', () => {
    const b = new CensusBuilder()
    b.add(sock('LISTEN', '*:443', '*:*', 811))
    b.add(sock('TIME-WAIT', '[::ffff:10.0.0.1]:443', '[::ffff:10.0.0.9]:50000'))
    b.add(sock('ESTAB', '[2001:db8::1]:443', '[2001:db8::9]:50001', 811))
    const c = b.result('t')
    expect(c.destinations).toHaveLength(0)
    expect(c.listeners).toEqual([{ local: '*:443', states: { 'TIME-WAIT': 1, ESTAB: 1 }, total: 2, pid: 811, process: 'app' }])
  })

  test('wildcards by family: an IPv4 wildcard listener does not claim an IPv6 socket on the same port', () => {
    const b = new CensusBuilder(['0.0.0.0:5000'])
    b.add(sock('ESTAB', '10.0.0.1:5000', '10.0.0.9:40000'))
    b.add(sock('ESTAB', '[::1]:5000', '[::1]:6000'))
    const c = b.result('t')
    expect(c.listeners.map((l) => [l.local, l.total])).toEqual([['0.0.0.0:5000', 1]])
    expect(c.destinations.map((d) => d.remote)).toEqual(['[::1]:6000'])
  })

  test('a listener on one address does not make the same port on another address server side', () => {
    const b = new CensusBuilder(['127.0.0.1:5000'])
    b.add(sock('ESTAB', '10.0.0.1:5000', '10.0.0.2:80'))
    expect(b.result('t').destinations.map((d) => d.remote)).toEqual(['10.0.0.2:80'])
  })

  test('IPv4-mapped peers count with their IPv4 twins; interface suffixes are dropped', () => {
    const b = new CensusBuilder()
    b.add(sock('ESTAB', '[::ffff:10.0.0.1]:40000', '[::ffff:10.0.0.2]:80'))
    b.add(sock('TIME-WAIT', '10.0.0.1:40001', '10.0.0.2:80'))
    b.add(sock('ESTAB', '10.0.0.1%eth0:40002', '10.0.0.2:80'))
    expect(b.result('t').destinations).toEqual([{ local: '10.0.0.1', remote: '10.0.0.2:80', states: { ESTAB: 2, 'TIME-WAIT': 1 }, total: 3 }])
  })

  test('client-side CLOSE_WAIT is grouped per remote and process', () => {
    const b = new CensusBuilder()
    for (let i = 0; i < 3; i++) b.add(sock('CLOSE-WAIT', `10.0.0.1:${40000 + i}`, '10.0.0.2:6379', 7))
    b.add(sock('CLOSE-WAIT', '10.0.0.1:41000', '10.0.0.2:6379', 8))
    expect(b.result('t').closeWait).toEqual([
      { side: 'client', remote: '10.0.0.2:6379', pid: 7, process: 'app', count: 3 },
      { side: 'client', remote: '10.0.0.2:6379', pid: 8, process: 'app', count: 1 },
    ])
  })

  test('distinct destinations are capped; the rest are still counted per state', () => {
    const b = new CensusBuilder()
    const n = MAX_DESTINATIONS + 5
    for (let i = 0; i < n; i++) b.add(sock('ESTAB', '10.0.0.1:40000', `10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}:80`))
    const c = b.result('t')
    expect(c.destinations).toHaveLength(MAX_DESTINATIONS)
    expect(c.ungrouped).toBe(5)
    expect(c.states.ESTAB).toBe(n)
  })
})
