import type { Check, CheckMeta } from '../model/check.js'
import type { Finding, Severity } from '../model/finding.js'
import { DROP_STATS, interfacesDrops } from '../derived/buffers.js'
import { percent } from '../derived/format.js'
import { fail, pass, plural, seconds } from './support/findings.js'
import { shellWord } from './support/remediation.js'

const meta: CheckMeta = {
  id: 'buffers.nic-drops',
  topic: 'buffers',
  title: 'Interface receive drops',
  failureTitle: 'Interface dropping received packets',
  description:
    "An interface's rx_dropped, rx_fifo_errors or rx_missed_errors grew as a share of the packets it received in the window: the NIC ring overflowed (fifo, missed) or the stack dropped what it could not take (dropped).",
  facts: ['interfaces', 'sysctls'],
  sysctls: ['net.core.netdev_budget', 'net.core.netdev_max_backlog'],
  thresholds: {
    warningShare: { value: 0.001, description: 'drops / (packets + drops) in the window above which an interface is a warning (0.1 %)' },
    criticalShare: { value: 0.01, description: 'the share above which it is critical (1 %)' },
    minPackets: { value: 1000, description: 'fewer packets than this in the window: growth is only info (too few to judge a share)' },
  },
}

const pct = (x: number) => percent(x, 3)

export const nicDrops: Check = {
  meta,
  evaluate(facts, ctx) {
    const w = ctx.windowSeconds
    const windowed = w > 0
    const sysctls = facts.get('sysctls')
    const warnAt = ctx.threshold('warningShare')
    const critAt = ctx.threshold('criticalShare')
    const minPackets = ctx.threshold('minPackets')
    const rows = interfacesDrops(facts, windowed)
    const details = rows.map((r) => ({ interface: r.iface.name, packets: r.packets, drops: r.drops, share: +(r.share * 100).toFixed(4), ...Object.fromEntries(Object.entries(r.byStat).map(([k, g]) => [k, windowed ? (g.delta ?? null) : g.value])) })).slice(0, ctx.options.maxDetails)
    const findings: Finding[] = []
    for (const r of rows) {
      if (r.drops === 0) continue
      let severity: Severity
      if (!windowed) {
        if (r.share <= warnAt) continue // since boot, a trickle of drops is normal
        severity = 'info'
      } else if (r.packets < minPackets) severity = 'info'
      else if (r.share > critAt) severity = 'critical'
      else if (r.share > warnAt) severity = 'warning'
      else continue
      const name = r.iface.name
      const dev = shellWord(name) // an interface name may hold any character but '/', ':' and blanks
      const which = DROP_STATS.filter((s) => (windowed ? r.byStat[s]?.delta : r.byStat[s]?.value)).map((s) => `${s} ${windowed ? '+' : ''}${windowed ? r.byStat[s].delta : r.byStat[s].value}`)
      findings.push(
        fail(meta, {
          severity,
          title: windowed ? undefined : 'Interface dropped received packets since boot',
          message: `${name}: ${plural(r.drops, 'packet')} dropped of ${r.drops + r.packets} received (${pct(r.share)}) ${windowed ? `in ${seconds(w)}` : 'since boot'}: ${which.join(', ')}`,
          subject: { interface: name },
          evidence: Object.entries(r.byStat).map(([k, g]) => ({ source: `/sys/class/net/${name}/statistics/${k}`, name: k, value: g.value, ...(g.delta !== undefined ? { delta: g.delta } : {}) })),
          remediation: {
            text:
              'rx_fifo_errors / rx_missed_errors: the NIC ring filled before the kernel emptied it; enlarge the RX ring and spread interrupts over more CPUs (RSS queues, irqbalance). ' +
              "The command sets the ring to the pre-set maximum that `ethtool -g` reports (never above it, never below the current size); many drivers reset their queues when the ring changes (a short outage), and the size is lost at reboot: set it in the network configuration (systemd-networkd .link RxBufferSize=, NetworkManager ethtool.ring-rx, ifupdown post-up). " +
              'rx_dropped: the stack refused packets (unknown protocol, no buffer, a full backlog): see buffers.softnet. net.core.netdev_max_backlog does not help ring overflows: it sizes the per-CPU backlog that RPS and non-NAPI drivers queue to.',
            commands: [
              `ethtool -g ${dev}  # current and pre-set maximum ring sizes`,
              `ethtool -G ${dev} rx "$(ethtool -g ${dev} | awk '/^Pre-set maximums/ {m = 1} m && /^RX:/ {print $2; exit}')"  # the maximum; resets the queues on many drivers`,
              `ethtool -S ${dev} | grep -iE 'drop|miss|fifo|no_buf'`,
              "grep . /proc/net/softnet_stat  # per CPU, hex: processed dropped time_squeeze",
            ],
          },
          details: details.filter((d) => d.interface === name),
        }),
      )
    }
    if (findings.length) return findings
    return [pass(meta, `${plural(rows.length, 'interface')}: no receive drops above ${pct(warnAt)}${windowed ? ` in ${seconds(w)}` : ' since boot'}`, [], details)]
  },
}
