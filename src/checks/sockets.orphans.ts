import type { Check, CheckMeta } from '../model/check.js'
import { sysctlNumber } from '../parsers/sysctl.js'
import { pct } from '../derived/census.js'
import { fail, pass, plural, skip, sysctlEvidence } from './support/findings.js'
import { remedy } from './support/remediation.js'

const meta: CheckMeta = {
  id: 'sockets.orphans',
  topic: 'sockets',
  title: 'Orphaned sockets',
  failureTitle: 'Orphaned sockets near tcp_max_orphans',
  description:
    'Orphaned TCP sockets (closed by the application, still finishing in the kernel) in /proc/net/sockstat against net.ipv4.tcp_max_orphans, in both samples; beyond the limit the kernel resets connections ("too many orphaned sockets").',
  facts: ['sockstat', 'sysctls'],
  sysctls: ['net.ipv4.tcp_max_orphans', 'net.ipv4.tcp_orphan_retries'],
  thresholds: {
    warningShare: { value: 0.25, description: 'orphans as a share of tcp_max_orphans: warning' },
    criticalShare: { value: 0.5, description: 'the same share: critical' },
  },
}

export const socketsOrphans: Check = {
  meta,
  evaluate(facts, ctx) {
    const sysctls = facts.get('sysctls')
    const max = sysctlNumber(sysctls.get('net.ipv4.tcp_max_orphans'))
    const start = facts.first('sockstat').TCP?.orphan
    const end = facts.get('sockstat').TCP?.orphan
    if (end === undefined || start === undefined) return [skip(meta, '/proc/net/sockstat has no TCP orphan count')]
    if (!max) return [skip(meta, 'net.ipv4.tcp_max_orphans is not visible here (it is host-wide: only the initial network namespace has it)')]
    const orphans = Math.min(start, end)
    const share = orphans / max
    const evidence = [{ source: '/proc/net/sockstat', name: 'TCP orphan', value: end }, sysctlEvidence('net.ipv4.tcp_max_orphans', sysctls.get('net.ipv4.tcp_max_orphans'))]
    if (share < ctx.threshold('warningShare')) return [pass(meta, `${plural(orphans, 'orphaned socket')} of tcp_max_orphans=${max} (${pct(share)})`, evidence)]
    return [
      fail(meta, {
        severity: share >= ctx.threshold('criticalShare') ? 'critical' : 'warning',
        message: `${plural(orphans, 'orphaned TCP socket')} in both samples, ${pct(share)} of net.ipv4.tcp_max_orphans=${max}: closed by applications but still sending (FIN_WAIT1, LAST_ACK, CLOSING, FIN_WAIT2); each can hold up to ~64 KB, and past the limit the kernel resets connections`,
        subject: { sysctl: 'net.ipv4.tcp_max_orphans' },
        evidence,
        remediation: remedy(
          ctx.options.where,
          `Find which peers do not acknowledge or close (the first command counts orphan-state sockets per state and peer); they are slow, gone, or their window is zero. To give up on dead peers sooner set net.ipv4.tcp_orphan_retries to a small non-zero value (now ${sysctls.get('net.ipv4.tcp_orphan_retries') ?? '?'}; 0 does not mean "no retries": the kernel then uses 8). net.ipv4.tcp_max_orphans is global (one limit for the host); raise it only when memory allows (~64 KB each).`,
          [],
          [
            // Several states: ss shows the State column ($1); the peer is $5.
            "ss -tan state fin-wait-1 state last-ack state closing | awk 'NR>1 {print $1, $5}' | sort | uniq -c | sort -rn | head  # per state and peer",
            'grep TCP /proc/net/sockstat',
            'dmesg | grep -i "too many orphaned"',
          ],
        ),
      }),
    ]
  },
}
