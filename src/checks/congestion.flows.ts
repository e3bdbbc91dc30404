import type { Check, CheckContext, CheckMeta } from '../model/check.js'
import type { Evidence, Finding, Severity } from '../model/finding.js'
import type { ConnectionPath, LimitedBy, ServerPaths } from '../model/paths.js'
import { formatSeconds, percent } from '../derived/format.js'
import { fail, pass, plural } from './support/findings.js'
import { decodedCapture } from './support/capture-helpers.js'
import { remedy } from './support/remediation.js'
import { analysisOf } from '../model/capture.js'
import { splitEndpoint } from '../parsers/address.js'

const meta: CheckMeta = {
  id: 'congestion.flows',
  topic: 'congestion',
  title: 'Loss, RTT and windows per connection in a capture',
  failureTitle: 'Connections of a server lose segments, wait on RTT or stall on a zero window',
  description:
    'In a capture: per connection the handshake RTT split at the capture point, data RTT samples (never from a retransmitted segment), retransmissions (spurious, fast, timeout), duplicate ACKs, out-of-order segments, zero-window periods and window-full, and what limits it (receiver, network, sender); one finding per server endpoint, rows per connection, worst first.',
  facts: ['capture'],
  needsCapture: true,
  captureAnalyses: ['congestion'],
  thresholds: {
    warningShare: { value: 0.02, description: 'retransmitted (not spurious) / data bytes of a server endpoint above which it is a warning (2 %)' },
    criticalShare: { value: 0.1, description: 'the share above which it is critical (10 %)' },
    minSegments: { value: 20, description: 'fewer data segments than this at a server endpoint: too few to judge its loss share' },
    rttMs: { value: 300, description: 'median data RTT (ms) of a server endpoint from which its RTT counts as high' },
    spreadMs: { value: 200, description: 'RTT p95 − min (ms) from which the RTT swings (jitter, bufferbloat, a radio link)...' },
    spreadRatio: { value: 1, description: '...when the swing is also at least this multiple of the minimum RTT' },
    minRttSamples: { value: 10, description: 'fewer RTT samples than this at a server endpoint: too few to judge its RTT' },
    zeroWindowSeconds: { value: 1, description: 'seconds a connection spent on a zero window (summed) from which it is a stall' },
  },
}

interface Problem {
  severity: Severity
  text: string
}

const rank: Record<Severity, number> = { info: 0, warning: 1, critical: 2 }

/** The endpoint loses enough to say so (the loss problem); its lossy connections then count in the remediation. */
const losesSegments = (s: ServerPaths, ctx: CheckContext): boolean => s.dataSegments >= ctx.threshold('minSegments') && s.lossShare > ctx.threshold('warningShare')
const stalledRows = (s: ServerPaths, ctx: CheckContext): ConnectionPath[] => s.rows.filter((r) => r.zeroWindowSeconds >= ctx.threshold('zeroWindowSeconds'))

/**
 * The stall the message states and the evidence carries: the stalled connections, among the rows the analysis kept
 * (worst first) and among those it left out (their zero-window seconds), and their own seconds, not the endpoint's
 * sum, which counts short zero windows of other connections too. Only when the left-out list was capped with every
 * value in it a stall may there be more: both are then at least these.
 */
function stallOf(s: ServerPaths, ctx: CheckContext): { rows: ConnectionPath[]; count: number; omitted: number; seconds: number; atLeast: boolean } {
  const bar = ctx.threshold('zeroWindowSeconds')
  const rows = stalledRows(s, ctx)
  const omittedList = s.omittedZeroWindows ?? []
  const omitted = omittedList.filter((v) => v >= bar)
  // the rows' seconds are whole ms: so is their sum, once the float error of adding them is gone
  const seconds = Math.round([...rows.map((r) => r.zeroWindowSeconds), ...omitted].reduce((sum, v) => sum + v, 0) * 1000) / 1000
  const atLeast = s.omittedZeroWindowsCapped === true && omitted.length === omittedList.length
  return { rows, count: rows.length + omitted.length, omitted: omitted.length, seconds, atLeast }
}

