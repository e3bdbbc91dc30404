import { timewaitBucketOverflow } from '../../../src/checks/timewait.bucket-overflow.js'
import type { Counters } from '../../../src/model/facts.js'
import { evaluate, censusSysctls } from '../../helpers/facts.js'

const sample = (overflow: number | undefined, tw: number, buckets = 1000) => ({
  counters: (overflow === undefined ? { TcpExtTW: 5 } : { TcpExtTCPTimeWaitOverflow: overflow, TcpExtTW: 5 }) as Counters,
  sysctls: censusSysctls({ 'net.ipv4.tcp_max_tw_buckets': buckets }),
  sockstat: { TCP: { tw } },
})

describe('timewait.bucket-overflow', () => {
  test.each([
    ['no overflow ever', sample(0, 10), sample(0, 10), 'pass', undefined],
    ['grew in the window', sample(10, 1000), sample(25, 1000), 'fail', 'warning'],
    ['at the limit now, no growth', sample(0, 1000), sample(0, 1000), 'fail', 'warning'],
    ['overflowed before the window only', sample(7, 10), sample(7, 10), 'fail', 'info'],
  ])('%s', (_name, start, end, status, severity) => {
    const [f] = evaluate(timewaitBucketOverflow, start, end, 2)
    expect(f.status).toBe(status)
    expect(f.severity).toBe(severity)
  })

  test('the growth is in the message and evidence', () => {
    const [f] = evaluate(timewaitBucketOverflow, sample(10, 1000), sample(25, 1000), 2)
    expect(f.message).toMatch(/grew by 15 in 2.0 s/)
    expect(f.evidence.find((e) => e.name === 'TcpExtTCPTimeWaitOverflow')).toMatchObject({ value: 25, delta: 15 })
  })

  test('a kernel without the counter is skipped', () => {
    expect(evaluate(timewaitBucketOverflow, sample(undefined, 0))[0].status).toBe('skip')
  })
})
