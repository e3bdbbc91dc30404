// --container NAME|ID against a fake container runtime: a script named docker (or podman), first on PATH, that
// answers `container inspect --format {{.State.Pid}} NAME` with the pid of a process this test started inside a
// namespace it made. /usr/local/bin/docker may exist without an engine, so the fake always comes first and the
// PATH of the "no runtime" case has no docker at all.
import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

import { describeRoot, findingsOf, runCli, runJson, TestNetns } from '../helpers/netns.js'

const SYSTEM_PATH = '/usr/sbin:/usr/bin:/sbin:/bin'

/** A runtime CLI that knows one running container `web` (main process `pid`) and one stopped container `old`. */
function fakeRuntime(dir: string, name: 'docker' | 'podman', pid: number): void {
  mkdirSync(dir, { recursive: true })
  const script = `#!/bin/sh
# fake ${name}: only \`${name} container inspect --format {{.State.Pid}} NAME\`
if [ "$1" != container ] || [ "$2" != inspect ] || [ "$3" != --format ] || [ "$4" != '{{.State.Pid}}' ]; then
  echo "fake ${name}: unexpected arguments: $*" >&2; exit 64
fi
case "$5" in
  web|3f2a9c) echo ${pid} ;;
  old) echo 0 ;;
  *) echo "Error: No such container: $5" >&2; exit 1 ;;
esac
`
  writeFileSync(join(dir, name), script)
  chmodSync(join(dir, name), 0o755)
}

describeRoot('--container: a fake runtime resolves a container to its main process', () => {
  let ns: TestNetns
  let mainPid: number
  const tmp = mkdtempSync(join(tmpdir(), 'netdoc-ctr-'))
  const dockerDir = join(tmp, 'docker-bin')
  const podmanDir = join(tmp, 'podman-bin')
  const emptyDir = join(tmp, 'empty-bin')
  const withDocker = { PATH: `${dockerDir}:${SYSTEM_PATH}` }
  let report: any
  let code: number

  beforeAll(async () => {
    ns = await TestNetns.create('ctr')
    // the pathologies: a listener that never accepts (the container's main process) and SYN cookies off
    await ns.sysctl('net.ipv4.tcp_syncookies', 0)
    const main = await ns.node('stuck-listener.cjs', ['127.0.0.1', 8080, 4, 60])
    mainPid = main.pid!
    await ns.node('connect-burst.cjs', ['127.0.0.1', 8080, 20, 20, 8000], { waitReady: false })
    fakeRuntime(dockerDir, 'docker', mainPid)
    fakeRuntime(podmanDir, 'podman', mainPid)
    mkdirSync(emptyDir, { recursive: true })
    await new Promise((r) => setTimeout(r, 800))
    const r = await runJson(['check', '--container', 'web', '--only', 'queues', '--interval', '0'], { env: withDocker })
    report = r.report
    code = r.code
  }, 60_000)

  afterAll(async () => {
    await ns?.cleanup()
    rmSync(tmp, { recursive: true, force: true })
  })

  test("the run looks inside the container's namespace: its stuck listener is critical", () => {
    expect(code).toBe(1)
    expect(report.target).toMatchObject({ kind: 'live', netns: `container:docker:web:pid:${mainPid}` })
    expect(findingsOf(report, 'queues.accept-queue-fill')).toEqual([
      expect.objectContaining({ status: 'fail', severity: 'critical', subject: expect.objectContaining({ local: '127.0.0.1:8080', pid: mainPid }) }),
    ])
  })

  test("remediations run inside it (nsenter) and persist in the container's definition", () => {
    const [f] = findingsOf(report, 'queues.syncookies')
    expect(f).toMatchObject({ status: 'fail', subject: { sysctl: 'net.ipv4.tcp_syncookies' } })
    expect(f.remediation.commands).toContain(`nsenter -n -t ${mainPid} sysctl -w net.ipv4.tcp_syncookies=1`)
    expect(f.remediation.text).toContain('docker run --sysctl net.ipv4.tcp_syncookies=1')
  })

  test('an id works as a name does, and the table names the container', async () => {
    const r = await runCli(['queues', '--container', '3f2a9c', '--interval', '0', '--fail-on', 'never'], { env: { ...withDocker, COLUMNS: '200' } })
    expect(r.code).toBe(0)
    expect(r.stdout).toContain(`container 3f2a9c (docker, pid ${mainPid})`)
  })

  test('podman is asked when docker is not installed', async () => {
    const r = await runJson(['check', '--container', 'web', '--only', 'queues.syncookies', '--interval', '0'], { env: { PATH: `${podmanDir}:${SYSTEM_PATH}` } })
    expect(r.report.target.netns).toBe(`container:podman:web:pid:${mainPid}`)
    expect(findingsOf(r.report, 'queues.syncookies')[0].remediation.text).toContain('podman run --sysctl')
  })

  test('a snapshot of a container replays with its remediations', async () => {
    const snap = join(tmp, 'snap')
    const s = await runCli(['snapshot', '-o', snap, '--container', 'web', '--interval', '0'], { env: withDocker })
    expect(s.code).toBe(0)
    const r = await runJson(['check', '--from', snap, '--only', 'queues.syncookies'])
    expect(r.report.target.netns).toBe(`container:docker:web:pid:${mainPid}`)
    expect(findingsOf(r.report, 'queues.syncookies')[0].remediation.commands).toContain(`nsenter -n -t ${mainPid} sysctl -w net.ipv4.tcp_syncookies=1`)
  }, 60_000)

  test.each([
    ['a container that is not running', ['--container', 'old'], withDocker, /--container old: the container is not running \(docker start old/],
    ['no such container', ['--container', 'nope'], withDocker, /--container nope: docker has no such container/],
    ['no runtime installed', ['--container', 'web'], { PATH: emptyDir }, /--container web: no container runtime found \(docker or podman\); install one, or give .* --pid PID/],
    ['a name no runtime accepts', ['--container', '-rm'], withDocker, /--container -rm: not a container name or id/],
    ['--container with --pid', ['--container', 'web', '--pid', '1'], withDocker, /cannot also be provided when using --container|--pid/],
  ])('%s: exit 2 with one clear message', async (_name, args, env, message) => {
    const r = await runCli(['check', ...args, '--interval', '0'], { env })
    expect(r.code).toBe(2)
    expect(r.stderr).toMatch(message)
    expect(r.stderr).not.toMatch(/\n\s+at /)
    expect(r.stdout).toBe('')
  })
})
