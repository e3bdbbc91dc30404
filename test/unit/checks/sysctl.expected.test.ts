// sysctl.expected: tables of sysctl values and expectations → findings. No I/O.
import { sysctlExpected } from '../../../src/checks/sysctl.expected.js'
import type { CheckContext, Facts } from '../../../src/model/check.js'
import { Unavailable } from '../../../src/model/errors.js'

const facts = (sysctls: Record<string, string> | Unavailable): Facts => ({
  get: ((id: string) => {
    if (id !== 'sysctls') throw new Error(`unexpected fact ${id}`)
    if (sysctls instanceof Unavailable) throw sysctls
    return new Map(Object.entries(sysctls))
  }) as Facts['get'],
  first: (() => {
    throw new Error('not sampled')
  }) as Facts['first'],
  has: () => true,
  optional: (() => {
    throw new Error('not read')
  }) as Facts['optional'],
})
const ctx = (expectSysctls?: Record<string, string>): CheckContext => ({ windowSeconds: 2, threshold: () => 0, options: { maxDetails: 100, expectSysctls } })

const HOST = { 'net.core.somaxconn': '4096', 'net.ipv4.tcp_rmem': '4096\t131072\t6291456', 'net.ipv4.tcp_syncookies': '1' }

describe('sysctl.expected', () => {
  test('no expectation configured: skip', () => {
    const [f] = sysctlExpected.evaluate(facts(HOST), ctx())
    expect(f).toMatchObject({ status: 'skip', subject: {} })
  })

  test('every expectation met: one pass', () => {
    const out = sysctlExpected.evaluate(facts(HOST), ctx({ 'net.core.somaxconn': '>=4096', 'net.ipv4.tcp_rmem': '4096 131072 6291456', 'net.ipv4.tcp_syncookies': '1' }))
    expect(out).toEqual([expect.objectContaining({ status: 'pass', subject: {}, message: '3 expected sysctl values all met' })])
  })

  test('one failing finding per setting that differs (critical) or is missing (warning)', () => {
    const out = sysctlExpected.evaluate(facts(HOST), ctx({ 'net.core.somaxconn': '>=8192', 'net.ipv4.tcp_syncookies': '1', 'net.ipv4.tcp_rmem': '>=4096 >=87380 >=16777216', 'net.nope': '1' }))
    expect(out.map((f) => [f.status, f.severity, f.subject.sysctl])).toEqual([
      ['fail', 'critical', 'net.core.somaxconn'],
      ['fail', 'critical', 'net.ipv4.tcp_rmem'],
      ['fail', 'warning', 'net.nope'],
    ])
    expect(out[0].message).toBe('net.core.somaxconn is 4096, expected >=8192')
    expect(out[0].evidence).toEqual([{ source: '/proc/sys/net/core/somaxconn', name: 'net.core.somaxconn', value: '4096' }])
    expect(out[0].remediation!.commands[0]).toBe('sysctl -w net.core.somaxconn=8192')
    expect(out[1].message).toBe('net.ipv4.tcp_rmem is 4096 131072 6291456, expected >=4096 >=87380 >=16777216')
    expect(out[1].remediation!.commands[0]).toBe("sysctl -w net.ipv4.tcp_rmem='4096 87380 16777216'")
    expect(out[2].title).toBe('Expected sysctl is missing')
  })

  test('a bound that names no single value gives no command to paste', () => {
    const [f] = sysctlExpected.evaluate(facts(HOST), ctx({ 'net.core.somaxconn': '>4096' }))
    expect(f.status).toBe('fail')
    expect(f.remediation!.commands).toEqual([])
  })

  test('unreadable sysctls propagate as Unavailable (the engine makes it this check\'s error)', () => {
    expect(() => sysctlExpected.evaluate(facts(new Unavailable('error', 'permission denied')), ctx({ 'net.core.somaxconn': '1' }))).toThrow('permission denied')
  })
})
