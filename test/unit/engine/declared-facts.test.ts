// A check sees only what its meta declares: facts, optional facts, sysctls. Anything else is a clear error.
import { loadChecks } from '../../../src/checks/registry.js'
import { derived } from '../../../src/derived/cache.js'
import { DeclaredFacts, UndeclaredRead } from '../../../src/engine/facts.js'
import { sysctlsNeeded } from '../../../src/engine/run.js'
import type { Check } from '../../../src/model/check.js'
import { Unavailable } from '../../../src/model/errors.js'
import { census, factsOf, sysctls } from '../../helpers/facts.js'

const check = (meta: Partial<Check['meta']>): Check => ({
  meta: { id: 'test.reads', topic: 'test', title: 'Reads', failureTitle: 'Reads wrong', description: 'reads', facts: ['sysctls'], ...meta },
  evaluate: () => [],
})

const window = factsOf({
  sysctls: sysctls({ 'net.core.somaxconn': 4096, 'net.ipv4.tcp_syncookies': 1 }),
  census: census(),
  tcpInfo: new Unavailable('skip', 'ss is not installed'),
})

describe('DeclaredFacts', () => {
  test('a declared sysctl reads through; an undeclared one throws naming the check and the sysctl', () => {
    const facts = new DeclaredFacts(window, check({ sysctls: ['net.core.somaxconn'] }))
    expect(facts.get('sysctls').get('net.core.somaxconn')).toBe('4096')
    expect(() => facts.get('sysctls').get('net.ipv4.tcp_syncookies')).toThrow(new UndeclaredRead('check test.reads reads sysctl net.ipv4.tcp_syncookies but does not declare it in meta.sysctls'))
    expect(() => facts.get('sysctls').has('net.ipv4.tcp_syncookies')).toThrow(UndeclaredRead)
    expect(() => [...facts.get('sysctls').keys()]).toThrow(/reads every sysctl/)
  })

  test('an undeclared fact throws, through get, first and has alike', () => {
    const facts = new DeclaredFacts(window, check({}))
    for (const read of [() => facts.get('census'), () => facts.first('census'), () => facts.has('census')]) {
      expect(read).toThrow('check test.reads reads fact "census" but does not declare it in meta.facts or meta.optionalFacts')
    }
  })

  test('an optional fact that could not be read is undefined; a required one throws its Unavailable', () => {
    const optional = new DeclaredFacts(window, check({ optionalFacts: ['tcpInfo', 'census'] }))
    expect(optional.optional('tcpInfo')).toBeUndefined()
    expect(optional.optional('census')?.total).toBe(0)
    const required = new DeclaredFacts(window, check({ facts: ['tcpInfo'] }))
    expect(() => required.get('tcpInfo')).toThrow(new Unavailable('skip', 'ss is not installed'))
  })

  test('a check that says so may read the sysctls the configuration expects', () => {
    const facts = new DeclaredFacts(window, check({ sysctlsFromConfig: true }), ['net.ipv4.tcp_syncookies'])
    expect(facts.get('sysctls').get('net.ipv4.tcp_syncookies')).toBe('1')
    expect(() => facts.get('sysctls').get('net.core.somaxconn')).toThrow(UndeclaredRead)
  })

  test('derived data is computed once per window, whichever check asks first', () => {
    let computed = 0
    const a = new DeclaredFacts(window, check({}))
    const b = new DeclaredFacts(window, check({ id: 'test.other' }))
    const value = () => derived(a, 'count', () => ++computed)
    expect([value(), derived(b, 'count', () => ++computed), derived(window, 'count', () => ++computed)]).toEqual([1, 1, 1])
    expect(computed).toBe(1)
  })
})

describe('the sysctls a run reads are derived from the selected checks', () => {
  test('queues.syncookies alone reads one sysctl; the tcpInfo probe adds the one it reads itself', async () => {
    const [syncookies, bdp] = await loadChecks(['queues.syncookies', 'buffers.bdp'])
    expect(sysctlsNeeded([syncookies], ['host', 'sysctls'])).toEqual(['net.ipv4.tcp_syncookies'])
    expect(sysctlsNeeded([syncookies, bdp], ['host', 'sysctls', 'tcpInfo'], ['net.core.somaxconn'], ['vm.swappiness'])).toEqual([
      'net.core.rmem_max',
      'net.core.somaxconn',
      'net.core.wmem_max',
      'net.ipv4.tcp_rmem',
      'net.ipv4.tcp_syncookies',
      'net.ipv4.tcp_wmem',
    ])
  })

  test('the expected sysctls are read for sysctl.expected', async () => {
    const [expected] = await loadChecks(['sysctl.expected'])
    expect(sysctlsNeeded([expected], ['sysctls'], [], ['vm.swappiness'])).toEqual(['vm.swappiness'])
  })
})
