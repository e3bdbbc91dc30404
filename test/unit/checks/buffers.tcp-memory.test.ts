import { tcpMemory } from '../../../src/checks/buffers.tcp-memory.js'
import type { Counters } from '../../../src/model/facts.js'
import { ctxOf, factsOf, outcome, sysctls, evaluateDeclared } from '../../helpers/facts.js'

const tcpMem = sysctls({ 'net.ipv4.tcp_mem': '1000\t2000\t3000' })
const pressure = (n: number): Counters => ({ TcpExtTCPMemoryPressures: n, TcpExtPruneCalled: 0, TcpExtRcvPruned: 0, TcpExtTCPRcvCollapsed: 0, TcpExtTCPAbortOnMemory: 0 })
const mem = (pages: number) => ({ TCP: { inuse: 10, orphan: 0, tw: 0, alloc: 10, mem: pages } })

describe('buffers.tcp-memory', () => {
  test.each([
    ['below pressure, nothing grew', 500, pressure(3), pressure(3), undefined],
    ['above the pressure level: warning', 2100, pressure(3), pressure(3), 'warning'],
    ['at 90 % of max: critical', 2700, pressure(3), pressure(3), 'critical'],
    ['pressure counter grew: warning', 500, pressure(3), pressure(4), 'warning'],
  ])('%s', (_name, pages, start, end, severity) => {
    const facts = factsOf({ sysctls: tcpMem, sockstat: mem(pages), counters: start }, { sockstat: mem(pages), counters: end })
    const [f] = outcome(tcpMemory, facts, ctxOf(tcpMemory, 2))
    expect(f.status).toBe(severity ? 'fail' : 'pass')
    expect(f.severity).toBe(severity)
  })

  test('memory at either sample counts (a spike at the start)', () => {
    const facts = factsOf({ sysctls: tcpMem, sockstat: mem(2800), counters: pressure(0) }, { sockstat: mem(100), counters: pressure(0) })
    expect(outcome(tcpMemory, facts, ctxOf(tcpMemory, 2))[0].severity).toBe('critical')
  })

  test('in a namespace without tcp_mem the counters are still judged, and the message says why the level is missing', () => {
    const facts = factsOf({ sysctls: sysctls({}), sockstat: mem(100), counters: { ...pressure(0), TcpExtTCPRcvCollapsed: 5 } }, { sockstat: mem(100), counters: { ...pressure(0), TcpExtTCPRcvCollapsed: 9 } })
    const [f] = evaluateDeclared(tcpMemory, facts, ctxOf(tcpMemory, 2))
    // Collapsing alone is routine on a busy receiver: info (it was a warning before issue 11).
    expect(f).toMatchObject({ status: 'fail', severity: 'info' })
    expect(f.message).toContain('TCPRcvCollapsed +4')
    const pruned = factsOf({ sysctls: sysctls({}), sockstat: mem(100), counters: { ...pressure(0), TcpExtPruneCalled: 1 } }, { sockstat: mem(100), counters: { ...pressure(0), TcpExtPruneCalled: 3 } })
    expect(evaluateDeclared(tcpMemory, pruned, ctxOf(tcpMemory, 2))[0]).toMatchObject({ status: 'fail', severity: 'warning' })
    expect(evaluateDeclared(tcpMemory, factsOf({ sysctls: sysctls({}), sockstat: mem(1), counters: pressure(0) }), ctxOf(tcpMemory, 0))[0].message).toMatch(/host-wide/)
  })

  test('no window: counters since boot are info', () => {
    expect(outcome(tcpMemory, factsOf({ sysctls: tcpMem, sockstat: mem(10), counters: pressure(2) }), ctxOf(tcpMemory, 0))[0]).toMatchObject({ status: 'fail', severity: 'info' })
  })
})

test('buffers.tcp-memory: without sockstat the counters are still judged', () => {
  const facts = factsOf({ sysctls: tcpMem, counters: pressure(0) }, { counters: pressure(2) })
  const [f] = evaluateDeclared(tcpMemory, facts, ctxOf(tcpMemory, 2))
  expect(f).toMatchObject({ status: 'fail', severity: 'warning' })
  expect(f.message).toContain('TCPMemoryPressures +2')
})
