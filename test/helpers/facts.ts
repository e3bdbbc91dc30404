// Facts and contexts for table-driven check tests: typed facts at the two ends of the window, no I/O.
import { DeclaredFacts, WindowFacts } from '../../src/engine/facts.js'
import type { Check, CheckContext, CheckMeta, CheckOptions } from '../../src/model/check.js'
import type { Unavailable } from '../../src/model/errors.js'
import type { FactId, FactTypes, Listener, SocketCensus } from '../../src/model/facts.js'

/** A sample: any facts, each a value or the Unavailable a probe would have produced. */
export type Sample = { [K in FactId]?: FactTypes[K] | Unavailable }

/**
 * Facts of a window from its start and end samples (the same sample when end is omitted). A fact given only in
 * the start sample is static (read once), as the engine does.
 */
export function factsOf(start: Sample, end: Sample = start): WindowFacts {
  const toMap = (s: Sample) => new Map<FactId, unknown>(Object.entries(s) as Array<[FactId, unknown]>)
  return new WindowFacts(toMap(start), toMap(end))
}

/** The context a check is evaluated with; thresholds override the check's defaults. */
export function ctxOf(check: Check | CheckMeta, windowSeconds = 2, options: Partial<CheckOptions> = {}, thresholds: Record<string, number> = {}): CheckContext {
  const meta = 'meta' in check ? check.meta : check
  return {
    windowSeconds,
    options: { maxDetails: 100, ...options },
    threshold(name) {
      const v = thresholds[name] ?? meta.thresholds?.[name]?.value
      if (v === undefined) throw new Error(`${meta.id} has no threshold ${name}`)
      return v
    },
  }
}

export const sysctls = (values: Record<string, string | number>): Map<string, string> => new Map(Object.entries(values).map(([k, v]) => [k, String(v)]))

/** sysctls with the census defaults (port range 32768-60999, tw_reuse 2, timestamps on) under the given values. */
export const censusSysctls = (values: Record<string, string | number> = {}): Map<string, string> =>
  sysctls({ 'net.ipv4.ip_local_port_range': '32768\t60999', 'net.ipv4.tcp_tw_reuse': '2', 'net.ipv4.tcp_timestamps': '1', ...values })

export function census(parts: Partial<SocketCensus> = {}): SocketCensus {
  return { source: 'ss -tanpo', total: 0, states: {}, destinations: [], listeners: [], closeWait: [], listening: [], owners: [], ungrouped: 0, ...parts }
}

export function listener(local: string, recvQ: number, sendQ: number | undefined, extra: Partial<Listener> = {}): Listener {
  const i = local.lastIndexOf(':')
  return { source: 'ss -ltnmp', local, address: local.slice(0, i).replace(/^\[|\]$/g, ''), port: Number(local.slice(i + 1)), recvQ, sendQ, processes: [], ...extra }
}

/** What the engine hands a check: only the facts and sysctls its meta declares (any other read throws). */
export const declared = (check: Check, facts: WindowFacts, ctx?: CheckContext) => new DeclaredFacts(facts, check, Object.keys(ctx?.options.expectSysctls ?? {}))

/** Evaluates over a window (0 s when start and end are the same sample). */
export const evaluate = (check: Check, start: Sample, end: Sample = start, windowSeconds = 2, thresholds: Record<string, number> = {}) =>
  check.evaluate(declared(check, factsOf(start, end)), ctxOf(check, start === end ? 0 : windowSeconds, {}, thresholds))

export const failing = (findings: ReturnType<Check['evaluate']>) => findings.filter((f) => f.status === 'fail')

/** What the tables compare: status, severity, subject. */
export function outcome(check: Check, facts: WindowFacts, ctx: CheckContext) {
  return check.evaluate(declared(check, facts, ctx), ctx).map((f) => ({ status: f.status, severity: f.severity, subject: f.subject }))
}

/** check.evaluate as the engine runs it: over the facts its meta declares. */
export const evaluateDeclared = (check: Check, facts: WindowFacts, ctx: CheckContext) => check.evaluate(declared(check, facts, ctx), ctx)
