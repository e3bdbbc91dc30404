// `netdoc conntrack`: the conntrack table (fill, timeouts, per-CPU counters summed, at both ends of the window)
// and the neighbour tables (entries against gc_thresh, table_fulls). Numbers only; the verdicts are the checks'.
import type { Facts } from '../../model/check.js'
import type { PerCpuStats } from '../../model/facts.js'
import { plural } from '../../derived/format.js'
import { CT_BUCKETS, CT_COUNT, CT_ESTABLISHED, CT_MAX, conntrackLoaded, cpuCounter, KEEPALIVE_TIME } from '../../derived/conntrack.js'
import { foldZeros, Table } from '../layout.js'

const CT_COUNTERS = ['drop', 'early_drop', 'insert_failed', 'invalid', 'search_restart', 'found', 'insert', 'clash_resolve', 'clashres', 'chaintoolong', 'icmp_error', 'error']

function counterTable(start: PerCpuStats | undefined, end: PerCpuStats, names: string[], windowSeconds: number): string[] {
  const rows = names
    .map((n) => cpuCounter(start ?? end, end, n, windowSeconds))
    .filter((c) => c !== undefined)
  const { shown, zero } = foldZeros(rows, (c) => c.value === 0)
  const t = new Table({ head: ['Counter', 'Total', 'Window'] })
  for (const c of shown) t.push([c.name, String(c.value), c.delta === undefined ? '' : String(c.delta)])
  const out = shown.length ? [t.toString()] : []
  if (zero.length) out.push(`all 0: ${zero.map((c) => c.name).join(', ')}`)
  return out
}

export function conntrackView(facts: Facts, windowSeconds: number): string {
  const out: string[] = []
  const sysctls = facts.has('sysctls') ? facts.get('sysctls') : new Map<string, string>()
  if (!conntrackLoaded(sysctls)) {
    out.push('Conntrack: not loaded (no net.netfilter.nf_conntrack_* here)', '')
  } else {
    const count = Number(sysctls.get(CT_COUNT))
    const max = Number(sysctls.get(CT_MAX))
    const fill = Number.isFinite(count) && max > 0 ? ` (${Math.round((count / max) * 100)} %)` : ''
    out.push(
      `Conntrack · ${sysctls.get(CT_COUNT) ?? '?'}/${sysctls.get(CT_MAX) ?? '?'} entries${fill} · buckets ${sysctls.get(CT_BUCKETS) ?? '?'}`,
      `Timeouts · tcp_timeout_established ${sysctls.get(CT_ESTABLISHED) ?? '?'} s · tcp_keepalive_time ${sysctls.get(KEEPALIVE_TIME) ?? '?'} s`,
    )
    if (facts.has('conntrackStats')) {
      const end = facts.get('conntrackStats')
      out.push(`Statistics (${end.source}, summed over ${plural(end.cpus.length, 'CPU')})`, ...counterTable(facts.first('conntrackStats'), end, CT_COUNTERS, windowSeconds))
    } else out.push('Statistics: not available (no /proc/net/stat/nf_conntrack, no conntrack -S)')
    out.push('')
  }
  if (!facts.has('neighbourStats')) {
    out.push('Neighbour tables: not shown here (only the host\'s initial network namespace has them)', '')
    return out.join('\n')
  }
  const start = facts.first('neighbourStats')
  const end = facts.get('neighbourStats')
  const t = new Table({ head: ['Table', 'Entries', 'gc_thresh1/2/3', 'table_fulls', 'Window', 'forced_gc_runs'] })
  for (const [key, name, family] of [['arp', 'ARP (IPv4)', 'ipv4'], ['ndisc', 'NDP (IPv6)', 'ipv6']] as const) {
    const e = end[key]
    if (!e) continue
    const fulls = cpuCounter(start[key] ?? e, e, 'table_fulls', windowSeconds)
    const gc = cpuCounter(start[key] ?? e, e, 'forced_gc_runs', windowSeconds)
    const thresh = [1, 2, 3].map((n) => sysctls.get(`net.${family}.neigh.default.gc_thresh${n}`) ?? '?').join('/')
    t.push([name, String(e.entries ?? '?'), thresh, String(fulls?.value ?? '?'), fulls?.delta === undefined ? '' : String(fulls.delta), String(gc?.value ?? '?')])
  }
  out.push('Neighbour tables', t.toString(), '')
  return out.join('\n')
}
