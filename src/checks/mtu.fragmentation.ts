import type { Check, CheckContext, CheckMeta, Facts } from '../model/check.js'
import type { UdpFlow, UdpFragments } from '../model/capture.js'
import type { Finding } from '../model/finding.js'
import { counterEvidence, fail, pass, plural, readCounter, seconds, skip, sysctlEvidence, type CounterReading } from './support/findings.js'
import { splitEndpoint } from '../parsers/address.js'

// RFC 2011 ipReasmFails (every failure, timeouts included), ipReasmTimeout (fragments that waited ipfrag_time),
// ipFragFails (a datagram that had to be fragmented and could not: DF set or no memory); the same for IPv6 in
// /proc/net/snmp6 (RFC 2465).
const FAILURES = ['IpReasmFails', 'IpReasmTimeout', 'IpFragFails', 'Ip6ReasmFails', 'Ip6ReasmTimeout', 'Ip6FragFails'] as const
const CONTEXT = ['IpReasmReqds', 'IpReasmOKs', 'IpFragCreates', 'Ip6ReasmReqds', 'Ip6ReasmOKs', 'Ip6FragCreates', 'Icmp6InPktTooBigs'] as const

const meta: CheckMeta = {
  id: 'mtu.fragmentation',
  topic: 'mtu',
  title: 'IP fragmentation and reassembly',
  failureTitle: 'IP fragments lost or not reassembled',
  description:
    'IPv4 or IPv6 reassembly failures or timeouts (a fragment never came: one lost fragment loses the whole datagram), or fragmentation failures, grew in the window (/proc/net/snmp Ip, /proc/net/snmp6 Ip6); with a capture (--pcap/--capture), one finding per UDP flow whose datagrams exceed the MTU and come in IP fragments, with their sizes and the fragments that went missing.',
  facts: ['counters', 'sysctls'],
  optionalFacts: ['capture'],
  sysctls: ['net.ipv4.ipfrag_time', 'net.ipv4.ipfrag_high_thresh'],
  thresholds: { minFailures: { value: 1, description: 'reassembly or fragmentation failures in the window from which it is a finding' } },
}

export const fragmentation: Check = {
  meta,
  evaluate(facts, ctx) {
    const udp = facts.optional('capture')?.udp
    const flows = udp ? udp.flows.filter((f) => f.fragmented > 0) : []
    const shown = flows.slice(0, ctx.options.maxDetails)
    const captureText = udp ? `; ${captureSummary(udp, flows.length, shown.length)}` : ''
    return [...counterFindings(facts, ctx, captureText), ...(udp ? shown.map((f) => flowFinding(f, udp)) : [])]
  },
}

/** The host-wide finding of the reassembly and fragmentation counters (subject {}). */
function counterFindings(facts: Facts, ctx: CheckContext, captureText: string): Finding[] {
  const w = ctx.windowSeconds
  const windowed = w > 0
  const failures = FAILURES.map((n) => readCounter(facts, n, w)).filter((c): c is CounterReading => c !== undefined)
  if (failures.length === 0) return [skip(meta, `this kernel prints no Ip ReasmFails/FragFails in /proc/net/snmp${captureText}`)]
  const context = CONTEXT.map((n) => readCounter(facts, n, w)).filter((c): c is CounterReading => c !== undefined)
  const sysctls = facts.get('sysctls')
  const evidence = [...failures, ...context].map(counterEvidence)
  evidence.push(sysctlEvidence('net.ipv4.ipfrag_time', sysctls.get('net.ipv4.ipfrag_time')), sysctlEvidence('net.ipv4.ipfrag_high_thresh', sysctls.get('net.ipv4.ipfrag_high_thresh')))
  const amount = (c: CounterReading) => (windowed ? (c.delta ?? 0) : c.value)
  const grown = failures.filter((c) => amount(c) >= ctx.threshold('minFailures'))
  const when = windowed ? `in ${seconds(w)}` : 'since boot'
  const text = (list: CounterReading[]) => list.map((c) => `${c.name} ${amount(c)}`).join(', ')
  if (grown.length === 0) return [pass(meta, `no reassembly or fragmentation failure ${when} (${text(failures)})${captureText}`, evidence)]
  const timeouts = grown.some((c) => c.name.endsWith('ReasmTimeout'))
  const fragFails = grown.some((c) => c.name.endsWith('FragFails'))
  return [
    fail(meta, {
      // since boot: history, not a current problem
      severity: windowed ? 'warning' : 'info',
      title: windowed ? undefined : 'IP fragments were lost or not reassembled since boot',
      message: `${text(grown)} ${when}${timeouts ? `: fragments waited ${sysctls.get('net.ipv4.ipfrag_time')?.trim() ?? '?'} s (ipfrag_time) for the rest of their datagram and were dropped` : ''}${fragFails ? '; datagrams that needed fragmenting could not be (DF set, or no memory)' : ''}${captureText}`,
      evidence,
      remediation: {
        text: 'A lost fragment loses the whole datagram, and many networks drop fragments. Keep UDP datagrams below the path MTU (QUIC does; DNS uses EDNS buffer 1232). Find the senders: a capture of fragments (netdoc mtu --capture or tcpdump below) names the flows. Raising ipfrag_time or ipfrag_high_thresh only helps when fragments arrive late or in bursts, not when they are lost.',
        commands: ["tcpdump -ni any -c 50 '(ip[6:2] & 0x3fff != 0) or (ip6 and ip6[6] == 44)'  # fragments and their flows", 'nstat -az IpReasmFails IpReasmTimeout IpFragFails Ip6ReasmFails Ip6ReasmTimeout Ip6FragFails', 'ip -s link  # the MTU of each interface'],
      },
    }),
  ]
}

