// Every check, sorted by id, loaded only when selected (ESLint's lazy rule registry): `netdoc checks`, help and
// selection read the catalogue made from the checks' meta at build time (src/engine/catalogue.ts) instead.
// Adding a check: its file, its test, docs/checks/<id>.md and one line here (test/unit/catalogue.test.ts fails
// when one of the four is missing).
import type { Check } from '../model/check.js'

export const CHECK_LOADERS: Readonly<Record<string, () => Promise<Check>>> = {
  'buffers.autotuning': () => import('./buffers.autotuning.js').then((m) => m.autotuning),
  'buffers.bdp': () => import('./buffers.bdp.js').then((m) => m.bdp),
  'buffers.nic-drops': () => import('./buffers.nic-drops.js').then((m) => m.nicDrops),
  'buffers.softnet': () => import('./buffers.softnet.js').then((m) => m.softnet),
  'buffers.tcp-memory': () => import('./buffers.tcp-memory.js').then((m) => m.tcpMemory),
  'buffers.udp': () => import('./buffers.udp.js').then((m) => m.udp),
  'congestion.control': () => import('./congestion.control.js').then((m) => m.control),
  'congestion.flows': () => import('./congestion.flows.js').then((m) => m.flows),
  'congestion.loss': () => import('./congestion.loss.js').then((m) => m.loss),
  'congestion.slow-start-after-idle': () => import('./congestion.slow-start-after-idle.js').then((m) => m.slowStartAfterIdle),
  'conntrack.drops': () => import('./conntrack.drops.js').then((m) => m.conntrackDrops),
  'conntrack.table': () => import('./conntrack.table.js').then((m) => m.conntrackTable),
  'conntrack.timeouts': () => import('./conntrack.timeouts.js').then((m) => m.conntrackTimeouts),
  'drops.ip': () => import('./drops.ip.js').then((m) => m.ip),
  'drops.path': () => import('./drops.path.js').then((m) => m.path),
  'drops.ring': () => import('./drops.ring.js').then((m) => m.ring),
  'drops.tcp': () => import('./drops.tcp.js').then((m) => m.tcp),
  'keepalive.detection-time': () => import('./keepalive.detection-time.js').then((m) => m.detectionTime),
  'keepalive.heartbeat': () => import('./keepalive.heartbeat.js').then((m) => m.heartbeat),
  'keepalive.idle-timeout': () => import('./keepalive.idle-timeout.js').then((m) => m.idleTimeout),
  'keepalive.probes': () => import('./keepalive.probes.js').then((m) => m.probes),
  'keepalive.sockets': () => import('./keepalive.sockets.js').then((m) => m.sockets),
  'mtu.fragmentation': () => import('./mtu.fragmentation.js').then((m) => m.fragmentation),
  'mtu.path': () => import('./mtu.path.js').then((m) => m.path),
  'neigh.table-overflow': () => import('./neigh.table-overflow.js').then((m) => m.neighTableOverflow),
  'ports.ephemeral-exhaustion': () => import('./ports.ephemeral-exhaustion.js').then((m) => m.portsEphemeralExhaustion),
  'ports.fd-limit': () => import('./ports.fd-limit.js').then((m) => m.portsFdLimit),
  'ports.range': () => import('./ports.range.js').then((m) => m.portsRange),
  'queues.abort-on-overflow': () => import('./queues.abort-on-overflow.js').then((m) => m.abortOnOverflow),
  'queues.accept-overflow': () => import('./queues.accept-overflow.js').then((m) => m.acceptOverflow),
  'queues.accept-queue-fill': () => import('./queues.accept-queue-fill.js').then((m) => m.acceptQueueFill),
  'queues.backlog-capped': () => import('./queues.backlog-capped.js').then((m) => m.backlogCapped),
  'queues.inherited-listener': () => import('./queues.inherited-listener.js').then((m) => m.inheritedListener),
  'queues.reuseport-imbalance': () => import('./queues.reuseport-imbalance.js').then((m) => m.reuseportImbalance),
  'queues.syn-overflow': () => import('./queues.syn-overflow.js').then((m) => m.synOverflow),
  'queues.syncookies': () => import('./queues.syncookies.js').then((m) => m.syncookies),
  'resets.aborts': () => import('./resets.aborts.js').then((m) => m.aborts),
  'resets.closes': () => import('./resets.closes.js').then((m) => m.closes),
  'sockets.close-wait': () => import('./sockets.close-wait.js').then((m) => m.socketsCloseWait),
  'sockets.fin-wait2': () => import('./sockets.fin-wait2.js').then((m) => m.socketsFinWait2),
  'sockets.orphans': () => import('./sockets.orphans.js').then((m) => m.socketsOrphans),
  'sysctl.expected': () => import('./sysctl.expected.js').then((m) => m.sysctlExpected),
  'tcp.retransmits': () => import('./tcp.retransmits.js').then((m) => m.retransmits),
  'timewait.bucket-overflow': () => import('./timewait.bucket-overflow.js').then((m) => m.timewaitBucketOverflow),
  'timewait.recycle': () => import('./timewait.recycle.js').then((m) => m.timewaitRecycle),
  'timewait.reuse': () => import('./timewait.reuse.js').then((m) => m.timewaitReuse),
  'timewait.storm': () => import('./timewait.storm.js').then((m) => m.timewaitStorm),
}

export const CHECK_IDS: readonly string[] = Object.keys(CHECK_LOADERS).sort()

/** The checks of these ids, in the order given; each module is imported on first use. */
export async function loadChecks(ids: readonly string[]): Promise<Check[]> {
  // One after the other: the modules share their imports, and jest's ESM loader fails on concurrent ones.
  const checks: Check[] = []
  for (const id of ids) {
    const load = CHECK_LOADERS[id]
    if (!load) throw new Error(`no check ${id} in the registry`)
    checks.push(await load())
  }
  return checks
}

/** Every check, sorted by id: for the catalogue build, snapshots and tests. */
export const loadAllChecks = (): Promise<Check[]> => loadChecks(CHECK_IDS)
