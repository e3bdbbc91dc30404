import type { Check, CheckMeta } from '../model/check.js'
import type { Finding } from '../model/finding.js'
import { agree, counterEvidence, fail, pass, rateSeverity, seconds, skip } from './support/findings.js'
import { readCauses, type CauseReading } from '../derived/reset-causes.js'

const meta: CheckMeta = {
  id: 'resets.aborts',
  topic: 'resets',
  title: 'Connection aborts',
  failureTitle: 'Connections aborted',
  description:
    'TCPAbortOnClose/OnData/OnMemory/OnTimeout/OnLinger, OutRsts or EstabResets grew in the window: connections ended with a reset (or were given up) instead of a FIN exchange. One finding per cause, with the cause in words and its fix.',
  facts: ['counters'],
  thresholds: {
    warningAbortsPerSecond: { value: 1, description: 'TCPAbortOn* growth per second at or above which the finding is a warning (below it: info, the odd client that closes with data unread)' },
    warningResetsPerSecond: { value: 10, description: 'OutRsts (not explained by aborts) or EstabResets per second at or above which the finding is a warning (below it: info: every host answers stray segments with RSTs)' },
    criticalAbortsPerSecond: {
      value: 10,
      description: 'TCPAbortOn* growth per second at or above which the finding is critical',
    },
    criticalResetsPerSecond: {
      value: 100,
      description: 'OutRsts (not explained by aborts) or EstabResets (reset by peers) per second at or above which the finding is critical',
    },
  },
}

const rate = (n: number, s: number) => `${(n / s).toFixed(n / s >= 10 ? 0 : 1)}/s`

function message(c: CauseReading, windowSeconds: number): string {
  const name = c.cause.short
  const counted = windowSeconds > 0 ? `+${c.reading.delta} in ${seconds(windowSeconds)} (${rate(c.reading.delta ?? 0, windowSeconds)})` : `${c.reading.value} since boot`
  const ofWhich =
    c.explained === 0 ? '' : c.cause.short === 'OutRsts' ? `; ${c.explained} ${agree(c.explained, 'is the RST of a TCPAbortOn* abort', 'are the RSTs of TCPAbortOn* aborts')}, ${c.amount} ${agree(c.amount, 'is', 'are')} not` : `; ${c.explained} ${agree(c.explained, 'is', 'are')} this host's own ${agree(c.explained, 'abort', 'aborts')} (TCPAbortOn*), ${c.amount} came from peers`
  return `${name} ${counted}${ofWhich}: ${c.cause.cause}`
}

export const aborts: Check = {
  meta,
  evaluate(facts, ctx) {
    const w = ctx.windowSeconds
    const causes = readCauses(facts, w)
    if (causes.length === 0) return [skip(meta, 'this kernel has none of the TCPAbortOn*, OutRsts or EstabResets counters')]
    const evidence = causes.map((c) => counterEvidence(c.reading))
    const grown = causes.filter((c) => c.amount > 0)
    if (grown.length === 0) {
      const totals = causes.filter((c) => c.reading.value > 0).map((c) => `${c.cause.short} ${c.reading.value}`)
      const since = totals.length ? ` (since boot: ${totals.join(', ')})` : ''
      return [pass(meta, w > 0 ? `no connection was aborted or reset in the last ${seconds(w)}${since}` : 'no connection was aborted or reset since boot', evidence)]
    }
    return grown.map((c): Finding => {
      const limits = c.cause.abort ? { warning: 'warningAbortsPerSecond', critical: 'criticalAbortsPerSecond' } : { warning: 'warningResetsPerSecond', critical: 'criticalResetsPerSecond' }
      const severity = rateSeverity(c.amount, w, ctx, limits)
      return fail(meta, {
        severity,
        title: w > 0 ? `${c.cause.short} grew` : `${c.cause.short} since boot`,
        message: message(c, w),
        subject: { counter: c.cause.counter },
        evidence: [counterEvidence(c.reading), ...evidence.filter((e) => e.name !== c.cause.counter)],
        remediation: c.cause.remediation,
      })
    })
  },
}
