import { socketsOrphans } from '../../../src/checks/sockets.orphans.js'
import { evaluate, censusSysctls } from '../../helpers/facts.js'

const sample = (orphan: number, max: number | null = 1000) => ({
  sockstat: { TCP: { inuse: 10, orphan, tw: 0 } },
  sysctls: censusSysctls(max === null ? {} : { 'net.ipv4.tcp_max_orphans': max }),
})

describe('sockets.orphans', () => {
  test.each([
    [249, 300, 'pass', undefined],
    [250, 260, 'fail', 'warning'],
    [500, 900, 'fail', 'critical'],
    [900, 100, 'pass', undefined], // only in one sample
  ])('%i then %i orphans of 1000 → %s %s', (a, b, status, severity) => {
    const [f] = evaluate(socketsOrphans, sample(a), sample(b), 2)
    expect(f.status).toBe(status)
    expect(f.severity).toBe(severity)
    if (status === 'fail') expect(f.subject).toEqual({ sysctl: 'net.ipv4.tcp_max_orphans' })
  })

  test('inside a namespace tcp_max_orphans is not visible: skip, saying why', () => {
    const [f] = evaluate(socketsOrphans, sample(10, null))
    expect(f.status).toBe('skip')
    expect(f.message).toMatch(/host-wide/)
  })
})
