import type { Check, CheckMeta } from '../model/check.js'
import type { Finding } from '../model/finding.js'
import { destinationKey, destinationLabel, joinCensus, lingering, pct, portRange, portsUsed, rangeEvidence, reuseEvidence, stateList, twReuse, widenedRange } from '../derived/census.js'
import { agree, fail, pass } from './support/findings.js'
import { remedy } from './support/remediation.js'

const meta: CheckMeta = {
  id: 'ports.ephemeral-exhaustion',
  topic: 'ports',
  title: 'Ephemeral ports per destination',
  failureTitle: 'Ephemeral ports running out',
  description:
    'Sockets toward one destination (local address, remote address:port) hold a large share of the ephemeral ports connect() can use for it: every state that holds a local port counts, except TIME_WAIT that tcp_tw_reuse lets connect() reuse. Judged on the smaller of the two samples.',
  facts: ['census', 'sysctls'],
  sysctls: ['net.ipv4.ip_local_port_range', 'net.ipv4.ip_local_reserved_ports', 'net.ipv4.tcp_tw_reuse', 'net.ipv4.tcp_timestamps'],
  thresholds: {
    warningShare: { value: 0.5, description: 'ports used toward one destination as a share of the usable range: warning' },
    criticalShare: { value: 0.8, description: 'the same share: critical' },
    minSockets: { value: 20, description: 'a destination with fewer sockets is never reported, whatever the range' },
  },
}

export const portsEphemeralExhaustion: Check = {
  meta,
  evaluate(facts, ctx) {
    const sysctls = facts.get('sysctls')
    const range = portRange(sysctls)
    const { source } = facts.get('census')
    const findings: Finding[] = []
    let busiest = 0
    for (const j of joinCensus(facts, (c) => c.destinations, destinationKey)) {
      const used = lingering(j, (d) => portsUsed(d, sysctls).used)
      busiest = Math.max(busiest, used)
      const share = used / range.usable
      if (used < ctx.threshold('minSockets') || share < ctx.threshold('warningShare')) continue
      const d = j.end
      const { reusable } = portsUsed(d, sysctls)
      const reuseNote = reusable ? `; ${reusable} more in TIME_WAIT ${agree(reusable, 'is', 'are')} reusable (${twReuse(sysctls, d).why})` : ''
      findings.push(
        fail(meta, {
          severity: share >= ctx.threshold('criticalShare') ? 'critical' : 'warning',
          message: `${destinationLabel(d)}: ${used}/${range.usable} usable ephemeral ports in use (${pct(share)}; ${stateList(d.states)})${reuseNote}. When they run out, connect() fails with EADDRNOTAVAIL ("Cannot assign requested address")`,
          subject: { local: d.local, remote: d.remote, side: 'client' },
          evidence: [{ source, name: 'portsUsed', value: used }, { source, name: 'usablePorts', value: range.usable }, ...Object.entries(d.states).map(([s, n]) => ({ source, name: s, value: n })), ...rangeEvidence(sysctls), ...reuseEvidence(sysctls)],
          remediation: remedy(
            ctx.options.where,
            'Each (local address, destination address:port) has only the ephemeral range to pick from. Reuse connections (pooling, keep-alive) instead of opening one per request; widen net.ipv4.ip_local_port_range (the command reserves the listening ports the wider range would cover first); add local source addresses or destination addresses/ports to multiply the 4-tuples; tcp_tw_reuse=1 when TIME_WAIT is the bulk. Never tcp_tw_recycle.',
            widenedRange(range, facts.get('census').listening.map((l) => l.port)),
            [`ss -tan dst ${d.remote} | awk 'NR>1 {print $1}' | sort | uniq -c  # states toward it (several states: ss shows the State column)`],
          ),
        }),
      )
    }
    if (findings.length) return findings
    return [pass(meta, `the busiest destination uses ${busiest} of ${range.usable} usable ephemeral ports (${pct(busiest / range.usable)})`, rangeEvidence(sysctls))]
  },
}
