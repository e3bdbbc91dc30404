import type { Check, CheckMeta } from '../model/check.js'
import { formatBytes } from '../derived/format.js'
import { agree, fail, pass, plural, skip, sysctlEvidence } from './support/findings.js'
import { remedy } from './support/remediation.js'

const meta: CheckMeta = {
  id: 'congestion.slow-start-after-idle',
  topic: 'congestion',
  title: 'Slow start after idle',
  failureTitle: 'Idle connections restart in slow start',
  description:
    'net.ipv4.tcp_slow_start_after_idle is 1 (the default) while established connections that sent much are idle now (lastsnd in ss -tnimp state established): after an idle RTO the kernel resets their congestion window, so the next burst (an RPC, an HTTP/2 response, a push) starts slow again.',
  facts: ['sysctls', 'tcpInfo'],
  sysctls: ['net.ipv4.tcp_slow_start_after_idle'],
  thresholds: {
    minBytesSent: { value: 1048576, description: 'bytes a socket has sent over its life before it counts as a long-lived sender (1 MiB)' },
    minSockets: { value: 1, description: 'idle long-lived senders before it is a finding' },
  },
}

export const slowStartAfterIdle: Check = {
  meta,
  evaluate(facts, ctx) {
    const value = facts.get('sysctls').get('net.ipv4.tcp_slow_start_after_idle')?.trim()
    if (value === undefined) return [skip(meta, 'net.ipv4.tcp_slow_start_after_idle is not readable here')]
    const info = facts.get('tcpInfo')
    const evidence = [sysctlEvidence('net.ipv4.tcp_slow_start_after_idle', value)]
    if (value === '0') return [pass(meta, 'tcp_slow_start_after_idle is 0: idle connections keep their congestion window', evidence)]
    if (info.idleSenders === undefined) return [skip(meta, 'this ss prints no lastsnd: idle senders cannot be told')]
    if (info.sockets === 0) return [skip(meta, 'no established TCP socket to judge')]
    const idle = info.idleSenders.filter((s) => (s.bytesSent ?? 0) >= ctx.threshold('minBytesSent'))
    if (idle.length < ctx.threshold('minSockets')) {
      return [pass(meta, `tcp_slow_start_after_idle is 1, and none of ${plural(info.sockets, 'established socket')} is a long-lived sender now idle`, evidence)]
    }
    const top = idle[0]
    return [
      fail(meta, {
        severity: 'info',
        message: `tcp_slow_start_after_idle is 1 and ${plural(idle.length, 'long-lived connection')}${idle.length === info.idleSenders.length && idle.length >= 100 ? ' (or more)' : ''} ${agree(idle.length, 'is', 'are')} idle now, e.g. ${top.local} → ${top.peer}${top.process ? ` (${top.process}, pid ${top.pid})` : ''} sent ${formatBytes(top.bytesSent ?? 0)}, idle ${((top.lastSndMs ?? 0) / 1000).toFixed(1)} s: their next burst restarts from the initial window`,
        evidence,
        remediation: remedy(
          ctx.options.where,
          'Set net.ipv4.tcp_slow_start_after_idle to 0 so idle connections keep their congestion window (Cloudflare and ESnet advise it for long-lived connections). Trade-off: a burst after a long idle goes out at the old rate into a path that may have changed; on shared, congested links that is a burst of loss.',
          [['net.ipv4.tcp_slow_start_after_idle', 0]],
          ['ss -tni state established | grep -o "lastsnd:[0-9]*" | sort -t: -k2 -n | tail'],
        ),
        details: idle.slice(0, ctx.options.maxDetails).map((s) => ({ local: s.local, remote: s.peer, ...(s.process ? { process: s.process, pid: s.pid } : {}), bytesSent: s.bytesSent, idleMs: s.lastSndMs })),
      }),
    ]
  },
}
