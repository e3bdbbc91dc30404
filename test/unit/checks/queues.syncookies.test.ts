import { syncookies } from '../../../src/checks/queues.syncookies.js'
import { ctxOf, factsOf, sysctls, evaluateDeclared } from '../../helpers/facts.js'

const run = (o: Record<string, string>) => evaluateDeclared(syncookies, factsOf({ sysctls: sysctls(o) }), ctxOf(syncookies.meta, 0))

test.each([
  ['0', 'fail'],
  ['1', 'pass'],
  ['2', 'pass'],
])('tcp_syncookies=%s → %s', (v, status) => {
  const [f] = run({ 'net.ipv4.tcp_syncookies': v })
  expect(f.status).toBe(status)
  if (status === 'fail') expect(f).toMatchObject({ severity: 'warning', subject: { sysctl: 'net.ipv4.tcp_syncookies' } })
})
test('absent → skip', () => expect(run({})[0].status).toBe('skip'))
