import type { Check, CheckMeta } from '../model/check.js'
import { fail, pass, skip, sysctlEvidence } from './support/findings.js'

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
  evaluate(facts) {
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
        remediation: {
          text: 'Turn SYN cookies back on (1 = only when the SYN queue overflows, the default). Legitimate load should not depend on them: size the SYN queue for it.',
          commands: ['sysctl -w net.ipv4.tcp_syncookies=1', "echo 'net.ipv4.tcp_syncookies = 1' > /etc/sysctl.d/90-syncookies.conf"],
        },
      }),
    ]
  },
}
