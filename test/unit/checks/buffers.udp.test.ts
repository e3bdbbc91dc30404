import { udp } from '../../../src/checks/buffers.udp.js'
import type { Counters } from '../../../src/model/facts.js'
import { ctxOf, factsOf, outcome, sysctls, evaluateDeclared } from '../../helpers/facts.js'

const big = sysctls({ 'net.core.rmem_max': '8388608', 'net.core.wmem_max': '8388608' })
const small = sysctls({ 'net.core.rmem_max': '212992', 'net.core.wmem_max': '212992' })
const noUdp = { UDP: { inuse: 0, mem: 0 }, UDP6: { inuse: 0 } }
const withUdp = { UDP: { inuse: 3, mem: 1 }, UDP6: { inuse: 1 } }
const udpCounters = (rcvbuf: number, snd = 0, v6 = 0): Counters => ({ UdpInErrors: rcvbuf, UdpRcvbufErrors: rcvbuf, UdpSndbufErrors: snd, Udp6InErrors: v6, Udp6RcvbufErrors: v6, Udp6SndbufErrors: 0 })

describe('buffers.udp', () => {
  test.each([
    ['no growth, no UDP sockets', udpCounters(5), udpCounters(5), small, noUdp, [{ status: 'pass', severity: undefined, subject: {} }]],
    ['10 errors in 2 s (5/s): warning', udpCounters(5), udpCounters(15), big, noUdp, [{ status: 'fail', severity: 'warning', subject: {} }]],
    ['1000 in 2 s (500/s): critical', udpCounters(0), udpCounters(1000), big, noUdp, [{ status: 'fail', severity: 'critical', subject: {} }]],
    ['IPv6 and send errors count too', udpCounters(0), { ...udpCounters(0, 150, 100) }, big, noUdp, [{ status: 'fail', severity: 'critical', subject: {} }]],
    [
      'small rmem_max/wmem_max with UDP sockets open: info per sysctl',
      udpCounters(0),
      udpCounters(0),
      small,
      withUdp,
      [
        { status: 'fail', severity: 'info', subject: { sysctl: 'net.core.rmem_max' } },
        { status: 'fail', severity: 'info', subject: { sysctl: 'net.core.wmem_max' } },
      ],
    ],
    ['large caps with UDP sockets: pass', udpCounters(0), udpCounters(0), big, withUdp, [{ status: 'pass', severity: undefined, subject: {} }]],
  ])('%s', (_name, start, end, sc, sockstat, expected) => {
    const facts = factsOf({ counters: start, sysctls: sc, sockstat }, { counters: end, sockstat })
    expect(outcome(udp, facts, ctxOf(udp, 2))).toEqual(expected)
  })

  test('RcvbufErrors are not counted twice (InErrors includes them)', () => {
    const facts = factsOf({ counters: udpCounters(0), sysctls: big, sockstat: noUdp }, { counters: udpCounters(40) })
    const [f] = evaluateDeclared(udp, facts, ctxOf(udp, 2))
    expect(f.message).toMatch(/^40 UDP datagrams dropped in 2.0 s \(20.0\/s\)/)
  })

  test('no window: drops since boot are info', () => {
    expect(outcome(udp, factsOf({ counters: udpCounters(7), sysctls: big, sockstat: noUdp }), ctxOf(udp, 0))).toEqual([{ status: 'fail', severity: 'info', subject: {} }])
  })

  test('the critical rate is configurable', () => {
    const facts = factsOf({ counters: udpCounters(0), sysctls: big, sockstat: noUdp }, { counters: udpCounters(1000) })
    expect(outcome(udp, facts, ctxOf(udp, 2, {}, { criticalPerSecond: 1000 }))[0].severity).toBe('warning')
  })
})

test('buffers.udp: without sockstat the counters are still judged', () => {
  const facts = factsOf({ counters: udpCounters(0), sysctls: small }, { counters: udpCounters(1000) })
  expect(outcome(udp, facts, ctxOf(udp, 2))).toEqual([{ status: 'fail', severity: 'critical', subject: {} }])
})
