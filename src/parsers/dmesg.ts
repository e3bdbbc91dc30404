// Kernel log lines (`dmesg`) that say a table overflowed: "nf_conntrack: table full, dropping packet"
// (net/netfilter/nf_conntrack_core.c, __nf_conntrack_alloc) and "neighbour: arp_cache: neighbor table overflow!"
// (net/core/neighbour.c, neigh_alloc). Streamed: only matching lines are kept, the last of each kind.
import type { KernelLog } from '../model/facts.js'

const PATTERNS: Array<[keyof KernelLog, RegExp]> = [
  ['conntrackFull', /nf_conntrack: table full, dropping packet/],
  ['neighbourOverflow', /neighbou?r table overflow/],
]

export async function parseDmesg(lines: AsyncIterable<string> | Iterable<string>): Promise<KernelLog> {
  const out: KernelLog = { conntrackFull: { count: 0 }, neighbourOverflow: { count: 0 } }
  for await (const line of lines) {
    for (const [kind, re] of PATTERNS) {
      if (re.test(line)) {
        out[kind].count++
        out[kind].last = line.trim().slice(0, 300)
      }
    }
  }
  return out
}