/** What the capture showed, for the host-wide finding's message. */
function captureSummary(udp: UdpFragments, fragmented: number, shown: number): string {
  if (udp.datagrams === 0 && udp.fragments === 0) return 'the capture holds no UDP datagram or IP fragment'
  const flows = udp.flows.length
  const head = `the capture: ${plural(udp.datagrams, 'UDP datagram')} in ${plural(flows, 'flow')}`
  const lost = `${udp.unattributed ? `, ${plural(udp.unattributed, 'datagram')} whose first fragment never came (no ports, so no flow)` : ''}${udp.cutByEnd ? `, ${plural(udp.cutByEnd, 'datagram')} cut by the end of the capture (not judged)` : ''}`
  if (fragmented === 0) return `${head}, none fragmented${lost}`
  return `${head}, ${plural(fragmented, 'flow')} with fragmented datagrams (MTU ${udp.mtu}, ${udp.mtuFrom === 'default' ? 'assumed: no fragment tells it' : 'the largest fragment'})${shown < fragmented ? `; ${fragmented - shown} more not listed (--max-details)` : ''}${lost}`
}

/** One UDP flow whose datagrams came in fragments (subject client/server). */
function flowFinding(f: UdpFlow, udp: UdpFragments): Finding {
  const lost = f.incomplete > 0
  const v6 = f.server.startsWith('[')
  // the largest UDP payload that fits one packet: MTU − IP header (20 / 40) − UDP header (8)
  const fits = udp.mtu - (v6 ? 48 : 28)
  const serverPort = splitEndpoint(f.server).port
  // The fix is the sender's: its datagram size, its route and path toward the peer. The capture names both ends,
  // so each command says on which it runs; when the capture does not tell the sender, on either end.
  const senders: Array<'client' | 'server'> = f.fragmentedBy === 'client' || f.fragmentedBy === 'server' ? [f.fragmentedBy] : ['client', 'server']
  const commands = senders.flatMap((side) => {
    const peer = side === 'client' ? 'server' : 'client'
    const host = splitEndpoint(f[side]).address
    const peerHost = splitEndpoint(f[peer]).address
    const on = `on the ${side}'s host ${host}${f.fragmentedBy ? ', the sender' : ''}`
    return [`ss -uanp '( sport = :${serverPort} or dport = :${serverPort} )'  # ${on}: the processes of this flow`, `ip route get ${peerHost}  # ${on}: the route's MTU toward the ${peer}`, `tracepath -n ${peerHost}  # ${on}: the path MTU toward the ${peer}`]
  })
  const sender = f.fragmentedBy === 'both' ? 'each end' : f.fragmentedBy ? `the ${f.fragmentedBy} (${f[f.fragmentedBy]})` : 'the sender'
  const mtuText = `MTU ${udp.mtu}${udp.mtuFrom === 'default' ? ' (assumed)' : ''}`
  return fail(meta, {
    severity: lost ? 'warning' : 'info',
    title: lost ? 'Fragmented UDP datagrams lost fragments' : 'UDP datagrams above the MTU are fragmented',
    subject: { client: f.client, server: f.server },
    message: `${f.client} → ${f.server}: ${f.fragmented} of ${plural(f.datagrams, 'datagram')} above the ${mtuText} came in IP fragments (up to ${f.maxBytes} bytes, median ${f.p50Bytes}; up to ${plural(f.maxFragments, 'fragment')} each)${lost ? `; ${f.incomplete} lost ${plural(f.missingFragments, 'fragment')} and with it the whole datagram` : ''}${f.fragmentedBy ? `; sent by ${f.fragmentedBy === 'both' ? 'both ends' : `the ${f.fragmentedBy}`}` : ''}`,
    evidence: [
      { source: 'capture', name: 'datagrams', value: f.datagrams },
      { source: 'capture', name: 'fragmented', value: f.fragmented },
      { source: 'capture', name: 'maxBytes', value: f.maxBytes, unit: 'B' },
      { source: 'capture', name: 'p50Bytes', value: f.p50Bytes, unit: 'B' },
      { source: 'capture', name: 'maxFragments', value: f.maxFragments },
      { source: 'capture', name: 'incomplete', value: f.incomplete },
      { source: 'capture', name: 'missingFragments', value: f.missingFragments },
      { source: 'capture', name: 'mtu', value: udp.mtu, unit: 'B' },
    ],
    remediation: {
      text: `Keep this flow's datagrams below the path MTU: at most ${fits} bytes of UDP payload at ${mtuText} over ${v6 ? 'IPv6' : 'IPv4'}. Set the application's datagram size (QUIC: its max datagram / UDP payload size; DNS: an EDNS buffer of 1232), and have ${sender} set IP_MTU_DISCOVER to IP_PMTUDISC_DO (IPV6_DONTFRAG for IPv6) so a datagram too large fails with EMSGSIZE instead of leaving in fragments, and size its datagrams from IP_MTU. No sysctl fixes this: a larger ipfrag_time or ipfrag_high_thresh does not bring a lost fragment back.`,
      commands,
    },
    details: [{ fragmentedBy: f.fragmentedBy ?? null, serverBy: f.serverBy, firstSeen: f.firstSeen, lastSeen: f.lastSeen }],
  })
}
