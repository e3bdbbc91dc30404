import { timewaitRecycle } from '../../../src/checks/timewait.recycle.js'
import { evaluate, censusSysctls } from '../../helpers/facts.js'

describe('timewait.recycle', () => {
  test.each([
    ['absent (Linux ≥ 4.12)', {}, 'pass', undefined],
    ['0', { 'net.ipv4.tcp_tw_recycle': '0' }, 'pass', undefined],
    ['1', { 'net.ipv4.tcp_tw_recycle': '1' }, 'fail', 'critical'],
  ])('tcp_tw_recycle %s', (_name, values, status, severity) => {
    const [f] = evaluate(timewaitRecycle, { sysctls: censusSysctls(values) })
    expect(f.status).toBe(status)
    expect(f.severity).toBe(severity)
    if (status === 'fail') {
      expect(f.subject).toEqual({ sysctl: 'net.ipv4.tcp_tw_recycle' })
      expect(f.remediation!.commands).toContain('sysctl -w net.ipv4.tcp_tw_recycle=0')
    }
  })
})
