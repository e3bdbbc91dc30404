// The probe of every fact, one file each, imported only when a run reads its fact (ESLint's lazy rule registry, as the
// checks' registry): a run of the capture checks imports the capture probe and the few its checks read, not the socket
// tables' probes and their parsers (docs/performance.md, issue 17). The engine runs each needed probe once per sample
// (static ones only at the start of the window).
import type { FactId } from '../model/facts.js'
import type { Probe, ProbeInfo } from './probe.js'

export type { CaptureRequest, FactGetter, Probe, ProbeContext, ProbeInfo } from './probe.js'

// Keep sorted: one line per fact. What the engine must know before it runs a probe: whether it is read at both
// ends of the window, and the sysctls it reads itself.
export const PROBE_INFO: { [K in FactId]: ProbeInfo } = {
  capture: { sampled: false },
  census: { sampled: true },
  conntrackStats: { sampled: true },
  counters: { sampled: true },
  descriptors: { sampled: false },
  host: { sampled: false },
  interfaces: { sampled: true },
  keepaliveSockets: { sampled: true },
  kernelLog: { sampled: false },
  listenerHolders: { sampled: false },
  listeners: { sampled: true },
  neighbourStats: { sampled: true },
  nics: { sampled: true },
  ownedCensus: { sampled: false },
  rpFilter: { sampled: false },
  sockstat: { sampled: true },
  softnet: { sampled: true },
  sysctls: { sampled: false },
  tcpInfo: { sampled: true, sysctls: ['net.ipv4.tcp_rmem'] },
  udpSockets: { sampled: true },
}

// Each import written out (not built from the id) so that TypeScript checks the export and the build keeps the file.
const LOADERS: { [K in FactId]: () => Promise<Probe<K>> } = {
  capture: async () => (await import('./capture.js')).capture,
  census: async () => (await import('./census.js')).census,
  conntrackStats: async () => (await import('./conntrack-stats.js')).conntrackStats,
  counters: async () => (await import('./counters.js')).counters,
  descriptors: async () => (await import('./descriptors.js')).descriptors,
  host: async () => (await import('./host.js')).host,
  interfaces: async () => (await import('./interfaces.js')).interfaces,
  keepaliveSockets: async () => (await import('./keepalive-sockets.js')).keepaliveSockets,
  kernelLog: async () => (await import('./kernel-log.js')).kernelLog,
  listenerHolders: async () => (await import('./listener-holders.js')).listenerHolders,
  listeners: async () => (await import('./listeners.js')).listeners,
  neighbourStats: async () => (await import('./neighbour-stats.js')).neighbourStats,
  nics: async () => (await import('./nics.js')).nics,
  ownedCensus: async () => (await import('./owned-census.js')).ownedCensus,
  rpFilter: async () => (await import('./rp-filter.js')).rpFilter,
  sockstat: async () => (await import('./sockstat.js')).sockstat,
  softnet: async () => (await import('./softnet.js')).softnet,
  sysctls: async () => (await import('./sysctls.js')).sysctls,
  tcpInfo: async () => (await import('./tcp-info.js')).tcpInfo,
  udpSockets: async () => (await import('./udp-sockets.js')).udpSockets,
}

const loaded = new Map<FactId, Promise<Probe<FactId>>>()
let lastLoad: Promise<unknown> = Promise.resolve()

/**
 * The probe of a fact, imported on first use. One import after the other, although a sample runs its probes
 * concurrently: the modules share their imports, and jest's ESM loader fails on concurrent ones (as checks/registry.ts).
 */
export function loadProbe<K extends FactId>(id: K): Promise<Probe<K>> {
  let probe = loaded.get(id)
  if (!probe) {
    probe = lastLoad.then(() => LOADERS[id]() as Promise<Probe<FactId>>)
    lastLoad = probe.catch(() => undefined)
    loaded.set(id, probe)
  }
  return probe as Promise<Probe<K>>
}

/** Every probe, in the order of the facts (the catalogue at build time, tests). */
export function loadAllProbes(): Promise<Probe<FactId>[]> {
  return Promise.all((Object.keys(LOADERS) as FactId[]).map((id) => loadProbe(id)))
}
