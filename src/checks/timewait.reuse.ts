import type { Check, CheckMeta } from '../model/check.js'
import type { Finding } from '../model/finding.js'
import { clientTimeWait, destinationLabel, pct, portRange, reuseEvidence, twReuse } from '../derived/census.js'
import { fail, pass, plural } from './support/findings.js'
import { remedy } from './support/remediation.js'

const meta: CheckMeta = {
  id: 'timewait.reuse',
  topic: 'timewait',
  title: 'TIME_WAIT reuse',
  failureTitle: 'TIME_WAIT ports not reusable',
  description:
    'Client-side TIME_WAIT toward a destination holds a large share of the usable ephemeral ports while net.ipv4.tcp_tw_reuse does not apply to it (0, or 2 and the destination is not loopback, or TCP timestamps are off).',
  facts: ['census', 'sysctls'],
  sysctls: ['net.ipv4.ip_local_port_range', 'net.ipv4.ip_local_reserved_ports', 'net.ipv4.tcp_tw_reuse', 'net.ipv4.tcp_timestamps'],
  thresholds: { share: { value: 0.5, description: 'client-side TIME_WAIT toward one destination as a share of the usable ephemeral ports' } },
}

export const timewaitReuse: Check = {
  meta,
  evaluate(facts, ctx) {
    const sysctls = facts.get('sysctls')
    const range = portRange(sysctls)
    const { source } = facts.get('census')
    const findings: Finding[] = []
    for (const { dest, tw } of clientTimeWait(facts)) {
      if (tw / range.usable < ctx.threshold('share')) continue
      const reuse = twReuse(sysctls, dest)
      if (reuse.applies) continue
      const noTs = /timestamps=0/.test(reuse.why)
      findings.push(
        fail(meta, {
          severity: 'warning',
          message: `${plural(tw, 'TIME_WAIT socket')} toward ${destinationLabel(dest)} (${pct(tw / range.usable)} of ${plural(range.usable, 'usable port')}) cannot be reused by connect(): ${reuse.why}`,
          subject: { local: dest.local, remote: dest.remote, side: 'client' },
          evidence: [{ source, name: 'TIME-WAIT', value: tw }, ...reuseEvidence(sysctls)],
          remediation: remedy(
            ctx.options.where,
            'tcp_tw_reuse=1 lets connect() take a TIME_WAIT port toward the same destination once 1 s has passed since the last timestamp it received there (net.ipv4.tcp_tw_reuse_delay, in ms, on kernels that have it); it is safe for outgoing connections (TCP timestamps protect against old segments) and needs tcp_timestamps=1. The lasting fix is fewer short connections: pool and keep connections alive.',
            [...(noTs ? [['net.ipv4.tcp_timestamps', 1] as [string, number]] : []), ['net.ipv4.tcp_tw_reuse', 1]],
          ),
        }),
      )
    }
    if (findings.length) return findings
    return [pass(meta, `no destination has client-side TIME_WAIT above ${pct(ctx.threshold('share'))} of the usable ports without reuse (tcp_tw_reuse=${sysctls.get('net.ipv4.tcp_tw_reuse') ?? '?'})`, reuseEvidence(sysctls))]
  },
}
