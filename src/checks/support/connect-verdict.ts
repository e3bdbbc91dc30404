// The judgement of `netdoc connect HOST:PORT`: one attempt (src/probes/connect.ts) → the `connect.result` finding.
// Pure, like a check, but not in the catalogue: it needs a target and runs only from its own command.
// Kernel behaviour: KNOWLEDGE.md "Connect outcomes"; ip-sysctl.rst tcp_syn_retries, tcp_syn_linear_timeouts.
import type { Sysctls } from '../../model/facts.js'
import type { Evidence, Finding } from '../../model/finding.js'
import type { ConnectAttempt } from '../../probes/connect.js'
import { formatEndpoint } from '../../parsers/address.js'
import { SYN_SYSCTLS, synSettings } from '../../derived/syn-retries.js'
import { formatSeconds } from '../../derived/format.js'
import { docsFor, plural, sysctlEvidence } from './findings.js'

export const CONNECT_CHECK = 'connect.result'
export type ConnectVerdict = 'ok' | 'refused' | 'timeout' | 'unreachable' | 'dns' | 'error'

/** The verdict word of an attempt. */
export function verdictOf(a: ConnectAttempt): ConnectVerdict {
  if (a.outcome === 'connected') return 'ok'
  if (a.phase === 'dns') return 'dns'
  if (a.outcome === 'deadline' || a.code === 'ETIMEDOUT') return 'timeout'
  if (a.code === 'ECONNREFUSED') return 'refused'
  if (a.code === 'EHOSTUNREACH' || a.code === 'ENETUNREACH') return 'unreachable'
  return 'error'
}

const ms = (v: number) => `${v < 10 ? v.toFixed(2) : v.toFixed(0)} ms`

export interface ConnectInput {
  /** what the user asked for: host as given and port */
  host: string
  port: number
  timeoutSeconds: number
  attempt: ConnectAttempt
  /** the sysctls fact, undefined when it could not be read */
  sysctls?: Sysctls
}

export function connectFinding(input: ConnectInput): Finding {
  const { host, port, attempt: a } = input
  const verdict = verdictOf(a)
  const remote = formatEndpoint(a.address ?? host, port)
  const named = a.address && a.address !== host ? ` (${host} → ${a.address})` : ''
  const evidence: Evidence[] = [
    { source: 'connect', name: 'verdict', value: verdict },
    { source: 'connect', name: 'connectMs', value: round(a.connectMs), unit: 'ms' },
  ]
  if (a.phase === 'dns' || named) evidence.push({ source: 'connect', name: 'dnsMs', value: round(a.dnsMs), unit: 'ms' })
  if (a.code) evidence.push({ source: 'connect', name: 'errno', value: a.code })
  evidence.push({ source: 'connect', name: 'timeoutSeconds', value: input.timeoutSeconds, unit: 's' })
  if (verdict === 'ok') {
    return { check: CONNECT_CHECK, status: 'pass', title: 'Connection', message: `connected to ${remote}${named} in ${ms(a.connectMs)}`, subject: { remote }, evidence }
  }
  const failed = (title: string, message: string, text: string, commands: string[]): Finding => ({
    check: CONNECT_CHECK,
    status: 'fail',
    severity: 'critical',
    title,
    message,
    subject: { remote },
    evidence,
    remediation: { text, commands, docs: docsFor(CONNECT_CHECK) },
  })
  const ip = a.address ?? host
  switch (verdict) {
    case 'dns':
      return failed(
        'Name did not resolve',
        a.outcome === 'deadline'
          ? `looking up ${host} took longer than ${input.timeoutSeconds} s: the resolver does not answer`
          : `${host} did not resolve (${a.code}${a.code === 'ENOTFOUND' ? ': no address found: no such name, or no resolver answered' : a.code === 'EAI_AGAIN' ? ': the resolver could not be reached or answered "try again"' : ''})`,
        'Check the name, then the resolver this host uses (/etc/resolv.conf, systemd-resolved) and /etc/hosts.',
        [`getent ahosts ${host}`, 'cat /etc/resolv.conf', `resolvectl query ${host}  # with systemd-resolved`],
      )
    case 'refused':
      return failed(
        'Connection refused',
        `${remote}${named} answered the SYN with RST in ${ms(a.connectMs)}: nothing listens on port ${port} at that address, or a firewall rejects with tcp-reset`,
        `On ${ip}: is the service running, and does it listen on this address (a service bound to 127.0.0.1 refuses connections to the host's other addresses)? Then look for REJECT rules. A refusal is immediate; clients that retry should back off.`,
        [`ss -ltnp 'sport = :${port}'  # on ${ip}: what listens on the port`, "iptables -S | grep -i reject; nft list ruleset | grep -i reject"],
      )
    case 'timeout': {
      evidence.push(...synSysctlEvidence(input.sysctls))
      const g = synSettings(input.sysctls)
      if (g) evidence.push({ source: 'connect', name: 'kernelGiveUpSeconds', value: g.seconds, unit: 's' }, { source: 'connect', name: 'synsBeforeGiveUp', value: g.syns })
      return failed('Connection timed out', timeoutMessage(input, remote + named), TIMEOUT_FIX, [
        `tcpdump -ni any 'tcp port ${port} and tcp[tcpflags] & (tcp-syn|tcp-rst) != 0'  # SYNs leaving, answers coming back?`,
        `traceroute -T -p ${port} ${ip}`,
        'iptables -S | grep -i drop; nft list ruleset | grep -i drop',
        'sysctl net.ipv4.tcp_syn_retries net.ipv4.tcp_syn_linear_timeouts',
      ])
    }
    case 'unreachable':
      return failed(
        'Destination unreachable',
        `${remote}${named} unreachable after ${ms(a.connectMs)}: ${a.code === 'ENETUNREACH' ? 'no route to that network (ENETUNREACH)' : 'EHOSTUNREACH: no route, no ARP/ND answer on the link, or an ICMP unreachable from a router or firewall'}`,
        'Check the route to the address and the link: a missing route or default gateway, a host down on the local link, or a firewall that rejects with icmp-host-unreachable.',
        [`ip route get ${ip}`, 'ip neigh show', "iptables -S | grep -i 'reject-with icmp'"],
      )
    default:
      return failed(
        'Connection failed',
        `connect to ${remote}${named} failed with ${a.code}${ERRNO_HINT[a.code ?? ''] ?? ''}`,
        'The error is local to this host; see the hint in the message.',
        [`ip route get ${ip}`, 'iptables -S OUTPUT'],
      )
  }
}

