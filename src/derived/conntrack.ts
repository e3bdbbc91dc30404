// Shared by the conntrack checks and the conntrack view: whether conntrack is loaded here, and the per-CPU
// statistics summed over the window.
import type { PerCpuStats, Sysctls } from '../model/facts.js'
import { sumCpus } from '../parsers/proc-net-stat.js'

export const CT_MAX = 'net.netfilter.nf_conntrack_max'
export const CT_COUNT = 'net.netfilter.nf_conntrack_count'
export const CT_ESTABLISHED = 'net.netfilter.nf_conntrack_tcp_timeout_established'
export const CT_BUCKETS = 'net.netfilter.nf_conntrack_buckets'
export const KEEPALIVE_TIME = 'net.ipv4.tcp_keepalive_time'
/** gc_thresh1..3 of a family's neighbour table */
export const gcThresh = (family: 'ipv4' | 'ipv6', n: 1 | 2 | 3): string => `net.${family}.neigh.default.gc_thresh${n}`
export const GC_THRESH = (['ipv4', 'ipv6'] as const).flatMap((f) => ([1, 2, 3] as const).map((n) => gcThresh(f, n)))

/** What `netdoc conntrack` shows besides the checks' findings. */
export const CONNTRACK_VIEW_SYSCTLS = [CT_COUNT, CT_MAX, CT_BUCKETS, CT_ESTABLISHED, KEEPALIVE_TIME, ...GC_THRESH]

/** net.netfilter.* exists only while the nf_conntrack module is loaded (in this namespace's view). */
/** The sysctls that tell whether conntrack is loaded: every conntrack check reads them. */
export const CONNTRACK_LOADED_SYSCTLS = [CT_MAX, CT_COUNT, CT_ESTABLISHED]

export const conntrackLoaded = (sysctls: Sysctls): boolean => sysctls.has(CT_MAX) || sysctls.has(CT_COUNT) || sysctls.has(CT_ESTABLISHED)

export const NOT_LOADED = 'conntrack is not loaded (no net.netfilter.nf_conntrack_* here): nothing is tracked, so no table can fill'

export interface CpuCounter {
  name: string
  /** the total over every CPU at the end of the window */
  value: number
  /** its growth over the window; undefined without a window, or when a counter went down (module reloaded) */
  delta?: number
}

/** A per-CPU counter summed at both ends of the window; undefined when the kernel does not keep it. */
export function cpuCounter(start: PerCpuStats, end: PerCpuStats, name: string, windowSeconds: number): CpuCounter | undefined {
  const value = sumCpus(end, name)
  if (value === undefined) return undefined
  const before = sumCpus(start, name)
  if (windowSeconds <= 0 || before === undefined || value < before) return { name, value }
  return { name, value, delta: value - before }
}
