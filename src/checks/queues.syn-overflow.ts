import type { Check, CheckMeta } from '../model/check.js'
import { counterEvidence, fail, pass, readCounter, seconds, skip } from './support/findings.js'

const meta: CheckMeta = {
  id: 'queues.syn-overflow',
  topic: 'queues',
  title: 'SYN queue',
  failureTitle: 'SYN queue overflowing',
  description:
    'TCPReqQFullDrop (SYN dropped: SYN queue full and no cookies) or SYN cookies sent (TCPReqQFullDoCookies, SyncookiesSent) grew: a SYN flood, or a SYN queue too small for legitimate load.',
  facts: ['counters', 'sysctls'],
  sysctls: ['net.ipv4.tcp_max_syn_backlog'],
}

const COMMANDS = [
  "dmesg | grep -i 'SYN flooding'  # the kernel names the port",
  "ss -tn state syn-recv | awk 'NR>1 {print $4}' | sort | uniq -c | sort -rn | head",
  'sysctl net.ipv4.tcp_max_syn_backlog net.core.somaxconn net.ipv4.tcp_syncookies',
]

export const synOverflow: Check = {
  meta,
  evaluate(facts, ctx) {
    const w = ctx.windowSeconds
    const drop = readCounter(facts, 'TcpExtTCPReqQFullDrop', w)
    const cookies = [readCounter(facts, 'TcpExtTCPReqQFullDoCookies', w), readCounter(facts, 'TcpExtSyncookiesSent', w)].filter((c) => c !== undefined)
    const all = [drop, ...cookies].filter((c) => c !== undefined)
    if (all.length === 0) return [skip(meta, 'this kernel lacks TCPReqQFullDrop and the syncookie counters')]
    const evidence = all.map(counterEvidence)
    const backlog = facts.get('sysctls').get('net.ipv4.tcp_max_syn_backlog')
    const remediation = {
      text: `If the SYNs are a flood, keep syncookies on and filter at the edge. If the load is legitimate, the SYN queue is too small: it is bounded by net.ipv4.tcp_max_syn_backlog (now ${backlog ?? 'unknown'}) and by the listener's backlog/somaxconn; raise both.`,
      commands: [...COMMANDS, 'sysctl -w net.ipv4.tcp_max_syn_backlog=8192'],
    }
    if (drop?.delta) {
      return [fail(meta, { severity: 'critical', message: `${drop.delta} SYNs dropped in ${seconds(w)} because the SYN queue was full and cookies were not used`, evidence, remediation })]
    }
    const cookieGrowth = Math.max(0, ...cookies.map((c) => c.delta ?? 0))
    if (cookieGrowth > 0) {
      return [
        fail(meta, {
          severity: 'warning',
          title: 'SYN cookies sent',
          message: `the SYN queue overflowed into SYN cookies ${cookieGrowth} times in ${seconds(w)}: a SYN flood, or legitimate load the SYN queue cannot hold`,
          evidence,
          remediation,
        }),
      ]
    }
    const since = all.filter((c) => c.value > 0)
    if (since.length) {
      return [
        fail(meta, {
          severity: 'info',
          title: 'SYN queue overflowed since boot',
          message: `since boot: ${since.map((c) => `${c.name} ${c.value}`).join(', ')}${w > 0 ? `; none in the last ${seconds(w)}` : ''}`,
          evidence,
          remediation,
        }),
      ]
    }
    return [pass(meta, 'no SYN dropped or answered with a cookie since boot', evidence)]
  },
}
