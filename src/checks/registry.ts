// Every check, sorted by id. Adding a check: its file, its test, docs/checks/<id>.md and one line here
// (test/unit/catalogue.test.ts fails when one of the four is missing).
import type { Check } from '../model/check.js'
import { detectionTime } from './keepalive.detection-time.js'
import { heartbeat } from './keepalive.heartbeat.js'
import { idleTimeout } from './keepalive.idle-timeout.js'
import { probes } from './keepalive.probes.js'
import { sockets } from './keepalive.sockets.js'
import { abortOnOverflow } from './queues.abort-on-overflow.js'
import { acceptOverflow } from './queues.accept-overflow.js'
import { acceptQueueFill } from './queues.accept-queue-fill.js'
import { backlogCapped } from './queues.backlog-capped.js'
import { synOverflow } from './queues.syn-overflow.js'
import { syncookies } from './queues.syncookies.js'
import { aborts } from './resets.aborts.js'
import { closes } from './resets.closes.js'

export const CHECKS: readonly Check[] = [
  abortOnOverflow,
  acceptOverflow,
  acceptQueueFill,
  backlogCapped,
  synOverflow,
  syncookies,
  detectionTime,
  heartbeat,
  idleTimeout,
  probes,
  sockets,
  aborts,
  closes,
].sort((a, b) => a.meta.id.localeCompare(b.meta.id))

export const TOPICS = [...new Set(CHECKS.map((c) => c.meta.topic))]
