// /proc/net/softnet_stat: one line per online CPU, hexadecimal columns (net/core/net-procfs.c softnet_seq_show;
// Documentation/networking/scaling.rst, Documentation/admin-guide/sysctl/net.rst netdev_max_backlog).
// Columns by position: 1 processed, 2 dropped, 3 time_squeeze, 4-9 unused (0), 10 received_rps,
// 11 flow_limit_count; 12 backlog length and 13 CPU id since Linux 5.10; 14 input_qlen and 15 process_qlen in
// later 6.x kernels. A column the kernel does not print is undefined.
import type { SoftnetCpu } from '../model/facts.js'
import { ParseError } from './parse-error.js'

const WHAT = '/proc/net/softnet_stat'

export function parseProcNetSoftnetStat(text: string): SoftnetCpu[] {
  const out: SoftnetCpu[] = []
  let row = 0
  for (const line of text.split('\n')) {
    if (line.trim() === '') continue
    const cols = line.trim().split(/\s+/)
    if (cols.length < 3) throw new ParseError(WHAT, `line ${row + 1}: ${cols.length} columns, expected at least 3`)
    const n = cols.map((c, i) => {
      // the kernel prints %08x; more than 16 digits is no counter (and 400 of them parse to Infinity)
      if (!/^[0-9a-f]{1,16}$/i.test(c)) throw new ParseError(WHAT, `line ${row + 1}, column ${i + 1}: not a hexadecimal counter: ${c.slice(0, 40)}`)
      return parseInt(c, 16)
    })
    const cpu: SoftnetCpu = { cpu: n[12] ?? row, processed: n[0], dropped: n[1], timeSqueeze: n[2] }
    if (n[9] !== undefined) cpu.receivedRps = n[9]
    if (n[10] !== undefined) cpu.flowLimitCount = n[10]
    if (n[11] !== undefined) cpu.backlogLength = n[11]
    if (n[13] !== undefined) cpu.inputQueueLength = n[13]
    if (n[14] !== undefined) cpu.processQueueLength = n[14]
    out.push(cpu)
    row++
  }
  return out
}
