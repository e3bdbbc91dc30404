import type { Check, CheckMeta } from '../model/check.js'
import { fail, pass, plural, skip } from './support/findings.js'
import { joinListeners, listenerLabel, listenerSources, listenerSubject, ssListenerCommand } from '../derived/listeners.js'

const meta: CheckMeta = {
  id: 'queues.accept-queue-fill',
  topic: 'queues',
  title: 'Accept queue fill',
  failureTitle: 'Accept queue nearly full',
  description:
    "A listener's accept queue (ss Recv-Q) is at or near its limit (Send-Q = min(backlog, somaxconn)) at either sample: the application is not accepting as fast as connections arrive.",
  facts: ['listeners'],
  thresholds: { warningFill: { value: 0.8, description: 'Recv-Q / Send-Q at or above which a listener is reported (warning); above 1 (full) is critical' } },
}

export const acceptQueueFill: Check = {
  meta,
  evaluate(facts, ctx) {
    const listeners = joinListeners(facts)
    if (listeners.length && listeners.every((w) => w.last.sendQ === undefined)) {
      return [skip(meta, `accept-queue limits are unknown without ss (read from ${listenerSources(listeners.map((w) => w.last))})`)]
    }
    const warnAt = ctx.threshold('warningFill')
    const findings = listeners
      .filter((w) => w.last.sendQ && (w.full || w.peakFill >= warnAt))
      .map((w) => {
        const l = w.last
        const pct = Math.round(w.peakFill * 100)
        return fail(meta, {
          severity: w.full ? 'critical' : 'warning',
          title: w.full ? 'Accept queue full' : meta.failureTitle,
          message: `${listenerLabel(l)} accept queue ${w.peakRecvQ}/${l.sendQ} (${pct} %)${w.full ? ': full, new connections are being dropped' : ''}`,
          subject: listenerSubject(l),
          evidence: [
            { source: l.source, name: 'Recv-Q', value: w.peakRecvQ },
            { source: l.source, name: 'Send-Q', value: l.sendQ ?? null },
          ],
          remediation: {
            text: 'The application is slow to accept(): make its accept loop keep up, then raise its listen() backlog and net.core.somaxconn (the limit is the smaller of the two).',
            commands: [ssListenerCommand(l)],
          },
        })
      })
    return findings.length ? findings : [pass(meta, `${plural(listeners.length, 'listener')}, none at ${Math.round(warnAt * 100)} % of its accept queue`)]
  },
}
