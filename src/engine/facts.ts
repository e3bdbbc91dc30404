import type { Facts } from '../model/check.js'
import type { FactId, FactTypes } from '../model/facts.js'
import { Unavailable } from '../model/errors.js'
import type { SampleValues } from './sample.js'

/** The Facts a check sees: the start sample and the end sample (the same map when the window is 0). */
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
}
