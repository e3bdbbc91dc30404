import type { Check, CheckMeta } from '../model/check.js'
import { fail, pass, plural } from './support/findings.js'
import { decodedCapture, midstreamDetails } from './support/capture-helpers.js'
import { analysisOf } from '../model/capture.js'

const meta: CheckMeta = {
  id: 'keepalive.heartbeat',
  topic: 'keepalive',
  title: 'Application heartbeats on the wire',
  failureTitle: 'Application heartbeat seen',
  description:
    'In a capture: connections that carry small application messages at a regular period and little else (PING/PONG, one-way beats), with the period and size. TCP keepalive probes are not messages, so they never count.',
  facts: ['capture'],
  needsCapture: true,
  captureAnalyses: ['heartbeat'],
}

export const heartbeat: Check = {
  meta,
  evaluate(facts) {
    const cap = decodedCapture(facts)
    const list = analysisOf(cap, 'heartbeat')
    if (list.length === 0) return [pass(meta, `no application heartbeat in the capture (${plural(cap.connections, 'connection')})`, [{ source: 'capture', name: 'messages', value: 0 }])]
    return list.map((h) =>
      fail(meta, {
        severity: 'info',
        message: `${h.client} → ${h.server}: ${h.pattern === 'request-response' ? `${h.bytes}-byte requests answered by ${h.replyBytes ?? '?'}-byte replies` : `${h.bytes}-byte one-way messages`} from the ${h.by} every ${h.periodSeconds.toFixed(2)} s (${plural(h.messages, 'message')})`,
        subject: { client: h.client, server: h.server },
        evidence: [
          { source: 'capture', name: 'messages', value: h.messages },
          { source: 'capture', name: 'periodSeconds', value: h.periodSeconds, unit: 's' },
          { source: 'capture', name: 'bytes', value: h.bytes, unit: 'B' },
        ],
        ...midstreamDetails(h),
        remediation: { text: 'An application heartbeat keeps this connection alive and checks the peer application; keep its period below the idle timeouts on the path.' },
      }),
    )
  },
}
