// The probe of every fact, one file each. The engine runs each needed probe once per sample
// (static ones only at the start of the window).
import type { FactId } from '../model/facts.js'
import { capture } from './capture.js'
import { census } from './census.js'
import { conntrackStats } from './conntrack-stats.js'
import { counters } from './counters.js'
import { descriptors } from './descriptors.js'
import { host } from './host.js'
import { interfaces } from './interfaces.js'
import { keepaliveSockets } from './keepalive-sockets.js'
import { kernelLog } from './kernel-log.js'
import { listenerHolders } from './listener-holders.js'
import { listeners } from './listeners.js'
import { neighbourStats } from './neighbour-stats.js'
import { nics } from './nics.js'
import { ownedCensus } from './owned-census.js'
import { rpFilter } from './rp-filter.js'
import { sockstat } from './sockstat.js'
import { softnet } from './softnet.js'
import { sysctls } from './sysctls.js'
import { tcpInfo } from './tcp-info.js'
import { udpSockets } from './udp-sockets.js'
import type { Probe } from './probe.js'

export type { CaptureRequest, FactGetter, Probe, ProbeContext } from './probe.js'

// Keep sorted: one line per fact.
export const PROBES: { [K in FactId]: Probe<K> } = {
  capture,
  census,
  conntrackStats,
  counters,
  descriptors,
  host,
  interfaces,
  keepaliveSockets,
  kernelLog,
  listenerHolders,
  listeners,
  neighbourStats,
  nics,
  ownedCensus,
  rpFilter,
  sockstat,
  softnet,
  sysctls,
  tcpInfo,
  udpSockets,
}
