import type { Check, CheckMeta, Facts } from '../model/check.js'
import type { ServerCloses } from '../model/closes.js'
import { CONNECTION_ENDS } from '../model/closes.js'
import type { Evidence, Finding } from '../model/finding.js'
import { synSettings } from '../derived/syn-retries.js'
import { formatSeconds } from '../derived/format.js'
import { counterEvidence, fail, pass, plural, readCounter, seconds } from './support/findings.js'
import { decodedCapture } from './support/capture-helpers.js'
import { analysisOf } from '../model/capture.js'
import { splitEndpoint } from '../parsers/address.js'

const meta: CheckMeta = {
  id: 'resets.closes',
  topic: 'resets',
  title: 'Connection ends on the wire',
  failureTitle: 'Connections ended abnormally',
  description:
    'In a capture: how each connection ended (graceful, refused, timeout, abort by client or server, with the unanswered-request signature, half-closed, open, partial), one finding per server endpoint. A live capture is joined with the abort counters of the same window.',
  facts: ['capture'],
  optionalFacts: ['sysctls', 'counters'],
  sysctls: ['net.ipv4.tcp_syn_retries', 'net.ipv4.tcp_syn_linear_timeouts'],
  needsCapture: true,
  captureAnalyses: ['closes'],
}

/** The counters of the window around a live capture; undefined for a file (it may come from another host). */
function liveCounter(facts: Facts, windowSeconds: number, name: string) {
  if (facts.get('capture').origin.kind !== 'live' || windowSeconds <= 0 || !facts.has('counters')) return undefined
  return readCounter(facts, name, windowSeconds)
}

interface Part {
  text: string
  fix: string
  commands: string[]
}

function parts(s: ServerCloses, facts: Facts, w: number): { list: Part[]; evidence: Evidence[] } {
  const list: Part[] = []
  const evidence: Evidence[] = []
  const port = splitEndpoint(s.server).port
  if (s.unansweredAborts > 0) {
    const close = liveCounter(facts, w, 'TcpExtTCPAbortOnClose')
    let join = ''
    if (close?.delta !== undefined) {
      evidence.push(counterEvidence(close))
      join = close.delta > 0 ? `; TCPAbortOnClose +${close.delta} in the same window: the server closed (or died) with requests unread` : '; TCPAbortOnClose did not grow here: the resetting server runs on another host (or namespace)'
    }
    list.push({
      text: `${plural(s.unansweredAborts, 'connection')} aborted by the server after unanswered requests${join}`,
      fix: 'The server closed connections (or its process exited: crash, kill -9, OOM, restart) with requests it had received but never answered: read requests fully before closing, drain in-flight requests on shutdown, and look for crashes or restarts at the times in the details.',
      commands: [`ss -ltnp 'sport = :${port}'  # the server process`, "journalctl -k --since '-1h' | grep -i -e 'out of memory' -e 'killed process'"],
    })
  }
  const otherServer = s.abortsByServer - s.unansweredAborts
  if (otherServer > 0) {
    const data = liveCounter(facts, w, 'TcpExtTCPAbortOnData')
    const join = data?.delta ? `; TCPAbortOnData +${data.delta} in the same window: SO_LINGER 0 or data after close` : ''
    if (data?.delta !== undefined) evidence.push(counterEvidence(data))
    list.push({
      text: `${plural(otherServer, 'connection')} reset by the server, not after an unanswered request (SO_LINGER 0, data after close, or a timeout of its own)${join}`,
      fix: 'The server resets connections on purpose (SO_LINGER 0, e.g. nginx reset_timedout_connection) or closes while the client still sends: keep linger 0 only where a reset is meant, close gracefully otherwise.',
      commands: [`strace -f -e trace=setsockopt -p PID 2>&1 | grep SO_LINGER  # the process listening on ${port}`],
    })
  }
  if (s.abortsByClient > 0) {
    list.push({
      text: `${plural(s.abortsByClient, 'connection')} reset by the client`,
      fix: 'Clients abort: a client-side timeout shorter than the server takes to answer, a client that exits with the response unread, or linger 0 in the client.',
      commands: [],
    })
  }
  if (s.counts.refused > 0) {
    list.push({
      text: `${plural(s.counts.refused, 'connection')} refused (RST to the SYN: nothing listened on the port)`,
      fix: 'Nothing listened on the port when those clients came: the service was down or restarting (see the times), or clients use a wrong port.',
      commands: [`ss -ltnp 'sport = :${port}'`],
    })
  }
  if (s.counts.timeout > 0) {
    const g = facts.has('sysctls') ? synSettings(facts.get('sysctls')) : undefined
    const retries = s.maxSynRetransmissions > 0 ? ` (up to ${plural(s.maxSynRetransmissions, 'SYN retransmission')} seen)` : ''
    const wait = g ? `; with this host's tcp_syn_retries ${g.retries}${g.linear !== undefined ? ` and tcp_syn_linear_timeouts ${g.linear}` : ''} a client waits ${formatSeconds(g.seconds)} (${plural(g.syns, 'SYN')}) before connect() fails` : ''
    if (g) evidence.push({ source: 'capture', name: 'maxSynRetransmissions', value: s.maxSynRetransmissions }, { source: 'sysctls', name: 'kernelGiveUpSeconds', value: g.seconds, unit: 's' })
    list.push({
      text: `${plural(s.counts.timeout, 'connection attempt')} never answered${retries}${wait}`,
      fix: 'The SYNs got no answer: the server host is down, a firewall drops them, or the server drops SYNs because its queues are full (netdoc queues on the server). Clients should use their own connect timeout.',
      commands: [`netdoc connect ${s.server}`, 'iptables -S | grep -i drop'],
    })
  }
  const halfClient = s.counts['half-closed'] - s.halfClosedByServer
  if (s.halfClosedByServer > 0) {
    list.push({
      text: `${plural(s.halfClosedByServer, 'connection')} closed by the server (FIN) that the client never closed`,
      fix: 'The server closed idle connections (or its process exited with nothing unread) and the clients did not close their end: each holds a CLOSE_WAIT socket until it notices the EOF. Clients should close on EOF; pools should validate idle connections.',
      commands: ['ss -tanp state close-wait  # on the clients'],
    })
  }
  if (halfClient > 0) {
    list.push({
      text: `${plural(halfClient, 'connection')} closed by the client (FIN) that the server never closed`,
      fix: 'The server application did not close after the client did: it leaks CLOSE_WAIT sockets (sockets.close-wait on the server).',
      commands: [`ss -tanp state close-wait '( sport = :${port} )'`],
    })
  }
  return { list, evidence }
}

