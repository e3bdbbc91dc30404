import { timewaitReuse } from '../../../src/checks/timewait.reuse.js'
import { census, evaluate, failing, censusSysctls } from '../../helpers/facts.js'

const sample = (tw: number, reuse: number, remote = '10.0.0.2:80', extra: Record<string, number> = {}) => ({
  census: census({ destinations: [{ local: remote.startsWith('127.') ? '127.0.0.1' : '10.0.0.1', remote, states: { 'TIME-WAIT': tw }, total: tw }] }),
  sysctls: censusSysctls({ 'net.ipv4.ip_local_port_range': '30000 39999', 'net.ipv4.tcp_tw_reuse': reuse, ...extra }),
})

describe('timewait.reuse', () => {
  test.each([
    ['pressure, reuse off', sample(6000, 0), 1],
    ['pressure, reuse=2 toward a remote host', sample(6000, 2), 1],
    ['pressure, reuse=2 toward loopback', sample(6000, 2, '127.0.0.1:9000'), 0],
    ['pressure, reuse=1', sample(6000, 1), 0],
    ['pressure, reuse=1 but timestamps off', sample(6000, 1, '10.0.0.2:80', { 'net.ipv4.tcp_timestamps': 0 }), 1],
    ['no pressure, reuse off', sample(100, 0), 0],
  ])('%s → %i findings', (_name, s, n) => {
    const f = failing(evaluate(timewaitReuse, s))
    expect(f).toHaveLength(n)
    if (n) expect(f[0]).toMatchObject({ severity: 'warning', subject: { remote: '10.0.0.2:80', side: 'client' } })
  })

  test('with timestamps off, the fix turns them on first', () => {
    const [f] = failing(evaluate(timewaitReuse, sample(6000, 1, '10.0.0.2:80', { 'net.ipv4.tcp_timestamps': 0 })))
    expect(f.remediation!.commands[0]).toBe('sysctl -w net.ipv4.tcp_timestamps=1 net.ipv4.tcp_tw_reuse=1')
    expect(f.remediation!.text).toMatch(/since the last timestamp .*tcp_tw_reuse_delay/)
  })

  test('evidence names what the census was read from (here /proc/net/tcp: no ss on the host)', () => {
    const s = sample(6000, 0)
    const [f] = failing(evaluate(timewaitReuse, { ...s, census: { ...s.census, source: '/proc/net/tcp + /proc/net/tcp6' } }))
    expect(f.evidence.find((e) => e.name === 'TIME-WAIT')).toEqual({ source: '/proc/net/tcp + /proc/net/tcp6', name: 'TIME-WAIT', value: 6000 })
  })
})
