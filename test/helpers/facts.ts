// Facts for check tests: tables of typed facts at the two ends of the window, no I/O.
import { WindowFacts } from '../../src/engine/facts.js'
import type { Check, CheckContext } from '../../src/model/check.js'
import type { FactId, FactTypes, SocketCensus } from '../../src/model/facts.js'

export type Sample = Partial<FactTypes>

/** Facts of a window from its start and end samples (the same sample when end is omitted). */
export function factsOf(start: Sample, end: Sample = start): WindowFacts {
  const toMap = (s: Sample) => new Map<FactId, unknown>(Object.entries(s) as Array<[FactId, unknown]>)
  return new WindowFacts(toMap(start), toMap(end))
}

export function ctxFor(check: Check, windowSeconds = 2, thresholds: Record<string, number> = {}): CheckContext {
  return {
    windowSeconds,
    options: { maxDetails: 100 },
    threshold: (name) => thresholds[name] ?? check.meta.thresholds![name].value,
  }
}

export function census(parts: Partial<SocketCensus> = {}): SocketCensus {
  return { source: 'ss -tanpo', total: 0, states: {}, destinations: [], listeners: [], closeWait: [], listening: [], owners: [], ungrouped: 0, ...parts }
}

export const sysctls = (values: Record<string, string | number>): Map<string, string> =>
  new Map(Object.entries({ 'net.ipv4.ip_local_port_range': '32768\t60999', 'net.ipv4.tcp_tw_reuse': '2', 'net.ipv4.tcp_timestamps': '1', ...values }).map(([k, v]) => [k, String(v)]))

export const evaluate = (check: Check, start: Sample, end: Sample = start, windowSeconds = 2, thresholds: Record<string, number> = {}) =>
  check.evaluate(factsOf(start, end), ctxFor(check, start === end ? 0 : windowSeconds, thresholds))

export const failing = (findings: ReturnType<Check['evaluate']>) => findings.filter((f) => f.status === 'fail')
