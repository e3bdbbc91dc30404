import type { Check, CheckMeta } from '../model/check.js'
import type { Finding } from '../model/finding.js'
import { splitEndpoint } from '../parsers/address.js'
import { sysctlNumber } from '../parsers/sysctl.js'
import { clientTimeWait, destinationLabel, joinCensus, lingering, listenerOwner, pct, portRange, rangeEvidence, reuseEvidence, stateCount, twReuse, widenedRange } from '../derived/census.js'
import { agree, fail, pass, plural, sysctlEvidence } from './support/findings.js'
import { remedy } from './support/remediation.js'

const meta: CheckMeta = {
  id: 'timewait.storm',
  topic: 'timewait',
  title: 'TIME_WAIT',
  failureTitle: 'TIME_WAIT storm',
  description:
    'TIME_WAIT sockets attributed per side: client side per destination against the ephemeral ports connect() can use for it (reusable ones under tcp_tw_reuse count as reusable), server side per listener, and host-wide against tcp_max_tw_buckets. Counted only when present in both samples.',
  facts: ['census', 'sysctls'],
  optionalFacts: ['sockstat'],
  attribution: { server: 'listening' },
  sysctls: ['net.ipv4.ip_local_port_range', 'net.ipv4.ip_local_reserved_ports', 'net.ipv4.tcp_tw_reuse', 'net.ipv4.tcp_timestamps', 'net.ipv4.tcp_max_tw_buckets'],
  thresholds: {
    warningShare: { value: 0.5, description: 'client-side TIME_WAIT toward one destination, as a share of the usable ephemeral ports: warning' },
    criticalShare: { value: 0.8, description: 'the same share: critical' },
    serverTimeWait: { value: 1000, description: 'server-side TIME_WAIT on one listener above which it is reported (info)' },
    bucketsShare: { value: 0.8, description: 'host TIME_WAIT as a share of net.ipv4.tcp_max_tw_buckets: warning' },
  },
}

const CLIENT_FIX =
  'This host opens short-lived outgoing connections and closes them first, so each leaves its local port in TIME_WAIT for 60 s. Reuse connections (a connection pool, HTTP keep-alive), then widen net.ipv4.ip_local_port_range or spread over more destination addresses/ports. tcp_tw_reuse=1 lets connect() reuse TIME_WAIT ports older than 1 s (needs TCP timestamps). Never enable tcp_tw_recycle (breaks clients behind NAT; removed in 4.12) and do not lower tcp_max_tw_buckets.'
const SERVER_FIX =
  'The server closes first (e.g. HTTP without keep-alive, or a server that closes after each response), so its side holds TIME_WAIT. It costs little memory and no ports (it is the listening port): let clients close first, enable HTTP keep-alive. tcp_tw_reuse does not help incoming connections; do not lower tcp_max_tw_buckets.'

export const timewaitStorm: Check = {
  meta,
  evaluate(facts, ctx) {
    const sysctls = facts.get('sysctls')
    const range = portRange(sysctls)
    // the census's counts, named by what it was read from (ss, /proc/net/tcp, a 0.3 snapshot's ss -tanpo)
    const { source } = facts.get('census')
    const findings: Finding[] = []

    for (const { dest: d, tw } of clientTimeWait(facts)) {
      const share = tw / range.usable
      if (share < ctx.threshold('warningShare')) continue
      const reuse = twReuse(sysctls, d)
      const severity = reuse.applies ? 'info' : share >= ctx.threshold('criticalShare') ? 'critical' : 'warning'
      const held = `${plural(tw, 'TIME_WAIT socket')} toward ${destinationLabel(d)} ${agree(tw, 'is', 'are')} ${pct(share)} of the ${plural(range.usable, 'port')} connect() can use for it`
      const tail = reuse.applies
        ? `; ${reuse.why} applies, so connect() reuses them (older than 1 s): reusable, not exhausted`
        : ` (${reuse.why}): client side, this host closes first`
      findings.push(
        fail(meta, {
          severity,
          title: reuse.applies ? 'TIME_WAIT toward one destination (reusable)' : meta.failureTitle,
          message: held + tail,
          subject: { local: d.local, remote: d.remote, side: 'client' },
          evidence: [{ source, name: 'TIME-WAIT', value: tw }, { source, name: 'usablePorts', value: range.usable }, ...rangeEvidence(sysctls), ...reuseEvidence(sysctls)],
          remediation: remedy(
            ctx.options.where,
            CLIENT_FIX,
            [...(reuse.applies ? [] : [['net.ipv4.tcp_tw_reuse', '1'] as [string, string]]), ...widenedRange(range, facts.get('census').listening.map((l) => l.port))],
            [`ss -tan state time-wait dst ${d.remote} | wc -l`],
          ),
        }),
      )
    }

    for (const j of joinCensus(facts, (c) => c.listeners, (l) => l.local)) {
      const tw = lingering(j, (l) => stateCount(l.states, 'TIME-WAIT'))
      if (tw <= ctx.threshold('serverTimeWait')) continue
      findings.push(
        fail(meta, {
          severity: 'info',
          title: 'Server-side TIME_WAIT',
          message: `${plural(tw, 'TIME_WAIT socket')} on listener ${j.end.local}: server side, the server closes connections first; they use no ephemeral ports`,
          subject: { local: j.end.local, side: 'server', ...listenerOwner(j.end) },
          evidence: [{ source, name: 'TIME-WAIT', value: tw }],
          remediation: { text: SERVER_FIX, commands: [`ss -tan state time-wait '( sport = :${splitEndpoint(j.end.local).port} )' | wc -l`] },
        }),
      )
    }

    // Host-wide from /proc/net/sockstat; without it the per-destination and per-listener findings still stand.
    const buckets = sysctlNumber(sysctls.get('net.ipv4.tcp_max_tw_buckets'))
    const hostTw = facts.has('sockstat') ? Math.min(facts.first('sockstat').TCP?.tw ?? 0, facts.get('sockstat').TCP?.tw ?? 0) : 0
    if (buckets && hostTw >= ctx.threshold('bucketsShare') * buckets) {
      findings.push(
        fail(meta, {
          severity: 'warning',
          title: 'TIME_WAIT near tcp_max_tw_buckets',
          message: `${plural(hostTw, 'TIME_WAIT socket')} ${agree(hostTw, 'is', 'are')} ${pct(hostTw / buckets)} of net.ipv4.tcp_max_tw_buckets=${buckets}: beyond it the kernel destroys TIME_WAIT sockets early (counted in TCPTimeWaitOverflow; current kernels no longer log it)`,
          subject: { sysctl: 'net.ipv4.tcp_max_tw_buckets' },
          evidence: [{ source: '/proc/net/sockstat', name: 'TCP tw', value: hostTw }, sysctlEvidence('net.ipv4.tcp_max_tw_buckets', sysctls.get('net.ipv4.tcp_max_tw_buckets'))],
          remediation: { text: 'Find who holds them (the findings above, or `netdoc timewait`) and remove the cause: pooling for client side, keep-alive for server side. Do not lower tcp_max_tw_buckets; raising it only costs memory.', commands: ['ss -tan state time-wait | wc -l'] },
        }),
      )
    }

    if (findings.length) return findings
    const total = facts.get('census').states['TIME-WAIT'] ?? 0
    return [pass(meta, `${plural(total, 'TIME_WAIT socket')}; no destination above ${pct(ctx.threshold('warningShare'))} of the ${plural(range.usable, 'usable port')}, no listener above ${ctx.threshold('serverTimeWait')}`, [{ source, name: 'TIME-WAIT', value: total }])]
  },
}
