import type { Check, Facts } from '../model/check.js'
import type { FactId, FactTypes, Sysctls } from '../model/facts.js'
import { Unavailable } from '../model/errors.js'
import type { SampleValues } from './sample.js'

/** The Facts of the window: the start sample and the end sample (the same map when the window is 0). */
export class WindowFacts implements Facts {
  constructor(
    private readonly start: SampleValues,
    private readonly end: SampleValues,
  ) {}

  private pick<K extends FactId>(map: SampleValues, id: K): FactTypes[K] {
    // Static facts are read once, at the start.
    const v = map.has(id) ? map.get(id) : this.start.get(id)
    if (v === undefined) throw new Unavailable('error', `fact "${id}" was not collected`)
    if (v instanceof Unavailable) throw v
    return v as FactTypes[K]
  }

  get<K extends FactId>(id: K): FactTypes[K] {
    return this.pick(this.end, id)
  }

  first<K extends FactId>(id: K): FactTypes[K] {
    return this.pick(this.start, id)
  }

  has(id: FactId): boolean {
    const v = this.end.get(id) ?? this.start.get(id)
    return v !== undefined && !(v instanceof Unavailable)
  }

  optional<K extends FactId>(id: K): FactTypes[K] | undefined {
    return this.has(id) ? this.get(id) : undefined
  }
}

/** A read the check did not declare in its meta: a bug in the check, said so plainly. */
export class UndeclaredRead extends Error {}

/** The sysctls a check may read: everything else throws, so meta.sysctls stays exactly what it reads. */
function declaredSysctls(all: Sysctls, allowed: ReadonlySet<string>, id: string): Sysctls {
  const guard = (name: string) => {
    if (!allowed.has(name)) throw new UndeclaredRead(`check ${id} reads sysctl ${name} but does not declare it in meta.sysctls`)
  }
  return new Proxy(all, {
    get(target, prop) {
      if (prop === 'get' || prop === 'has') {
        return (name: string) => {
          guard(name)
          return prop === 'get' ? target.get(name) : target.has(name)
        }
      }
      if (typeof prop === 'string' && ['entries', 'keys', 'values', 'forEach', 'size'].includes(prop)) {
        throw new UndeclaredRead(`check ${id} reads every sysctl (${prop}); name the ones it reads in meta.sysctls`)
      }
      const v = Reflect.get(target, prop, target)
      return typeof v === 'function' ? v.bind(target) : v
    },
  })
}

/** The sysctl names a check may read: its own, and for a check that says so, those the configuration expects. */
export function sysctlsOf(check: Check, expected: readonly string[] = []): string[] {
  return [...(check.meta.sysctls ?? []), ...(check.meta.sysctlsFromConfig ? expected : [])]
}

/**
 * What a check sees (Lighthouse's requiredArtifacts): only the facts and sysctls its meta declares. Reading
 * anything else throws UndeclaredRead; an optional fact that could not be read is undefined.
 */
export class DeclaredFacts implements Facts {
  private readonly allowed: ReadonlySet<FactId>
  private readonly sysctlNames: ReadonlySet<string>
  private sysctls?: { start?: Sysctls; end?: Sysctls }

  constructor(
    readonly window: Facts,
    private readonly check: Check,
    expectedSysctls: readonly string[] = [],
  ) {
    this.allowed = new Set([...check.meta.facts, ...(check.meta.optionalFacts ?? [])])
    this.sysctlNames = new Set(sysctlsOf(check, expectedSysctls))
  }

  private guard(id: FactId): void {
    if (!this.allowed.has(id)) throw new UndeclaredRead(`check ${this.check.meta.id} reads fact "${id}" but does not declare it in meta.facts or meta.optionalFacts`)
  }

  private wrap<K extends FactId>(id: K, v: FactTypes[K], which: 'start' | 'end'): FactTypes[K] {
    if (id !== 'sysctls') return v
    this.sysctls ??= {}
    this.sysctls[which] ??= declaredSysctls(v as Sysctls, this.sysctlNames, this.check.meta.id)
    return this.sysctls[which] as FactTypes[K]
  }

  get<K extends FactId>(id: K): FactTypes[K] {
    this.guard(id)
    return this.wrap(id, this.window.get(id), 'end')
  }

  first<K extends FactId>(id: K): FactTypes[K] {
    this.guard(id)
    return this.wrap(id, this.window.first(id), 'start')
  }

  has(id: FactId): boolean {
    this.guard(id)
    return this.window.has(id)
  }

  optional<K extends FactId>(id: K): FactTypes[K] | undefined {
    return this.has(id) ? this.get(id) : undefined
  }
}
