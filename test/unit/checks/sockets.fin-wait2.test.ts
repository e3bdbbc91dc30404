import { socketsFinWait2 } from '../../../src/checks/sockets.fin-wait2.js'
import { census, evaluate, failing, censusSysctls } from '../../helpers/facts.js'

const sample = (client: number, server: number) => ({
  census: census({
    destinations: [{ local: '10.0.0.1', remote: '10.0.0.2:80', states: { 'FIN-WAIT-2': client, ESTAB: 5 }, total: client + 5 }],
    listeners: [{ local: '*:443', states: { 'FIN-WAIT-2': server }, total: server }],
  }),
  sysctls: censusSysctls({ 'net.ipv4.tcp_fin_timeout': 60 }),
})

describe('sockets.fin-wait2', () => {
  test('per destination and per listener, 100 or more in both samples', () => {
    const f = failing(evaluate(socketsFinWait2, sample(150, 120), sample(140, 99), 2))
    expect(f).toHaveLength(1)
    expect(f[0]).toMatchObject({ severity: 'warning', subject: { local: '10.0.0.1', remote: '10.0.0.2:80', side: 'client' } })
    expect(f[0].message).toMatch(/140 FIN_WAIT2.*tcp_fin_timeout=60/)
  })

  test('server side names the listener', () => {
    const f = failing(evaluate(socketsFinWait2, sample(0, 300)))
    expect(f.map((x) => x.subject)).toEqual([{ local: '*:443', side: 'server' }])
  })

  test('few FIN_WAIT2 pass', () => {
    expect(evaluate(socketsFinWait2, sample(99, 99)).map((x) => x.status)).toEqual(['pass'])
  })

  test('evidence names what the census was read from (here /proc/net/tcp: no ss on the host)', () => {
    const s = sample(150, 0)
    const [f] = failing(evaluate(socketsFinWait2, { ...s, census: { ...s.census, source: '/proc/net/tcp + /proc/net/tcp6' } }))
    expect(f.evidence[0]).toEqual({ source: '/proc/net/tcp + /proc/net/tcp6', name: 'FIN-WAIT-2', value: 150 })
  })
})
