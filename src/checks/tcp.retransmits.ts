import type { Check, CheckMeta } from '../model/check.js'
import type { Severity } from '../model/finding.js'
import { retransmissionShare } from '../derived/retransmits.js'
import { percent } from '../derived/format.js'
import { counterEvidence, fail, pass, plural, readCounter, seconds, skip, sysctlEvidence } from './support/findings.js'
import { remedy } from './support/remediation.js'

const meta: CheckMeta = {
  id: 'tcp.retransmits',
  topic: 'tcp',
  title: 'TCP retransmissions',
  failureTitle: 'TCP retransmitting heavily',
  description:
    'Retransmitted segments (Tcp RetransSegs) are a high share of the segments sent (OutSegs + RetransSegs: OutSegs excludes retransmissions) in the window: loss or reordering on the path, or queues dropping. SYN retransmits and retransmission timeouts are shown, with the congestion control in use.',
  facts: ['counters', 'sysctls'],
  optionalFacts: ['tcpInfo'],
  sysctls: ['net.ipv4.tcp_congestion_control', 'net.ipv4.tcp_available_congestion_control'],
  thresholds: {
    warningShare: { value: 0.01, description: 'RetransSegs / (OutSegs + RetransSegs) in the window above which it is a warning (1 %)' },
    criticalShare: { value: 0.05, description: 'the share above which it is critical (5 %)' },
    minSegments: { value: 500, description: 'fewer segments sent than this in the window: too few to judge' },
  },
}

const pct = (x: number) => percent(x, 2)

export const retransmits: Check = {
  meta,
  evaluate(facts, ctx) {
    const w = ctx.windowSeconds
    const retransmissions = retransmissionShare(facts, w)
    if (!retransmissions) return [skip(meta, 'this kernel lacks Tcp RetransSegs or OutSegs in /proc/net/snmp')]
    const { retrans, out, retransmitted: r, sent: o, share } = retransmissions
    const syn = readCounter(facts, 'TcpExtTCPSynRetrans', w)
    const timeouts = readCounter(facts, 'TcpExtTCPTimeouts', w)
    const sysctls = facts.get('sysctls')
    const cc = sysctls.get('net.ipv4.tcp_congestion_control')
    const available = sysctls.get('net.ipv4.tcp_available_congestion_control')
    const evidence = [retrans, out, syn, timeouts].filter((c) => c !== undefined).map(counterEvidence)
    evidence.push(sysctlEvidence('net.ipv4.tcp_congestion_control', cc), sysctlEvidence('net.ipv4.tcp_available_congestion_control', available))

    const windowed = w > 0
    const when = windowed ? `in ${seconds(w)}` : 'since boot'
    const extra = (c: typeof syn, label: string) => (c ? `, ${label} ${windowed ? (c.delta ?? 0) : c.value}` : '')
    const bbr = available === undefined || cc?.trim() === 'bbr' ? '' : /\bbbr\b/.test(available) ? '; bbr is available' : '; bbr is not loaded (modprobe tcp_bbr)'
    const ccText = `congestion control ${cc ?? '?'}${bbr}`
    const summary = `${r} of ${plural(o, 'segment')} retransmitted (${pct(share)}) ${when}${extra(syn, 'SYN retransmits')}${extra(timeouts, 'timeouts')}; ${ccText}`

    if (o < ctx.threshold('minSegments')) return [pass(meta, `${summary}: too few segments to judge (under ${ctx.threshold('minSegments')})`, evidence)]
    let severity: Severity | undefined
    if (share > ctx.threshold('criticalShare')) severity = 'critical'
    else if (share > ctx.threshold('warningShare')) severity = 'warning'
    if (severity && !windowed) severity = 'info' // since boot: history, not a current problem
    if (!severity) return [pass(meta, summary, evidence)]

    const top = facts.has('tcpInfo') ? facts.get('tcpInfo').topRetrans : []
    const details = top.slice(0, ctx.options.maxDetails).map((s) => ({
      local: s.local,
      remote: s.peer,
      ...(s.process ? { process: s.process, pid: s.pid } : {}),
      retrans: `${s.retransNow ?? 0}/${s.retransTotal ?? '?'}`,
      ...(s.rttMs !== undefined ? { rttMs: s.rttMs } : {}),
    }))
    const worst = top[0] ? `; most retransmits: ${top[0].local} → ${top[0].peer}${top[0].process ? ` (${top[0].process}, pid ${top[0].pid})` : ''} retrans ${top[0].retransNow ?? 0}/${top[0].retransTotal ?? '?'}` : ''
    return [
      fail(meta, {
        severity,
        title: windowed ? undefined : 'TCP retransmitted heavily since boot',
        message: summary + worst,
        evidence,
        remediation: remedy(
          ctx.options.where,
          'Retransmissions mean segments were lost (or reordered) somewhere: find where (interface drops, softnet drops, a lossy link or a congested middlebox), and on lossy or long paths consider a congestion control that does not read loss as congestion (bbr: `modprobe tcp_bbr` on the host first). ' +
            'It applies to sockets created afterwards, connections that running listeners accept from then on included (unless the listener set its own with TCP_CONGESTION); established connections keep theirs until they reconnect. BBR paces itself since Linux 4.13; the fq qdisc is optional: net.core.default_qdisc is global, affects only qdiscs created later, and cannot be set from a container (for an existing interface: tc qdisc replace dev IFACE root fq).',
          cc?.trim() === 'bbr' ? [] : [['net.ipv4.tcp_congestion_control', 'bbr']],
          [
            // With one state ss leaves out the State column; -i puts the TCP details on the line after each socket.
            "ss -tni state established | grep -B1 'retrans:[0-9]*/[1-9]'  # sockets that retransmitted",
            'nstat -az TcpRetransSegs TcpOutSegs TcpExtTCPSynRetrans TcpExtTCPTimeouts TcpExtTCPLostRetransmit',
            'sysctl net.ipv4.tcp_available_congestion_control',
          ],
        ),
        details,
      }),
    ]
  },
}
