import type { Check, CheckMeta } from '../model/check.js'
import type { KeepaliveConnection } from '../model/capture.js'
import type { Evidence } from '../model/finding.js'
import { fail, pass, plural } from './support/findings.js'
import { keepaliveSettings } from '../derived/keepalive.js'
import { intervalSeconds } from '../derived/format.js'
import { decodedCapture, midstreamDetails } from './support/capture-helpers.js'
import { analysisOf } from '../model/capture.js'

const meta: CheckMeta = {
  id: 'keepalive.probes',
  topic: 'keepalive',
  title: 'Keepalive probes on the wire',
  failureTitle: 'Keepalive probes seen',
  description:
    'In a capture: per connection, the TCP keepalive probes (0/1 byte at the next sequence − 1, Wireshark\'s rule), the keepalive ACKs that answer them, and their median interval. Unanswered probes mean a dead or filtered peer.',
  facts: ['capture'],
  optionalFacts: ['sysctls'],
  sysctls: ['net.ipv4.tcp_keepalive_time', 'net.ipv4.tcp_keepalive_intvl', 'net.ipv4.tcp_keepalive_probes'],
  needsCapture: true,
  captureAnalyses: ['keepalive'],
  thresholds: { unanswered: { value: 2, description: 'unanswered probes on a connection that make it a warning' } },
}

const secs = (s: number | undefined) => (s === undefined ? 'n/a' : intervalSeconds(s))

function evidenceOf(k: KeepaliveConnection): Evidence[] {
  const e: Evidence[] = [
    { source: 'capture', name: 'probes', value: k.probes },
    { source: 'capture', name: 'intervalSeconds', value: k.intervalSeconds === undefined ? null : Math.round(k.intervalSeconds * 1000) / 1000, unit: 's' },
    { source: 'capture', name: 'unanswered', value: k.unanswered },
    { source: 'capture', name: 'answered', value: k.answered },
  ]
  return e
}

export const probes: Check = {
  meta,
  evaluate(facts, ctx) {
    const cap = decodedCapture(facts)
    const list = analysisOf(cap, 'keepalive')
    if (list.length === 0) return [pass(meta, `no keepalive probes in the capture (${plural(cap.connections, 'connection')})`, [{ source: 'capture', name: 'probes', value: 0 }])]
    // Only a live capture is judged against this host's settings: a file may come from anywhere.
    const host = cap.origin.kind === 'live' && facts.has('sysctls') ? keepaliveSettings(facts.get('sysctls')) : undefined
    const limit = ctx.threshold('unanswered')
    return list.map((k) => {
      const subject = { client: k.client, server: k.server }
      const sender = k.by === 'both' ? 'both ends' : `the ${k.by}`
      if (k.unanswered >= limit) {
        const gap = k.unansweredIntervalSeconds ?? k.intervalSeconds
        const parts = [gap === undefined ? '' : `every ${secs(gap)}`, k.endedBy === 'rst' ? 'then reset' : ''].filter(Boolean)
        const how = parts.length ? ` (${parts.join('; ')})` : ''
        return fail(meta, {
          severity: 'warning',
          title: 'Keepalive probes unanswered',
          message: `${k.client} → ${k.server}: ${k.unanswered} of ${plural(k.probes, 'keepalive probe')} from ${sender} unanswered${how}: the peer is dead or a firewall drops its answers`,
          subject,
          evidence: evidenceOf(k),
          ...midstreamDetails(k),
          remediation: {
            text: 'Find out why the peer does not answer: is the host up, does a firewall or NAT drop the flow (an idle timeout shorter than the keepalive time)? The kernel aborts the connection after tcp_keepalive_probes unanswered probes (ETIMEDOUT in the application).',
            commands: [`ss -tno state established dst ${k.server}`, 'conntrack -L -p tcp 2>/dev/null | head'],
          },
        })
      }
      const every = k.answeredIntervalSeconds ?? k.intervalSeconds
      let cmp = ''
      if (host && every !== undefined) {
        cmp = Math.abs(every - host.time) <= host.time * 0.25 ? ` (this host's tcp_keepalive_time ${host.time} s)` : ` (not this host's tcp_keepalive_time ${host.time} s: the application sets TCP_KEEPIDLE)`
      }
      return fail(meta, {
        severity: 'info',
        message: `${k.client} → ${k.server}: ${plural(k.probes, 'keepalive probe')} from ${sender}, ${k.answered} answered${every === undefined ? '' : `, every ${secs(every)}`}${cmp}`,
        subject,
        evidence: evidenceOf(k),
        ...midstreamDetails(k),
        remediation: { text: 'Keepalive works on this connection; nothing to do. Compare the interval with the idle timeouts on the path.' },
      })
    })
  },
}
