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
  test('endpoints: IPv4, IPv6, wildcard, interface scope, mapped', () => {
    expect(splitEndpoint('127.0.0.1:8080')).toEqual({ address: '127.0.0.1', port: 8080 })
    expect(splitEndpoint('[::1]:9090')).toEqual({ address: '::1', port: 9090 })
    expect(splitEndpoint('*:9090')).toEqual({ address: '*', port: 9090 })
    expect(splitEndpoint('0.0.0.0:*').port).toBeNaN()
    expect(splitEndpoint('127.0.0.1%lo:53')).toEqual({ address: '127.0.0.1%lo', port: 53 })
    expect(unmapAddress('::ffff:127.0.0.1')).toBe('127.0.0.1')
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
