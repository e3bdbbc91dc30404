import type { Check, CheckMeta } from '../model/check.js'
import { fail, pass, plural, skip, sysctlEvidence } from './support/findings.js'
import { remedy } from './support/remediation.js'
import { splitEndpoint } from '../parsers/address.js'

const IP_MAX_MTU = 65535

const meta: CheckMeta = {
  id: 'mtu.path',
  topic: 'mtu',
  title: 'Path MTU',
  failureTitle: 'Path MTU below the interface MTU without MTU probing',
  description:
    "Established sockets whose path MTU (pmtu in ss -tnimp state established) is below every interface's MTU, so below their own interface's: a smaller hop on the path (a tunnel, a VPN) that ICMP told about. With net.ipv4.tcp_mtu_probing 0 a path whose ICMP is filtered becomes a black hole for large segments.",
  facts: ['tcpInfo', 'interfaces', 'sysctls'],
  sysctls: ['net.ipv4.tcp_mtu_probing'],
}

export const path: Check = {
  meta,
  evaluate(facts, ctx) {
    const probing = facts.get('sysctls').get('net.ipv4.tcp_mtu_probing')?.trim()
    const byPmtu = facts.get('tcpInfo').byPmtu
    if (byPmtu === undefined) return [skip(meta, 'this tcpInfo sample has no path MTUs (an older snapshot)')]
    const mtus = facts.get('interfaces').map((i) => i.mtu).filter((m): m is number => m !== undefined)
    if (mtus.length === 0) return [skip(meta, 'no interface MTU is readable (/sys/class/net/IFACE/mtu)')]
    const pmtus = Object.entries(byPmtu).map(([p, v]) => ({ pmtu: Number(p), ...v }))
    if (pmtus.length === 0) return [skip(meta, 'no established socket printed its path MTU')]
    // A socket's pmtu is at most its interface's MTU: below the smallest interface MTU, it is a smaller hop.
    // An IP packet is at most 65535 bytes (IP_MAX_MTU): loopback's 65536 gives its sockets a pmtu of 65535.
    const smallest = Math.min(IP_MAX_MTU, ...mtus)
    const evidence = [sysctlEvidence('net.ipv4.tcp_mtu_probing', probing), { source: '/sys/class/net/IFACE/mtu', name: 'smallest interface MTU', value: smallest, unit: 'bytes' }]
    const below = pmtus.filter((p) => p.pmtu < smallest).sort((a, b) => a.pmtu - b.pmtu)
    const seen = pmtus.map((p) => `${p.pmtu} (${p.sockets})`).join(', ')
    if (below.length === 0) return [pass(meta, `every socket's path MTU is at or above the smallest interface MTU ${smallest} (path MTUs: ${seen})`, evidence)]
    if (probing !== undefined && probing !== '0') {
      return [pass(meta, `${plural(below.reduce((n, p) => n + p.sockets, 0), 'socket')} on a path MTU below ${smallest} (${below.map((p) => p.pmtu).join(', ')}); tcp_mtu_probing is ${probing}, so black holes are probed`, evidence)]
    }
    const e = below[0].example
    const sockets = below.reduce((n, p) => n + p.sockets, 0)
    return [
      fail(meta, {
        severity: 'warning',
        message: `${plural(sockets, 'socket')} on a path MTU below the smallest interface MTU ${smallest} (${below.map((p) => `${p.pmtu}: ${p.sockets}`).join(', ')}), e.g. ${e.local} → ${e.peer}${e.process ? ` (${e.process}, pid ${e.pid})` : ''} at ${below[0].pmtu}; tcp_mtu_probing is ${probing ?? '?'}: where ICMP "fragmentation needed" is filtered, large segments vanish`,
        evidence,
        remediation: remedy(
          ctx.options.where,
          'Turn on MTU probing after a black hole is detected (1, as Cloudflare advises; 2 probes always and costs throughput on good paths). On the tunnel or VPN router, clamp the MSS to the path MTU (iptables -t mangle ... TCPMSS --clamp-mss-to-pmtu) and let ICMP type 3 code 4 / ICMPv6 packet-too-big through.',
          [['net.ipv4.tcp_mtu_probing', 1]],
          [`ss -tni dst ${e.peer}  # pmtu, mss, advmss`, `tracepath -n ${splitEndpoint(e.peer).address}`],
        ),
        details: below.slice(0, ctx.options.maxDetails).map((p) => ({ pmtu: p.pmtu, sockets: p.sockets, local: p.example.local, remote: p.example.peer })),
      }),
    ]
  },
}
