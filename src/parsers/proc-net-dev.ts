// /proc/net/dev (net/core/net-procfs.c dev_seq_printf_stats): two header lines, then per interface
// "name: rx bytes packets errs drop fifo frame compressed multicast  tx bytes packets errs drop fifo colls carrier compressed".
// rx "drop" is rx_dropped + rx_missed_errors; "fifo" is rx_fifo_errors. The /sys statistics files separate them.
import { ParseError } from './parse-error.js'

const RX = ['rx_bytes', 'rx_packets', 'rx_errors', 'rx_drop', 'rx_fifo_errors', 'rx_frame', 'rx_compressed', 'rx_multicast']
const TX = ['tx_bytes', 'tx_packets', 'tx_errors', 'tx_dropped', 'tx_fifo_errors', 'tx_colls', 'tx_carrier_errors', 'tx_compressed']

/** interface name → counters named as above (rx_drop is the /proc/net/dev sum, not /sys rx_dropped). */
export function parseProcNetDev(text: string): Map<string, Record<string, number>> {
  const out = new Map<string, Record<string, number>>()
  let lineNo = 0
  for (const line of text.split('\n')) {
    lineNo++
    const colon = line.indexOf(':')
    // The two header lines have a | and no colon. An interface name may hold a | (only /, : and spaces are
    // refused: dev_valid_name), so a line with a colon is an interface whatever else it holds.
    if (line.trim() === '' || (colon < 0 && line.includes('|'))) continue
    if (colon < 0) throw new ParseError('/proc/net/dev', `line ${lineNo}: no "name:" prefix: ${line.slice(0, 80)}`)
    const name = line.slice(0, colon).trim()
    const values = line.slice(colon + 1).trim().split(/\s+/).map(Number)
    if (values.length !== 16 || !values.every(Number.isFinite)) throw new ParseError('/proc/net/dev', `line ${lineNo}: ${name} has ${values.length} values, expected 16 numbers`)
    const stats: Record<string, number> = {}
    ;[...RX, ...TX].forEach((k, i) => (stats[k] = values[i]))
    out.set(name, stats)
  }
  return out
}
