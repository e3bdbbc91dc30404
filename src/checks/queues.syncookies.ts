import type { Check, CheckMeta } from '../model/check.js'
import { fail, pass, skip, sysctlEvidence } from './support/findings.js'
import { remedy } from './support/remediation.js'

const meta: CheckMeta = {
  id: 'queues.syncookies',
  topic: 'queues',
  title: 'SYN cookies',
  failureTitle: 'SYN cookies disabled',
  description: 'net.ipv4.tcp_syncookies is 0: a SYN flood fills the SYN queue and legitimate clients are dropped instead of answered with cookies.',
  facts: ['sysctls'],
  sysctls: ['net.ipv4.tcp_syncookies'],
}

export const syncookies: Check = {
  meta,
  evaluate(facts, ctx) {
    const v = facts.get('sysctls').get('net.ipv4.tcp_syncookies')
    if (v === undefined) return [skip(meta, 'net.ipv4.tcp_syncookies is not present (kernel built without SYN cookies)')]
    const evidence = [sysctlEvidence('net.ipv4.tcp_syncookies', v)]
    if (v.trim() !== '0') return [pass(meta, `net.ipv4.tcp_syncookies=${v}`, evidence)]
    return [
      fail(meta, {
        severity: 'warning',
        message: 'net.ipv4.tcp_syncookies=0: a SYN flood or a burst larger than the SYN queue drops new connections instead of falling back to cookies',
        subject: { sysctl: 'net.ipv4.tcp_syncookies' },
        evidence,
        remediation: remedy(
          ctx.options.where,
          "Turn SYN cookies back on (1 = only when the SYN queue overflows, the default). Legitimate load should not depend on them: a cookie keeps only the MSS (from 8 values) when the client sends no TCP timestamps, and loses window scaling and SACK then. Size the SYN queue for the load: the listener's backlog and somaxconn.",
          [['net.ipv4.tcp_syncookies', 1]],
        ),
      }),
    ]
  },
}
