// `check --netns NAME` must see what netdoc run inside the namespace sees: a namespace with a listener whose
// accept queue is full, judged both ways on the same state (--interval 0: the since-boot counters of the
// namespace, which no longer move once the burst is over).
import { join } from 'node:path'

import { describeRoot, ROOT, runJson, TestNetns } from '../helpers/netns.js'

const findingSet = (report: any): string[] =>
  report.findings.map((f: any) => JSON.stringify([f.check, f.status, f.severity ?? null, f.subject])).sort()

describeRoot('--netns equivalence for check', () => {
  let ns: TestNetns
  beforeAll(async () => {
    ns = await TestNetns.create('equiv')
    await ns.node('stuck-listener.cjs', ['127.0.0.1', 8080, 4, 60])
    // 12 connections at a backlog of 4: the queue fills and the rest overflow; the burst exits after 1.5 s
    await ns.runNode('connect-burst.cjs', ['127.0.0.1', 8080, 12, 20, 1200])
  })
  afterAll(async () => {
    await ns?.cleanup()
  })

  test('the same check/status/severity/subject set from outside (--netns) and inside (ip netns exec)', async () => {
    const args = ['check', '--only', 'queues', '--interval', '0']
    const outside = await runJson([...args, '--netns', ns.name])
    const inside = JSON.parse((await ns.exec([process.execPath, join(ROOT, 'bin', 'run.js'), ...args, '--json']).catch((e) => e)).stdout)
    expect(outside.report.target.netns).toBe(ns.name)
    expect(findingSet(outside.report)).toEqual(findingSet(inside))
    // and it is the pathology, not two empty reports
    const full = outside.report.findings.find((f: any) => f.check === 'queues.accept-queue-fill' && f.status === 'fail')
    expect(full).toMatchObject({ severity: 'critical', subject: { local: '127.0.0.1:8080', side: 'server', process: 'node' } })
    expect(outside.code).toBe(1)
  })
})
