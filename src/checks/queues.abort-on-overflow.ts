import type { Check, CheckMeta } from '../model/check.js'
import { fail, pass, skip, sysctlEvidence } from './support/findings.js'
import { remedy } from './support/remediation.js'

const meta: CheckMeta = {
  id: 'queues.abort-on-overflow',
  topic: 'queues',
  title: 'Abort on overflow',
  failureTitle: 'Accept-queue overflow answered with resets',
  description:
    'net.ipv4.tcp_abort_on_overflow is 1: when an accept queue is full the kernel answers the handshake with RST, so clients see "connection reset by peer" at once instead of retrying until the application catches up.',
  facts: ['sysctls'],
  sysctls: ['net.ipv4.tcp_abort_on_overflow'],
}

export const abortOnOverflow: Check = {
  meta,
  evaluate(facts, ctx) {
    const v = facts.get('sysctls').get('net.ipv4.tcp_abort_on_overflow')
    if (v === undefined) return [skip(meta, 'net.ipv4.tcp_abort_on_overflow is not present')]
    const evidence = [sysctlEvidence('net.ipv4.tcp_abort_on_overflow', v)]
    if (v.trim() !== '1') return [pass(meta, `net.ipv4.tcp_abort_on_overflow=${v}: a full accept queue drops the final ACK and the client retries`, evidence)]
    return [
      fail(meta, {
        severity: 'info',
        message: 'net.ipv4.tcp_abort_on_overflow=1: clients of a listener whose accept queue is full get "connection reset by peer" instead of a retry that might succeed',
        subject: { sysctl: 'net.ipv4.tcp_abort_on_overflow' },
        evidence,
        remediation: remedy(
          ctx.options.where,
          'Keep it only if clients must fail fast rather than wait (a service that cannot be made faster). Otherwise set it back to 0 and fix the accept rate and backlog. The resets it sends are counted in TcpExtEmbryonicRsts (and TcpOutRsts), not TCPAbortOnData.',
          [['net.ipv4.tcp_abort_on_overflow', 0]],
          ['nstat -az TcpExtEmbryonicRsts TcpExtListenOverflows  # the resets it sends, and the overflows that caused them'],
        ),
      }),
    ]
  },
}
