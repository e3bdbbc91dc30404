// Strings from the system or a capture (process names any user can set, interface names, hostnames, decoded
// fields) are untrusted: printed raw, an escape sequence acts on the reader's terminal (clears it, recolours it,
// retitles it). Every renderer escapes through this one module, each for its own format.

// C0 controls, DEL, C1 controls (0x9b is a one-byte CSI on some terminals), the Unicode bidi overrides and
// isolates (they reorder what the reader sees), and lone surrogates (not text at all).
// eslint-disable-next-line no-control-regex
const CONTROL = /[\x00-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g
// eslint-disable-next-line no-control-regex
const CONTROL_BUT_NEWLINE = /[\x00-\x09\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g

/** `\x1b`, as ps shows it; `\u202e` above 0xff. */
function code(ch: string): string {
  const c = ch.charCodeAt(0)
  return c <= 0xff ? `\\x${c.toString(16).padStart(2, '0')}` : `\\u${c.toString(16).padStart(4, '0')}`
}

/** One line of terminal text: every control character (newlines too) shown as `\xNN`. */
export function visible(s: string): string {
  return s.replace(CONTROL, code)
}

/** Several lines of terminal text (a view we laid out): the same, but its own newlines stay. */
export function visibleLines(s: string): string {
  return s.replace(CONTROL_BUT_NEWLINE, code)
}

// XML 1.0 allows only these characters.
const INVALID_XML = /[^\x09\x0A\x0D\x20-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/gu

/** XML character data: what XML 1.0 cannot hold written as `\xNN` text, then the markup characters. */
export function xmlText(s: string): string {
  return s.replace(INVALID_XML, code).replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;')
}

/** An XML attribute value: as text, and quotes and whitespace as character references so they survive. */
export function xmlAttr(s: string): string {
  return xmlText(s).replaceAll('"', '&quot;').replaceAll("'", '&apos;').replaceAll('\n', '&#10;').replaceAll('\r', '&#13;').replaceAll('\t', '&#9;')
}

/**
 * An OpenMetrics label value: backslash, double quote and newline escaped as the exposition format says. The
 * other controls are made visible first (the format would carry them, but a scrape read on a terminal would not).
 */
export function escapeLabelValue(v: string): string {
  return visibleLines(v).replaceAll('\\', '\\\\').replaceAll('"', '\\"').replaceAll('\n', '\\n')
}

/** One Markdown table cell: no line breaks, no pipes, no HTML (GitHub renders it), no control characters. */
export function mdCell(s: string): string {
  return visibleLines(s)
    .replaceAll('&', '&amp;')
    .replaceAll('<', '&lt;')
    .replaceAll('>', '&gt;')
    .replaceAll('\\', '\\\\')
    .replaceAll('|', '\\|')
    .replace(/\r?\n/g, '<br>')
}

/** Markdown inline code that survives backticks inside it. */
export function mdCode(s: string): string {
  const text = visible(s)
  const ticks = '`'.repeat(Math.max(0, ...[...text.matchAll(/`+/g)].map((m) => m[0].length)) + 1)
  return `${ticks}${ticks.length > 1 ? ' ' : ''}${text}${ticks.length > 1 ? ' ' : ''}${ticks}`
}

/**
 * HTML text or a quoted attribute value: control characters shown as `\xNN` (as in the terminal; newlines kept,
 * a `<pre>` shows them), then the five characters that could open markup or close an attribute.
 */
export function htmlText(s: string): string {
  return visibleLines(s).replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;').replaceAll('"', '&quot;').replaceAll("'", '&#39;')
}

/**
 * JSON to embed in `<script type="application/json">`: `<` as \u003c so no string (a process name such as
 * `</script><script>...`) can end the element or open a comment; `>` and `&` too, and U+2028/2029, which old
 * parsers took for line ends. JSON.parse reads it back unchanged.
 */
export function jsonForScript(value: unknown): string {
  return JSON.stringify(value)
    .replaceAll('<', '\\u003c')
    .replaceAll('>', '\\u003e')
    .replaceAll('&', '\\u0026')
    .replaceAll('\u2028', '\\u2028')
    .replaceAll('\u2029', '\\u2029')
}

/** Inline script or style source (a library we inline): an end tag in its text would close the element early. */
export function inlineSource(code: string, tag: 'script' | 'style'): string {
  return code.replace(new RegExp(`</(${tag})`, 'gi'), `<\\/$1`)
}