function problems(s: ServerPaths, ctx: CheckContext): Problem[] {
  const list: Problem[] = []
  const lost = s.retransmissions - s.spurious
  if (losesSegments(s, ctx)) {
    const how = [s.fastRetransmits && `${s.fastRetransmits} fast`, s.timeoutRetransmits && `${s.timeoutRetransmits} after a timeout`].filter(Boolean).join(', ')
    list.push({
      severity: s.lossShare > ctx.threshold('criticalShare') ? 'critical' : 'warning',
      text: `${lost} of ${plural(s.dataSegments, 'data segment')} retransmitted, ${percent(s.lossShare, 1)} of the bytes${how ? ` (${how})` : ''}${s.spurious ? `, ${s.spurious} spurious ones not counted` : ''}`,
    })
  }
  if (s.rttMs && s.rttSamples >= ctx.threshold('minRttSamples')) {
    const { min, p50, p95, max } = s.rttMs
    const spread = p95 - min
    if (spread >= ctx.threshold('spreadMs') && spread >= ctx.threshold('spreadRatio') * min) {
      list.push({ severity: 'warning', text: `RTT swings from ${ms(min)} to ${ms(max)} (p50 ${ms(p50)}, p95 ${ms(p95)}, ${plural(s.rttSamples, 'sample')})` })
    } else if (p50 >= ctx.threshold('rttMs')) {
      list.push({ severity: 'info', text: `RTT p50 ${ms(p50)} (min ${ms(min)}, p95 ${ms(p95)}, ${plural(s.rttSamples, 'sample')})` })
    }
  }
  const stall = stallOf(s, ctx)
  if (stall.count > 0) {
    const by = stall.rows[0]?.zeroWindowBy
    const count = `${stall.atLeast ? 'at least ' : ''}${plural(stall.count, 'connection')}`
    const beyond = stall.omitted > 0 ? `; ${stall.omitted} of them not among the rows shown` : ''
    list.push({ severity: 'warning', text: `${count} stalled on a zero window for ${formatSeconds(stall.seconds)} in all${by ? ` (advertised by the ${by})` : ''}${beyond}` })
  }
  return list
}

const ms = (v: number) => `${v < 10 ? +v.toFixed(2) : Math.round(v)} ms`

const SIDE_TEXT = {
  client: 'the capture seems taken near the client (SYN→SYN-ACK long, SYN-ACK→ACK short): RTTs measure the whole path',
  server: 'the capture seems taken near the server (SYN-ACK→ACK long, SYN→SYN-ACK short): RTTs of the server’s data measure the whole path',
  between: 'the capture seems taken between client and server: each RTT sample measures only the path beyond it',
  unknown: '',
} as const

/** What to change, by what limits the connections. */
function remediation(s: ServerPaths, worst: ConnectionPath | undefined, ctx: CheckContext): { text: string; commands: string[] } {
  // what limits the connections behind the problems reported (loss, a stall), not the endpoint's idle majority: one
  // lossy connection beside many quiet application-limited ones is the network's; a retransmission or two where no
  // loss is reported does not outweigh a stall
  const lossy = losesSegments(s, ctx) ? s.rows.filter((r) => r.retransmissions > r.spurious) : []
  const troubled = [...new Set([...lossy, ...stalledRows(s, ctx)])]
  const counts = troubled.length > 0 ? limitsOf(troubled) : s.limitedBy
  const [top, count] = (Object.entries(counts) as Array<[LimitedBy, number]>).sort((a, b) => b[1] - a[1])[0]
  // loss or RTT of the endpoint as a whole with no single connection over the verdict's bar: the network
  const limit: LimitedBy = count > 0 ? top : 'network'
  const port = splitEndpoint(s.server).port
  const sockets = `ss -tmi '( sport = :${port} or dport = :${port} )'`
  if (limit === 'receiver') {
    const who = s.rows.find((r) => r.zeroWindowBy)?.zeroWindowBy ?? 'receiving'
    return {
      text: `The receiver limits these connections: the ${who} side advertised a zero (or full) window, so its application does not read as fast as the data comes, or its receive buffer is too small for the path. Read faster (more readers, no blocking work on the reading thread); do not fix SO_RCVBUF in the application (it turns off autotuning); if its buffer is capped (skmem rb in ss -m near tcp_rmem's maximum), raise the maximum of net.ipv4.tcp_rmem on the receiving host so autotuning can grow it (memory per connection is the trade-off).`,
      commands: [`${sockets}  # on the receiving host: rcv_space, skmem rb, the receive queue`, 'sysctl net.ipv4.tcp_rmem net.ipv4.tcp_moderate_rcvbuf'],
    }
  }
  if (limit === 'sender') {
    return remedy(
      ctx.options.where,
      'The sender limits these connections: it pauses with nothing in flight and then sends a burst (application-limited). Batch writes, keep the pipeline full, or accept it for request/response traffic. With net.ipv4.tcp_slow_start_after_idle 1 each burst after an idle RTO restarts from the initial window; 0 keeps the congestion window (trade-off: a burst into a path that changed meanwhile).',
      [['net.ipv4.tcp_slow_start_after_idle', 0]],
      [sockets],
    )
  }
  return remedy(
    ctx.options.where,
    'The network limits these connections: segments are lost on the path (or the RTT is high and swings). Find where: drops on both hosts (netdoc drops, netdoc buffers), a congested link, a policer or a radio hop (mtr toward the peer). ECN lets routers that support it mark instead of drop (net.ipv4.tcp_ecn 1 asks for it on outgoing connections; 2, the default, only answers it). The congestion control decides what a loss costs: cubic (the default) halves its window on each loss, bbr models bandwidth and RTT and keeps throughput on random loss but takes more than its share from cubic flows on a shared bottleneck; set it per route (ip route change ... congctl bbr) for the lossy paths rather than for the whole host.',
    [['net.ipv4.tcp_ecn', 1]],
    [`mtr -rwc 50 ${worst ? splitEndpoint(worst.client).address : 'PEER'}`, sockets, 'sysctl net.ipv4.tcp_congestion_control net.ipv4.tcp_available_congestion_control'],
  )
}

