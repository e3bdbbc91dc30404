// The table format and its layout helpers: findings grouped under their subject, text wrapped to the width with
// commands whole, passes in one line and skips by reason; compact tables.
import type { Finding } from '../../../src/model/finding.js'
import { capped, foldZeros, screenWidth, Table, wrap } from '../../../src/report/layout.js'
import { renderFindings } from '../../../src/report/table.js'
import { sampleReport } from '../../helpers/reports.js'

const LONG_COMMAND = `sysctl -w ${Array.from({ length: 12 }, (_, i) => `net.ipv4.setting_${i}=1`).join(' ')}`

function finding(check: string, subject: Finding['subject'], extra: Partial<Finding> = {}): Finding {
  return { check, status: 'fail', severity: 'warning', title: `${check} failing`, message: `about ${Object.values(subject).join(" ") || "the host"}`, subject, evidence: [], ...extra }
}

const destination = { local: '127.0.0.1', remote: '127.0.0.1:9000', side: 'client' as const }
const findings: Finding[] = [
  finding('ports.ephemeral-exhaustion', destination, { severity: 'critical' }),
  finding('keepalive.detection-time', {}, { remediation: { text: 'word '.repeat(60).trim(), commands: [LONG_COMMAND], docs: 'docs/checks/keepalive.detection-time.md' } }),
  finding('timewait.storm', destination, { severity: 'critical' }),
  finding('queues.accept-queue-fill', { local: '127.0.0.1:8080', side: 'server' }, { severity: 'info' }),
  finding('timewait.reuse', destination),
  finding('queues.accept-overflow', { local: '127.0.0.1:8080', side: 'server', pid: 7, process: 'srv' }, { severity: 'critical' }),
  ...['a', 'b', 'c'].map((n): Finding => ({ check: `buffers.${n}`, status: 'pass', title: n, message: 'fine', subject: {}, evidence: [] })),
  ...['x', 'y'].map((n): Finding => ({ check: `keepalive.${n}`, status: 'skip', title: n, message: 'needs a capture', subject: {}, evidence: [] })),
  { check: 'resets.closes', status: 'skip', title: 'closes', message: 'needs a capture', subject: {}, evidence: [] },
  { check: 'sockets.orphans', status: 'skip', title: 'orphans', message: 'host-wide only', subject: {}, evidence: [] },
]

describe('table format', () => {
  test('findings about one subject stand together under it, worst group and worst finding first', async () => {
    const text = await renderFindings(sampleReport('critical', findings), { color: false, width: 100 })
    const headings = text.split('\n').filter((l) => /^\S/.test(l) && !/^(pass|skip|\d+ critical)/.test(l))
    expect(headings).toEqual(['client 127.0.0.1 → 127.0.0.1:9000', 'server 127.0.0.1:8080 (srv, pid 7)', 'host'])
    const checks = [...text.matchAll(/^ {2}(\w+) +([\w.-]+) ·/gm)].map((m) => `${m[1]} ${m[2]}`)
    expect(checks).toEqual([
      'CRITICAL ports.ephemeral-exhaustion',
      'CRITICAL timewait.storm',
      'WARNING timewait.reuse',
      'CRITICAL queues.accept-overflow',
      'INFO queues.accept-queue-fill',
      'WARNING keepalive.detection-time',
    ])
  })

  test('text wraps to the width; commands stay whole on their own line', async () => {
    const text = await renderFindings(sampleReport('critical', findings), { color: false, width: 60 })
    const lines = text.split('\n')
    expect(lines).toContain(`             $ ${LONG_COMMAND}`)
    expect(lines.filter((l) => !l.trimStart().startsWith('$ ')).every((l) => l.length <= 60)).toBe(true)
    expect(lines.filter((l) => /^ {11}( {5}|fix: )word/.test(l)).length).toBeGreaterThan(4)
  })

  test('passes in one line by topic, skips one line per reason', async () => {
    const text = await renderFindings(sampleReport('critical', findings), { color: false, width: 100 })
    expect(text).toContain('\npass buffers: a, b, c\n')
    expect(text).toContain('\nskip keepalive: x, y · resets: closes — needs a capture\n')
    expect(text).toContain('\nskip sockets: orphans — host-wide only\n')
    expect(text.match(/needs a capture/g)).toHaveLength(1)
  })

  test('--verbose shows passes and skips under their subject instead', async () => {
    const text = await renderFindings(sampleReport(), { color: false, verbose: true, width: 100 })
    expect(text).toMatch(/^ {2}PASS {5}queues\.syncookies$/m)
    expect(text).toMatch(/^ {2}SKIP {5}keepalive\.probes$/m)
    expect(text).not.toMatch(/^pass /m)
  })
})

describe('layout', () => {
  test('wrap keeps words whole and indents the continuation', () => {
    expect(wrap('aaa bbb ccc ddd', 9, '> ', '  ')).toEqual(['> aaa bbb', '  ccc ddd'])
    expect(wrap('a /a/very/long/path/that/does/not/fit b', 10)).toEqual(['a', '/a/very/long/path/that/does/not/fit', 'b'])
  })

  test('a compact table: header, aligned columns, numbers to the right, no rules', () => {
    const t = new Table({ head: ['Name', 'Count'] })
    t.push(['alpha', '5'], ['b', '1234'])
    expect(t.toString()).toBe('Name   Count\nalpha      5\nb       1234')
    // addresses are not numbers: they stay left-aligned
    const a = new Table({ head: ['Local', 'Sockets'] })
    a.push(['127.0.0.1', '2.5 %'], ['10.1.1.10', '12 %'])
    expect(a.toString()).toBe('Local      Sockets\n127.0.0.1    2.5 %\n10.1.1.10     12 %')
  })

  test('zero rows folded, long lists capped with a count', () => {
    expect(foldZeros([0, 3, 0, 4], (n) => n === 0)).toEqual({ shown: [3, 4], zero: [0, 0] })
    expect(capped([1, 2, 3], 2, 'number')).toEqual({ shown: [1, 2], more: '… 1 more number' })
    expect(capped([1, 2, 3, 4], 2, 'number')).toEqual({ shown: [1, 2], more: '… 2 more numbers' })
    expect(capped([1, 2], 2, 'number')).toEqual({ shown: [1, 2] })
    // a plural that is not the singular and an s, and what follows the count
    expect(capped([1, 2, 3], 2, ['index', 'indices'], 'in the JSON')).toEqual({ shown: [1, 2], more: '… 1 more index in the JSON' })
    expect(capped([1, 2, 3, 4], 2, ['index', 'indices'], 'in the JSON')).toEqual({ shown: [1, 2], more: '… 2 more indices in the JSON' })
  })

  test('the width: COLUMNS, else the terminal, else 80', () => {
    const saved = process.env.COLUMNS
    try {
      delete process.env.COLUMNS
      expect(screenWidth({ isTTY: false })).toBe(80)
      expect(screenWidth({ isTTY: true, columns: 132 })).toBe(132)
      process.env.COLUMNS = '100'
      expect(screenWidth({ isTTY: true, columns: 132 })).toBe(100)
    } finally {
      if (saved === undefined) delete process.env.COLUMNS
      else process.env.COLUMNS = saved
    }
  })
})
