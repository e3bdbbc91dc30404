import type { Check, CheckMeta, Where } from '../model/check.js'
import type { Finding } from '../model/finding.js'
import { sysctlNumber } from '../parsers/sysctl.js'
import { formatBytes } from '../derived/format.js'
import { agree, counterEvidence, type CounterReading, fail, pass, plural, readCounter, seconds, sysctlEvidence } from './support/findings.js'
import { remedy } from './support/remediation.js'

const meta: CheckMeta = {
  id: 'buffers.udp',
  topic: 'buffers',
  title: 'UDP buffers',
  failureTitle: 'UDP datagrams dropped for buffer space',
  description:
    'Udp/Udp6 RcvbufErrors, SndbufErrors or InErrors grew (datagrams dropped because a socket buffer was full, or malformed); or net.core.rmem_max/wmem_max is below what QUIC stacks ask for (7.5 MB) while UDP sockets are open.',
  facts: ['counters', 'sysctls'],
  optionalFacts: ['sockstat'],
  sysctls: ['net.core.rmem_max', 'net.core.wmem_max'],
  thresholds: {
    criticalPerSecond: { value: 100, description: 'UDP errors per second in the window at or above which growth is critical (any growth is a warning)' },
    quicBufferBytes: { value: 7500000, description: 'rmem_max/wmem_max below this (quic-go asks for 7 MiB = 7340032 bytes; its documentation suggests 7500000) is reported when UDP sockets are open' },
  },
}

const ERROR_COUNTERS = ['UdpRcvbufErrors', 'UdpSndbufErrors', 'UdpInErrors', 'Udp6RcvbufErrors', 'Udp6SndbufErrors', 'Udp6InErrors']

const errorsRemediation = (where: Where | undefined) =>
  remedy(
    where,
    'UDP does not autotune: a socket keeps the buffer it asked for (SO_RCVBUF, capped by net.core.rmem_max). Find the socket whose drops grow (ss -uamp, skmem d), make the application read faster or ask for a larger SO_RCVBUF/SO_SNDBUF, and raise rmem_max/wmem_max so the request is not capped.',
    [['net.core.rmem_max', 7500000], ['net.core.wmem_max', 7500000]],
    ['ss -uamp  # skmem d = datagrams this socket dropped', 'nstat -az UdpRcvbufErrors UdpSndbufErrors UdpInErrors Udp6RcvbufErrors'],
  )

/** Datagrams lost: InErrors already counts the RcvbufErrors, so the loss is InErrors + SndbufErrors per family. */
function lost(c: Map<string, CounterReading>, pick: (r: CounterReading) => number | undefined): number {
  let n = 0
  for (const fam of ['Udp', 'Udp6']) {
    const inErr = c.get(`${fam}InErrors`) ?? c.get(`${fam}RcvbufErrors`)
    n += (inErr && pick(inErr)) || 0
    const snd = c.get(`${fam}SndbufErrors`)
    n += (snd && pick(snd)) || 0
  }
  return n
}

export const udp: Check = {
  meta,
  evaluate(facts, ctx) {
    const w = ctx.windowSeconds
    const readings = new Map<string, CounterReading>()
    for (const name of ERROR_COUNTERS) {
      const r = readCounter(facts, name, w)
      if (r) readings.set(name, r)
    }
    const evidence = [...readings.values()].map(counterEvidence)
    const findings: Finding[] = []
    const grew = w > 0 ? lost(readings, (r) => r.delta) : 0
    const sinceBoot = lost(readings, (r) => r.value)
    const nonzero = [...readings.values()].filter((r) => (w > 0 ? (r.delta ?? 0) : r.value) > 0)
    const list = nonzero.map((r) => `${r.name} ${w > 0 ? `+${r.delta}` : r.value}`).join(', ')
    if (grew > 0) {
      const rate = grew / w
      findings.push(
        fail(meta, {
          severity: rate >= ctx.threshold('criticalPerSecond') ? 'critical' : 'warning',
          message: `${plural(grew, 'UDP datagram')} dropped in ${seconds(w)} (${rate.toFixed(1)}/s): ${list}`,
          evidence,
          remediation: errorsRemediation(ctx.options.where),
        }),
      )
    } else if (w === 0 && sinceBoot > 0) {
      findings.push(fail(meta, { severity: 'info', title: 'UDP datagrams dropped since boot', message: `since boot: ${list}`, evidence, remediation: errorsRemediation(ctx.options.where) }))
    }

    // QUIC-class receivers: only worth saying when this namespace has UDP sockets open.
    // Without sockstat the socket count is unknown and only the counters are judged.
    const sockstat = facts.has('sockstat') ? facts.get('sockstat') : undefined
    const udpSockets = (sockstat?.UDP?.inuse ?? 0) + (sockstat?.UDP6?.inuse ?? 0)
    const want = ctx.threshold('quicBufferBytes')
    const sysctls = facts.get('sysctls')
    if (udpSockets > 0) {
      for (const name of ['net.core.rmem_max', 'net.core.wmem_max']) {
        const raw = sysctls.get(name)
        const v = sysctlNumber(raw)
        if (v === undefined || v >= want) continue
        findings.push(
          fail(meta, {
            severity: 'info',
            title: `${name} small for QUIC`,
            message: `${name}=${v} (${formatBytes(v)}) is below ${want} bytes, what quic-go's documentation suggests (it asks for 7 MiB = 7340032 bytes); ${plural(udpSockets, 'UDP socket')} ${agree(udpSockets, 'is', 'are')} open, and a larger SO_${name.endsWith('rmem_max') ? 'RCVBUF' : 'SNDBUF'} request is silently capped`,
            subject: { sysctl: name },
            evidence: [sysctlEvidence(name, raw), { source: '/proc/net/sockstat', name: 'UDP inuse', value: udpSockets }],
            remediation: remedy(ctx.options.where, 'Raise the cap so UDP applications that ask for large buffers get them (it costs nothing until a socket asks).', [[name, want]]),
          }),
        )
      }
    }
    if (findings.length) return findings
    const quiet = w > 0 ? `no UDP datagram dropped in ${seconds(w)}${sinceBoot ? ` (${sinceBoot} since boot)` : ''}` : 'no UDP datagram dropped since boot'
    return [pass(meta, `${quiet}; ${sockstat ? plural(udpSockets, 'UDP socket') : 'unknown number of UDP sockets'} open`, evidence)]
  },
}
