// Every check, sorted by id. Adding a check: its file, its test, docs/checks/<id>.md and one line here
// (test/unit/catalogue.test.ts fails when one of the four is missing).
import type { Check } from '../model/check.js'
import { portsEphemeralExhaustion } from './ports.ephemeral-exhaustion.js'
import { portsFdLimit } from './ports.fd-limit.js'
import { portsRange } from './ports.range.js'
import { socketsCloseWait } from './sockets.close-wait.js'
import { socketsFinWait2 } from './sockets.fin-wait2.js'
import { socketsOrphans } from './sockets.orphans.js'
import { timewaitBucketOverflow } from './timewait.bucket-overflow.js'
import { timewaitRecycle } from './timewait.recycle.js'
import { timewaitReuse } from './timewait.reuse.js'
import { timewaitStorm } from './timewait.storm.js'
import { abortOnOverflow } from './queues.abort-on-overflow.js'
import { acceptOverflow } from './queues.accept-overflow.js'
import { acceptQueueFill } from './queues.accept-queue-fill.js'
import { backlogCapped } from './queues.backlog-capped.js'
import { synOverflow } from './queues.syn-overflow.js'
import { syncookies } from './queues.syncookies.js'

export const CHECKS: readonly Check[] = [
  abortOnOverflow,
  acceptOverflow,
  acceptQueueFill,
  backlogCapped,
  synOverflow,
  syncookies,
  portsEphemeralExhaustion,
  portsFdLimit,
  portsRange,
  socketsCloseWait,
  socketsFinWait2,
  socketsOrphans,
  timewaitBucketOverflow,
  timewaitRecycle,
  timewaitReuse,
  timewaitStorm,
].sort((a, b) => a.meta.id.localeCompare(b.meta.id))

export const TOPICS = [...new Set(CHECKS.map((c) => c.meta.topic))]
