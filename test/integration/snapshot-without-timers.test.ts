// Replay of a snapshot that netdoc 0.4 recorded before the shared owners pass: its one full `ss -p` read is the
// fd limits' own `ss -tanp` (no -o: no timer column) and there is no `ss -tanpo`. Made from busy-host's first
// sample, which is such a read, as a one-sample snapshot, with a keepalive timer on the listener's side of the
// five held connections in its census (the clients' side has none): the owners in `ss -tanp` still name the
// CLOSE_WAIT holder, and its missing timer column must not make the listener's sockets "without keepalive".
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

import { findingsOf, ROOT, runJson } from '../helpers/netns.js'

const FIXTURE = join(ROOT, 'test', 'fixtures', 'snapshots', 'busy-host')
const SERVER_SIDE = /^(ESTAB +\d+ +\d+ +127\.0\.0\.1:8080 .*?) *$/gm
let dir: string

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'netdoc-no-timers-'))
  cpSync(join(FIXTURE, 'sample-0'), join(dir, 'sample-0'), { recursive: true })
  const manifest = JSON.parse(readFileSync(join(FIXTURE, 'manifest.json'), 'utf8'))
  writeFileSync(join(dir, 'manifest.json'), JSON.stringify({ ...manifest, samples: 1, windowSeconds: 0 }))
  // the timer as ss -tano prints it for a socket with SO_KEEPALIVE (misc/ss.c tcp_timer_print)
  const census = join(dir, 'sample-0', 'commands', 'ss -tano.out')
  writeFileSync(census, readFileSync(census, 'utf8').replace(SERVER_SIDE, '$1 timer:(keepalive,119min,0)'))
})

afterAll(() => {
  if (dir) rmSync(dir, { recursive: true, force: true })
})

test('the snapshot is what the test means: ss -tanp, no ss -tanpo, and the listener\'s side of the held connections with a timer', () => {
  const commands = join(dir, 'sample-0', 'commands')
  expect(readFileSync(join(commands, 'ss -tanp.out'), 'utf8')).not.toMatch(/timer:/)
  expect(() => readFileSync(join(commands, 'ss -tanpo.out'))).toThrow()
  const census = readFileSync(join(commands, 'ss -tano.out'), 'utf8')
  expect(census.match(/^ESTAB .* timer:\(keepalive,119min,0\)$/gm)).toHaveLength(5)
  expect(census.match(/^ESTAB /gm)).toHaveLength(10)
})

test('owners from ss -tanp: the CLOSE_WAIT holder is named; no group is said to lack keepalive for want of a timer column', async () => {
  const { report } = await runJson(['check', '--from', dir, '--only', 'sockets.close-wait,ports.fd-limit,keepalive.sockets'])
  expect(report.notes ?? []).not.toContainEqual(expect.stringMatching(/process owners not read/))
  const [cw] = findingsOf(report, 'sockets.close-wait')
  expect(cw).toMatchObject({ status: 'fail', subject: { local: '127.0.0.1:7000', side: 'server', pid: 453030, process: 'node' } })
  expect(cw.evidence[0]).toEqual({ source: 'ss -tanp', name: 'CLOSE-WAIT', value: 12 })
  expect(findingsOf(report, 'ports.fd-limit')[0].status).toBe('pass')
  // the clients' side has no timer in the census: that finding stands, from the census; the listener's side had
  // one, and ss -tanp (no timers) cannot say otherwise
  const ka = findingsOf(report, 'keepalive.sockets')
  expect(ka.map((f: any) => f.subject)).toEqual([{ remote: '127.0.0.1:8080', side: 'client' }])
  expect(ka[0].evidence).toEqual([
    { source: 'ss -tano', name: 'withKeepalive', value: 0 },
    { source: 'ss -tano', name: 'withoutKeepalive', value: 5 },
    { source: 'ss -tano', name: 'longLivedWithoutKeepalive', value: 5 },
  ])
})
