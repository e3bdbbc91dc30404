import type { Check, CheckMeta, Where } from '../model/check.js'
import type { Finding } from '../model/finding.js'
import { counterEvidence, fail, pass, perSecond, plural, rate, readCounter, seconds, skip } from './support/findings.js'
import { joinListeners, listenerLabel, listenerSubject, ssListenerCommand, type ListenerWindow } from '../derived/listeners.js'
import { HOST, sysctlFix } from './support/remediation.js'

const meta: CheckMeta = {
  id: 'queues.accept-overflow',
  topic: 'queues',
  title: 'Accept queues',
  failureTitle: 'Accept queue overflowing',
  description:
    'ListenOverflows/ListenDrops grew faster than the thresholds: the accept queue was full, so the kernel dropped a SYN (tcp_conn_request: the client retransmits it) or the final ACK of a handshake (tcp_v4_syn_recv_sock: the client believes it is connected and stalls). Attributed to the listeners whose own drop count (skmem d in ss -ltnmp) grew or whose queue was full.',
  facts: ['counters', 'listeners'],
  optionalFacts: ['sysctls'],
  sysctls: ['net.core.somaxconn'],
  thresholds: {
    warningPerSecond: { value: 1, description: 'overflows per second, averaged over the window, above which the finding is a warning (netdata: 1/s); below it, info' },
    criticalPerSecond: { value: 5, description: 'overflows per second above which the finding is critical (netdata: 5/s)' },
  },
}

const REMEDIATION_TEXT =
  "The application does not accept() fast enough for its load. First make its accept loop keep up (more workers, no blocking work before accept), then raise its listen() backlog (nginx `listen ... backlog=N`, Node `server.listen({backlog})`, Redis `tcp-backlog`); the effective limit is min(backlog, net.core.somaxconn), so raise somaxconn too when it is lower. tcp_max_syn_backlog is the SYN queue and does not help here."

function remediationFor(l: ListenerWindow['last'] | undefined, somaxconn: string | undefined, where: Where) {
  const commands = [l ? ssListenerCommand(l) : "ss -ltn  # Recv-Q above Send-Q marks the full listener", 'nstat -az TcpExtListenOverflows TcpExtListenDrops']
  const fix = sysctlFix(where, somaxconn === undefined || Number(somaxconn) < 4096 ? [['net.core.somaxconn', 4096]] : [])
  return { text: fix.text ? `${REMEDIATION_TEXT} ${fix.text}` : REMEDIATION_TEXT, commands: [...commands, ...fix.commands] }
}

export const acceptOverflow: Check = {
  meta,
  evaluate(facts, ctx) {
    const overflows = readCounter(facts, 'TcpExtListenOverflows', ctx.windowSeconds)
    const drops = readCounter(facts, 'TcpExtListenDrops', ctx.windowSeconds)
    const counter = overflows ?? drops
    if (!counter) return [skip(meta, 'this kernel has neither ListenOverflows nor ListenDrops in /proc/net/netstat')]
    const evidence = [overflows, drops].filter((c) => c !== undefined).map(counterEvidence)
    const somaxconn = facts.has('sysctls') ? facts.get('sysctls').get('net.core.somaxconn') : undefined
    const listeners = joinListeners(facts)
    const windowed = ctx.windowSeconds > 0

    // Listeners to blame: their own drop counter grew in the window, or their queue was full at a sample.
    // With no window, drops since each listener was created name the culprits of the since-boot total.
    const blamed = listeners.filter((w) => (windowed ? (w.dropsDelta ?? 0) > 0 || w.full : (w.last.drops ?? 0) > 0 || w.full))
    const grew = windowed && (counter.delta ?? 0) > 0
    const where = ctx.options.where ?? HOST

    if (!grew && counter.value === 0) return [pass(meta, 'no connection was dropped for a full accept queue since boot', evidence)]
    // Judged as a rate over the window: one overflow in a 2 s window is not an outage.
    const perSec = perSecond(counter, ctx.windowSeconds) ?? 0
    const severity = !grew ? 'info' : perSec > ctx.threshold('criticalPerSecond') ? 'critical' : perSec > ctx.threshold('warningPerSecond') ? 'warning' : 'info'

    if (grew && blamed.length === 0) {
      return [
        fail(meta, {
          severity,
          message: `${counter.name} grew by ${counter.delta} in ${seconds(ctx.windowSeconds)} (${rate(perSec)}), but no listener could be named: it overflowed between the samples and drained, or its drop count is not visible (no ss -m)`,
          evidence,
          remediation: remediationFor(undefined, somaxconn, where),
        }),
      ]
    }
    if (!grew && blamed.length === 0) {
      const inWindow = windowed ? `, none in the last ${seconds(ctx.windowSeconds)}` : ''
      return [
        fail(meta, {
          severity,
          title: 'Accept queue overflowed since boot',
          message: `${plural(counter.value, 'connection')} dropped for a full accept queue since boot${inWindow}; no current listener shows drops`,
          evidence,
          remediation: remediationFor(undefined, somaxconn, where),
        }),
      ]
    }
    return blamed.map((w): Finding => {
      const l = w.last
      const own = windowed ? w.dropsDelta : l.drops
      const queue = l.sendQ !== undefined ? `accept queue ${w.peakRecvQ}/${l.sendQ}` : `accept queue length ${w.peakRecvQ}`
      const what = own !== undefined && own > 0 ? `dropped ${plural(own, 'connection')}${windowed ? ` in ${seconds(ctx.windowSeconds)}` : ' since it started listening'}` : 'was full'
      const tail = grew ? '' : windowed ? ' (before this window; none in it)' : ''
      return fail(meta, {
        severity,
        title: grew ? meta.failureTitle : 'Accept queue overflowed',
        message: `${listenerLabel(l)} ${what}: ${queue}${tail}`,
        subject: listenerSubject(l),
        evidence: [
          ...evidence,
          { source: l.source, name: 'skmem.d', value: l.drops ?? null, ...(w.dropsDelta !== undefined ? { delta: w.dropsDelta } : {}) },
          { source: l.source, name: 'Recv-Q', value: w.peakRecvQ },
          { source: l.source, name: 'Send-Q', value: l.sendQ ?? null },
        ],
        remediation: remediationFor(l, somaxconn, where),
      })
    })
  },
}
