import { portsEphemeralExhaustion } from '../../../src/checks/ports.ephemeral-exhaustion.js'
import type { DestinationCensus } from '../../../src/model/facts.js'
import { census, evaluate, failing, censusSysctls } from '../../helpers/facts.js'

const dest = (states: Record<string, number>, remote = '10.0.0.2:80', local = '10.0.0.1'): DestinationCensus => ({ local, remote, states, total: Object.values(states).reduce((a, b) => a + b, 0) })
const sample = (destinations: DestinationCensus[], sys: Record<string, string | number> = {}) => ({
  census: census({ destinations }),
  sysctls: censusSysctls({ 'net.ipv4.ip_local_port_range': '40000 40999', 'net.ipv4.tcp_tw_reuse': 0, ...sys }),
})

describe('ports.ephemeral-exhaustion', () => {
  test.each([
    [{ ESTAB: 499 }, 'pass'],
    [{ ESTAB: 300, 'TIME-WAIT': 200 }, 'warning'],
    [{ ESTAB: 700, 'SYN-SENT': 50, 'FIN-WAIT-1': 30, 'CLOSE-WAIT': 20 }, 'critical'],
  ])('%j of 1000 ports → %s', (states, expected) => {
    const f = evaluate(portsEphemeralExhaustion, sample([dest(states)]))
    if (expected === 'pass') return expect(f.map((x) => x.status)).toEqual(['pass'])
    expect(f).toHaveLength(1)
    expect(f[0]).toMatchObject({ severity: expected, subject: { local: '10.0.0.1', remote: '10.0.0.2:80', side: 'client' } })
  })

  test('message has used/usable and the states', () => {
    const [f] = failing(evaluate(portsEphemeralExhaustion, sample([dest({ ESTAB: 800, 'TIME-WAIT': 50 })], { 'net.ipv4.ip_local_reserved_ports': '40000-40099' })))
    expect(f.message).toMatch(/850\/900 usable ephemeral ports in use \(94 %; ESTAB 800, TIME-WAIT 50\)/)
  })

  test('reusable TIME_WAIT (tcp_tw_reuse in force) is not counted as used', () => {
    const loop = dest({ ESTAB: 100, 'TIME-WAIT': 850 }, '127.0.0.1:9000', '127.0.0.1')
    expect(failing(evaluate(portsEphemeralExhaustion, sample([loop], { 'net.ipv4.tcp_tw_reuse': 2 })))).toHaveLength(0)
    expect(failing(evaluate(portsEphemeralExhaustion, sample([loop], { 'net.ipv4.tcp_tw_reuse': 0 })))[0].severity).toBe('critical')
    const remote = dest({ ESTAB: 100, 'TIME-WAIT': 850 })
    expect(failing(evaluate(portsEphemeralExhaustion, sample([remote], { 'net.ipv4.tcp_tw_reuse': 2 })))[0].severity).toBe('critical')
  })

  test('one reusable TIME_WAIT socket: "1 more ... is reusable"', () => {
    const [f] = failing(evaluate(portsEphemeralExhaustion, sample([dest({ ESTAB: 900, 'TIME-WAIT': 1 }, '127.0.0.1:9000', '127.0.0.1')], { 'net.ipv4.tcp_tw_reuse': 2 })))
    expect(f.message).toMatch(/; 1 more in TIME_WAIT is reusable \(/)
  })

  test('only the heavy destination is blamed; a handful of sockets never is, even in a tiny range', () => {
    const f = failing(evaluate(portsEphemeralExhaustion, sample([dest({ ESTAB: 900 }), dest({ ESTAB: 20 }, '10.0.0.3:5432')])))
    expect(f.map((x) => x.subject.remote)).toEqual(['10.0.0.2:80'])
    expect(failing(evaluate(portsEphemeralExhaustion, sample([dest({ ESTAB: 15 })], { 'net.ipv4.ip_local_port_range': '40000 40015' })))).toHaveLength(0)
  })

  test('judged on both samples: a burst that closed in the window is not reported', () => {
    expect(failing(evaluate(portsEphemeralExhaustion, sample([dest({ ESTAB: 900 })]), sample([dest({ ESTAB: 10 })]), 2))).toHaveLength(0)
  })

  test('evidence names what the census was read from (here /proc/net/tcp: no ss on the host)', () => {
    const s = sample([dest({ ESTAB: 900 })])
    const [f] = failing(evaluate(portsEphemeralExhaustion, { ...s, census: { ...s.census, source: '/proc/net/tcp + /proc/net/tcp6' } }))
    const censusRows = f.evidence.filter((e) => ['portsUsed', 'usablePorts', 'ESTAB'].includes(e.name))
    expect(censusRows.map((e) => e.source)).toEqual(Array(3).fill('/proc/net/tcp + /proc/net/tcp6'))
  })
})
