import type { Check, CheckMeta } from '../model/check.js'
import { fail, pass, skip, sysctlEvidence } from './support/findings.js'
import { remedy } from './support/remediation.js'

const meta: CheckMeta = {
  id: 'buffers.autotuning',
  topic: 'buffers',
  title: 'Receive buffer autotuning',
  failureTitle: 'Receive buffer autotuning off',
  description:
    'net.ipv4.tcp_moderate_rcvbuf is 0: receive buffers stay at tcp_rmem[1] (the default) instead of growing toward tcp_rmem[2] as the connection needs, which caps the throughput of every connection on a long or fast path.',
  facts: ['sysctls'],
  sysctls: ['net.ipv4.tcp_moderate_rcvbuf', 'net.ipv4.tcp_rmem'],
}

export const autotuning: Check = {
  meta,
  evaluate(facts, ctx) {
    const sysctls = facts.get('sysctls')
    const v = sysctls.get('net.ipv4.tcp_moderate_rcvbuf')
    if (v === undefined) return [skip(meta, 'net.ipv4.tcp_moderate_rcvbuf is not present')]
    const rmem = sysctls.get('net.ipv4.tcp_rmem')
    const evidence = [sysctlEvidence('net.ipv4.tcp_moderate_rcvbuf', v), sysctlEvidence('net.ipv4.tcp_rmem', rmem)]
    if (v.trim() !== '0') return [pass(meta, `net.ipv4.tcp_moderate_rcvbuf=${v}: receive buffers grow up to tcp_rmem max`, evidence)]
    return [
      fail(meta, {
        severity: 'warning',
        message: `net.ipv4.tcp_moderate_rcvbuf=0: receive buffers stay at tcp_rmem default${rmem ? ` (${rmem.trim().split(/\s+/)[1]} bytes)` : ''} unless the application sets SO_RCVBUF`,
        subject: { sysctl: 'net.ipv4.tcp_moderate_rcvbuf' },
        evidence,
        remediation: remedy(
          ctx.options.where,
          'Turn autotuning back on (the default) and let the kernel size each receive buffer up to tcp_rmem max; size that max by the bandwidth-delay product rather than setting SO_RCVBUF in applications.',
          [['net.ipv4.tcp_moderate_rcvbuf', 1]],
        ),
      }),
    ]
  },
}
