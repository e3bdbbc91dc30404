import type { Check, CheckMeta } from '../model/check.js'
import { fail, pass, skip, sysctlEvidence } from './support/findings.js'
import { CONNTRACK_LOADED_SYSCTLS, CT_BUCKETS, CT_COUNT, CT_MAX, conntrackLoaded, NOT_LOADED } from '../derived/conntrack.js'
import { remedy } from './support/remediation.js'

const meta: CheckMeta = {
  id: 'conntrack.table',
  topic: 'conntrack',
  title: 'Conntrack table fill',
  failureTitle: 'Conntrack table nearly full',
  description:
    'nf_conntrack_count against nf_conntrack_max. When the table is full the kernel drops the first packet of every new flow ("nf_conntrack: table full, dropping packet"): new connections time out while established ones work.',
  facts: ['sysctls'],
  sysctls: [...CONNTRACK_LOADED_SYSCTLS, CT_BUCKETS],
  thresholds: {
    warningFill: { value: 0.75, description: 'count / max at or above which the table is reported (warning; node-mixin alerts at 75 %)' },
    criticalFill: { value: 0.95, description: 'count / max at or above which it is critical (new flows are about to be dropped)' },
  },
}

export const conntrackTable: Check = {
  meta,
  evaluate(facts, ctx) {
    const sysctls = facts.get('sysctls')
    if (!conntrackLoaded(sysctls)) return [skip(meta, NOT_LOADED)]
    const count = Number(sysctls.get(CT_COUNT))
    const max = Number(sysctls.get(CT_MAX))
    if (!Number.isFinite(count) || !Number.isFinite(max) || max <= 0) return [skip(meta, `${CT_COUNT} or ${CT_MAX} is not readable here`)]
    const fill = count / max
    const evidence = [sysctlEvidence(CT_COUNT, sysctls.get(CT_COUNT)), sysctlEvidence(CT_MAX, sysctls.get(CT_MAX))]
    // the hash table's size: raised with the max, or lookups walk long chains
    if (sysctls.has(CT_BUCKETS)) evidence.push(sysctlEvidence(CT_BUCKETS, sysctls.get(CT_BUCKETS)))
    const pct = `${Math.round(fill * 100)} %`
    if (fill < ctx.threshold('warningFill')) return [pass(meta, `${count}/${max} entries (${pct})`, evidence)]
    const critical = fill >= ctx.threshold('criticalFill')
    // Room for twice the entries there are now, in powers of two as the kernel sizes the table.
    const want = 2 ** Math.ceil(Math.log2(Math.max(count * 2, max * 2)))
    return [
      fail(meta, {
        severity: critical ? 'critical' : 'warning',
        message: `conntrack table ${count}/${max} (${pct})${critical ? ': new flows are dropped once it is full' : ''}`,
        subject: { sysctl: CT_MAX },
        evidence,
        remediation: remedy(
          ctx.options.where,
          `Find what fills it (conntrack -L | awk '{print $3}' | sort | uniq -c: many short flows, a scan, UDP without replies), shorten the timeouts of the states that pile up, or raise nf_conntrack_max (each entry costs about 300 bytes of kernel memory; raise the hash size with it: /sys/module/nf_conntrack/parameters/hashsize). nf_conntrack_max is global: one limit for every namespace on the host, read-only inside a container's namespace.`,
          [[CT_MAX, want]],
          ['conntrack -S', 'conntrack -C'],
        ),
      }),
    ]
  },
}
