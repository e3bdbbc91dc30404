// --idle-timeout, --bandwidth and --rtt: a flag wins; the configuration gives the default; bad values name their origin.
import { checkOptions } from '../../../src/engine/session.js'
import { UsageError } from '../../../src/model/errors.js'

describe('check options from flags and configuration', () => {
  const config = { idleTimeout: 350, bandwidth: '10Gbit', rtt: '50ms', expect: { sysctls: { 'net.core.somaxconn': 4096 as unknown as string } } }

  test('the configuration gives the defaults', () => {
    expect(checkOptions({}, config, 'x.yaml')).toEqual({
      idleTimeoutSeconds: 350,
      bandwidthBps: 10e9,
      rttSeconds: 0.05,
      maxDetails: 100,
      expectSysctls: { 'net.core.somaxconn': '4096' },
    })
  })

  test('flags win over the configuration', () => {
    const o = checkOptions({ 'idle-timeout': 60, bandwidth: '1Gbit', rtt: '2ms', 'max-details': 5 }, config, 'x.yaml')
    expect([o.idleTimeoutSeconds, o.bandwidthBps, o.rttSeconds, o.maxDetails]).toEqual([60, 1e9, 0.002, 5])
  })

  test('nothing given: nothing assumed', () => {
    expect(checkOptions({}, {})).toEqual({ idleTimeoutSeconds: undefined, bandwidthBps: undefined, rttSeconds: undefined, maxDetails: 100, expectSysctls: undefined })
  })

  test('a bad value names the flag, or the key and the file', () => {
    expect(() => checkOptions({ bandwidth: 'fast' }, {})).toThrow(UsageError)
    expect(() => checkOptions({ bandwidth: 'fast' }, {})).toThrow(/^--bandwidth fast: not a bandwidth/)
    expect(() => checkOptions({}, { rtt: 'soon' }, '--config /etc/netdoc.yaml')).toThrow(/^--config \/etc\/netdoc.yaml: rtt: soon: not a duration/)
  })
})
