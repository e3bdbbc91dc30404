// `conntrack -S` (conntrack-tools): the per-CPU statistics over netlink, for kernels built without
// CONFIG_NF_CONNTRACK_PROCFS (no /proc/net/stat/nf_conntrack). One line per CPU, decimal key=value pairs:
//   cpu=0   	found=0 invalid=12 insert=0 insert_failed=0 drop=0 early_drop=0 error=0 search_restart=3 ...
// Names as the kernel's CTA_STATS_* attributes (conntrack-tools src/conntrack.c, nfct_stats); no `entries`
// (that is `conntrack -C`). Needs CAP_NET_ADMIN.
import type { PerCpuStats } from '../model/facts.js'
import { ParseError } from './parse-error.js'

const WHAT = 'conntrack -S'

export function parseConntrackStats(text: string): PerCpuStats {
  const out: PerCpuStats = { source: WHAT, cpus: [] }
  text.split('\n').forEach((line, i) => {
    if (line.trim() === '') return
    const pairs = line.trim().split(/\s+/)
    if (!/^cpu=\d+$/.test(pairs[0])) throw new ParseError(WHAT, `line ${i + 1}: not a cpu=N line: ${line.slice(0, 80)}`)
    const row: Record<string, number> = {}
    for (const pair of pairs.slice(1)) {
      const m = /^([a-z_]+)=(\d{1,20})$/.exec(pair)
      if (!m) throw new ParseError(WHAT, `line ${i + 1}: not a name=number pair: ${pair.slice(0, 40)}`)
      row[m[1]] = Number(m[2])
    }
    out.cpus.push(row)
  })
  if (out.cpus.length === 0) throw new ParseError(WHAT, 'no cpu=N line')
  return out
}
