// Builds the Facts a check sees from plain values, for table-driven check tests (no I/O).
import { WindowFacts } from '../../src/engine/facts.js'
import type { SampleValues } from '../../src/engine/sample.js'
import type { CheckContext, CheckMeta, CheckOptions } from '../../src/model/check.js'
import { Unavailable } from '../../src/model/errors.js'
import type { FactId, FactTypes, Listener } from '../../src/model/facts.js'

export type Partial2<T> = { [K in keyof T]?: T[K] | Unavailable }

/** start and end samples; a fact given only in `end` (or only in `start`) is treated as static. */
export function makeFacts(end: Partial2<FactTypes>, start?: Partial2<FactTypes>) {
  const toMap = (o: Partial2<FactTypes>) => new Map(Object.entries(o)) as SampleValues
  const s = toMap(start ?? end)
  const e = start ? toMap(end) : s
  // static facts live in the start sample
  for (const [k, v] of e) if (!s.has(k as FactId)) s.set(k as FactId, v)
  return new WindowFacts(s, e)
}

export function makeCtx(meta: CheckMeta, windowSeconds = 2, options: Partial<CheckOptions> = {}, thresholds: Record<string, number> = {}): CheckContext {
  return {
    windowSeconds,
    options: { maxDetails: 100, ...options },
    threshold: (name) => thresholds[name] ?? meta.thresholds![name].value,
  }
}

export const sysctls = (o: Record<string, string | number>) => new Map(Object.entries(o).map(([k, v]) => [k, String(v)]))

export function listener(local: string, recvQ: number, sendQ: number | undefined, extra: Partial<Listener> = {}): Listener {
  const i = local.lastIndexOf(':')
  return { local, address: local.slice(0, i).replace(/^\[|\]$/g, ''), port: Number(local.slice(i + 1)), recvQ, sendQ, processes: [], ...extra }
}
