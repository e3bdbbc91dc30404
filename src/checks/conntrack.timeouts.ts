import type { Check, CheckMeta } from '../model/check.js'
import type { Evidence } from '../model/finding.js'
import { humanDuration } from '../derived/format.js'
import { fail, pass, skip, sysctlEvidence } from './support/findings.js'
import { CONNTRACK_LOADED_SYSCTLS, CT_COUNT, CT_ESTABLISHED, CT_MAX, conntrackLoaded, KEEPALIVE_TIME, NOT_LOADED } from '../derived/conntrack.js'
import { remedy } from './support/remediation.js'

const meta: CheckMeta = {
  id: 'conntrack.timeouts',
  topic: 'conntrack',
  title: 'Conntrack timeouts',
  failureTitle: 'Conntrack forgets idle connections',
  description:
    'nf_conntrack_tcp_timeout_established against the keepalive time (tcp_keepalive_time) and an idle time given with --idle-timeout: an established flow idle longer than the timeout is forgotten, and its next packet is INVALID (dropped by a `ct state` rule, or NAT lost). So long that, with the table filling, dead flows of vanished peers hold entries for days.',
  facts: ['sysctls'],
  sysctls: [...CONNTRACK_LOADED_SYSCTLS, KEEPALIVE_TIME],
  thresholds: {
    longSeconds: { value: 86400, description: 'an established timeout above this is reported when the table is filling (kube-proxy uses 86400; the kernel default is 432000)' },
    fillForLong: { value: 0.5, description: 'count / max from which a long established timeout is reported (info)' },
  },
}

const KEEPALIVE = KEEPALIVE_TIME

export const conntrackTimeouts: Check = {
  meta,
  evaluate(facts, ctx) {
    const sysctls = facts.get('sysctls')
    if (!conntrackLoaded(sysctls)) return [skip(meta, NOT_LOADED)]
    const established = Number(sysctls.get(CT_ESTABLISHED))
    if (!Number.isFinite(established)) return [skip(meta, `${CT_ESTABLISHED} is not readable here`)]
    const keepalive = Number(sysctls.get(KEEPALIVE))
    const idle = ctx.options.idleTimeoutSeconds
    const evidence: Evidence[] = [sysctlEvidence(CT_ESTABLISHED, sysctls.get(CT_ESTABLISHED)), sysctlEvidence(KEEPALIVE, sysctls.get(KEEPALIVE))]
    if (idle !== undefined) evidence.push({ source: '--idle-timeout', name: 'idleTimeoutSeconds', value: idle, unit: 's' })
    // What must fit inside the timeout: the keepalive time (the first probe refreshes the entry), and an idle time
    // the user says connections sit without traffic (a pool).
    const needs = [
      ...(Number.isFinite(keepalive) ? [{ what: `tcp_keepalive_time (${keepalive} s)`, seconds: keepalive }] : []),
      ...(idle !== undefined ? [{ what: `the idle time given (--idle-timeout ${idle} s)`, seconds: idle }] : []),
    ].filter((n) => n.seconds >= established)
    if (needs.length) {
      const longest = Math.max(...needs.map((n) => n.seconds))
      // Above the longest idle with a margin, and never below the kernel's default when that already fits.
      const want = Math.max(Math.ceil(longest * 1.5), Math.min(432000, longest * 4))
      return [
        fail(meta, {
          severity: 'warning',
          message: `${CT_ESTABLISHED} is ${established} s (${humanDuration(established)}), not longer than ${needs.map((n) => n.what).join(' and ')}: an idle pooled connection is forgotten by conntrack before its first keepalive probe, and its next packet is INVALID (dropped, or NAT lost)`,
          subject: { sysctl: CT_ESTABLISHED },
          evidence,
          remediation: remedy(
            ctx.options.where,
            `Keep the established timeout well above every idle time (the kernel default is 432000 s, kube-proxy sets 86400), or make keepalive start earlier (TCP_KEEPIDLE, tcp_keepalive_time) so idle connections refresh their entry. Cutting it to 300 s to empty a full table breaks pools that idle longer: fix the table with nf_conntrack_max instead.`,
            [[CT_ESTABLISHED, want]],
          ),
        }),
      ]
    }
    const count = Number(sysctls.get(CT_COUNT))
    const max = Number(sysctls.get(CT_MAX))
    const fill = Number.isFinite(count) && max > 0 ? count / max : 0
    if (established > ctx.threshold('longSeconds') && fill >= ctx.threshold('fillForLong')) {
      return [
        fail(meta, {
          severity: 'info',
          title: 'Conntrack keeps idle flows for days',
          message: `${CT_ESTABLISHED} is ${established} s (${humanDuration(established)}) while the table is ${Math.round(fill * 100)} % full: flows whose peer vanished without FIN or RST hold their entries that long`,
          subject: { sysctl: CT_ESTABLISHED },
          evidence: [...evidence, sysctlEvidence(CT_COUNT, sysctls.get(CT_COUNT)), sysctlEvidence(CT_MAX, sysctls.get(CT_MAX))],
          remediation: remedy(ctx.options.where, `A shorter established timeout frees dead entries sooner; keep it well above the keepalive time (${Number.isFinite(keepalive) ? keepalive : 7200} s) and any pool's idle time.`, [[CT_ESTABLISHED, ctx.threshold('longSeconds')]]),
        }),
      ]
    }
    return [pass(meta, `${CT_ESTABLISHED} ${established} s is longer than tcp_keepalive_time${Number.isFinite(keepalive) ? ` ${keepalive} s` : ''}${idle !== undefined ? ` and the idle time ${idle} s` : ''}`, evidence)]
  },
}
