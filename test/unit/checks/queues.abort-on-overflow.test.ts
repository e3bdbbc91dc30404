import { abortOnOverflow } from '../../../src/checks/queues.abort-on-overflow.js'
import { ctxOf, factsOf, sysctls, evaluateDeclared } from '../../helpers/facts.js'

const run = (o: Record<string, string>) => evaluateDeclared(abortOnOverflow, factsOf({ sysctls: sysctls(o) }), ctxOf(abortOnOverflow.meta, 0))

test('1 → info explaining resets instead of retries', () => {
  const [f] = run({ 'net.ipv4.tcp_abort_on_overflow': '1' })
  expect(f).toMatchObject({ status: 'fail', severity: 'info', subject: { sysctl: 'net.ipv4.tcp_abort_on_overflow' } })
  expect(f.message).toMatch(/reset/)
})
test('0 → pass', () => expect(run({ 'net.ipv4.tcp_abort_on_overflow': '0' })[0].status).toBe('pass'))
test('absent → skip', () => expect(run({})[0].status).toBe('skip'))
