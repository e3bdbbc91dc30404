// Listeners that leak through exec, on the real kernel: the seed's example (a server hands its listener to
// `sleep 1111` and exits), and its healthy twins (pre-forked workers of one executable; a child started while the
// listener stays close-on-exec). Each in its own namespace.
import { describeRoot, findingsOf, runCli, runJson, TestNetns } from '../helpers/netns.js'

const PROGRAM = `${process.cwd()}/test/helpers/programs/fd-inheritor.py`
const started: number[] = []

async function server(ns: TestNetns, port: number, mode: 'leak' | 'prefork' | 'cloexec'): Promise<{ pid: number; children: number[] }> {
  const p = await ns.start(['python3', PROGRAM, String(port), mode, '30'])
  const children = (/pids=([\d,]*)/.exec(p.output())?.[1] ?? '').split(',').filter(Boolean).map(Number)
  started.push(...children)
  return { pid: p.pid!, children }
}

describeRoot('inherited listener scenario', () => {
  let leak: TestNetns
  let prefork: TestNetns
  let cloexec: TestNetns
  let sleepPid: number
  const reports: Record<string, any> = {}
  let view: string

  beforeAll(async () => {
    ;[leak, prefork, cloexec] = await Promise.all([TestNetns.create('inherit'), TestNetns.create('prefork'), TestNetns.create('cloexec')])
    sleepPid = (await server(leak, 1234, 'leak')).children[0]
    await server(prefork, 1234, 'prefork')
    await server(cloexec, 1234, 'cloexec')
    await new Promise((r) => setTimeout(r, 300)) // the leaking server has exited
    for (const [name, ns] of Object.entries({ leak, prefork, cloexec })) reports[name] = (await runJson(['check', 'queues', '--netns', ns.name, '--interval', '0'])).report
    view = (await runCli(['queues', '--netns', leak.name, '--interval', '0'], { env: { COLUMNS: '120' } })).stdout
  }, 60000)

  afterAll(async () => {
    for (const pid of started) {
      try {
        process.kill(pid, 'SIGKILL')
      } catch {
        /* already gone */
      }
    }
    await Promise.all([leak, prefork, cloexec].map((ns) => ns?.cleanup()))
  })

  test("the seed's example: sleep holds *:1234 alone after the server exited: critical, sleep, its pid and the port", () => {
    const f = findingsOf(reports.leak, 'queues.inherited-listener')
    expect(f).toHaveLength(1)
    expect(f[0]).toMatchObject({ status: 'fail', severity: 'critical', subject: { local: '127.0.0.1:1234', side: 'server', pid: sleepPid, process: 'sleep' } })
    expect(f[0].message).toMatch(new RegExp(`held only by sleep \\(pid ${sleepPid}, fd \\d+\\)`))
    expect(f[0].remediation.commands).toContain(`kill ${sleepPid}`)
    expect(f[0].remediation.text).toMatch(/SOCK_CLOEXEC/)
  })

  test('pre-forked workers of one executable: pass', () => {
    expect(findingsOf(reports.prefork, 'queues.inherited-listener')).toEqual([expect.objectContaining({ status: 'pass', message: expect.stringMatching(/1 listener, 3 holders/) })])
  })

  test('a child started while the listener is close-on-exec: pass', () => {
    expect(findingsOf(reports.cloexec, 'queues.inherited-listener')).toEqual([expect.objectContaining({ status: 'pass' })])
  })

  test('the queues view lists the holder as leaked', () => {
    expect(view).toMatch(new RegExp(`127\\.0\\.0\\.1:1234\\s+sleep ${sleepPid}/\\d+ leaked`))
  })
})
