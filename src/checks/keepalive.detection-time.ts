import type { Check, CheckMeta } from '../model/check.js'
import { KEEPALIVE_SYSCTLS as NAMES, keepaliveSettings } from '../derived/keepalive.js'
import { humanDuration } from '../derived/format.js'
import { fail, pass, skip, sysctlEvidence } from './support/findings.js'
import { remedy } from './support/remediation.js'

const meta: CheckMeta = {
  id: 'keepalive.detection-time',
  topic: 'keepalive',
  title: 'Keepalive dead-peer detection time',
  failureTitle: 'Keepalive takes long to detect a dead peer',
  description:
    'tcp_keepalive_time + tcp_keepalive_intvl × tcp_keepalive_probes: how long a socket with SO_KEEPALIVE (and no per-socket TCP_KEEPIDLE/INTVL/CNT) waits before it declares an idle peer dead. The default is 7875 s = 2 h 11 min 15 s.',
  facts: ['sysctls'],
  sysctls: ['net.ipv4.tcp_keepalive_time', 'net.ipv4.tcp_keepalive_intvl', 'net.ipv4.tcp_keepalive_probes'],
  thresholds: {
    maxSeconds: { value: 600, description: 'detection time above which the check fails (seconds): info up to warningSeconds' },
    warningSeconds: { value: 7875, description: 'detection time above which the finding is a warning (seconds; the kernel default 7875 is info: every stock host has it)' },
  },
}

export const detectionTime: Check = {
  meta,
  evaluate(facts, ctx) {
    const sysctls = facts.get('sysctls')
    const k = keepaliveSettings(sysctls)
    if (!k) return [skip(meta, 'the tcp_keepalive_* sysctls are not readable here')]
    const total = k.detectionSeconds
    const evidence = [...NAMES.map((n) => sysctlEvidence(n, sysctls.get(n))), { source: 'computed', name: 'detectionSeconds', value: total, unit: 's' }]
    const text = `${k.time} + ${k.intvl} × ${k.probes} = ${total} s = ${humanDuration(total)}`
    if (total <= ctx.threshold('maxSeconds')) return [pass(meta, `a dead peer is detected after ${text}`, evidence)]
    return [
      fail(meta, {
        severity: total > ctx.threshold('warningSeconds') ? 'warning' : 'info',
        message: `a dead peer is detected only after ${text} (tcp_keepalive_time + intvl × probes), for sockets with SO_KEEPALIVE and no per-socket settings`,
        evidence,
        remediation: remedy(
          ctx.options.where,
          'Set keepalive per socket in the application (SO_KEEPALIVE with TCP_KEEPIDLE, TCP_KEEPINTVL, TCP_KEEPCNT; Go uses 15 s by default), or lower the host defaults. Keep tcp_keepalive_time below the shortest idle timeout on the path (NATs, load balancers: 300–600 s; AWS NLB 350 s).',
          [['net.ipv4.tcp_keepalive_time', 60], ['net.ipv4.tcp_keepalive_intvl', 10], ['net.ipv4.tcp_keepalive_probes', 3]],
        ),
      }),
    ]
  },
}
