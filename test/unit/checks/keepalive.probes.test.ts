import { probes } from '../../../src/checks/keepalive.probes.js'
import type { CaptureFact, KeepaliveConnection } from '../../../src/model/capture.js'
import { Unavailable } from '../../../src/model/errors.js'
import { captureWith } from '../../helpers/capture-facts.js'
import { ctxOf, factsOf, sysctls, evaluateDeclared } from '../../helpers/facts.js'


const conn = (o: Partial<KeepaliveConnection>): KeepaliveConnection => ({
  client: '127.0.0.1:40000',
  server: '127.0.0.1:9101',
  by: 'client',
  probes: 5,
  answered: 5,
  unanswered: 0,
  intervalSeconds: 1,
  answeredIntervalSeconds: 1,
  firstProbe: 0,
  lastProbe: 4,
  ...o,
})

const HOST = sysctls({ 'net.ipv4.tcp_keepalive_time': 7200, 'net.ipv4.tcp_keepalive_intvl': 75, 'net.ipv4.tcp_keepalive_probes': 9 })
const run = (cap: CaptureFact | Unavailable) => evaluateDeclared(probes, factsOf({ capture: cap, sysctls: HOST }), ctxOf(probes.meta, 0))

test('no probes → one pass', () => {
  const fs = run(captureWith({}))
  expect(fs).toHaveLength(1)
  expect(fs[0]).toMatchObject({ status: 'pass', subject: {} })
})

test.each([
  ['answered', { answered: 5, unanswered: 0 }, 'info'],
  ['one unanswered (the last before a close)', { answered: 4, unanswered: 1 }, 'info'],
  ['dead peer', { answered: 0, unanswered: 4, unansweredIntervalSeconds: 1 }, 'warning'],
] as Array<[string, Partial<KeepaliveConnection>, string]>)('%s → %s, one finding per connection', (_l, o, severity) => {
  const fs = run(captureWith({ keepalive: [conn(o), conn({ client: '127.0.0.1:40001' })] }))
  expect(fs).toHaveLength(2)
  expect(fs[0]).toMatchObject({ status: 'fail', severity, subject: { client: '127.0.0.1:40000', server: '127.0.0.1:9101' } })
  const names = Object.fromEntries(fs[0].evidence.map((e) => [e.name, e.value]))
  expect(names).toMatchObject({ probes: 5, intervalSeconds: 1, unanswered: o.unanswered })
})

test('a live capture compares the interval with this host', () => {
  const live = captureWith({ keepalive: [conn({ answeredIntervalSeconds: 1 })] }, { kind: 'live', interface: 'lo', seconds: 5 })
  expect(run(live)[0].message).toMatch(/not this host's tcp_keepalive_time 7200 s/)
  const file = captureWith({ keepalive: [conn({})] })
  expect(run(file)[0].message).not.toMatch(/this host/)
})

test('no capture → the fact is Unavailable(skip), which the engine turns into this check\'s skip', () => {
  expect(() => run(new Unavailable('skip', 'needs a capture: add --pcap FILE'))).toThrow(Unavailable)
})
