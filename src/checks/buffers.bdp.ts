import type { Check, CheckMeta } from '../model/check.js'
import type { Finding } from '../model/finding.js'
import { sysctlNumber } from '../parsers/sysctl.js'
import { bdpInputs, bufferCover, fixedSmallBuffers, peersByRtt, roundUpMiB, tcpBufferTriple } from '../derived/buffers.js'
import { formatBits, formatBytes, formatMs } from '../derived/format.js'
import { fail, pass, plural, seconds, skip, sysctlEvidence } from './support/findings.js'
import { remedy } from './support/remediation.js'

const meta: CheckMeta = {
  id: 'buffers.bdp',
  topic: 'buffers',
  title: 'Buffers vs bandwidth-delay product',
  failureTitle: 'TCP buffer max below the bandwidth-delay product',
  description:
    'tcp_rmem/tcp_wmem max is below the bandwidth-delay product (link speed or --bandwidth, times the measured RTT or --rtt): one connection cannot fill the path, its throughput is capped at max / RTT. Also rmem_max/wmem_max when sockets seem to set their own buffers, and busy sockets whose receive buffer stays small and fixed (a SO_RCVBUF the application set).',
  facts: ['sysctls'],
  optionalFacts: ['interfaces', 'tcpInfo'],
  sysctls: ['net.core.rmem_max', 'net.core.wmem_max', 'net.ipv4.tcp_rmem', 'net.ipv4.tcp_wmem'],
  thresholds: { rttPercentile: { value: 0.9, description: 'the percentile of measured socket RTTs used for the BDP (0.9 = p90)' } },
}

/** tcp_rmem/tcp_wmem and rmem_max/wmem_max are C ints. */
const INT_MAX = 2147483647

