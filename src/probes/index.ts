// The probe of every fact, one file each. The engine runs each needed probe once per sample
// (static ones only at the start of the window).
import type { FactId } from '../model/facts.js'
import { counters } from './counters.js'
import { host } from './host.js'
import { listeners } from './listeners.js'
import type { Probe } from './probe.js'
import { sysctls } from './sysctls-probe.js'
import { interfaces } from './interfaces.js'
import { sockstat } from './sockstat.js'
import { softnet } from './softnet.js'
import { tcpInfo } from './tcp-info.js'

export type { FactGetter, Probe, ProbeContext } from './probe.js'

export const PROBES: { [K in FactId]: Probe<K> } = {
  counters,
  host,
  listeners,
  sysctls,
  softnet,
  interfaces,
  sockstat,
  tcpInfo,
}
