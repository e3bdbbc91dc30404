import type { Check, CheckMeta } from '../model/check.js'
import { counterEvidence, fail, pass, readCounter, seconds, skip, sysctlEvidence, type CounterReading } from './support/findings.js'

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
    'IPv4 or IPv6 reassembly failures or timeouts (a fragment never came: one lost fragment loses the whole datagram), or fragmentation failures, grew in the window (/proc/net/snmp Ip, /proc/net/snmp6 Ip6).',
  facts: ['counters', 'sysctls'],
  sysctls: ['net.ipv4.ipfrag_time', 'net.ipv4.ipfrag_high_thresh'],
  thresholds: { minFailures: { value: 1, description: 'reassembly or fragmentation failures in the window from which it is a finding' } },
}

export const fragmentation: Check = {
  meta,
  evaluate(facts, ctx) {
    const w = ctx.windowSeconds
    const windowed = w > 0
    const failures = FAILURES.map((n) => readCounter(facts, n, w)).filter((c): c is CounterReading => c !== undefined)
    if (failures.length === 0) return [skip(meta, 'this kernel prints no Ip ReasmFails/FragFails in /proc/net/snmp')]
    const context = CONTEXT.map((n) => readCounter(facts, n, w)).filter((c): c is CounterReading => c !== undefined)
    const sysctls = facts.get('sysctls')
    const evidence = [...failures, ...context].map(counterEvidence)
    evidence.push(sysctlEvidence('net.ipv4.ipfrag_time', sysctls.get('net.ipv4.ipfrag_time')), sysctlEvidence('net.ipv4.ipfrag_high_thresh', sysctls.get('net.ipv4.ipfrag_high_thresh')))
    const amount = (c: CounterReading) => (windowed ? (c.delta ?? 0) : c.value)
    const grown = failures.filter((c) => amount(c) >= ctx.threshold('minFailures'))
    const when = windowed ? `in ${seconds(w)}` : 'since boot'
    const text = (list: CounterReading[]) => list.map((c) => `${c.name} ${amount(c)}`).join(', ')
    if (grown.length === 0) return [pass(meta, `no reassembly or fragmentation failure ${when} (${text(failures)})`, evidence)]
    const timeouts = grown.some((c) => c.name.endsWith('ReasmTimeout'))
    const fragFails = grown.some((c) => c.name.endsWith('FragFails'))
    return [
      fail(meta, {
        // since boot: history, not a current problem
        severity: windowed ? 'warning' : 'info',
        title: windowed ? undefined : 'IP fragments were lost or not reassembled since boot',
        message: `${text(grown)} ${when}${timeouts ? `: fragments waited ${sysctls.get('net.ipv4.ipfrag_time')?.trim() ?? '?'} s (ipfrag_time) for the rest of their datagram and were dropped` : ''}${fragFails ? '; datagrams that needed fragmenting could not be (DF set, or no memory)' : ''}`,
        evidence,
        remediation: {
          text: 'A lost fragment loses the whole datagram, and many networks drop fragments. Keep UDP datagrams below the path MTU (QUIC does; DNS uses EDNS buffer 1232). Find the senders: a capture of fragments (netdoc mtu --capture or tcpdump below) names the flows. Raising ipfrag_time or ipfrag_high_thresh only helps when fragments arrive late or in bursts, not when they are lost.',
          commands: ["tcpdump -ni any -c 50 '(ip[6:2] & 0x3fff != 0) or (ip6 and ip6[6] == 44)'  # fragments and their flows", 'nstat -az IpReasmFails IpReasmTimeout IpFragFails Ip6ReasmFails Ip6ReasmTimeout Ip6FragFails', 'ip -s link  # the MTU of each interface'],
        },
      }),
    ]
  },
}
