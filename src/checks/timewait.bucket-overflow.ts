import type { Check, CheckMeta } from '../model/check.js'
import { sysctlNumber } from '../parsers/sysctl.js'
import { counterEvidence, fail, pass, plural, readCounter, seconds, skip, sysctlEvidence } from './support/findings.js'
import { remedy } from './support/remediation.js'

const meta: CheckMeta = {
  id: 'timewait.bucket-overflow',
  topic: 'timewait',
  title: 'TIME_WAIT buckets',
  failureTitle: 'TIME_WAIT bucket table overflowing',
  description:
    'TCPTimeWaitOverflow grew (the kernel destroyed TIME_WAIT sockets early because tcp_max_tw_buckets was reached), or the TIME_WAIT count is at tcp_max_tw_buckets now.',
  facts: ['counters', 'sysctls', 'sockstat'],
  sysctls: ['net.ipv4.tcp_max_tw_buckets'],
}

const FIX =
  'The TIME_WAIT table is full, so the kernel skips TIME_WAIT for new closes (current kernels no longer log "time wait bucket table overflow": TCPTimeWaitOverflow is the only trace): late segments of old connections can then hit new ones. Remove the cause (pooling/keep-alive: see timewait.storm), or raise net.ipv4.tcp_max_tw_buckets (each entry is a small timewait socket, a few hundred bytes). Never lower it.'

export const timewaitBucketOverflow: Check = {
  meta,
  evaluate(facts, ctx) {
    const overflow = readCounter(facts, 'TcpExtTCPTimeWaitOverflow', ctx.windowSeconds)
    if (!overflow) return [skip(meta, 'this kernel has no TCPTimeWaitOverflow counter in /proc/net/netstat')]
    const sysctls = facts.get('sysctls')
    const buckets = sysctlNumber(sysctls.get('net.ipv4.tcp_max_tw_buckets'))
    const tw = facts.get('sockstat').TCP?.tw
    const evidence = [
      counterEvidence(overflow),
      ...['TcpExtTW', 'TcpExtTWRecycled', 'TcpExtTWKilled'].map((n) => readCounter(facts, n, ctx.windowSeconds)).filter((c) => c !== undefined).map(counterEvidence),
      { source: '/proc/net/sockstat', name: 'TCP tw', value: tw ?? null },
      sysctlEvidence('net.ipv4.tcp_max_tw_buckets', sysctls.get('net.ipv4.tcp_max_tw_buckets')),
    ]
    const remediation = remedy(ctx.options.where, FIX, [['net.ipv4.tcp_max_tw_buckets', Math.max(262144, (buckets ?? 0) * 2)]], ['nstat -az TcpExtTCPTimeWaitOverflow', 'ss -tan state time-wait | wc -l'])
    const subject = { sysctl: 'net.ipv4.tcp_max_tw_buckets' }
    if ((overflow.delta ?? 0) > 0) {
      return [fail(meta, { severity: 'warning', message: `TCPTimeWaitOverflow grew by ${overflow.delta} in ${seconds(ctx.windowSeconds)}: ${plural(overflow.delta!, 'closing socket')} skipped TIME_WAIT because tcp_max_tw_buckets=${buckets ?? '?'} was reached (${tw ?? '?'} TIME_WAIT now)`, subject, evidence, remediation })]
    }
    if (buckets !== undefined && tw !== undefined && tw >= buckets) {
      return [fail(meta, { severity: 'warning', title: 'TIME_WAIT at tcp_max_tw_buckets', message: `${plural(tw, 'TIME_WAIT socket')}: at net.ipv4.tcp_max_tw_buckets=${buckets}; the next closes skip TIME_WAIT`, subject, evidence, remediation })]
    }
    if (overflow.value > 0) {
      return [fail(meta, { severity: 'info', title: 'TIME_WAIT bucket table overflowed since boot', message: `TCPTimeWaitOverflow is ${overflow.value} since boot${ctx.windowSeconds > 0 ? `, none in the last ${seconds(ctx.windowSeconds)}` : ''}; ${tw ?? '?'} TIME_WAIT now of ${buckets ?? '?'}`, subject, evidence, remediation })]
    }
    return [pass(meta, `no TIME_WAIT overflow since boot; ${tw ?? '?'} TIME_WAIT of tcp_max_tw_buckets=${buckets ?? '?'}`, evidence)]
  },
}
