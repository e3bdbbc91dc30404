import fc from 'fast-check'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'

import { parseDuration, parseSkmem, parseSs, parseTimer, parseUsers, type SsSocket } from '../../../src/parsers/ss.js'
import { splitEndpoint, unmapAddress } from '../../../src/parsers/address.js'
import { ParseError } from '../../../src/parsers/parse-error.js'
import { ROOT } from '../../helpers/netns.js'

const fixture = (name: string) => readFileSync(join(ROOT, 'test', 'fixtures', 'linux-6.18.44', name), 'utf8')

async function all(text: string): Promise<SsSocket[]> {
  const out: SsSocket[] = []
  for await (const s of parseSs(text.split('\n'))) out.push(s)
  return out
}

describe('parseSs on `ss -ltnmp` (captured)', () => {
  test('one record per listener, the skmem continuation line joined to it', async () => {
    const socks = await all(fixture('ss-ltnmp.out'))
    expect(socks.map((s) => s.local)).toEqual(['127.0.0.1:8080', '*:9090'])
    const stuck = socks[0]
    expect(stuck.state).toBe('LISTEN')
    expect(stuck.recvQ).toBeGreaterThan(stuck.sendQ) // full: the kernel lets one over
    expect(stuck.sendQ).toBe(4)
    expect(stuck.processes[0]).toMatchObject({ name: 'node', fd: 19 })
    expect(parseSkmem(stuck.extra)?.d).toBeGreaterThan(0)
    expect(socks[1].sendQ).toBe(511)
    expect(parseSkmem(socks[1].extra)?.d).toBe(0)
  })
})

describe('parseSs on `ss -tanpo` (captured)', () => {
  test('every state line parses: states, queues, both ends, processes and timers', async () => {
    const text = fixture('ss-tanpo.out')
    const socks = await all(text)
    const lines = text.split('\n').filter((l) => l.trim() && !l.startsWith('State'))
    expect(socks.length).toBe(lines.length)
    const states: Record<string, number> = {}
    for (const s of socks) states[s.state] = (states[s.state] ?? 0) + 1
    expect(states).toEqual({ LISTEN: 2, ESTAB: 20, 'SYN-SENT': 25 }) // awk '{print $1}' | sort | uniq -c on the same file
    // the first line: the stuck listener, over its backlog, with its process
    expect(socks[0]).toMatchObject({ state: 'LISTEN', recvQ: 5, sendQ: 4, local: '127.0.0.1:8080', peer: '0.0.0.0:*', processes: [{ name: 'node', pid: 7242, fd: 19 }] })
    // a server-side connection of that listener: no process column (not yet accepted)
    expect(socks[1]).toMatchObject({ state: 'ESTAB', local: '127.0.0.1:8080', peer: '127.0.0.1:42462', processes: [] })
    // a SYN-SENT client with its retransmission timer
    const syn = socks.find((s) => s.local === '127.0.0.1:42466')!
    expect(syn).toMatchObject({ state: 'SYN-SENT', recvQ: 0, sendQ: 1, peer: '127.0.0.1:8080', processes: [{ name: 'node', pid: 7268, fd: 24 }] })
    expect(parseTimer(syn.extra)).toEqual({ name: 'on', seconds: 0.132, retrans: 0 })
    expect(socks.filter((s) => parseTimer(s.extra)).length).toBe(25)
    // IPv6: the wildcard listener and bracketed endpoints
    expect(socks.find((s) => s.state === 'LISTEN' && s.local === '*:9090')).toMatchObject({ sendQ: 511, peer: '*:*', processes: [{ pid: 7243 }] })
    expect(socks.at(-1)).toMatchObject({ state: 'ESTAB', local: '[::1]:9090', peer: '[::1]:40880', processes: [{ name: 'node', pid: 7243, fd: 21 }] })
    expect(socks.map((s) => splitEndpoint(s.local).port).filter((p) => p === 9090)).toHaveLength(6)
  })
})

