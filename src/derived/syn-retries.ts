// How long connect() keeps retrying an unanswered SYN on this host: for the connect verdict and resets.closes.
// Kernel behaviour: KNOWLEDGE.md "Connect outcomes"; ip-sysctl.rst tcp_syn_retries, tcp_syn_linear_timeouts.
import type { Sysctls } from '../model/facts.js'

export const SYN_SYSCTLS = ['net.ipv4.tcp_syn_retries', 'net.ipv4.tcp_syn_linear_timeouts'] as const

const TCP_RTO_INIT = 1 // s, TCP_TIMEOUT_INIT
const TCP_RTO_MAX = 120 // s

/**
 * How long connect() keeps retrying an unanswered SYN before it fails with ETIMEDOUT, and how many SYNs it sends.
 * The kernel gives up at the first retransmission timer that fires once the time budget of tcp_syn_retries
 * (modelled as exponential backoff from 1 s: 2^(n+1) - 1 s, capped per step at 120 s) is spent; the timers
 * themselves stay at 1 s for the first tcp_syn_linear_timeouts retransmissions, then double.
 * Measured in a namespace (kernel 6.18, SYNs dropped by iptables): retries 2/linear 4 → 7 s, 6 SYNs;
 * 3/4 → 19 s, 8 SYNs; 2/0 → 7 s, 3 SYNs; 3/0 → 15 s, 4 SYNs. Defaults 6/4 → 131 s (ip-sysctl.rst says 131 s).
 */
export function synGiveUp(retries: number, linear = 0): { seconds: number; syns: number } {
  const steps = Math.min(Math.max(0, Math.floor(retries)), 255)
  const thresh = Math.floor(Math.log2(TCP_RTO_MAX / TCP_RTO_INIT))
  const budget = steps <= thresh ? ((2 << steps) - 1) * TCP_RTO_INIT : ((2 << thresh) - 1) * TCP_RTO_INIT + (steps - thresh) * TCP_RTO_MAX
  let t = 0
  let rto = TCP_RTO_INIT
  let sent = 1
  // Bounded: t grows by at least 1 s per step and the budget is at most ~30000 s.
  for (;;) {
    t += rto
    if (t >= budget) return { seconds: t, syns: sent }
    sent++
    if (sent - 1 > linear) rto = Math.min(rto * 2, TCP_RTO_MAX)
  }
}

export interface SynSettings {
  retries: number
  linear?: number
  seconds: number
  syns: number
}

/** tcp_syn_retries (and tcp_syn_linear_timeouts where the kernel has it) and what they mean; undefined when unread. */
export function synSettings(sysctls: Sysctls | undefined): SynSettings | undefined {
  const retries = sysctls?.get('net.ipv4.tcp_syn_retries')
  if (retries === undefined || !/^\d+$/.test(retries)) return undefined
  const linearText = sysctls?.get('net.ipv4.tcp_syn_linear_timeouts')
  const linear = linearText !== undefined && /^\d+$/.test(linearText) ? Number(linearText) : undefined
  return { retries: Number(retries), linear, ...synGiveUp(Number(retries), linear ?? 0) }
}
