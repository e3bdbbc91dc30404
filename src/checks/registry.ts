// Every check, sorted by id. Adding a check: its file, its test, docs/checks/<id>.md and one line here
// (test/unit/catalogue.test.ts fails when one of the four is missing).
import type { Check } from '../model/check.js'
import { autotuning } from './buffers.autotuning.js'
import { bdp } from './buffers.bdp.js'
import { nicDrops } from './buffers.nic-drops.js'
import { softnet } from './buffers.softnet.js'
import { tcpMemory } from './buffers.tcp-memory.js'
import { udp } from './buffers.udp.js'
import { ip as dropsIp } from './drops.ip.js'
import { path as dropsPath } from './drops.path.js'
import { ring as dropsRing } from './drops.ring.js'
import { tcp as dropsTcp } from './drops.tcp.js'
import { detectionTime as keepaliveDetectionTime } from './keepalive.detection-time.js'
import { heartbeat as keepaliveHeartbeat } from './keepalive.heartbeat.js'
import { idleTimeout as keepaliveIdleTimeout } from './keepalive.idle-timeout.js'
import { probes as keepaliveProbes } from './keepalive.probes.js'
import { sockets as keepaliveSockets } from './keepalive.sockets.js'
import { portsEphemeralExhaustion } from './ports.ephemeral-exhaustion.js'
import { portsFdLimit } from './ports.fd-limit.js'
import { portsRange } from './ports.range.js'
import { abortOnOverflow } from './queues.abort-on-overflow.js'
import { acceptOverflow } from './queues.accept-overflow.js'
import { acceptQueueFill } from './queues.accept-queue-fill.js'
import { backlogCapped } from './queues.backlog-capped.js'
import { synOverflow } from './queues.syn-overflow.js'
import { syncookies } from './queues.syncookies.js'
import { aborts } from './resets.aborts.js'
import { closes } from './resets.closes.js'
import { socketsCloseWait } from './sockets.close-wait.js'
import { socketsFinWait2 } from './sockets.fin-wait2.js'
import { socketsOrphans } from './sockets.orphans.js'
import { sysctlExpected } from './sysctl.expected.js'
import { retransmits } from './tcp.retransmits.js'
import { timewaitBucketOverflow } from './timewait.bucket-overflow.js'
import { timewaitRecycle } from './timewait.recycle.js'
import { timewaitReuse } from './timewait.reuse.js'
import { timewaitStorm } from './timewait.storm.js'

// One line per check, in the order of the imports (by id).
export const CHECKS: readonly Check[] = [
  autotuning,
  bdp,
  nicDrops,
  softnet,
  tcpMemory,
  udp,
  dropsIp,
  dropsPath,
  dropsRing,
  dropsTcp,
  keepaliveDetectionTime,
  keepaliveHeartbeat,
  keepaliveIdleTimeout,
  keepaliveProbes,
  keepaliveSockets,
  portsEphemeralExhaustion,
  portsFdLimit,
  portsRange,
  abortOnOverflow,
  acceptOverflow,
  acceptQueueFill,
  backlogCapped,
  synOverflow,
  syncookies,
  aborts,
  closes,
  socketsCloseWait,
  socketsFinWait2,
  socketsOrphans,
  sysctlExpected,
  retransmits,
  timewaitBucketOverflow,
  timewaitRecycle,
  timewaitReuse,
  timewaitStorm,
].sort((a, b) => a.meta.id.localeCompare(b.meta.id))

export const TOPICS = [...new Set(CHECKS.map((c) => c.meta.topic))]
