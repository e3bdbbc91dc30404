import { readFileSync } from 'node:fs'
import { join } from 'node:path'

import { parseProcNetTcp } from '../../../src/parsers/proc-net-tcp.js'
import { ROOT } from '../../helpers/netns.js'

const fixture = (name: string) => readFileSync(join(ROOT, 'test', 'fixtures', 'linux-6.18.44', name), 'utf8').split('\n')

describe('parseProcNetTcp (captured in the same namespace as ss-tanpo.out)', () => {
  test('IPv4: the never-accepting listener with its accept-queue length', () => {
    const socks = [...parseProcNetTcp(fixture('proc-net-tcp'))]
    const l = socks.find((s) => s.state === 'LISTEN' && s.local === '127.0.0.1:8080')
    expect(l).toBeDefined()
    expect(l!.rxQueue).toBe(5) // backlog 4, full: one over, as ss showed
    expect(socks.some((s) => s.state === 'ESTAB' && s.remote === '127.0.0.1:8080')).toBe(true)
  })
  test('IPv6: the wildcard listener and ::1 peers', () => {
    const socks = [...parseProcNetTcp(fixture('proc-net-tcp6'), '/proc/net/tcp6')]
    expect(socks.some((s) => s.state === 'LISTEN' && s.local === '[::]:9090')).toBe(true)
    expect(socks.some((s) => s.local.startsWith('[::1]:'))).toBe(true)
  })
  test('mapped IPv4 in tcp6 and compressed zeros', () => {
    const line = '   0: 0000000000000000FFFF00000100007F:1F90 00000000000000000000000001000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 1 1 0 100 0 0 10 0'
    const [s] = [...parseProcNetTcp([line], '/proc/net/tcp6')]
    expect(s.local).toBe('[::ffff:127.0.0.1]:8080')
    expect(s.remote).toBe('[::1]:0')
  })
  test('garbage lines are a ParseError', () => {
    expect(() => [...parseProcNetTcp(['  0: zz'])]).toThrow(/too few fields/)
    expect(() => [...parseProcNetTcp(['   0: 0100007F 00000000:0000 0A 00000000:00000000 00:00000000 00000000 0 0 1 1'])]).toThrow(/bad address/)
  })

  // found by test/unit/fuzz/parsers.fuzz.test.ts: parseInt gave NaN ("127.0.0.1:NaN") for a field that is not hex
  test.each([
    ['a port that is not hex', '  26: 0100007F:A696 0100007F:!1F90 02 00000001:00000000 01:00000048 00000000     0        0 17556 2', /bad address/],
    ['an address that is not hex', '   0: 000000!!:2382 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 18478 1', /bad address/],
    ['queues that are not hex', '   0: 0100007F:1F90 00000000:0000 0A 0000zz00:00000000 00:00000000 00000000     0        0 18478 1', /bad tx_queue:rx_queue/],
    ['a uid that is not a number', '   0: 0100007F:1F90 00000000:0000 0A 00000000:00000000 00:00000000 00000000     x        0 18478 1', /bad uid or inode/],
  ])('%s is a ParseError, never NaN', (_what, line, message) => {
    expect(() => [...parseProcNetTcp([line])]).toThrow(message)
  })
})
