import { autotuning } from '../../../src/checks/buffers.autotuning.js'
import { ctxOf, factsOf, outcome, sysctls, evaluateDeclared } from '../../helpers/facts.js'

describe('buffers.autotuning', () => {
  test.each([
    ['0', [{ status: 'fail', severity: 'warning', subject: { sysctl: 'net.ipv4.tcp_moderate_rcvbuf' } }]],
    ['1', [{ status: 'pass', severity: undefined, subject: {} }]],
  ])('tcp_moderate_rcvbuf=%s', (value, expected) => {
    const facts = factsOf({ sysctls: sysctls({ 'net.ipv4.tcp_moderate_rcvbuf': value, 'net.ipv4.tcp_rmem': '4096\t131072\t6291456' }) })
    expect(outcome(autotuning, facts, ctxOf(autotuning, 0))).toEqual(expected)
  })

  test('the message names the buffer size sockets are stuck at', () => {
    const facts = factsOf({ sysctls: sysctls({ 'net.ipv4.tcp_moderate_rcvbuf': '0', 'net.ipv4.tcp_rmem': '4096\t131072\t6291456' }) })
    const [f] = evaluateDeclared(autotuning, facts, ctxOf(autotuning, 0))
    expect(f.message).toContain('131072 bytes')
    expect(f.remediation?.commands).toContain('sysctl -w net.ipv4.tcp_moderate_rcvbuf=1')
  })

  test('absent on this kernel: skip', () => {
    expect(outcome(autotuning, factsOf({ sysctls: sysctls({}) }), ctxOf(autotuning, 0))).toEqual([{ status: 'skip', severity: undefined, subject: {} }])
  })
})