export const closes: Check = {
  meta,
  evaluate(facts, ctx) {
    const cap = decodedCapture(facts)
    const servers = analysisOf(cap, 'closes')
    if (servers.length === 0) return [pass(meta, `no TCP connection in the capture`)]
    const w = ctx.windowSeconds
    return servers.map((s): Finding => {
      const total = CONNECTION_ENDS.reduce((n, e) => n + s.counts[e], 0)
      const evidence: Evidence[] = CONNECTION_ENDS.map((e) => ({ source: 'capture', name: e, value: s.counts[e] }))
      const details = s.rows.slice(0, ctx.options.maxDetails) as unknown as Array<Record<string, unknown>>
      const subject = { server: s.server }
      const { list, evidence: extra } = parts(s, facts, w)
      if (list.length === 0) {
        const rest = [s.counts.open && `${s.counts.open} still open`, s.counts.partial && `${s.counts.partial} begun before the capture`].filter(Boolean)
        const f = pass(meta, `${s.server}: ${plural(s.counts.graceful, 'connection')} ended gracefully${rest.length ? `; ${rest.join(', ')}` : ''}`, evidence, details)
        return { ...f, subject }
      }
      const seriousOnly = s.counts.abort + s.counts.refused + s.counts.timeout === 0
      const window = cap.origin.kind === 'live' && w > 0 ? ` in a ${seconds(w)} window` : ''
      return fail(meta, {
        severity: seriousOnly ? 'info' : 'warning',
        title: s.unansweredAborts > 0 ? 'Server aborted connections with requests unanswered' : seriousOnly ? 'Connections left half-closed' : meta.failureTitle,
        message: `${s.server} (${plural(total, 'connection')}${window}): ${list.map((p) => p.text).join('; ')}`,
        subject,
        evidence: [...evidence, ...extra],
        remediation: { text: list.map((p) => p.fix).join(' '), commands: [...new Set(list.flatMap((p) => p.commands))] },
        details,
      })
    })
  },
}
