// The one escaping module every renderer uses: untrusted strings (process names, interface names, hostnames,
// decoded capture fields) must not act on the reader's terminal, nor break the format they are written in.
import { XMLParser, XMLValidator } from 'fast-xml-parser'

import { escapeLabelValue, mdCell, visible, visibleLines, xmlAttr, xmlText } from '../../../src/report/escape.js'
import { renderFindings } from '../../../src/report/table.js'
import { NASTY, NASTY_SHOWN, sampleReport } from '../../helpers/reports.js'

describe('escape', () => {
  test.each([
    ['\u001b[2J\u001b[31mEVIL', '\\x1b[2J\\x1b[31mEVIL'],
    ['bell\u0007 nul\u0000 del\u007f', 'bell\\x07 nul\\x00 del\\x7f'],
    ['c1 csi \u009b2J', 'c1 csi \\x9b2J'],
    ['line\nbreak\r', 'line\\x0abreak\\x0d'],
    ['bidi \u202eevil\u2066', 'bidi \\u202eevil\\u2066'],
    ['lone \ud800 surrogate', 'lone \\ud800 surrogate'],
    ['plain nginx: worker, ü, 😀', 'plain nginx: worker, ü, 😀'],
  ])('visible(%j)', (raw, shown) => {
    expect(visible(raw)).toBe(shown)
  })

  test('visibleLines keeps the newlines we laid out, and only those', () => {
    expect(visibleLines('row 1 \u001b[2J\nrow 2\r')).toBe('row 1 \\x1b[2J\nrow 2\\x0d')
  })

  test('XML: text and attributes parse back to the escaped text', () => {
    const xml = `<a b="${xmlAttr(NASTY)}">${xmlText(NASTY)}</a>`
    expect(XMLValidator.validate(xml)).toBe(true)
    const parsed = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '', trimValues: false, processEntities: true, htmlEntities: true }).parse(xml)
    expect(parsed.a.b).toBe(NASTY_SHOWN)
    expect(parsed.a['#text']).toBe(NASTY_SHOWN)
  })

  test('OpenMetrics label values: backslash, quote, newline per the format; no raw control byte', () => {
    expect(escapeLabelValue('a\\b"c\nd\u001b')).toBe('a\\\\b\\"c\\nd\\\\x1b')
  })

  test('Markdown cells: pipes, HTML, line breaks, control bytes', () => {
    expect(mdCell('a|b <i>\nc\u001b')).toBe('a\\|b &lt;i&gt;<br>c\\\\x1b')
  })

  test('the table renderer escapes every text of a finding, and still colours', async () => {
    const plain = await renderFindings(sampleReport(), { color: false, verbose: true })
    expect(plain).not.toMatch(/[\u0000-\u0009\u000b-\u001f\u007f]/)
    expect(plain).toContain('\\x1b[2J\\x1b[31mEVIL')
    // the hostname h<1> of the sample and the process name stay on their own lines: the name's newline is shown
    expect(plain).toContain('back\\x0anew line')
    const coloured = await renderFindings(sampleReport(), { color: true, verbose: true })
    const escapes = coloured.match(/\u001b\[[0-9;]*m/g) ?? []
    expect(escapes.length).toBeGreaterThan(0) // chalk's own colour codes are the only escape sequences left
    expect(coloured.replace(/\u001b\[[0-9;]*m/g, '')).not.toMatch(/\u001b/)
  })
})
