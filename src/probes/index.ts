// The probe of every fact, one file each. The engine runs each needed probe once per sample
// (static ones only at the start of the window).
import type { FactId } from '../model/facts.js'
import { capture } from './capture.js'
import { counters } from './counters.js'
import { host } from './host.js'
import { keepaliveSockets } from './keepalive-sockets.js'
import { listeners } from './listeners.js'
import type { Probe } from './probe.js'
import { sysctls } from './sysctls-probe.js'

export type { CaptureRequest, FactGetter, Probe, ProbeContext } from './probe.js'

export const PROBES: { [K in FactId]: Probe<K> } = {
  counters,
  capture,
  keepaliveSockets,
  host,
  listeners,
  sysctls,
}
