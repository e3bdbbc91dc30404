import type { Check, CheckMeta } from '../model/check.js'
import type { PerCpuStats } from '../model/facts.js'
import type { Finding } from '../model/finding.js'
import { fail, pass, plural, seconds, skip, sysctlEvidence } from './support/findings.js'
import { cpuCounter, GC_THRESH } from '../derived/conntrack.js'
import { remedy } from './support/remediation.js'

const meta: CheckMeta = {
  id: 'neigh.table-overflow',
  topic: 'neigh',
  title: 'Neighbour tables',
  failureTitle: 'Neighbour table overflowed',
  description:
    'The ARP (IPv4) and NDP (IPv6) neighbour tables: table_fulls in /proc/net/stat/arp_cache and ndisc_cache (per CPU, hexadecimal) counts the times the table was at gc_thresh3 and garbage collection could not free an entry ("neighbor table overflow!"): a new neighbour cannot be resolved and packets to it are dropped. Also entries against gc_thresh3.',
  facts: ['neighbourStats', 'sysctls'],
  optionalFacts: ['kernelLog'],
  sysctls: GC_THRESH,
  thresholds: { warningFill: { value: 0.9, description: 'entries / gc_thresh3 at or above which a table is reported (warning)' } },
}

const TABLES = [
  { key: 'arp', name: 'ARP (IPv4)', sysctl: 'net.ipv4.neigh.default.gc_thresh3', family: 'inet' },
  { key: 'ndisc', name: 'NDP (IPv6)', sysctl: 'net.ipv6.neigh.default.gc_thresh3', family: 'inet6' },
] as const

export const neighTableOverflow: Check = {
  meta,
  evaluate(facts, ctx) {
    const start = facts.first('neighbourStats')
    const end = facts.get('neighbourStats')
    const sysctls = facts.get('sysctls')
    const log = facts.optional('kernelLog')
    const w = ctx.windowSeconds
    const findings: Finding[] = []
    const fine: string[] = []
    for (const t of TABLES) {
      const e: PerCpuStats | undefined = end[t.key]
      if (!e) continue
      const s = start[t.key] ?? e
      const fulls = cpuCounter(s, e, 'table_fulls', w)
      const thresh = Number(sysctls.get(t.sysctl))
      const entries = e.entries
      const evidence = [
        ...(fulls ? [{ source: e.source, name: 'table_fulls', value: fulls.value, ...(fulls.delta !== undefined ? { delta: fulls.delta } : {}) }] : []),
        ...(entries !== undefined ? [{ source: e.source, name: 'entries', value: entries }] : []),
        sysctlEvidence(t.sysctl, sysctls.get(t.sysctl)),
      ]
      const grew = w > 0 ? (fulls?.delta ?? 0) : (fulls?.value ?? 0)
      const fill = entries !== undefined && thresh > 0 ? entries / thresh : undefined
      const want = Number.isFinite(thresh) && thresh > 0 ? Math.max(thresh * 2, (entries ?? 0) * 2) : 4096
      const fix = remedy(
        ctx.options.where,
        `Raise gc_thresh3 above the neighbours this host really has (and gc_thresh2, gc_thresh1 with it, e.g. to a half and a quarter): a flat network with many hosts, a large Kubernetes node or a /16 on one interface needs more than 1024. The neighbour tables are one per host: set from the host, not from a container's namespace.`,
        [[t.sysctl.replace('gc_thresh3', 'gc_thresh1'), Math.floor(want / 4)], [t.sysctl.replace('gc_thresh3', 'gc_thresh2'), Math.floor(want / 2)], [t.sysctl, want]],
        [`ip -s -f ${t.family} neigh show | wc -l`],
      )
      if (grew > 0) {
        const logLine = log?.neighbourOverflow.count ? `; the kernel log: ${log.neighbourOverflow.last}` : ''
        findings.push(
          fail(meta, {
            severity: w > 0 ? 'critical' : 'warning',
            message: `${t.name} table full ${plural(grew, 'time')} ${w > 0 ? `in ${seconds(w)}` : 'since boot'} (table_fulls): new neighbours could not be resolved and packets to them were dropped; ${entries !== undefined ? plural(entries, 'entry', 'entries') : '? entries'}, ${t.sysctl} ${sysctls.get(t.sysctl) ?? '?'}${logLine}`,
            subject: { sysctl: t.sysctl },
            evidence,
            remediation: fix,
          }),
        )
      } else if (fill !== undefined && fill >= ctx.threshold('warningFill')) {
        findings.push(
          fail(meta, {
            severity: 'warning',
            title: 'Neighbour table nearly full',
            message: `${t.name} table ${entries}/${thresh} entries (${Math.round(fill * 100)} % of gc_thresh3): at gc_thresh3 new neighbours are refused ("neighbor table overflow!")`,
            subject: { sysctl: t.sysctl },
            evidence,
            remediation: fix,
          }),
        )
      } else fine.push(`${t.name} ${entries ?? '?'}/${Number.isFinite(thresh) ? thresh : '?'}`)
    }
    if (findings.length) return findings
    if (fine.length === 0) return [skip(meta, 'no neighbour table statistics here')]
    return [pass(meta, `no table_fulls ${w > 0 ? `in ${seconds(w)}` : 'since boot'}; entries against gc_thresh3: ${fine.join(', ')}`)]
  },
}
