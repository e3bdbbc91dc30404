// Expected sysctl values from the configuration (goss-like): ">=4096", "1", "4096 87380 6291456", "bbr",
// ">=4096 >=87380 >=16777216". Whitespace separates fields, one per field of the kernel's value (tcp_rmem has
// three); each field is an optional operator (>=, <=, >, <, !=, =) and a value. Pure.

export type Operator = '>=' | '<=' | '>' | '<' | '!=' | '='

export interface FieldExpectation {
  op: Operator
  value: string
}

export interface SysctlExpectation {
  text: string
  fields: FieldExpectation[]
}

const FIELD = /^(>=|<=|!=|==|=|>|<)?(.+)$/
const NUMBER = /^-?\d+(\.\d+)?$/

/** Parses an expectation, or returns why it is not one. */
export function parseExpectation(input: string | number): SysctlExpectation | string {
  const text = String(input).trim()
  if (!text) return 'is empty; write a value such as ">=4096", "1" or "4096 87380 6291456"'
  const fields: FieldExpectation[] = []
  for (const part of text.split(/\s+/)) {
    const m = FIELD.exec(part)!
    const op = (m[1] === '==' ? '=' : (m[1] ?? '=')) as Operator
    const value = m[2]
    if (/^[<>=!]/.test(value)) return `"${part}" has a malformed operator; use >=, <=, >, <, != or =`
    if (op !== '=' && op !== '!=' && !NUMBER.test(value)) return `"${part}": ${op} needs a number`
    fields.push({ op, value })
  }
  return { text, fields }
}

function fieldHolds(actual: string, e: FieldExpectation): boolean {
  const numbers = NUMBER.test(actual) && NUMBER.test(e.value)
  if (e.op === '=' || e.op === '!=') {
    const equal = numbers ? Number(actual) === Number(e.value) : actual === e.value
    return e.op === '=' ? equal : !equal
  }
  if (!NUMBER.test(actual)) return false
  const a = Number(actual)
  const b = Number(e.value)
  return e.op === '>=' ? a >= b : e.op === '<=' ? a <= b : e.op === '>' ? a > b : a < b
}

/** True when the kernel's value (as read from /proc/sys) meets the expectation, field by field. */
export function meetsExpectation(actual: string, expectation: SysctlExpectation): boolean {
  const fields = actual.trim().split(/\s+/)
  if (fields.length !== expectation.fields.length) return false
  return expectation.fields.every((e, i) => fieldHolds(fields[i], e))
}