describe('pieces', () => {
  test('users with several processes and a name with spaces and quotes', () => {
    expect(parseUsers('users:(("nginx",pid=811,fd=6),("nginx",pid=812,fd=6))')).toEqual([
      { name: 'nginx', pid: 811, fd: 6 },
      { name: 'nginx', pid: 812, fd: 6 },
    ])
    expect(parseUsers('users:(("my \\"app\\" x",pid=5,fd=3))')[0].pid).toBe(5)
  })
  // ss prints comm raw inside the quotes (these are the lines ss 6.x printed for processes named so by prctl)
  test.each([
    ['a quote and a fake pid', 'users:(("a",pid=1,fd=3",pid=4242,fd=5)) ino:1', 'a",pid=1,fd=3'],
    ['an opening of a fake group', 'users:(("x",("y",pid=4242,fd=5))', 'x",("y'],
    ['a parenthesis (ss cuts names at one, newer ones may not)', 'users:(("a),(\"b",pid=4242,fd=5)) timer:(keepalive,1min,0)', 'a),(\"b'],
    ['an escape sequence', 'users:(("\x1b[2J\x1b[31mEVIL",pid=4242,fd=5))', '\x1b[2J\x1b[31mEVIL'],
    ['a pipe', 'users:(("a|b",pid=4242,fd=5))', 'a|b'],
  ])('a process name with %s keeps its own pid', (_what, users, name) => {
    expect(parseUsers(users)).toEqual([{ name, pid: 4242, fd: 5 }])
  })

  test('a process name with a CR, U+2028 or U+2029 (ss prints them raw, and they end no line): the socket line parses, with its pid', async () => {
    for (const name of ['a\rb', 'a\u2028b', 'a\u2029b']) {
      const lines = [`LISTEN 0      511        127.0.0.1:8300      0.0.0.0:*     users:(("${name}",pid=4242,fd=19))`, `5 0 127.0.0.1:8300 127.0.0.1:40000 users:(("${name}",pid=4242,fd=20))`]
      const socks: SsSocket[] = []
      for await (const s of parseSs(lines.slice(0, 1))) socks.push(s)
      for await (const s of parseSs(lines.slice(1), 'CLOSE-WAIT')) socks.push(s)
      expect(socks.map((s) => [s.state, s.processes])).toEqual([
        ['LISTEN', [{ name, pid: 4242, fd: 19 }]],
        ['CLOSE-WAIT', [{ name, pid: 4242, fd: 20 }]],
      ])
    }
  })

  test('a second process after a hostile name is still seen', () => {
    expect(parseUsers('users:(("a",pid=1,fd=3",pid=10,fd=5),("nginx",pid=11,fd=6))').map((p) => p.pid)).toEqual([10, 11])
  })

  test('a process name with a newline: ss breaks the line inside the quotes; the socket keeps its owner, and a socket-looking rest is not a socket', async () => {
    const lines = [
      'State  Recv-Q Send-Q Local Address:Port  Peer Address:Port Process',
      'LISTEN 0      5          127.0.0.1:8080      0.0.0.0:*     users:(("n',
      'ESTAB 0 0 a b",pid=4242,fd=3)) ino:1 sk:2 <->',
      '\t skmem:(r0,rb131072,t0,tb16384,f0,w0,o0,bl0,d0)',
      'LISTEN 0      5          127.0.0.1:8081      0.0.0.0:*     users:(("ok",pid=7,fd=3))',
    ]
    const socks: SsSocket[] = []
    for await (const s of parseSs(lines)) socks.push(s)
    expect(socks.map((s) => [s.state, s.local, s.processes])).toEqual([
      ['LISTEN', '127.0.0.1:8080', [{ name: 'n\nESTAB 0 0 a b', pid: 4242, fd: 3 }]],
      ['LISTEN', '127.0.0.1:8081', [{ name: 'ok', pid: 7, fd: 3 }]],
    ])
    expect(parseSkmem(socks[0].extra)).toMatchObject({ rb: 131072 })
  })

  test('skmem: every field, and what is not there', () => {
    expect(parseSkmem('x skmem:(r0,rb131072,t0,tb16384,f4096,w0,o0,bl0,d24) cubic')).toEqual({ r: 0, rb: 131072, t: 0, tb: 16384, f: 4096, w: 0, o: 0, bl: 0, d: 24 })
    expect(parseSkmem('skmem:(r5)')).toEqual({ r: 5 })
    expect(parseSkmem('skmem:(r,rb12,,d3')).toEqual({ rb: 12, d: 3 }) // cut short: the fields that are whole
    expect(parseSkmem('rtt:1/2')).toBeUndefined()
  })
  test('durations as ss prints them', () => {
    expect(parseDuration('58sec')).toBe(58)
    expect(parseDuration('1min58sec')).toBe(118)
    expect(parseDuration('616ms')).toBeCloseTo(0.616)
    expect(parseDuration('2h3min')).toBe(7380)
    expect(parseTimer('timer:(keepalive,1min58sec,0)')).toEqual({ name: 'keepalive', seconds: 118, retrans: 0 })
  })

  // found by test/unit/fuzz/parsers.fuzz.test.ts: Number() of 400 digits is Infinity
  test('numbers too long for a double: a queue is a ParseError, a skmem field or a timer is unknown, never Infinity', async () => {
    const long = '9'.repeat(400)
    await expect((async () => {
      for await (const s of parseSs([`LISTEN ${long} 4 127.0.0.1:8080 0.0.0.0:*`])) void s
    })()).rejects.toThrow(/line 1: queue length out of range/)
    expect(parseSkmem(`skmem:(r${long},rb131072)`)).toEqual({ rb: 131072 })
    expect(parseTimer(`timer:(keepalive,${long}sec,0)`)).toBeUndefined()
    expect(parseTimer(`timer:(keepalive,1sec,${long})`)).toBeUndefined()
    expect(parseDuration(`${long}min`)).toBeUndefined()
    expect(parseUsers(`users:(("node",pid=${long},fd=3))`)).toEqual([])
  })
  test('endpoints: IPv4, IPv6, wildcard, interface scope, mapped', () => {
    expect(splitEndpoint('127.0.0.1:8080')).toEqual({ address: '127.0.0.1', port: 8080 })
    expect(splitEndpoint('[::1]:9090')).toEqual({ address: '::1', port: 9090 })
    expect(splitEndpoint('*:9090')).toEqual({ address: '*', port: 9090 })
    expect(splitEndpoint('0.0.0.0:*').port).toBeNaN()
    expect(splitEndpoint('127.0.0.1%lo:53')).toEqual({ address: '127.0.0.1%lo', port: 53 })
    expect(unmapAddress('::ffff:127.0.0.1')).toBe('127.0.0.1')
  })
  test('endpoints: the hand scan splits as lastIndexOf and Number() did, whatever the text', () => {
    const reference = (text: string) => {
      const i = text.lastIndexOf(':')
      if (i < 0) return { address: text, port: NaN }
      let address = text.slice(0, i)
      if (address.startsWith('[') && address.endsWith(']')) address = address.slice(1, -1)
      const port = text.slice(i + 1)
      return { address, port: port === '*' ? NaN : Number(port) }
    }
    for (const t of ['a:', 'a:0012', 'a:65535', 'a:123456', 'a:1e3', 'a: 1', 'a:+1', ':', '[::]:0', '[]:1', 'x', '']) expect(splitEndpoint(t)).toEqual(reference(t))
    fc.assert(
      fc.property(fc.string({ unit: fc.constantFrom(...'0123456789:[]*.%ae x/-+'), maxLength: 24 }), (t) => {
        expect(splitEndpoint(t)).toEqual(reference(t))
      }),
      { seed: 20261201, numRuns: 2000 },
    )
  })
})

describe('malformed', () => {
  test('a line that is not a socket is a ParseError with its line number', async () => {
    await expect(all('State Recv-Q\nLISTEN 0 128 0.0.0.0:22 0.0.0.0:*\ngarbage here\n')).rejects.toThrow(ParseError)
    await expect(all('LISTEN x 128 0.0.0.0:22 0.0.0.0:*\n')).rejects.toThrow(/line 1/)
  })
  test('header only, or nothing, is no sockets', async () => {
    expect(await all('State  Recv-Q Send-Q Local Address:Port Peer Address:PortProcess\n')).toEqual([])
    expect(await all('')).toEqual([])
  })
})
