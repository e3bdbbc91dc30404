// The probe of every fact, one file each. The engine runs each needed probe once per sample
// (static ones only at the start of the window).
import type { FactId } from '../model/facts.js'
import { census } from './census.js'
import { counters } from './counters.js'
import { descriptors } from './descriptors.js'
import { host } from './host.js'
import { listeners } from './listeners.js'
import type { Probe } from './probe.js'
import { sockstat } from './sockstat.js'
import { sysctls } from './sysctls-probe.js'

export type { FactGetter, Probe } from './probe.js'

export const PROBES: { [K in FactId]: Probe<K> } = {
  counters,
  host,
  listeners,
  sysctls,
  census,
  sockstat,
  descriptors,
}
