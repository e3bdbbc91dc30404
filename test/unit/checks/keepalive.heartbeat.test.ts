import { heartbeat } from '../../../src/checks/keepalive.heartbeat.js'
import { ctxOf, factsOf, evaluateDeclared } from '../../helpers/facts.js'
import { captureWith } from '../../helpers/capture-facts.js'

const run = (hb: Parameters<typeof captureWith>[0]['heartbeat']) => evaluateDeclared(heartbeat, factsOf({ capture: captureWith({ heartbeat: hb }) }), ctxOf(heartbeat.meta, 0))

test('no heartbeat → one pass', () => expect(run([])).toMatchObject([{ status: 'pass', subject: {} }]))

test('one info finding per connection with messages, period and size', () => {
  const fs = run([
    { client: '127.0.0.1:40000', server: '127.0.0.1:9103', by: 'client', pattern: 'request-response', messages: 6, periodSeconds: 1.5, bytes: 5, replyBytes: 5 },
    { client: '127.0.0.1:40001', server: '127.0.0.1:9104', by: 'server', pattern: 'one-way', messages: 10, periodSeconds: 30, bytes: 2 },
  ])
  expect(fs).toHaveLength(2)
  expect(fs[0]).toMatchObject({ status: 'fail', severity: 'info', subject: { client: '127.0.0.1:40000', server: '127.0.0.1:9103' } })
  expect(Object.fromEntries(fs[0].evidence.map((e) => [e.name, e.value]))).toEqual({ messages: 6, periodSeconds: 1.5, bytes: 5 })
  expect(fs[1].message).toMatch(/one-way .* from the server every 30.00 s/)
})
