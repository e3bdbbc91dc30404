import type { Check, CheckMeta } from '../model/check.js'
import type { Finding } from '../model/finding.js'
import { softnetRows } from '../derived/buffers.js'
import { fail, pass, plural, rateSeverity, seconds, sysctlEvidence } from './support/findings.js'
import { remedy } from './support/remediation.js'

const meta: CheckMeta = {
  id: 'buffers.softnet',
  topic: 'buffers',
  title: 'Softnet backlog',
  failureTitle: 'Packets dropped at the CPU backlog',
  description:
    "Per CPU (/proc/net/softnet_stat): dropped grew (the per-CPU backlog queue was full: net.core.netdev_max_backlog) or time_squeeze grew (the receive softirq ran out of net.core.netdev_budget / netdev_budget_usecs with packets left).",
  facts: ['softnet', 'sysctls'],
  sysctls: ['net.core.netdev_budget', 'net.core.netdev_budget_usecs', 'net.core.netdev_max_backlog'],
  thresholds: {
    warningPerSecond: { value: 1, description: 'packets dropped at one CPU backlog per second, averaged over the window, at or above which the finding is a warning; below it, info' },
    criticalPerSecond: { value: 100, description: 'packets per second dropped at one CPU backlog at or above which the finding is critical' },
  },
}

export const softnet: Check = {
  meta,
  evaluate(facts, ctx) {
    const w = ctx.windowSeconds
    const windowed = w > 0
    const sysctls = facts.get('sysctls')
    const backlog = sysctls.get('net.core.netdev_max_backlog')
    const budget = sysctls.get('net.core.netdev_budget')
    const usecs = sysctls.get('net.core.netdev_budget_usecs')
    const rows = softnetRows(facts, windowed)
    const n = (g: { value: number; delta?: number }) => (windowed ? (g.delta ?? 0) : g.value)
    const details = rows.map((r) => ({ cpu: r.cpu, processed: n(r.processed), dropped: n(r.dropped), timeSqueeze: n(r.squeezed) })).slice(0, ctx.options.maxDetails)
    const findings: Finding[] = []
    for (const r of rows) {
      const dropped = n(r.dropped)
      // Since boot only the drops are worth a line: a squeeze now and then is normal on any busy host.
      const squeezed = windowed ? n(r.squeezed) : 0
      if (dropped === 0 && squeezed === 0) continue
      const when = windowed ? `in ${seconds(w)}` : 'since boot'
      const parts = [dropped ? `${plural(dropped, 'packet')} dropped (backlog full)` : '', squeezed ? `budget ran out ${plural(squeezed, 'time')} (time_squeeze)` : ''].filter(Boolean)
      const settings: Array<[string, number]> = []
      if (dropped) settings.push(['net.core.netdev_max_backlog', Math.max(2000, 2 * (Number(backlog) || 1000))])
      if (squeezed) settings.push(['net.core.netdev_budget', Math.max(600, 2 * (Number(budget) || 300))], ['net.core.netdev_budget_usecs', Math.max(8000, 2 * (Number(usecs) || 2000))])
      const look = ['cat /proc/net/softnet_stat  # per CPU, hex: processed dropped time_squeeze ...', 'grep . /sys/class/net/*/queues/rx-*/rps_cpus']
      findings.push(
        fail(meta, {
          severity: dropped ? rateSeverity(dropped, w, ctx) : 'info',
          title: dropped ? undefined : 'Receive softirq out of budget',
          message: `CPU ${r.cpu}: ${parts.join(', ')} ${when} (${plural(r.processed.delta ?? r.processed.value, 'packet')} processed); netdev_max_backlog ${backlog ?? '?'}, netdev_budget ${budget ?? '?'}, netdev_budget_usecs ${usecs ?? '?'}`,
          subject: { cpu: r.cpu },
          evidence: [
            { source: '/proc/net/softnet_stat', name: 'dropped', value: r.dropped.value, ...(r.dropped.delta !== undefined ? { delta: r.dropped.delta } : {}) },
            { source: '/proc/net/softnet_stat', name: 'time_squeeze', value: r.squeezed.value, ...(r.squeezed.delta !== undefined ? { delta: r.squeezed.delta } : {}) },
            sysctlEvidence('net.core.netdev_max_backlog', backlog),
            sysctlEvidence('net.core.netdev_budget', budget),
            sysctlEvidence('net.core.netdev_budget_usecs', usecs),
          ],
          remediation: remedy(
            ctx.options.where,
            'Drops: the per-CPU backlog (net.core.netdev_max_backlog) filled faster than the softirq drained it; raise it, and spread receive work over more CPUs (RSS queues, RPS). Squeezes: the softirq stopped with work left; raise net.core.netdev_budget and netdev_budget_usecs.',
            settings,
            look,
          ),
          details,
        }),
      )
    }
    if (findings.length) return findings
    return [pass(meta, `${plural(rows.length, 'CPU')}: no backlog drop${windowed ? ` or time_squeeze in ${seconds(w)}` : ' since boot'}`, [sysctlEvidence('net.core.netdev_max_backlog', backlog)], details)]
  },
}
