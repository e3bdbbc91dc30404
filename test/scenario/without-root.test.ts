// What the README promises about permissions: without root every queue check still runs and finds the full accept
// queue, but a root-owned listener is not attributed to its process; as root it is.
import { join } from 'node:path'

import { asNobody, describeRoot, ROOT, TestNetns } from '../helpers/netns.js'

describeRoot('running without root', () => {
  let ns: TestNetns
  beforeAll(async () => {
    ns = await TestNetns.create('noroot')
    await ns.node('stuck-listener.cjs', ['127.0.0.1', 8081, 2, 60])
    await ns.runNode('connect-burst.cjs', ['127.0.0.1', 8081, 6, 20, 600])
  })
  afterAll(async () => {
    await ns?.cleanup()
  })

  const run = async (asUser: string[]) => {
    const argv = [...asUser, process.execPath, join(ROOT, 'bin', 'run.js'), 'check', '--only', 'queues.accept-queue-fill', '--interval', '0', '--json']
    const r = await ns.exec(argv).catch((e) => e)
    return JSON.parse(r.stdout)
  }

  const asUser = asNobody()
  ;(asUser ? test : test.skip)('as nobody: the finding, without the process; as root: with it', async () => {
    const nobody = await run(asUser!)
    const root = await run([])
    const fill = (report: any) => report.findings.find((f: any) => f.check === 'queues.accept-queue-fill')
    expect(fill(nobody)).toMatchObject({ status: 'fail', severity: 'critical', subject: { local: '127.0.0.1:8081' } })
    expect(fill(nobody).subject.process).toBeUndefined()
    expect(fill(root)).toMatchObject({ status: 'fail', subject: { local: '127.0.0.1:8081', process: 'node' } })
    expect(nobody.notes.join(' ')).toMatch(/not running as root/)
    expect(root.notes).toBeUndefined()
    // entering another namespace needs root: refused up front with the fix, not a wall of per-probe errors
    const r = await ns.exec([...asUser!, process.execPath, join(ROOT, 'bin', 'run.js'), 'queues', '--netns', ns.name, '--interval', '0']).catch((e) => e)
    expect(r.code).toBe(2)
    expect(r.stderr).toMatch(/needs root/)
  })
})
