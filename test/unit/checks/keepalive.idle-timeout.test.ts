import { idleTimeout } from '../../../src/checks/keepalive.idle-timeout.js'
import { ctxOf, factsOf, sysctls, evaluateDeclared } from '../../helpers/facts.js'

const CT = 'net.netfilter.nf_conntrack_tcp_timeout_established'
const run = (o: Record<string, number>, idle?: number) =>
  evaluateDeclared(idleTimeout, factsOf({ sysctls: sysctls({ 'net.ipv4.tcp_keepalive_intvl': 75, 'net.ipv4.tcp_keepalive_probes': 9, ...o }) }), ctxOf(idleTimeout.meta, 0, { idleTimeoutSeconds: idle }))

test.each([
  ['default keepalive, NLB 350 s', { 'net.ipv4.tcp_keepalive_time': 7200 }, 350, 'fail'],
  ['60 s keepalive, NLB 350 s', { 'net.ipv4.tcp_keepalive_time': 60 }, 350, 'pass'],
  ['equal to the timeout', { 'net.ipv4.tcp_keepalive_time': 350 }, 350, 'fail'],
  ['default keepalive, conntrack default 5 days', { 'net.ipv4.tcp_keepalive_time': 7200, [CT]: 432000 }, undefined, 'pass'],
  ['default keepalive, conntrack lowered to 3600', { 'net.ipv4.tcp_keepalive_time': 7200, [CT]: 3600 }, undefined, 'fail'],
  ['the shorter of conntrack and --idle-timeout counts', { 'net.ipv4.tcp_keepalive_time': 500, [CT]: 432000 }, 300, 'fail'],
  ['no timeout known', { 'net.ipv4.tcp_keepalive_time': 7200 }, undefined, 'skip'],
] as Array<[string, Record<string, number>, number | undefined, string]>)('%s → %s', (_l, o, idle, status) => {
  const [f] = run(o, idle)
  expect(f.status).toBe(status)
  if (status === 'fail') expect(f.severity).toBe('warning')
})

test('a conntrack timeout names its sysctl as the subject', () => {
  const [f] = run({ 'net.ipv4.tcp_keepalive_time': 7200, [CT]: 3600 })
  expect(f.subject).toEqual({ sysctl: CT })
  expect(f.message).toMatch(/7200 s .* 3600 s/)
})
