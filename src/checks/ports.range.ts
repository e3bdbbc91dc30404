import type { Check, CheckMeta } from '../model/check.js'
import type { Finding } from '../model/finding.js'
import { isReserved, portRange, rangeEvidence, reservedWith, widenedRange } from '../derived/census.js'
import { fail, pass, plural } from './support/findings.js'
import { remedy } from './support/remediation.js'

const meta: CheckMeta = {
  id: 'ports.range',
  topic: 'ports',
  title: 'Ephemeral port range',
  failureTitle: 'Ephemeral port range too small or overlapping listeners',
  description:
    'net.ipv4.ip_local_port_range is small (fewer than 10000 ports), or a listening port lies inside it without being in ip_local_reserved_ports (an outgoing connection can take it while the service restarts).',
  facts: ['sysctls', 'census'],
  sysctls: ['net.ipv4.ip_local_port_range', 'net.ipv4.ip_local_reserved_ports'],
  attribution: { server: 'listening' },
  thresholds: { minPorts: { value: 10000, description: 'a range with fewer ports is reported (info)' } },
}

export const portsRange: Check = {
  meta,
  evaluate(facts, ctx) {
    const sysctls = facts.get('sysctls')
    const r = portRange(sysctls)
    const evidence = rangeEvidence(sysctls)
    const findings: Finding[] = []
    const listening = facts.get('census').listening
    if (r.size < ctx.threshold('minPorts')) {
      findings.push(
        fail(meta, {
          severity: 'info',
          title: 'Small ephemeral port range',
          message: `net.ipv4.ip_local_port_range ${r.low}-${r.high} has ${plural(r.size, 'port')} (${r.usable} usable): at most that many concurrent connections plus TIME_WAIT toward any one destination`,
          subject: { sysctl: 'net.ipv4.ip_local_port_range' },
          evidence,
          remediation: remedy(
            ctx.options.where,
            'Widen the range unless it was narrowed on purpose. The command below keeps its ends of different parity (connect() and bind(0) take one parity each) and first reserves every listening port the wider range would cover, so no service loses its port to an outgoing connection.',
            widenedRange(r, listening.map((l) => l.port)),
          ),
        }),
      )
    }
    const unreserved = (port: number) => port >= r.low && port <= r.high && !isReserved(port, r.reservedList)
    // One list for every finding: following one fix or all of them reserves every port (the setting is one list).
    const reserved = reservedWith(r.reservedList, listening.map((l) => l.port).filter(unreserved))
    const seen = new Set<number>()
    for (const l of listening) {
      if (!unreserved(l.port) || seen.has(l.port)) continue
      seen.add(l.port)
      const p = l.pid !== undefined ? { pid: l.pid, name: l.process ?? '?' } : undefined
      findings.push(
        fail(meta, {
          severity: 'warning',
          title: 'Listening port inside the ephemeral range',
          message: `${l.local}${p ? ` (${p.name}, pid ${p.pid})` : ''} listens on port ${l.port}, inside the ephemeral range ${r.low}-${r.high} and not in ip_local_reserved_ports: an outgoing connection can take the port while the service is down, and its restart fails with "Address already in use"`,
          subject: { local: l.local, side: 'server', ...(p ? { pid: p.pid, process: p.name } : {}) },
          evidence,
          remediation: remedy(
            ctx.options.where,
            'Reserve the port so connect() and bind(0) never pick it (it stays usable by an explicit bind), or move the service or the range so they do not overlap. ip_local_reserved_ports is one list: the command keeps the ports reserved now and adds every listening port of this report, so it is the same for each of them.',
            [['net.ipv4.ip_local_reserved_ports', reserved]],
          ),
        }),
      )
    }
    if (findings.length) return findings
    return [pass(meta, `ip_local_port_range ${r.low}-${r.high} (${r.usable} usable); no listener inside it unreserved`, evidence)]
  },
}
