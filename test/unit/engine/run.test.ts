// The engine over a hand-built snapshot of real fixture files: error isolation, selection, configuration.
import { cpSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

import { loadAllChecks } from '../../../src/checks/registry.js'
import { validateConfig } from '../../../src/engine/config.js'
import { runChecks } from '../../../src/engine/run.js'
import { selectChecks } from '../../../src/engine/select.js'
import { Unavailable, UsageError } from '../../../src/model/errors.js'
import { SnapshotSource } from '../../../src/probes/snapshot.js'
import { ROOT } from '../../helpers/netns.js'
import { tableSource } from '../../helpers/table-source.js'

const CHECKS = await loadAllChecks()

const FIX = join(ROOT, 'test', 'fixtures', 'linux-6.18.44')
let dir: string

function makeSnapshot(netstat?: string): SnapshotSource {
  dir = mkdtempSync(join(tmpdir(), 'netdoc-engine-'))
  writeFileSync(join(dir, 'manifest.json'), JSON.stringify({ format: 'netdoc-snapshot', formatVersion: 1, netdoc: 'test', createdAt: '', source: 'test', windowSeconds: 0, samples: 1, checks: [] }))
  const s0 = join(dir, 'sample-0')
  mkdirSync(join(s0, 'files', 'proc', 'net'), { recursive: true })
  mkdirSync(join(s0, 'commands'), { recursive: true })
  cpSync(join(FIX, 'proc-net-snmp'), join(s0, 'files/proc/net/snmp'))
  if (netstat === undefined) cpSync(join(FIX, 'proc-net-netstat'), join(s0, 'files/proc/net/netstat'))
  else writeFileSync(join(s0, 'files/proc/net/netstat'), netstat)
  cpSync(join(FIX, 'ss-ltnmp.out'), join(s0, 'commands', 'ss -ltnmp.out'))
  for (const [name, v] of Object.entries({ 'net/core/somaxconn': '4096', 'net/ipv4/tcp_syncookies': '1', 'net/ipv4/tcp_abort_on_overflow': '0', 'net/ipv4/tcp_max_syn_backlog': '512' })) {
    mkdirSync(join(s0, 'files/proc/sys', name, '..'), { recursive: true })
    writeFileSync(join(s0, 'files/proc/sys', name), v + '\n')
  }
  return new SnapshotSource(dir)
}

afterEach(() => rmSync(dir, { recursive: true, force: true }))

const queues = () => selectChecks(CHECKS, { topics: ['queues'] })
const byCheck = (findings: any[], id: string) => findings.filter((f) => f.check === id)

test('a snapshot of fixtures: the stuck listener of the capture is named', async () => {
  const { findings } = await runChecks({ source: makeSnapshot(), checks: queues(), intervalSeconds: 2, options: { maxDetails: 100 }, recordedWindowSeconds: 0 })
  expect(byCheck(findings, 'queues.accept-queue-fill')).toEqual([expect.objectContaining({ severity: 'critical', subject: expect.objectContaining({ local: '127.0.0.1:8080' }) })])
})

test('a malformed input makes only its checks error, with the parser\'s reason; the rest runs', async () => {
  const { findings } = await runChecks({ source: makeSnapshot('TcpExt: A B\nTcpExt: 1\n'), checks: queues(), intervalSeconds: 0, options: { maxDetails: 100 }, recordedWindowSeconds: 0 })
  expect(byCheck(findings, 'queues.accept-overflow')).toEqual([expect.objectContaining({ status: 'error', message: expect.stringMatching(/\/proc\/net\/netstat: TcpExt has 2 names but 1 values/) })])
  expect(byCheck(findings, 'queues.syn-overflow')[0].status).toBe('error')
  expect(byCheck(findings, 'queues.accept-queue-fill')[0].status).toBe('fail')
  expect(byCheck(findings, 'queues.syncookies')[0].status).toBe('pass')
})

test('config: thresholds, severity overrides, skips and ignores', async () => {
  const config = validateConfig(
    {
      checks: { 'queues.accept-queue-fill': { severity: 'warning' }, 'queues.syncookies': { skip: true } },
      ignore: [{ check: 'queues.accept-*', local: '127.0.0.1:8080' }],
    },
    'test.json',
    CHECKS,
  )
  const { findings } = await runChecks({ source: makeSnapshot(), checks: queues(), intervalSeconds: 0, config, options: { maxDetails: 100 }, recordedWindowSeconds: 0 })
  expect(byCheck(findings, 'queues.syncookies')).toEqual([expect.objectContaining({ status: 'skip', message: 'skipped by the configuration' })])
  // the stuck listener is ignored for the accept-* checks
  expect(findings.filter((f) => f.check.startsWith('queues.accept-') && f.status === 'fail')).toEqual([])
})

test('config validation names the key and the file', () => {
  expect(() => validateConfig({ chekcs: {} }, 'ci.yaml', CHECKS)).toThrow(new UsageError('--config ci.yaml: chekcs: unknown key (known: checks, ignore, expect, idleTimeout, bandwidth, rtt)'))
  expect(() => validateConfig({ checks: { 'queues.accept-queue-fill': { thresholds: { warningFill: 'high' } } } }, 'c.json', CHECKS)).toThrow(/thresholds\.warningFill: must be a number/)
  expect(() => validateConfig({ checks: { 'nope.x': {} } }, 'c.json', CHECKS)).toThrow(/checks\.nope\.x: no such check/)
})

test('selection by topic, id and prefix; unknown names are usage errors', () => {
  expect(selectChecks(CHECKS, { topics: ['queues'] }).length).toBe(CHECKS.filter((c) => c.meta.topic === 'queues').length)
  expect(selectChecks(CHECKS, { only: ['queues.syncookies'] }).map((c) => c.meta.id)).toEqual(['queues.syncookies'])
  const kept = selectChecks(CHECKS, { topics: ['queues'], skip: ['queues.syn'] }).map((c) => c.meta.id)
  expect(kept).not.toContain('queues.syn-overflow')
  expect(kept).not.toContain('queues.syncookies')
  expect(kept).toContain('queues.accept-overflow')
  expect(() => selectChecks(CHECKS, { only: ['qeues'] })).toThrow(UsageError)
})

describe('a probe that fails', () => {
  const census = () => selectChecks(CHECKS, { only: ['sockets.close-wait', 'timewait.storm'] })
  const runOver = (read: string | Error) => runChecks({ source: tableSource({ 'ss -tano': read }), checks: census(), intervalSeconds: 0, options: { maxDetails: 100 }, recordedWindowSeconds: 0 })

  test.each([
    ['a TypeError', new TypeError("Cannot read properties of undefined (reading 'state')")],
    ['a ReferenceError', new ReferenceError('socketId is not defined')],
  ])('for %s (a bug in netdoc) makes its checks error with a message that says it is netdoc’s bug, and the run goes on', async (_name, bug) => {
    const r = await runOver(bug)
    expect(r.findings.map((f) => [f.check, f.status])).toEqual([
      ['sockets.close-wait', 'error'],
      ['timewait.storm', 'error'],
    ])
    for (const f of r.findings) expect(f.message).toBe(`internal error reading the census fact: ${bug.message} (a bug in netdoc, not the host's fault; DEBUG=netdoc prints the stack)`)
  })

  test('for anything else (a worker that stopped) keeps its own message', async () => {
    const r = await runOver(new Error('the capture decode worker stopped (exit code 1) before the end of x.pcap'))
    expect(r.findings.map((f) => f.message)).toEqual(['the capture decode worker stopped (exit code 1) before the end of x.pcap', 'the capture decode worker stopped (exit code 1) before the end of x.pcap'])
  })

  test('for its input (unreadable, or a line ss never prints) makes its checks error, and the run goes on', async () => {
    const denied = await runOver(new Unavailable('error', 'ss -tano failed: Operation not permitted'))
    expect(denied.findings.map((f) => [f.check, f.status, f.message])).toEqual([
      ['sockets.close-wait', 'error', 'ss -tano failed: Operation not permitted'],
      ['timewait.storm', 'error', 'ss -tano failed: Operation not permitted'],
    ])
    const malformed = await runOver('BOGUS line\n')
    expect(malformed.findings.map((f) => f.status)).toEqual(['error', 'error'])
    expect(malformed.findings[0].message).toMatch(/not a socket line: BOGUS line/)
  })
})