function limitsOf(rows: ConnectionPath[]): Record<LimitedBy, number> {
  const counts: Record<LimitedBy, number> = { receiver: 0, network: 0, sender: 0 }
  for (const r of rows) if (r.limitedBy) counts[r.limitedBy]++
  return counts
}

function detailsOf(rows: ConnectionPath[], max: number): Array<Record<string, unknown>> {
  return rows.slice(0, max) as unknown as Array<Record<string, unknown>>
}

export const flows: Check = {
  meta,
  evaluate(facts, ctx) {
    const cap = decodedCapture(facts)
    const servers = analysisOf(cap, 'congestion')
    if (servers.length === 0) return [pass(meta, 'no TCP connection in the capture')]
    return servers.map((s): Finding => {
      const subject = { server: s.server }
      const stall = stallOf(s, ctx)
      const evidence: Evidence[] = [
        { source: 'capture', name: 'dataSegments', value: s.dataSegments },
        { source: 'capture', name: 'retransmissions', value: s.retransmissions },
        { source: 'capture', name: 'spurious', value: s.spurious },
        { source: 'capture', name: 'lossShare', value: s.lossShare },
        // the message's figure; a lower bound when rows were left out, and its name says so
        { source: 'capture', name: stall.atLeast ? 'zeroWindowSeconds (at least)' : 'zeroWindowSeconds', value: stall.seconds, unit: 's' },
        ...(s.rttMs ? [{ source: 'capture', name: 'rttP50', value: s.rttMs.p50, unit: 'ms' }, { source: 'capture', name: 'rttP95', value: s.rttMs.p95, unit: 'ms' }] : []),
      ]
      const details = detailsOf(s.rows, ctx.options.maxDetails)
      const list = problems(s, ctx)
      const side = SIDE_TEXT[s.captureSide]
      if (list.length === 0) {
        const rtt = s.rttMs ? `, RTT p50 ${ms(s.rttMs.p50)}` : ''
        const judged = s.dataSegments >= ctx.threshold('minSegments') ? `${percent(s.lossShare, 1)} retransmitted` : `${plural(s.dataSegments, 'data segment')}, too few to judge loss`
        return { ...pass(meta, `${s.server}: ${plural(s.connections, 'connection')}, ${judged}${rtt}, no zero-window stall`, evidence, details), subject }
      }
      const severity = list.reduce<Severity>((worst, p) => (rank[p.severity] > rank[worst] ? p.severity : worst), 'info')
      const worst = s.rows[0]
      const limited = (Object.entries(s.limitedBy) as Array<[LimitedBy, number]>).filter(([, n]) => n > 0).map(([k, n]) => `${n} by the ${k}`)
      const worstText = worst ? `; worst ${worst.client}${worst.limitedBy ? ` (limited by the ${worst.limitedBy})` : ''}` : ''
      return fail(meta, {
        severity,
        message: `${s.server} (${plural(s.connections, 'connection')}): ${list.map((p) => p.text).join('; ')}${limited.length ? `; limited ${limited.join(', ')}` : ''}${worstText}${side ? `; ${side}` : ''}`,
        subject,
        evidence,
        remediation: remediation(s, worst, ctx),
        details,
      })
    })
  },
}
