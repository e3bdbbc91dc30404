// Facts and a CheckContext made from plain values, for table-driven check tests (no I/O).
import type { Check, CheckContext, CheckOptions, Facts } from '../../src/model/check.js'
import { Unavailable } from '../../src/model/errors.js'
import type { FactId, FactTypes } from '../../src/model/facts.js'

export type FactValues = Partial<{ [K in FactId]: FactTypes[K] }>

/** Facts at the start and end of a window; with no `end`, both are the same values (a window of 0). */
export function makeFacts(start: FactValues, end?: FactValues): Facts {
  const pick = <K extends FactId>(values: FactValues, id: K): FactTypes[K] => {
    const v = values[id] ?? start[id]
    if (v === undefined) throw new Unavailable('error', `fact ${id} not given`)
    return v as FactTypes[K]
  }
  return {
    get: (id) => pick(end ?? start, id),
    first: (id) => pick(start, id),
    has: (id) => (end ?? start)[id] !== undefined || start[id] !== undefined,
  }
}

export function makeCtx(check: Check, windowSeconds: number, options: Partial<CheckOptions> = {}, thresholds: Record<string, number> = {}): CheckContext {
  return {
    windowSeconds,
    options: { maxDetails: 100, ...options },
    threshold(name) {
      const v = thresholds[name] ?? check.meta.thresholds?.[name]?.value
      if (v === undefined) throw new Error(`no threshold ${name}`)
      return v
    },
  }
}

export const sysctls = (entries: Record<string, string>): Map<string, string> => new Map(Object.entries(entries))

/** Runs a check and keeps what the tables compare: status, severity, subject. */
export function outcome(check: Check, facts: Facts, ctx: CheckContext) {
  return check.evaluate(facts, ctx).map((f) => ({ status: f.status, severity: f.severity, subject: f.subject }))
}
