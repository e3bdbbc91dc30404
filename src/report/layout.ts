// Screen layout for the human output (models: ss, kubectl get, eslint): the width to wrap to, prose wrapped to it,
// compact tables (a header and aligned columns, no rules), all-zero counter rows folded, long lists capped.
import { createRequire } from 'node:module'

// cli-table3 is loaded when the first table is drawn: `netdoc checks` wraps text and draws none
const require = createRequire(import.meta.url)
const cliTable = (): typeof import('cli-table3') => require('cli-table3')

/** The width to wrap to: COLUMNS when set, else the terminal's width, else 80 (a pipe, a file, CI). */
export function screenWidth(stream: { isTTY?: boolean; columns?: number } = process.stdout): number {
  const columns = Number(process.env.COLUMNS)
  if (Number.isInteger(columns) && columns >= 40) return columns
  if (stream.isTTY && stream.columns) return stream.columns
  return 80
}

const ANSI = /\x1b\[[0-9;]*m/g

/** Width on screen: colour codes take none. */
export const visibleLength = (s: string): number => s.replace(ANSI, '').length

/**
 * Word-wraps text to width: the first line starts with `first`, the others with `rest`. A word longer than a line
 * (a path, an address list) stays whole rather than being cut.
 */
export function wrap(text: string, width: number, first = '', rest = first): string[] {
  const lines: string[] = []
  let line = first
  let empty = true
  for (const word of text.split(' ').filter(Boolean)) {
    if (!empty && visibleLength(line) + 1 + visibleLength(word) > width) {
      lines.push(line)
      line = rest + word
    } else line += (empty ? '' : ' ') + word
    empty = false
  }
  lines.push(line)
  return lines
}

/** a count, a rate or a size; not an address (127.0.0.1) or a time */
const NUMERIC = /^[+-]?\d+(\.\d+)?( ?(%|\/s|s|ms|[KMG]i?B))?$/

/** cli-table3 drawing no rules: columns two spaces apart, no padding, no colour of its own (colour comes from chalk). */
const COMPACT_CHARS = {
  top: '', 'top-mid': '', 'top-left': '', 'top-right': '', bottom: '', 'bottom-mid': '', 'bottom-left': '', 'bottom-right': '',
  left: '', 'left-mid': '', mid: '', 'mid-mid': '', right: '', 'right-mid': '', middle: '  ',
}

/**
 * A compact table: the header, then one line per row, columns two spaces apart; columns whose cells are all
 * numbers are right-aligned. Drawn by cli-table3 with its rules and padding turned off.
 */
export class Table {
  private readonly head: string[]
  private readonly rows: string[][] = []

  constructor(opts: { head: string[] }) {
    this.head = opts.head
  }

  push(...rows: string[][]): void {
    this.rows.push(...rows)
  }

  get length(): number {
    return this.rows.length
  }

  toString(): string {
    const columns = Math.max(this.head.length, ...this.rows.map((r) => r.length))
    const cell = (r: string[], i: number) => r[i] ?? ''
    const colAligns = Array.from({ length: columns }, (_, i) =>
      this.rows.some((r) => cell(r, i)) && this.rows.every((r) => !cell(r, i) || NUMERIC.test(cell(r, i))) ? ('right' as const) : ('left' as const),
    )
    const CliTable = cliTable()
    const table = new CliTable({ chars: COMPACT_CHARS, colAligns, style: { head: [], border: [], 'padding-left': 0, 'padding-right': 0, compact: true } })
    for (const r of [this.head, ...this.rows]) table.push(Array.from({ length: columns }, (_, i) => cell(r, i)))
    return table
      .toString()
      .split('\n')
      .map((l) => l.trimEnd())
      .join('\n')
  }
}

/**
 * Splits counter rows into those worth a line and the names of the all-zero ones, which a view prints as one line
 * ("zero: A, B, C") instead of a screen of zeros.
 */
export function foldZeros<T>(rows: T[], isZero: (row: T) => boolean): { shown: T[]; zero: T[] } {
  return { shown: rows.filter((r) => !isZero(r)), zero: rows.filter(isZero) }
}

/**
 * The first `max` items, and a line that says how many more there are (undefined when none): "… 1 more listener",
 * "… 5 more listeners", then `after` when given ("… 2 more connections in the JSON report (--json)"). `noun` is
 * singular, or [singular, plural] when an s does not make the plural. The count agrees with it as plural() in
 * derived/format.ts does, written out here: this module imports none of netdoc (`netdoc checks` wraps text with it).
 */
export function capped<T>(items: T[], max: number, noun: string | readonly [one: string, many: string], after?: string): { shown: T[]; more?: string } {
  if (items.length <= max) return { shown: items }
  const hidden = items.length - max
  const [one, many] = typeof noun === 'string' ? [noun, `${noun}s`] : noun
  return { shown: items.slice(0, max), more: `… ${hidden} more ${hidden === 1 ? one : many}${after ? ` ${after}` : ''}` }
}
