import { readFileSync } from 'node:fs'
import { join } from 'node:path'

import { ParseError } from '../../../src/parsers/parse-error.js'
import { parseProcNetSockstat } from '../../../src/parsers/proc-net-sockstat.js'
import { ROOT } from '../../helpers/netns.js'

const fixture = (name: string) => readFileSync(join(ROOT, 'test', 'fixtures', 'census', name), 'utf8')

describe('parseProcNetSockstat', () => {
  test('the captured /proc/net/sockstat: TCP inuse, orphan, tw, alloc, mem', () => {
    const s = parseProcNetSockstat(fixture('sockstat.out'))
    expect(s.TCP).toEqual({ inuse: 14, orphan: 0, tw: 34, alloc: 54, mem: 17 })
    expect(s.sockets).toEqual({ used: 38 })
    expect(s.FRAG).toEqual({ inuse: 0, memory: 0 })
  })

  test('the captured /proc/net/sockstat6', () => {
    expect(parseProcNetSockstat(fixture('sockstat6.out'), '/proc/net/sockstat6').TCP6).toEqual({ inuse: 24 })
  })

  test.each([
    ['no protocol', 'inuse 3 orphan 1\n'],
    ['unpaired', 'TCP: inuse 3 orphan\n'],
    ['not a number', 'TCP: inuse x\n'],
  ])('malformed (%s) is a ParseError naming the file', (_name, text) => {
    expect(() => parseProcNetSockstat(text)).toThrow(ParseError)
    expect(() => parseProcNetSockstat(text)).toThrow(/\/proc\/net\/sockstat/)
  })
})
