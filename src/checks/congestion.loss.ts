import type { Check, CheckMeta } from '../model/check.js'
import type { Finding, Severity } from '../model/finding.js'
import { destinationLabel, destinationLosses } from '../derived/congestion.js'
import { formatBits, formatBytes, percent } from '../derived/format.js'
import { fail, pass, plural, skip } from './support/findings.js'
import { splitEndpoint } from '../parsers/address.js'

const meta: CheckMeta = {
  id: 'congestion.loss',
  topic: 'congestion',
  title: 'Loss and RTT per destination',
  failureTitle: 'Connections toward a destination lose segments or jitter',
  description:
    'The established sockets toward one destination (ss -tnimp state established, summed over their lives) retransmitted a high share of the segments they sent (retrans / segs_out), or their RTT variance (rttvar) is high against their RTT: loss halves the congestion window (an RTO drops it to one segment), jitter inflates the RTO.',
  facts: ['tcpInfo'],
  thresholds: {
    warningShare: { value: 0.02, description: 'retransmitted / sent segments toward a destination above which it is a warning (2 %)' },
    criticalShare: { value: 0.1, description: 'the share above which it is critical (10 %)' },
    minSegments: { value: 1000, description: 'fewer segments sent toward a destination than this: too few to judge its loss' },
    jitterMs: { value: 50, description: 'the largest rttvar (ms) of a destination from which its RTT counts as jittery' },
    jitterRatio: { value: 0.5, description: 'and rttvar at least this share of the mean RTT' },
  },
}

export const loss: Check = {
  meta,
  evaluate(facts, ctx) {
    const info = facts.get('tcpInfo')
    if (info.destinations === undefined) return [skip(meta, 'this tcpInfo sample has no per-destination table (an older snapshot)')]
    const rows = destinationLosses(facts)
    if (rows.length === 0) return [skip(meta, 'no established TCP socket to judge')]
    const findings: Finding[] = []
    let judged = 0
    for (const row of rows) {
      const d = row.destination
      const enough = d.segsOut >= ctx.threshold('minSegments')
      if (enough) judged++
      let severity: Severity | undefined
      const reasons: string[] = []
      if (enough && row.share !== undefined && row.share > ctx.threshold('warningShare')) {
        severity = row.share > ctx.threshold('criticalShare') ? 'critical' : 'warning'
        reasons.push(`${d.retrans} of ${plural(d.segsOut, 'segment')} retransmitted (${percent(row.share, 1)}), ${d.lost} marked lost now, ${formatBytes(d.bytesRetrans)} of ${formatBytes(d.bytesSent)} re-sent`)
      }
      const jitter = row.rttMeanMs !== undefined && d.rttVarMaxMs >= ctx.threshold('jitterMs') && d.rttVarMaxMs >= ctx.threshold('jitterRatio') * row.rttMeanMs
      if (jitter) {
        severity ??= 'warning'
        reasons.push(`RTT ${row.rttMeanMs!.toFixed(1)} ms on average (up to ${d.rttMaxMs.toFixed(1)} ms) with a variance up to ${d.rttVarMaxMs.toFixed(1)} ms`)
      }
      if (!severity) continue
      const w = d.worst
      findings.push(
        fail(meta, {
          severity,
          subject: row.subject,
          message: `${plural(d.sockets, 'connection')} ${d.side === 'server' ? 'from' : 'toward'} ${destinationLabel(d)}: ${reasons.join('; ')}${d.deliveryRateMinBps !== undefined ? `; lowest delivery rate ${formatBits(d.deliveryRateMinBps)}` : ''}${w ? `; most retransmits: ${w.local} → ${w.peer}${w.process ? ` (${w.process}, pid ${w.pid})` : ''} ${w.retransTotal ?? w.retransNow}` : ''}`,
          evidence: [
            { source: info.source, name: 'retrans', value: d.retrans },
            { source: info.source, name: 'segs_out', value: d.segsOut },
            { source: info.source, name: 'lost', value: d.lost },
            { source: info.source, name: 'rttvar max', value: d.rttVarMaxMs, unit: 'ms' },
          ],
          remediation: {
            text: 'Find where the segments are lost: interface and softnet drops on both hosts (netdoc buffers), a congested or lossy link, a policer or a middlebox on the path (mtr to the destination). On a lossy path (radio, long haul) a congestion control that does not read every loss as congestion (bbr) keeps more throughput; the trade-off is fairness to cubic flows on a shared bottleneck. Jitter alone comes from queues along the path (bufferbloat) or a radio link.',
            commands: [`ss -tni dst ${d.remote}  # the sockets, their retrans and rtt`, `mtr -rwc 50 ${d.side === 'server' ? d.remote : splitEndpoint(d.remote).address}`, 'nstat -az TcpRetransSegs TcpExtTCPLostRetransmit TcpExtTCPTimeouts'],
          },
        }),
      )
    }
    if (findings.length) return findings
    if (judged === 0) return [pass(meta, `${plural(rows.length, 'destination')}, none has sent ${plural(ctx.threshold('minSegments'), 'segment')} yet: too few to judge loss; no jittery RTT`)]
    const worst = rows[0]
    return [pass(meta, `${plural(rows.length, 'destination')}; the highest retransmission share is ${percent(worst.share ?? 0, 2)} (${destinationLabel(worst.destination)}); no jittery RTT`)]
  },
}
