import fc from 'fast-check'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'

import { CensusBuilder, censusOf, censusOfSsLines, censusWithKeepalive, MAX_DESTINATIONS } from '../../../src/census/census.js'
import { socketId } from '../../../src/census/keepalive.js'
import type { SocketCensus } from '../../../src/model/facts.js'
import { parseProcNetTcp } from '../../../src/parsers/proc-net-tcp.js'
import { parseSs } from '../../../src/parsers/ss.js'
import { linesArb, runs, SEED } from '../../helpers/fuzz.js'
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
    expect(c.closeWait).toEqual([{ side: 'server', local: '[::ffff:127.0.0.1]:9100', pid: 17584, process: 'node', count: 12, source: 'ss -tanpo' }])
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
    expect(c.closeWait).toEqual([{ side: 'server', local: '[::ffff:127.0.0.1]:9100', count: 12, source: '/proc/net/tcp' }])
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
      { side: 'client', remote: '10.0.0.2:6379', pid: 7, process: 'app', count: 3, source: 't' },
      { side: 'client', remote: '10.0.0.2:6379', pid: 8, process: 'app', count: 1, source: 't' },
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

// censusOfSsLines reads TIME-WAIT lines by their ends alone (no SsSocket) and counts states by number: it must
// give what the plain way (parseSs, then every socket through CensusBuilder.add) gives, in the same order.
describe('censusOfSsLines and the plain way agree', () => {
  /** The census as JSON (key order included), its keepalive ids as a list; a ParseError as its message. */
  const outcome = async (read: () => Promise<SocketCensus>): Promise<string> => {
    try {
      const c = await read()
      return JSON.stringify({ ...c, keepalive: c.keepalive && { ...c.keepalive, ids: [...c.keepalive.ids] } })
    } catch (err) {
      return `threw ${(err as Error).message}`
    }
  }
  const fast = (lines: string[]) => outcome(() => censusOfSsLines([lines], 'ss'))
  const plain = (lines: string[]) => outcome(() => censusWithKeepalive(parseSs(lines), 'ss'))
  const fixtures = [fixtureLines('ss-tano.out'), fixtureLines('ss-tanpo.out'), readFileSync(join(ROOT, 'test', 'fixtures', 'keepalive', 'ss-tnop.out'), 'utf8').split('\n')]

  test.each(fixtures.map((lines, i) => [i, lines] as const))('on fixture %d', async (_i, lines) => {
    const out = await fast(lines)
    expect(out).not.toMatch(/^threw/)
    expect(out).toBe(await plain(lines))
  })

  test('TIME-WAIT lines in between others, a continuation line after one, and lines the quick reading leaves to the regex', async () => {
    const lines = [
      'State     Recv-Q Send-Q Local Address:Port  Peer Address:Port Process',
      'LISTEN    0      4096       127.0.0.1:9000       0.0.0.0:*',
      'ESTAB     0      0          127.0.0.1:40000    127.0.0.1:9001',
      'TIME-WAIT 0      0          127.0.0.1:40001    127.0.0.1:9002  timer:(timewait,56sec,0)',
      '\t cubic wscale:7,7',
      'TIME-WAIT 0      0          127.0.0.1:9000     127.0.0.1:50000 timer:(timewait,1.2sec,0)',
      'TIME-WAIT 0      0      [::ffff:127.0.0.1]:40002 [::ffff:127.0.0.1]:9002',
      'TIME-WAIT 0      0          127.0.0.1:40003\t127.0.0.1:9003',
      'TIME-WAIT 0      0          127.0.0.1:40004    127.0.0.1:9003  users:(("odd",pid=7,fd=3))',
      'CLOSE-WAIT 1     0          127.0.0.1:9000     127.0.0.1:50001',
      'TIME-WAIT 0      0          127.0.0.1:40005    127.0.0.1:9004',
    ]
    const out = await fast(lines)
    expect(JSON.parse(out).states).toEqual({ LISTEN: 1, ESTAB: 1, 'TIME-WAIT': 6, 'CLOSE-WAIT': 1 })
    expect(out).toBe(await plain(lines))
  })

  test('mutated and random lines: the same census, or the same ParseError', async () => {
    await fc.assert(
      fc.asyncProperty(linesArb(fixtures[0]), async (lines) => {
        expect(await fast(lines)).toBe(await plain(lines))
      }),
      { seed: SEED, numRuns: runs(300) },
    )
  })
})

test('socketId is the hash of "local peer" without building that string', () => {
  // the two FNV-1a hashes over the joined string, as written before the string was no longer built
  const joined = (local: string, peer: string): number => {
    const s = `${local} ${peer}`
    let a = 0x811c9dc5
    let b = 0x01000193
    for (let i = 0; i < s.length; i++) {
      a = Math.imul(a ^ s.charCodeAt(i), 0x01000193) >>> 0
      b = Math.imul(b ^ s.charCodeAt(i), 0x5bd1e995) >>> 0
    }
    return a * 2097152 + (b & 0x1fffff)
  }
  for (const [local, peer] of [['127.0.0.1:9000', '127.0.0.1:35136'], ['[::1]:443', '[2001:db8::9]:50001'], ['', ''], ['10.0.0.1%eth0:1', 'é:2']]) {
    expect(socketId(local, peer)).toBe(joined(local, peer))
  }
})
