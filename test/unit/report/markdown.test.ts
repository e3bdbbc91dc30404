// The Markdown renderer: a table GitHub and GitLab render as one row per finding, whatever the strings hold.
import { mdCell, mdCode } from '../../../src/report/escape.js'
import { renderMarkdown } from '../../../src/report/markdown.js'
import { NASTY, sampleFindings, sampleReport } from '../../helpers/reports.js'

/** Splits a table row into cells on unescaped pipes. */
const cells = (row: string) => row.slice(1, -1).split(/(?<!\\)\|/).map((c) => c.trim())

describe('markdown', () => {
  const md = renderMarkdown(sampleReport())
  const rows = md.split('\n').filter((l) => l.startsWith('| ') && !l.startsWith('| |'))

  test('a row per failing or error finding, four cells each, most severe first, the gate marked', () => {
    const failing = rows.slice(0, 5)
    expect(failing.map((r) => cells(r).length)).toEqual([4, 4, 4, 4, 4])
    expect(failing.map((r) => cells(r)[1])).toEqual(['`queues.accept-queue-fill`', '`weird.nasty-strings`', '`timewait.storm`', '`timewait.reuse`', '`buffers.softnet`'])
    expect(cells(failing[0])[0]).toBe('🔴 critical **(gate)**')
    expect(cells(failing[2])[0]).toBe('🟠 warning')
    expect(md).toMatch(/^## netdoc: ❌ failed/)
    expect(renderMarkdown(sampleReport('never'))).toMatch(/^## netdoc: ✅ passed/)
  })

  test('remediations with their commands in a code block', () => {
    expect(md).toContain("```sh\nss -ltnp 'sport = :8080'\n```")
    expect(md).toContain('#### `queues.accept-queue-fill` · server 127.0.0.1:8080 (node, pid 42)')
  })

  test('passing and skipped findings are folded away', () => {
    expect(md).toMatch(/<details><summary>2 passing or skipped<\/summary>/)
  })

  test('cells escape pipes, HTML and line breaks', () => {
    const nasty = rows.find((r) => r.includes('weird.nasty-strings'))!
    expect(cells(nasty)).toHaveLength(4)
    expect(nasty).not.toMatch(/<tag>/)
    expect(mdCell(NASTY)).not.toMatch(/\n|<tag>|(?<!\\)\|/)
    expect(mdCode('a`b')).toBe('`` a`b ``')
  })

  test('no control byte reaches the Markdown: escape sequences are shown as \\x1b text', () => {
    expect(md).not.toMatch(/[\u0000-\u0009\u000b-\u001f\u007f]/)
    expect(rows.find((r) => r.includes('weird.nasty-strings'))).toContain('\\\\x1b[2J')
  })

  test('a known baseline finding is marked and does not fail', () => {
    const findings = sampleFindings().filter((f) => f.severity !== 'critical' || f.check === 'queues.accept-queue-fill')
    findings[0].baseline = 'known'
    const out = renderMarkdown(sampleReport('critical', findings))
    expect(out).toMatch(/^## netdoc: ✅ passed/)
    expect(out).toContain('🔴 critical (baseline) |')
  })
})
