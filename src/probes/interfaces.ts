import type { NetInterface } from '../model/facts.js'
import { Unavailable } from '../model/errors.js'
import { parseProcNetDev } from '../parsers/proc-net-dev.js'
import { mtuPath, parseSysNetMtu, parseSysNetSpeed, parseSysNetStatistic, RX_STAT_FILES, speedPath, statisticsPath } from '../parsers/sys-class-net.js'
import type { Probe } from './probe.js'

// The interface list comes from /proc/net/dev (per namespace, one read); the separate rx_dropped,
// rx_fifo_errors and rx_missed_errors and the link speed from /sys/class/net (read in the namespace too).
export const interfaces: Probe<'interfaces'> = {
  id: 'interfaces',
  reads: ['/proc/net/dev', '/sys/class/net/IFACE/statistics/rx_*', '/sys/class/net/IFACE/speed', '/sys/class/net/IFACE/mtu'],
  async collect(source) {
    const dev = parseProcNetDev(await source.text({ file: '/proc/net/dev' }))
    const names = [...dev.keys()]
    const paths = names.flatMap((n) => [...RX_STAT_FILES.map((s) => statisticsPath(n, s)), speedPath(n), mtuPath(n)])
    const files = names.length ? await source.textMany(paths) : new Map<string, string | Unavailable>()
    const text = (p: string) => {
      const v = files.get(p)
      return typeof v === 'string' ? v : undefined
    }
    return names.map((name): NetInterface => {
      const stats: Record<string, number> = {}
      for (const s of RX_STAT_FILES) {
        const t = text(statisticsPath(name, s))
        if (t !== undefined) stats[s] = parseSysNetStatistic(t, statisticsPath(name, s))
      }
      if (Object.keys(stats).length === 0) {
        // No /sys (an old snapshot, a restricted container): /proc/net/dev's "drop" is rx_dropped + rx_missed_errors.
        const d = dev.get(name)!
        stats.rx_packets = d.rx_packets
        stats.rx_dropped = d.rx_drop
        stats.rx_fifo_errors = d.rx_fifo_errors
      }
      const speed = text(speedPath(name))
      const iface: NetInterface = { name, stats }
      const mbps = speed === undefined ? undefined : parseSysNetSpeed(speed, speedPath(name))
      if (mbps !== undefined) iface.speedMbps = mbps
      const mtu = text(mtuPath(name))
      if (mtu !== undefined) iface.mtu = parseSysNetMtu(mtu, mtuPath(name))
      return iface
    })
  },
}
