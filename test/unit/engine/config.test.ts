// Configuration: validated on load; every error names the key and the file. .netdocrc files in the directory.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

import { loadAllChecks } from '../../../src/checks/registry.js'
import { findConfig, loadConfig, validateConfig } from '../../../src/engine/config.js'
import { UsageError } from '../../../src/model/errors.js'

const CHECKS = await loadAllChecks()

const dir = mkdtempSync(join(tmpdir(), 'netdoc-config-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

const error = (raw: unknown): string => {
  try {
    validateConfig(raw, '/etc/netdoc.yaml', CHECKS)
  } catch (err) {
    expect(err).toBeInstanceOf(UsageError)
    return (err as Error).message
  }
  throw new Error('no error')
}

describe('config validation', () => {
  test('a full valid configuration passes', () => {
    const cfg = {
      checks: { 'queues.accept-queue-fill': { thresholds: { warningFill: 0.5 }, severity: 'critical' }, 'queues.syncookies': { skip: true } },
      ignore: [{ check: 'queues.*', local: '127.0.0.1:9000' }],
      expect: { sysctls: { 'net.core.somaxconn': '>=4096', 'net.ipv4.tcp_rmem': '4096 87380 6291456', 'net.ipv4.tcp_syncookies': 1 } },
      idleTimeout: 350,
      bandwidth: '10Gbit',
      rtt: '50ms',
    }
    expect(validateConfig(cfg, 'x.json', CHECKS)).toEqual(cfg)
  })

  test.each([
    [{ nope: 1 }, 'nope: unknown key'],
    [[], '(top level): must be an object'],
    [{ checks: { 'queues.nope': {} } }, 'checks.queues.nope: no such check'],
    [{ checks: { 'queues.syncookies': { skipp: true } } }, 'checks.queues.syncookies.skipp: unknown key'],
    [{ checks: { 'queues.accept-queue-fill': { thresholds: { warningFill: '0.5' } } } }, 'checks.queues.accept-queue-fill.thresholds.warningFill: must be a number'],
    [{ checks: { 'queues.accept-queue-fill': { thresholds: { fill: 1 } } } }, 'checks.queues.accept-queue-fill.thresholds.fill: unknown threshold (known: warningFill)'],
    [{ checks: { 'queues.syncookies': { severity: 'high' } } }, 'checks.queues.syncookies.severity: must be critical, warning or info'],
    [{ checks: { 'queues.syncookies': { skip: 'yes' } } }, 'checks.queues.syncookies.skip: must be true or false'],
    [{ ignore: { local: 'x' } }, 'ignore: must be a list'],
    [{ ignore: [{ port: 80 }] }, 'ignore[0].port: unknown key'],
    [{ ignore: [{}] }, 'ignore[0]: is empty'],
    [{ expect: { sysctl: {} } }, 'expect.sysctl: unknown key'],
    [{ expect: { sysctls: { 'net/core/somaxconn': '1' } } }, 'expect.sysctls.net/core/somaxconn: not a sysctl name'],
    [{ expect: { sysctls: { 'net.core.somaxconn': '>=lots' } } }, 'expect.sysctls.net.core.somaxconn: ">=lots": >= needs a number'],
    [{ expect: { sysctls: { 'net.core.somaxconn': true } } }, 'expect.sysctls.net.core.somaxconn: must be a value'],
    [{ idleTimeout: '350' }, 'idleTimeout: must be a positive number of seconds'],
    [{ rtt: 50 }, 'rtt: must be a string'],
  ])('%j → %s', (raw, expected) => {
    const msg = error(raw)
    expect(msg.startsWith('--config /etc/netdoc.yaml: ')).toBe(true)
    expect(msg).toContain(expected)
  })
})

describe('config files', () => {
  test('YAML and JSON load; a syntax error names the file', async () => {
    const yaml = join(dir, 'a.yaml')
    writeFileSync(yaml, 'expect:\n  sysctls:\n    net.core.somaxconn: ">=4096"\nidleTimeout: 350\n')
    expect(await loadConfig(yaml, CHECKS)).toEqual({ expect: { sysctls: { 'net.core.somaxconn': '>=4096' } }, idleTimeout: 350 })
    const bad = join(dir, 'b.json')
    writeFileSync(bad, '{"idleTimeout": ')
    await expect(loadConfig(bad, CHECKS)).rejects.toThrow(`--config ${bad}: not valid JSON`)
    await expect(loadConfig(join(dir, 'missing.yaml'), CHECKS)).rejects.toThrow(/missing.yaml: no such file$/)
  })

  test('.netdocrc.json or .netdocrc.yaml in the directory; both is an error', () => {
    const d = mkdtempSync(join(dir, 'rc-'))
    expect(findConfig(d)).toBeUndefined()
    writeFileSync(join(d, '.netdocrc.yaml'), 'idleTimeout: 350\n')
    expect(findConfig(d)).toBe(join(d, '.netdocrc.yaml'))
    writeFileSync(join(d, '.netdocrc.json'), '{}')
    expect(() => findConfig(d)).toThrow(/two configuration files here; keep one/)
  })
})
