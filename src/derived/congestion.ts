// Loss and RTT per destination from the live sockets (the tcpInfo fact, summed while streamed; its `source` is the
// command it read), for congestion.loss and the congestion view. The share is retrans / segs_out: segs_out
// (tcpi_segs_out) counts every segment sent, retransmissions included, so it is the same share as tcp.retransmits'
// over one destination.
import type { Facts } from '../model/check.js'
import type { TcpDestination } from '../model/facts.js'
import type { Subject } from '../model/finding.js'
import { derived } from './cache.js'

export interface DestinationLoss {
  destination: TcpDestination
  subject: Subject
  /** retransmitted segments / segments sent over the sockets' lives; undefined when ss printed no segs_out */
  share?: number
  rttMeanMs?: number
}

export const destinationSubject = (d: TcpDestination): Subject =>
  d.side === 'server' ? { local: d.local, remote: d.remote, side: 'server' } : { remote: d.remote, side: 'client' }

/** Every destination of the end sample, the highest retransmission share first. */
export function destinationLosses(facts: Facts): DestinationLoss[] {
  return derived(facts, 'congestion.destinations', () => {
    const info = facts.optional('tcpInfo')
    return (info?.destinations ?? [])
      .map((d): DestinationLoss => ({
        destination: d,
        subject: destinationSubject(d),
        share: d.segsOut > 0 ? d.retrans / d.segsOut : undefined,
        rttMeanMs: d.rttSockets > 0 ? d.rttSumMs / d.rttSockets : undefined,
      }))
      .sort((a, b) => (b.share ?? 0) - (a.share ?? 0) || b.destination.segsOut - a.destination.segsOut)
  })
}

/** "1.2.3.4:443" client side, "127.0.0.1 → *:9001" server side */
export const destinationLabel = (d: TcpDestination): string => (d.side === 'server' ? `${d.remote} → ${d.local}` : d.remote)

/** Kernel "6.1.0-18-amd64" → [6, 1]; undefined when it does not start with a version. */
export function kernelVersion(kernel: string | undefined): [number, number] | undefined {
  const m = /^(\d+)\.(\d+)/.exec(kernel ?? '')
  return m ? [Number(m[1]), Number(m[2])] : undefined
}
