// The machine a user has: no `ss` (not root: test/scenario/without-root.test.ts).
import { join } from 'node:path'

import { describeRoot, findingsOf, ROOT, TestNetns } from '../helpers/netns.js'

const cli = join(ROOT, 'bin', 'run.js')

describeRoot('environment', () => {
  let ns: TestNetns

  beforeAll(async () => {
    ns = await TestNetns.create('env')
    await ns.node('stuck-listener.cjs', ['127.0.0.1', 8080, 4, 60])
    await ns.runNode('connect-burst.cjs', ['127.0.0.1', 8080, 12, 10, 300])
  })
  afterAll(async () => ns?.cleanup())

  test('without ss: listeners come from /proc/net/tcp, limits are unknown and said so', async () => {
    const { stdout } = await ns.exec(['/usr/bin/env', 'PATH=/nonexistent', process.execPath, cli, 'queues', '--interval', '0', '--json', '--fail-on', 'never'])
    const report = JSON.parse(stdout)
    expect(findingsOf(report, 'queues.accept-queue-fill')).toEqual([expect.objectContaining({ status: 'skip', message: expect.stringMatching(/without ss/) })])
    // The overflow counter is still judged (host-wide: no per-listener drops without ss).
    expect(findingsOf(report, 'queues.accept-overflow')).toEqual([expect.objectContaining({ status: 'fail', severity: 'info' })])
    const human = await ns.exec(['/usr/bin/env', 'PATH=/nonexistent', 'NO_COLOR=1', process.execPath, cli, 'queues', '--interval', '0', '--fail-on', 'never'])
    expect(human.stdout).toMatch(/^127\.0\.0\.1:8080 .* 5 /m) // the queue length, from /proc/net/tcp
  })
})
