import type { Check, CheckMeta } from '../model/check.js'
import type { Finding } from '../model/finding.js'
import { kernelVersion } from '../derived/congestion.js'
import { agree, fail, pass, plural, skip, sysctlEvidence } from './support/findings.js'
import { remedy } from './support/remediation.js'

const meta: CheckMeta = {
  id: 'congestion.control',
  topic: 'congestion',
  title: 'Congestion control in effect',
  failureTitle: 'Congestion control not the configured one',
  description:
    'net.ipv4.tcp_congestion_control is the default for new sockets only: established sockets (ss -tnimp state established) on another algorithm were made before a change, or their program chose one (TCP_CONGESTION, on the socket or its listener), or their route did (congctl). Before Linux 4.13 bbr needs the fq qdisc to pace.',
  facts: ['sysctls'],
  optionalFacts: ['tcpInfo', 'host'],
  sysctls: ['net.ipv4.tcp_congestion_control', 'net.ipv4.tcp_available_congestion_control', 'net.core.default_qdisc'],
  thresholds: { minSockets: { value: 1, description: 'established sockets on another algorithm than the configured one before it is a finding' } },
}

export const control: Check = {
  meta,
  evaluate(facts, ctx) {
    const sysctls = facts.get('sysctls')
    const configured = sysctls.get('net.ipv4.tcp_congestion_control')?.trim()
    const available = sysctls.get('net.ipv4.tcp_available_congestion_control')?.trim()
    const qdisc = sysctls.get('net.core.default_qdisc')?.trim()
    if (configured === undefined) return [skip(meta, 'net.ipv4.tcp_congestion_control is not readable here')]
    const evidence = [
      sysctlEvidence('net.ipv4.tcp_congestion_control', configured),
      sysctlEvidence('net.ipv4.tcp_available_congestion_control', available),
      sysctlEvidence('net.core.default_qdisc', qdisc),
    ]
    const findings: Finding[] = []
    const byCongestion = facts.optional('tcpInfo')?.byCongestion
    const used = Object.entries(byCongestion ?? {}).sort((a, b) => b[1].sockets - a[1].sockets)
    const usedText = used.length ? used.map(([cc, u]) => `${cc} ${u.sockets}`).join(', ') : 'no established socket printed its algorithm'

    for (const [cc, u] of used) {
      if (cc === configured || u.sockets < ctx.threshold('minSockets')) continue
      const e = u.example
      const who = e.process ? ` (${e.process}, pid ${e.pid})` : ''
      findings.push(
        fail(meta, {
          severity: 'warning',
          subject: { sysctl: 'net.ipv4.tcp_congestion_control' },
          message: `${plural(u.sockets, 'established socket')} ${agree(u.sockets, 'uses', 'use')} ${cc} while the configured default is ${configured}, e.g. ${e.local} → ${e.peer}${who}: a connection keeps the algorithm it was made with, and a listener that set its own (TCP_CONGESTION) or a route's congctl passes it on`,
          evidence,
          remediation: {
            text: `Connections made before the change keep ${cc} until they close: long-lived ones need a reconnect (or a restart of their program) to take ${configured}, if ${configured} is what you want for them. A program that sets its own (setsockopt TCP_CONGESTION, inherited by the connections its listener accepts) or a route with congctl keeps ${cc} for every new connection: look there first. Keep ${cc} where it was chosen on purpose (a bulk-transfer service on bbr, a LAN service on cubic).`,
            commands: [`ss -tnpi state established | grep -B1 -w ${cc}  # who uses ${cc}`, 'ip route show | grep congctl', 'sysctl net.ipv4.tcp_congestion_control'],
          },
          details: [{ congestion: cc, sockets: u.sockets, local: e.local, remote: e.peer, ...(e.process ? { process: e.process, pid: e.pid } : {}) }],
        }),
      )
    }

    if (available !== undefined && !available.split(/\s+/).includes(configured)) {
      findings.push(
        fail(meta, {
          severity: 'warning',
          subject: { sysctl: 'net.ipv4.tcp_available_congestion_control' },
          message: `the configured ${configured} is not among the loaded algorithms (${available})`,
          evidence,
          remediation: remedy(ctx.options.where, `Load the module of ${configured} (modprobe tcp_${configured}) or configure one that is loaded.`, [], [`modprobe tcp_${configured}`, 'sysctl net.ipv4.tcp_available_congestion_control']),
        }),
      )
    }

    // Before 4.13 BBR had no internal pacing: without fq it sends in bursts (KNOWLEDGE: weak networks).
    const version = kernelVersion(facts.optional('host')?.kernel)
    const old = version !== undefined && (version[0] < 4 || (version[0] === 4 && version[1] < 13))
    const bbrUsed = configured === 'bbr' || used.some(([cc]) => cc === 'bbr')
    if (old && bbrUsed && qdisc !== 'fq') {
      findings.push(
        fail(meta, {
          severity: 'warning',
          subject: { sysctl: 'net.core.default_qdisc' },
          message: `bbr is used on Linux ${version!.join('.')} (before 4.13) while the default qdisc is ${qdisc ?? 'unknown'}: bbr paces only with fq there`,
          evidence,
          remediation: remedy(
            ctx.options.where,
            'Put fq on the interfaces bbr sends through. net.core.default_qdisc is global and applies only to qdiscs created afterwards; for an existing interface replace its root qdisc.',
            [['net.core.default_qdisc', 'fq']],
            ['tc qdisc replace dev IFACE root fq', 'tc qdisc show'],
          ),
        }),
      )
    }
    if (findings.length) return findings
    return [pass(meta, `${configured} is configured and in use (${usedText}); available: ${available ?? '?'}`, evidence)]
  },
}