const ERRNO_HINT: Record<string, string> = {
  EPERM: ': a local firewall rule (OUTPUT chain) blocked the SYN',
  EACCES: ': a local firewall rule or security policy blocked the connection',
  EADDRNOTAVAIL: ': no local address or ephemeral port available (see netdoc ports)',
  ECONNRESET: ': the peer reset the connection during the handshake',
}

const TIMEOUT_FIX =
  'The SYN got no answer: the host is down, a firewall drops the SYN (or its answer), or the server drops SYNs because its SYN/accept queue is full (run `netdoc queues` there). Clients should set their own connect timeout instead of waiting for the kernel; lowering net.ipv4.tcp_syn_retries shortens the kernel wait for every connection of the host.'

function timeoutMessage(input: ConnectInput, where: string): string {
  const a = input.attempt
  const head =
    a.code === 'ETIMEDOUT'
      ? `no answer to the SYNs from ${where}: the kernel gave up after ${(a.connectMs / 1000).toFixed(1)} s`
      : `no answer to the SYN from ${where} in ${input.timeoutSeconds} s`
  const g = synSettings(input.sysctls)
  if (!g) return `${head}; net.ipv4.tcp_syn_retries could not be read, so how long the kernel would keep trying is unknown`
  const settings = `tcp_syn_retries ${g.retries}${g.linear !== undefined ? `, tcp_syn_linear_timeouts ${g.linear}` : ''}`
  if (a.code === 'ETIMEDOUT') return `${head} (${settings}: ${plural(g.syns, 'SYN')} over ${formatSeconds(g.seconds)})`
  return `${head}; the kernel would keep trying for ${formatSeconds(g.seconds)} (${plural(g.syns, 'SYN')} with ${settings}) before connect() fails`
}

const round = (v: number) => Math.round(v * 1000) / 1000

/** The sysctls a timeout verdict cites, as evidence. */
export function synSysctlEvidence(sysctls: Sysctls | undefined): Evidence[] {
  return SYN_SYSCTLS.filter((n) => sysctls?.has(n)).map((n) => sysctlEvidence(n, sysctls!.get(n)))
}
