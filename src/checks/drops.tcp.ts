import type { Check, CheckMeta } from '../model/check.js'
import type { TcpSocketNote } from '../model/facts.js'
import type { Finding } from '../model/finding.js'
import { fail, pass, plural, rate, rateSeverity, seconds } from './support/findings.js'
import { remedy } from './support/remediation.js'
import { kernelRows, stageDrops, type StageRow } from '../derived/receive-path.js'

const meta: CheckMeta = {
  id: 'drops.tcp',
  topic: 'drops',
  title: 'TCP segment drops',
  failureTitle: 'TCP dropping segments',
  description:
    'TCP dropped received segments for a named cause in the window: socket backlog full (TCPBacklogDrop), receive queue out of memory (TCPRcvQDrop), zero window (TCPZeroWindowDrop), PAWS (PAWSEstab, PAWSActive), minimum TTL (TCPMinTTLDrop), out-of-order queue pruned (OfoPruned). RcvPruned is judged by buffers.tcp-memory, listen drops by queues.accept-overflow.',
  facts: ['counters'],
  // established sockets with their skmem d, to name the sockets that dropped
  optionalFacts: ['tcpInfo'],
  thresholds: {
    warningPerSecond: { value: 1, description: 'segments dropped for one cause per second, averaged over the window, at or above which the finding is a warning; below it, info' },
    criticalPerSecond: { value: 100, description: 'segments per second dropped for one cause at or above which it is critical' },
  },
}

/** Judged elsewhere: buffers.tcp-memory owns the prune counters of memory pressure. */
const ELSEWHERE = new Set(['TcpExtRcvPruned'])

/** What to do about each cause. */
const FIX: Record<string, { text: string; look: string[] }> = {
  TcpExtTCPBacklogDrop: {
    text: 'Segments arrived while the application held the socket lock and the socket backlog (receive buffer + send buffer) was full: the application reads too slowly or holds the socket in long system calls. Let it read sooner, or raise tcp_rmem so the backlog limit grows.',
    look: ['ss -tnm state established  # skmem d names the sockets that dropped'],
  },
  TcpExtTCPRcvQDrop: {
    text: 'The receive queue could not take the segment even after pruning: the application does not read and its receive buffer is full. Make it read faster; a fixed small SO_RCVBUF makes this worse.',
    look: ['ss -tnm state established  # skmem d and r/rb name the sockets whose queue is full'],
  },
  TcpExtTCPZeroWindowDrop: {
    text: 'Data arrived while this host advertised a zero window: the peer did not respect it, or a window probe carried data. The receiver is not reading: find it and make it read.',
    look: ['ss -tnmi state established  # rcv_space, skmem r/rb'],
  },
  TcpExtPAWSEstab: {
    text: 'PAWS dropped segments with an older timestamp than the connection last saw: hosts behind one NAT with different clocks, or a middlebox rewriting timestamps. Fix the NAT (per-host timestamps) rather than turning timestamps off (tcp_timestamps=0 loses RTT measurement and PAWS protection).',
    look: ['nstat -az TcpExtPAWSEstab TcpExtPAWSActive TcpExtPAWSOldAck'],
  },
  TcpExtPAWSActive: {
    text: 'SYN-ACKs were rejected by PAWS on outgoing connections: a peer (or NAT in front of it) reuses an address with an older timestamp clock.',
    look: ['nstat -az TcpExtPAWSActive'],
  },
  TcpExtTCPMinTTLDrop: {
    text: 'Segments came with a TTL below a socket\'s IP_MINTTL (GTSM, used by BGP daemons): a peer is further away than configured, or packets are spoofed.',
    look: ['ss -tnie state established'],
  },
  TcpExtOfoPruned: {
    text: 'Out-of-order segments were thrown away to free memory: loss on the path plus a receive buffer that cannot hold the reordering; the sender must resend them.',
    look: ['nstat -az TcpExtOfoPruned TcpExtTCPOFOQueue TcpExtTCPOFODrop'],
  },
}

export const tcp: Check = {
  meta,
  evaluate(facts, ctx) {
    const w = ctx.windowSeconds
    facts.get('counters') // unreadable: this check is an error with the reason, never a pass
    const rows = kernelRows(facts, w, 'tcp').filter((r) => !ELSEWHERE.has(r.counter))
    const findings: Finding[] = []
    const sockets = droppingSockets(facts, w)
    const named = sockets.length ? `; sockets that dropped: ${sockets.slice(0, 5).map((x) => `${x.local} → ${x.peer}${x.process ? ` (${x.process}${x.pid ? `, pid ${x.pid}` : ''})` : ''} d +${x.delta}`).join(', ')}${sockets.length > 5 ? ` and ${sockets.length - 5} more` : ''}` : ''
    for (const r of rows.filter((x) => x.status === 'dropped')) {
      const n = stageDrops([r], w)
      const severity = rateSeverity(n, w, ctx)
      const name = r.counter.replace(/^TcpExt/, '')
      const fix = FIX[r.counter]
      findings.push(
        fail(meta, {
          severity,
          title: `TCP dropping segments: ${name}`,
          message: `${plural(n, 'segment')} dropped ${w > 0 ? `in ${seconds(w)} (${rate(n / w)})` : 'since boot'}, ${name}: ${r.cause}${named}`,
          evidence: [evidence(r)],
          details: sockets.slice(0, ctx.options.maxDetails).map((x) => ({ local: x.local, remote: x.peer, ...(x.process ? { process: x.process } : {}), ...(x.pid ? { pid: x.pid } : {}), drops: x.delta })),
          remediation: remedy(ctx.options.where, fix.text, [], fix.look),
        }),
      )
    }
    if (findings.length) return findings
    const read = rows.filter((r) => r.status === 'quiet' || r.status === 'dropped')
    const absent = rows.filter((r) => r.status === 'absent').map((r) => r.counter)
    return [pass(meta, `no TCP segment dropped for a named cause ${w > 0 ? `in ${seconds(w)}` : 'since boot'} (${plural(read.length, 'counter')}${absent.length ? `; absent: ${absent.join(', ')}` : ''})`, read.map(evidence))]
  },
}

/**
 * Established sockets whose own drop counter (ss -m skmem d) grew in the window, most first. skmem d does not say
 * which cause: the sockets are named beside every cause that grew. A socket missing from the start sample's
 * bounded list counts from 0 (it had no drops then, or fewer than the 20 it kept).
 */
function droppingSockets(facts: Parameters<Check['evaluate']>[0], w: number): Array<TcpSocketNote & { delta: number }> {
  const end = facts.optional('tcpInfo')
  if (w <= 0 || !end?.topDrops) return []
  const before = new Map((facts.first('tcpInfo').topDrops ?? []).map((s) => [`${s.local} ${s.peer}`, s.drops ?? 0]))
  return end.topDrops
    .map((s) => ({ ...s, delta: (s.drops ?? 0) - (before.get(`${s.local} ${s.peer}`) ?? 0) }))
    .filter((s) => s.delta > 0)
    .sort((a, b) => b.delta - a.delta)
}

const evidence = (r: StageRow) => ({ source: r.source, name: r.counter, value: r.value ?? null, ...(r.delta !== undefined ? { delta: r.delta } : {}) })
