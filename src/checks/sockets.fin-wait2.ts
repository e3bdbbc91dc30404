import type { Check, CheckMeta } from '../model/check.js'
import type { Finding, Subject } from '../model/finding.js'
import { destinationKey, destinationLabel, joinCensus, lingering, listenerOwner, stateCount } from '../derived/census.js'
import { fail, pass, plural, sysctlEvidence } from './support/findings.js'

const meta: CheckMeta = {
  id: 'sockets.fin-wait2',
  topic: 'sockets',
  title: 'FIN_WAIT2',
  failureTitle: 'FIN_WAIT2 sockets accumulating',
  description:
    'FIN_WAIT2 sockets toward one destination (client side) or on one listener (server side), present in both samples: this side closed, the peer never sent its FIN. Orphaned ones last tcp_fin_timeout; ones still owned by a process (shutdown() without close()) last until it closes them.',
  facts: ['census', 'sysctls'],
  sysctls: ['net.ipv4.tcp_fin_timeout'],
  attribution: { server: 'listening' },
  thresholds: { warning: { value: 100, description: 'FIN_WAIT2 sockets of one destination or listener in both samples' } },
}

export const socketsFinWait2: Check = {
  meta,
  evaluate(facts, ctx) {
    const warnAt = ctx.threshold('warning')
    const finTimeout = facts.get('sysctls').get('net.ipv4.tcp_fin_timeout')
    const { source } = facts.get('census')
    const findings: Finding[] = []
    const report = (n: number, where: string, subject: Subject) =>
      findings.push(
        fail(meta, {
          severity: 'warning',
          message: `${plural(n, 'FIN_WAIT2 socket')} ${where} in both samples: this side closed, the peer has not closed its side (an idle peer or one that never calls close()); orphaned ones are dropped after tcp_fin_timeout=${finTimeout ?? '?'} s`,
          subject,
          evidence: [{ source, name: 'FIN-WAIT-2', value: n }, sysctlEvidence('net.ipv4.tcp_fin_timeout', finTimeout)],
          remediation: {
            text: 'Look at the peer: it receives our FIN but does not close (a client that never reads to end of stream, a middlebox that dropped the flow). Close with close(), not only shutdown(), so the socket is orphaned and bounded by tcp_fin_timeout; lowering tcp_fin_timeout (default 60) frees them sooner but only for orphaned sockets.',
            commands: ['ss -tano state fin-wait-2', 'sysctl net.ipv4.tcp_fin_timeout'],
          },
        }),
      )
    for (const j of joinCensus(facts, (c) => c.destinations, destinationKey)) {
      const n = lingering(j, (d) => stateCount(d.states, 'FIN-WAIT-2'))
      if (n >= warnAt) report(n, `toward ${destinationLabel(j.end)} (client side)`, { local: j.end.local, remote: j.end.remote, side: 'client' })
    }
    for (const j of joinCensus(facts, (c) => c.listeners, (l) => l.local)) {
      const n = lingering(j, (l) => stateCount(l.states, 'FIN-WAIT-2'))
      if (n >= warnAt) report(n, `on listener ${j.end.local} (server side)`, { local: j.end.local, side: 'server', ...listenerOwner(j.end) })
    }
    if (findings.length) return findings
    const total = facts.get('census').states['FIN-WAIT-2'] ?? 0
    return [pass(meta, `${plural(total, 'FIN_WAIT2 socket')}; none of ${warnAt} or more on one destination or listener through the window`)]
  },
}
