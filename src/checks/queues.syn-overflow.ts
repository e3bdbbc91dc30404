import type { Check, CheckMeta } from '../model/check.js'
import { counterEvidence, fail, pass, perSecond, plural, rate, readCounter, seconds, skip, sysctlEvidence } from './support/findings.js'
import type { Listener } from '../model/facts.js'
import { sysctlFix } from './support/remediation.js'

const meta: CheckMeta = {
  id: 'queues.syn-overflow',
  topic: 'queues',
  title: 'SYN queue',
  failureTitle: 'SYN queue overflowing',
  description:
    'TCPReqQFullDrop (SYN dropped: SYN queue full and no cookies) or SYN cookies sent (TCPReqQFullDoCookies, SyncookiesSent) grew faster than the thresholds: a SYN flood, or a SYN queue too small for legitimate load. With tcp_syncookies=2 every SYN is answered with a cookie, so the cookie counters count SYNs, not overflows.',
  facts: ['counters', 'sysctls', 'listeners'],
  sysctls: ['net.ipv4.tcp_max_syn_backlog', 'net.ipv4.tcp_syncookies', 'net.core.somaxconn'],
  thresholds: {
    warningPerSecond: { value: 1, description: 'SYNs dropped or answered with a cookie per second, averaged over the window, above which the finding is a warning (netdata: 1/s)' },
    criticalPerSecond: { value: 5, description: 'SYNs dropped per second above which the finding is critical (netdata: 5/s); cookies are at most a warning' },
  },
}

const COMMANDS = [
  "dmesg | grep -i 'SYN flooding'  # the kernel names the port",
  // With one state ss leaves out the State column: $3 is the local address (the listener), $4 the peer.
  "ss -tn state syn-recv | awk 'NR>1 {print $3}' | sort | uniq -c | sort -rn | head  # half-open connections per listener",
  'ss -ltn  # Send-Q of a listener = min(its listen() backlog, somaxconn): the size of its SYN and accept queues',
]

/** The listeners with the smallest queues first: those fill first. */
function smallestQueues(listeners: Listener[]): string {
  const sized = listeners.filter((l) => l.sendQ !== undefined).sort((a, b) => a.sendQ! - b.sendQ!)
  if (sized.length === 0) return ''
  const shown = sized.slice(0, 3).map((l) => `${l.local} ${l.sendQ}`)
  return ` Listeners here and their queue limits: ${shown.join(', ')}${sized.length > 3 ? `, ... (${sized.length} listeners)` : ''}.`
}

export const synOverflow: Check = {
  meta,
  evaluate(facts, ctx) {
    const w = ctx.windowSeconds
    const drop = readCounter(facts, 'TcpExtTCPReqQFullDrop', w)
    const cookies = [readCounter(facts, 'TcpExtTCPReqQFullDoCookies', w), readCounter(facts, 'TcpExtSyncookiesSent', w)].filter((c) => c !== undefined)
    const all = [drop, ...cookies].filter((c) => c !== undefined)
    if (all.length === 0) return [skip(meta, 'this kernel lacks TCPReqQFullDrop and the syncookie counters')]
    const sys = facts.get('sysctls')
    const syncookies = sys.get('net.ipv4.tcp_syncookies')?.trim()
    const somaxconn = sys.get('net.core.somaxconn')?.trim()
    const maxSynBacklog = Number(sys.get('net.ipv4.tcp_max_syn_backlog'))
    const evidence = [...all.map(counterEvidence), sysctlEvidence('net.ipv4.tcp_syncookies', syncookies), sysctlEvidence('net.core.somaxconn', somaxconn)]
    const listeners = facts.has('listeners') ? facts.get('listeners') : []

    // The SYN queue is full at min(backlog, somaxconn) (inet_csk_reqsk_queue_is_full); tcp_max_syn_backlog is
    // read only when cookies are off (tcp_conn_request), so it is advised only then, and never below its value.
    const settings: Array<[string, number]> = []
    if (somaxconn !== undefined && Number(somaxconn) < 4096) settings.push(['net.core.somaxconn', 4096])
    if (syncookies === '0' && maxSynBacklog > 0) settings.push(['net.ipv4.tcp_max_syn_backlog', maxSynBacklog * 2])
    const fix = sysctlFix(ctx.options.where ?? { kind: 'host' }, settings)
    const remediation = {
      text:
        'If the SYNs are a flood (many SYN-RECV from many sources, few completed), keep syncookies on and filter at the edge. ' +
        `If the load is legitimate, the listener's SYN queue is too small: it is full at min(its listen() backlog, net.core.somaxconn=${somaxconn ?? 'unknown'}), ` +
        "so raise the application's backlog (nginx `listen ... backlog=N`, Node `server.listen({backlog})`, Redis `tcp-backlog`) and somaxconn when it is lower." +
        (syncookies === '0'
          ? ` With tcp_syncookies=0 the kernel also keeps the last quarter of net.ipv4.tcp_max_syn_backlog (now ${maxSynBacklog || 'unknown'}) for peers proven alive: raise it too.`
          : ' net.ipv4.tcp_max_syn_backlog changes nothing while syncookies are on.') +
        smallestQueues(listeners) +
        (fix.text ? ` ${fix.text}` : ''),
      commands: [...COMMANDS, ...fix.commands],
    }
    const warnAt = ctx.threshold('warningPerSecond')
    const critAt = ctx.threshold('criticalPerSecond')

    const dropRate = perSecond(drop, w)
    if (drop?.delta && dropRate !== undefined) {
      const severity = dropRate > critAt ? 'critical' : dropRate > warnAt ? 'warning' : 'info'
      return [fail(meta, { severity, message: `${plural(drop.delta!, 'SYN')} dropped in ${seconds(w)} (${rate(dropRate)}) because the SYN queue was full and cookies were not used`, evidence, remediation })]
    }
    if (syncookies === '2') {
      return [pass(meta, 'tcp_syncookies=2: every SYN is answered with a cookie, so TCPReqQFullDoCookies and SyncookiesSent count SYNs, not overflows; no SYN was dropped for a full SYN queue', evidence)]
    }
    const grown = cookies.filter((c) => (c.delta ?? 0) > 0)
    const cookieGrowth = Math.max(0, ...grown.map((c) => c.delta!))
    if (cookieGrowth > 0) {
      const r = cookieGrowth / w
      return [
        fail(meta, {
          severity: r > warnAt ? 'warning' : 'info',
          title: 'SYN cookies sent',
          message: `the SYN queue overflowed into SYN cookies ${plural(cookieGrowth, 'time')} in ${seconds(w)} (${rate(r)}): a SYN flood, or legitimate load the SYN queue cannot hold`,
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
