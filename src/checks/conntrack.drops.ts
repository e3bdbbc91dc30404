import type { Check, CheckMeta } from '../model/check.js'
import type { Evidence } from '../model/finding.js'
import { fail, pass, plural, seconds, skip } from './support/findings.js'
import { CONNTRACK_LOADED_SYSCTLS, conntrackLoaded, cpuCounter, NOT_LOADED, type CpuCounter } from '../derived/conntrack.js'
import { remedy } from './support/remediation.js'

const meta: CheckMeta = {
  id: 'conntrack.drops',
  topic: 'conntrack',
  title: 'Conntrack drops',
  failureTitle: 'Conntrack dropped packets',
  description:
    'The per-CPU conntrack statistics (/proc/net/stat/nf_conntrack, or conntrack -S): drop (a new flow found the table full), early_drop (an unreplied entry was evicted to make room) and insert_failed (two packets of one new flow raced; the Kubernetes 5-second DNS delay), summed over CPUs, judged on their growth in the window.',
  facts: ['sysctls', 'conntrackStats'],
  optionalFacts: ['kernelLog'],
  sysctls: CONNTRACK_LOADED_SYSCTLS,
}

const CAUSES: Record<string, string> = {
  drop: 'a new flow found the table full and its packet was dropped',
  early_drop: 'unreplied entries were evicted to make room: the table is at its limit',
  insert_failed: 'two packets of one new flow raced to insert it (parallel UDP queries from one socket, e.g. glibc A and AAAA lookups: the 5-second DNS delay)',
}

export const conntrackDrops: Check = {
  meta,
  evaluate(facts, ctx) {
    if (!conntrackLoaded(facts.get('sysctls'))) return [skip(meta, NOT_LOADED)]
    const start = facts.first('conntrackStats')
    const end = facts.get('conntrackStats')
    const w = ctx.windowSeconds
    const counters = Object.keys(CAUSES).map((n) => cpuCounter(start, end, n, w)).filter((c): c is CpuCounter => c !== undefined)
    if (counters.length === 0) return [skip(meta, `${end.source} has none of drop, early_drop, insert_failed on this kernel`)]
    const log = facts.optional('kernelLog')
    const evidence: Evidence[] = counters.map((c) => ({ source: end.source, name: c.name, value: c.value, ...(c.delta !== undefined ? { delta: c.delta } : {}) }))
    const logNote = log ? (log.conntrackFull.count ? ` The kernel log has ${log.conntrackFull.count} "table full" lines, the last: ${log.conntrackFull.last}` : '') : ' (the kernel log was not readable: dmesg needs root where kernel.dmesg_restrict is 1)'
    if (log?.conntrackFull.count) evidence.push({ source: 'dmesg', name: 'nf_conntrack: table full, dropping packet', value: log.conntrackFull.count })
    const grew = w > 0 ? counters.filter((c) => (c.delta ?? 0) > 0) : counters.filter((c) => c.value > 0)
    if (grew.length === 0) return [pass(meta, w > 0 ? `no conntrack drop, early_drop or insert_failed in ${seconds(w)} (${end.source})` : `no conntrack drop, early_drop or insert_failed since boot (${end.source})`, evidence)]
    const full = grew.some((c) => c.name !== 'insert_failed')
    const list = grew.map((c) => `${w > 0 ? c.delta : c.value} ${c.name}`).join(', ')
    const text = `${grew.map((c) => `${c.name}: ${CAUSES[c.name]}.`).join(' ')}${full ? ' Make room: see conntrack.table (count against nf_conntrack_max, global for the host), or stop tracking what needs no state (nft notrack / iptables -t raw -j CT --notrack for high-rate UDP such as DNS).' : ' For DNS: `options single-request-reopen` in resolv.conf, or a node-local DNS cache.'}`
    return [
      fail(meta, {
        severity: w > 0 ? (full ? 'critical' : 'warning') : 'info',
        title: w > 0 ? meta.failureTitle : 'Conntrack dropped packets since boot',
        message: `${w > 0 ? `in ${seconds(w)}` : 'since boot'}: ${list} (${end.source}, summed over ${plural(end.cpus.length, 'CPU')})${logNote}`,
        evidence,
        remediation: remedy(ctx.options.where, text, [], ['conntrack -S']),
      }),
    ]
  },
}
