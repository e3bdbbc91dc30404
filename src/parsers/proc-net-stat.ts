// /proc/net/stat/nf_conntrack, /proc/net/stat/arp_cache, /proc/net/stat/ndisc_cache: a header line naming the
// columns, then one line per possible CPU, every counter hexadecimal (%08x). Column sets differ by kernel, so
// columns are read by their header name. `entries` is the table's global count, printed on every row: it is
// kept once, never summed.
// Kernel: net/netfilter/nf_conntrack_standalone.c ct_cpu_seq_show, net/core/neighbour.c neigh_stat_seq_show;
// Documentation/networking/nf_conntrack-sysctl.rst, Documentation/networking/ip-sysctl.rst (neigh/default/gc_thresh3).
import type { PerCpuStats } from '../model/facts.js'
import { ParseError } from './parse-error.js'

export function parseProcNetStat(text: string, what: string): PerCpuStats {
  const lines = text.split('\n').filter((l) => l.trim() !== '')
  if (lines.length === 0) throw new ParseError(what, 'empty')
  const head = lines[0].trim().split(/\s+/)
  if (!head.every((h) => /^[a-z_]+$/.test(h))) throw new ParseError(what, `line 1: not a header of column names: ${lines[0].slice(0, 80)}`)
  const out: PerCpuStats = { source: what, cpus: [] }
  lines.slice(1).forEach((line, i) => {
    const cols = line.trim().split(/\s+/)
    if (cols.length !== head.length) throw new ParseError(what, `line ${i + 2}: ${cols.length} columns, the header names ${head.length}`)
    const row: Record<string, number> = {}
    cols.forEach((c, j) => {
      if (!/^[0-9a-f]{1,16}$/i.test(c)) throw new ParseError(what, `line ${i + 2}, column ${head[j]}: not a hexadecimal counter: ${c.slice(0, 40)}`)
      row[head[j]] = parseInt(c, 16)
    })
    if (row.entries !== undefined) {
      out.entries = row.entries
      delete row.entries
    }
    out.cpus.push(row)
  })
  return out
}

/** One counter summed over every CPU; undefined when this kernel does not print it. */
export function sumCpus(stats: PerCpuStats, name: string): number | undefined {
  let total: number | undefined
  for (const cpu of stats.cpus) if (cpu[name] !== undefined) total = (total ?? 0) + cpu[name]
  return total
}