export const bdp: Check = {
  meta,
  evaluate(facts, ctx) {
    const inputs = bdpInputs(facts, ctx.options, ctx.threshold('rttPercentile'))
    const findings: Finding[] = []
    const fixed = fixedSmallBuffers(facts)
    const sysctls = facts.get('sysctls')
    const rmemDefault = tcpBufferTriple(facts, 'net.ipv4.tcp_rmem')?.def

    if (inputs.bdpBytes !== undefined) {
      const b = inputs.bdpBytes
      const rtt = inputs.rttSeconds!
      const how = `BDP = ${formatBits(inputs.bandwidthBps!)} (${inputs.bandwidthFrom}) / 8 × ${formatMs(rtt)} (${inputs.rttFrom}) = ${formatBytes(b)}`
      const inputEvidence = [
        { source: inputs.bandwidthFrom!, name: 'bandwidth', value: inputs.bandwidthBps!, unit: 'bit/s' },
        { source: inputs.rttFrom!, name: 'rtt', value: rtt, unit: 's' },
        { source: 'computed', name: 'bdp', value: Math.round(b), unit: 'bytes' },
      ]
      // Twice the BDP: part of each buffer holds packet overhead, not payload (tcp_adv_win_scale). Capped: the
      // sysctls are ints, and a window cannot pass 1 GiB (window scale 14), so more buffer buys nothing.
      const want = Math.min(roundUpMiB(2 * b), INT_MAX)
      const capped = want === INT_MAX ? ' The suggestion is capped at 2147483647: the values are ints and a TCP window cannot exceed 1 GiB (window scale 14), so one connection cannot use more; for a larger BDP use several connections.' : ''
      // With a measured RTT, the slowest peers show where it comes from.
      const pct = ctx.threshold('rttPercentile')
      const peers = ctx.options.rttSeconds ? [] : peersByRtt(facts, pct, Math.min(10, ctx.options.maxDetails)).map((p) => ({ remote: p.remote, sockets: p.sockets, [`p${Math.round(pct * 100)}RttMs`]: p.rttMs }))
      for (const { name, triple: t, covers, capBps } of bufferCover(facts, inputs)) {
        if (covers) continue
        findings.push(
          fail(meta, {
            severity: 'warning',
            message: `${name} max ${formatBytes(t.max)} is below the ${how}: one connection's throughput is capped at about ${formatBits(capBps)} (max / RTT)`,
            subject: { sysctl: name },
            evidence: [sysctlEvidence(name, t.raw), ...inputEvidence],
            remediation: remedy(
              ctx.options.where,
              `Raise the max to about twice the BDP (part of the buffer holds overhead); memory is only used by connections that need it, but all of it counts against net.ipv4.tcp_mem (pages, for the whole host): check that tcp_mem's pressure value covers the connections that will grow this far. Keep autotuning on and do not set SO_${name.includes('rmem') ? 'RCVBUF' : 'SNDBUF'} in applications.${capped}`,
              [[name, `${t.min} ${t.def} ${want}`]],
            ),
            details: peers,
          }),
        )
      }
      // Sockets that set their own buffer are capped by rmem_max/wmem_max instead of tcp_rmem/tcp_wmem.
      if (fixed.length) {
        for (const name of ['net.core.rmem_max', 'net.core.wmem_max']) {
          const raw = sysctls.get(name)
          const v = sysctlNumber(raw)
          if (v === undefined || v >= b) continue
          findings.push(
            fail(meta, {
              severity: 'warning',
              title: `${name} below the bandwidth-delay product`,
              message: `${name} ${formatBytes(v)} is below the ${how}, and ${plural(fixed.length, 'busy socket')} seem to set their own buffer size, which this caps`,
              subject: { sysctl: name },
              evidence: [sysctlEvidence(name, raw), ...inputEvidence],
              remediation: remedy(ctx.options.where, 'Raise the cap for applications that set SO_RCVBUF/SO_SNDBUF, or better, remove those setsockopt calls and let autotuning work.', [[name, want]]),
            }),
          )
        }
      }
    }

    for (const s of fixed) {
      const read = facts.get('tcpInfo').source // there: the fixed sockets are its notes
      findings.push(
        fail(meta, {
          severity: 'info',
          title: 'Receive buffer fixed by the application',
          message: `${s.local} → ${s.peer}${s.process ? ` (${s.process}, pid ${s.pid})` : ''}: receive buffer ${formatBytes(s.rcvbuf!)} stayed the same over the ${seconds(ctx.windowSeconds)} window while ${formatBytes(s.bytesReceived!)} arrived over its life; autotuning starts at tcp_rmem default ${rmemDefault ? formatBytes(rmemDefault) : '?'} and grows, so the application probably set SO_RCVBUF (inferred from skmem rb and bytes_received in ${read}, not read from the socket)`,
          subject: { local: s.local, remote: s.peer, ...(s.pid !== undefined ? { pid: s.pid, process: s.process } : {}) },
          evidence: [
            { source: read, name: 'skmem.rb', value: s.rcvbuf ?? null, unit: 'bytes' },
            { source: read, name: 'bytes_received', value: s.bytesReceived ?? null, unit: 'bytes' },
          ],
          remediation: {
            text: 'Setting SO_RCVBUF turns autotuning off for the socket and caps its window. Remove the setsockopt call (or the option that makes it, e.g. a "receive buffer" setting) and let the kernel size the buffer.',
            commands: [`ss -tnimp state established src ${s.local} dst ${s.peer}  # skmem rb stays put`, ...(s.pid !== undefined ? [`strace -f -e trace=setsockopt -p ${s.pid}`] : [])],
          },
        }),
      )
    }

    if (findings.length) return findings
    if (inputs.bdpBytes === undefined) {
      const missing = [inputs.bandwidthBps === undefined ? 'the bandwidth (no interface reports a link speed; give --bandwidth, e.g. 10Gbit)' : '', inputs.rttSeconds === undefined ? 'the RTT (no established socket to a non-loopback peer; give --rtt, e.g. 50ms)' : ''].filter(Boolean)
      return [skip(meta, `cannot compute the bandwidth-delay product without ${missing.join(' and ')}`)]
    }
    const r = tcpBufferTriple(facts, 'net.ipv4.tcp_rmem')
    const w = tcpBufferTriple(facts, 'net.ipv4.tcp_wmem')
    return [
      pass(meta, `tcp_rmem max ${r ? formatBytes(r.max) : '?'} and tcp_wmem max ${w ? formatBytes(w.max) : '?'} cover the BDP ${formatBytes(inputs.bdpBytes)} (${formatBits(inputs.bandwidthBps!)} × ${formatMs(inputs.rttSeconds!)})`, [
        sysctlEvidence('net.ipv4.tcp_rmem', r?.raw),
        sysctlEvidence('net.ipv4.tcp_wmem', w?.raw),
      ]),
    ]
  },
}
