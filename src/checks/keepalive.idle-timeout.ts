import type { Check, CheckMeta } from '../model/check.js'
import { fail, pass, skip, sysctlEvidence } from './support/findings.js'
import { keepaliveSettings } from '../derived/keepalive.js'
import { humanDuration } from '../derived/format.js'
import { remedy } from './support/remediation.js'

const meta: CheckMeta = {
  id: 'keepalive.idle-timeout',
  topic: 'keepalive',
  title: 'Keepalive before idle timeouts',
  failureTitle: 'Keepalive starts after an idle timeout',
  description:
    'tcp_keepalive_time compared with the idle timeouts known for this host: conntrack (nf_conntrack_tcp_timeout_established, when loaded) and a middlebox timeout given with --idle-timeout (AWS NLB: 350 s). An idle flow is dropped before the first probe is sent.',
  facts: ['sysctls'],
  sysctls: ['net.ipv4.tcp_keepalive_time', 'net.ipv4.tcp_keepalive_intvl', 'net.ipv4.tcp_keepalive_probes', 'net.netfilter.nf_conntrack_tcp_timeout_established'],
}

const CONNTRACK = 'net.netfilter.nf_conntrack_tcp_timeout_established'

export const idleTimeout: Check = {
  meta,
  evaluate(facts, ctx) {
    const sysctls = facts.get('sysctls')
    const k = keepaliveSettings(sysctls)
    if (!k) return [skip(meta, 'the tcp_keepalive_* sysctls are not readable here')]
    const timeouts: Array<{ name: string; seconds: number; evidence: ReturnType<typeof sysctlEvidence> }> = []
    const ct = sysctls.get(CONNTRACK)
    if (ct !== undefined && Number.isFinite(Number(ct))) timeouts.push({ name: `conntrack (${CONNTRACK})`, seconds: Number(ct), evidence: sysctlEvidence(CONNTRACK, ct) })
    const given = ctx.options.idleTimeoutSeconds
    if (given !== undefined) timeouts.push({ name: 'the idle timeout given (--idle-timeout)', seconds: given, evidence: { source: '--idle-timeout', name: 'idleTimeoutSeconds', value: given, unit: 's' } })
    const keep = sysctlEvidence('net.ipv4.tcp_keepalive_time', sysctls.get('net.ipv4.tcp_keepalive_time'))
    if (timeouts.length === 0) return [skip(meta, 'no idle timeout known: conntrack is not loaded and --idle-timeout was not given (e.g. --idle-timeout 350 for AWS NLB)')]
    const shortest = timeouts.reduce((a, b) => (b.seconds < a.seconds ? b : a))
    const evidence = [keep, ...timeouts.map((t) => t.evidence)]
    if (k.time < shortest.seconds) {
      return [pass(meta, `tcp_keepalive_time ${k.time} s is below the shortest idle timeout, ${shortest.name}: ${shortest.seconds} s`, evidence)]
    }
    return [
      fail(meta, {
        severity: 'warning',
        message: `tcp_keepalive_time ${k.time} s (${humanDuration(k.time)}) ≥ ${shortest.name} ${shortest.seconds} s (${humanDuration(shortest.seconds)}): an idle connection is dropped there before its first keepalive probe`,
        subject: shortest.name.startsWith('conntrack') ? { sysctl: CONNTRACK } : {},
        evidence,
        remediation: remedy(
          ctx.options.where,
          `Start keepalive before the idle timeout: TCP_KEEPIDLE per socket in the application, or tcp_keepalive_time below ${shortest.seconds} s for every socket with SO_KEEPALIVE. Application heartbeats work too, when both ends send them more often than that.`,
          [['net.ipv4.tcp_keepalive_time', Math.max(10, Math.floor(shortest.seconds * 0.8))]],
        ),
      }),
    ]
  },
}
