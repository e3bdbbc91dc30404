// /sys/class/net/IFACE/statistics/* and /sys/class/net/IFACE/speed (Documentation/ABI/testing/sysfs-class-net,
// sysfs-class-net-statistics). One decimal number per file. speed is Mbit/s; virtual links print -1 or refuse
// the read (EINVAL), both meaning unknown.
import { ParseError } from './parse-error.js'

/** The receive-path statistics files netdoc reads. */
export const RX_STAT_FILES = ['rx_packets', 'rx_dropped', 'rx_fifo_errors', 'rx_missed_errors'] as const

export const statisticsPath = (iface: string, stat: string): string => `/sys/class/net/${iface}/statistics/${stat}`
export const speedPath = (iface: string): string => `/sys/class/net/${iface}/speed`
export const mtuPath = (iface: string): string => `/sys/class/net/${iface}/mtu`

/** The interface MTU in bytes (one decimal number). */
export function parseSysNetMtu(text: string, path: string): number {
  const t = text.trim()
  const n = Number(t)
  if (!/^\d+$/.test(t) || !Number.isFinite(n) || n === 0) throw new ParseError(path, `not an MTU in bytes: ${t.slice(0, 40)}`)
  return n
}

export function parseSysNetStatistic(text: string, path: string): number {
  const t = text.trim()
  const n = Number(t)
  // digits too long for a double make Infinity, not a counter
  if (!/^\d+$/.test(t) || !Number.isFinite(n)) throw new ParseError(path, `not a counter: ${t.slice(0, 40)}`)
  return n
}

/** Mbit/s, or undefined when the link does not know (-1, 0, or the unknown 65535 of some drivers). */
export function parseSysNetSpeed(text: string, path: string): number | undefined {
  const t = text.trim()
  if (!/^-?\d+$/.test(t)) throw new ParseError(path, `not a speed in Mbit/s: ${t.slice(0, 40)}`)
  const n = Number(t)
  return n > 0 && n !== 65535 && Number.isFinite(n) ? n : undefined
}
