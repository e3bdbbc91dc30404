import { readFileSync } from 'node:fs'
import { join } from 'node:path'

import { counterSource, parseProcNetNetstat, parseProcNetSnmp } from '../../../src/parsers/proc-net-netstat.js'
import { parseProcNetSnmp6 } from '../../../src/parsers/proc-net-snmp6.js'
import { ParseError } from '../../../src/parsers/parse-error.js'
import { ROOT } from '../../helpers/netns.js'
import { execFileSync } from 'node:child_process'

const fixture = (dir: string, name: string) => readFileSync(join(ROOT, 'test', 'fixtures', dir, name), 'utf8')
const CURRENT = 'linux-6.18.44'

describe('parseProcNetNetstat (kernel 6.18 capture)', () => {
  const c = parseProcNetNetstat(fixture(CURRENT, 'proc-net-netstat'))

  test('names every field with its group prefix, as nstat does', () => {
    expect(c.TcpExtListenOverflows).toBeGreaterThan(0) // the fixture was made with a never-accepting listener
    expect(c.TcpExtListenDrops).toBeGreaterThanOrEqual(c.TcpExtListenOverflows)
    expect(typeof c.TcpExtTCPReqQFullDrop).toBe('number')
    expect(typeof c.IpExtInOctets).toBe('number')
  })

  test('agrees with nstat on the same text for every TcpExt field', () => {
    // Independent reading: the header line's names zipped with the value line by awk.
    const text = fixture(CURRENT, 'proc-net-netstat')
    const [names, values] = text.split('\n').filter((l) => l.startsWith('TcpExt:'))
    const n = names.split(' ').slice(1)
    const v = values.split(' ').slice(1)
    expect(n.length).toBeGreaterThan(100)
    n.forEach((name, i) => expect(c['TcpExt' + name]).toBe(Number(v[i])))
  })

  test('a counter the kernel lacks is undefined, never 0', () => {
    expect(c.TcpExtNoSuchCounter).toBeUndefined()
  })
})

describe('parseProcNetNetstat (old kernel layout, 2.6.32)', () => {
  const c = parseProcNetNetstat(fixture('linux-2.6.32-layout', 'proc-net-netstat'))
  test('reads what is there and leaves newer counters undefined', () => {
    expect(c.TcpExtListenOverflows).toBe(1234)
    expect(c.TcpExtSyncookiesSent).toBe(17)
    expect(c.TcpExtTCPReqQFullDrop).toBeUndefined()
    expect(c.TcpExtTCPTimeWaitOverflow).toBeUndefined()
  })
})

describe('parseProcNetSnmp and snmp6', () => {
  test('snmp: Tcp, Udp, Ip groups', () => {
    const c = parseProcNetSnmp(fixture(CURRENT, 'proc-net-snmp'))
    expect(typeof c.TcpOutRsts).toBe('number')
    expect(typeof c.UdpRcvbufErrors).toBe('number')
    expect(c.TcpActiveOpens).toBeGreaterThan(0)
  })
  test('snmp6: name value lines', () => {
    const c = parseProcNetSnmp6(fixture(CURRENT, 'proc-net-snmp6'))
    expect(typeof c.Udp6InErrors).toBe('number')
    expect(typeof c.Ip6InReceives).toBe('number')
  })
  test('on this host, the live file parses (when readable)', () => {
    let text: string
    try {
      text = execFileSync('cat', ['/proc/net/netstat'], { encoding: 'utf8' })
    } catch {
      return
    }
    expect(Object.keys(parseProcNetNetstat(text)).length).toBeGreaterThan(50)
  })
})

describe('malformed input', () => {
  test.each([
    ['an odd number of lines', 'TcpExt: A B\nTcpExt: 1 2\nIpExt: C\n'],
    ['names and values of different length', 'TcpExt: A B C\nTcpExt: 1 2\n'],
    ['a value that is not a number', 'TcpExt: A B\nTcpExt: 1 x\n'],
    ['a value line of another group', 'TcpExt: A B\nIpExt: 1 2\n'],
  ])('%s is a ParseError naming the file', (_what, text) => {
    expect(() => parseProcNetNetstat(text)).toThrow(ParseError)
    expect(() => parseProcNetNetstat(text)).toThrow(/\/proc\/net\/netstat/)
  })
  test('snmp6 garbage', () => {
    expect(() => parseProcNetSnmp6('Udp6InErrors 1 2\n')).toThrow(/snmp6/)
  })
  test('empty text is no counters', () => {
    expect(parseProcNetNetstat('')).toEqual({})
  })
})

test('counterSource names the file of a counter', () => {
  expect(counterSource('TcpExtListenOverflows')).toBe('/proc/net/netstat')
  expect(counterSource('TcpOutRsts')).toBe('/proc/net/snmp')
  expect(counterSource('Udp6InErrors')).toBe('/proc/net/snmp6')
})
