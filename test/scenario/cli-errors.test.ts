// What a user meets when they get something wrong: exit 2, one clear line naming the flag or file, no stack trace.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

import { runCli } from '../helpers/netns.js'

const dir = mkdtempSync(join(tmpdir(), 'netdoc-err-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

describe('usage errors exit 2 with one clear line', () => {
  const badConfig = join(dir, 'bad.json')
  writeFileSync(badConfig, '{"checks": {"queues.accept-queue-fill": {"thresholds": {"warningFil": 0.5}}}}')
  const notSnapshot = join(dir, 'empty')
  mkdirSync(notSnapshot)
  const brokenManifest = join(dir, 'broken')
  mkdirSync(brokenManifest)
  writeFileSync(join(brokenManifest, 'manifest.json'), '{"format": "netdoc-snap')
  const newerSnapshot = join(dir, 'newer')
  mkdirSync(newerSnapshot)
  writeFileSync(join(newerSnapshot, 'manifest.json'), JSON.stringify({ format: 'netdoc-snapshot', formatVersion: 2 }))
  test.each([
    [['queues', '--interval', 'abc'], /--interval abc: expected a number of seconds/],
    [['queues', '--interval', '-1'], /--interval -1/],
    [['queues', '--fail-on', 'bogus'], /--fail-on/],
    [['queues', '--format', 'xml'], /--format/],
    [['queues', '--bogus'], /--bogus/],
    [['check', 'nosuchtopic'], /nosuchtopic: no check has that id/],
    [['check', '--only', 'queues.nope'], /--only queues\.nope/],
    [['queues', '--from', join(dir, 'missing')], /--from .*missing: no such directory/],
    [['queues', '--from', notSnapshot], /not a netdoc snapshot/],
    [['queues', '--from', brokenManifest], /manifest\.json is not valid JSON/],
    [['queues', '--from', newerSnapshot], /snapshot format 2 is newer than this netdoc understands; upgrade netdoc/],
    [['queues', '--netns', 'netdoc-no-such-ns'], /--netns netdoc-no-such-ns: no such network namespace/],
    [['queues', '--pid', '999999999'], /--pid 999999999: no such process/],
    [['queues', '--config', join(dir, 'nope.json')], /--config .*nope\.json: no such file/],
    [['queues', '--config', badConfig], /checks\.queues\.accept-queue-fill\.thresholds\.warningFil: unknown threshold/],
    [['queues', '--json', '--from', join(dir, 'missing')], /no such directory/],
  ])('%j', async (args, message) => {
    const argv = args as string[]
    // --interval 0 so the cases that would reach sampling don't wait
    const r = await runCli(argv.includes('--interval') ? argv : [...argv, '--interval', '0'])
    expect(r.code).toBe(2)
    expect(r.stdout).toBe('')
    expect(r.stderr).toMatch(message as RegExp)
    expect(r.stderr.trim().split('\n').length).toBeLessThanOrEqual(2)
    expect(r.stderr).not.toMatch(/\n\s+at /) // no stack trace
  })

  test('DEBUG=netdoc shows the stack trace', async () => {
    const r = await runCli(['queues', '--from', join(dir, 'missing')], { env: { DEBUG: 'netdoc' } })
    expect(r.code).toBe(2)
    expect(r.stderr).toMatch(/\n\s+at /)
  })
})
