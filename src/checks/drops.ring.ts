import type { Check, CheckMeta, Where } from '../model/check.js'
import type { NicDriverStats } from '../model/facts.js'
import type { Finding } from '../model/finding.js'
import { fail, pass, plural, rate, rateSeverity, seconds, skip } from './support/findings.js'
import { placeCommands, shellWord } from './support/remediation.js'
import { ringRows, stageDrops } from '../derived/receive-path.js'

const meta: CheckMeta = {
  id: 'drops.ring',
  topic: 'drops',
  title: 'NIC ring and driver drops',
  failureTitle: 'NIC ring or driver dropping received packets',
  description:
    "A NIC's driver counters of receive drops grew in the window (`ethtool -S`: names differ per driver; known ones per driver family, others named like drop/miss/fifo/no_buf/discard reported by name), with the RX ring size against its maximum (`ethtool -g`) and the exact `ethtool -G` that enlarges it.",
  facts: ['nics'],
  thresholds: {
    warningPerSecond: { value: 1, description: 'driver drops on one interface per second, averaged over the window, at or above which the finding is a warning; below it, info' },
    criticalPerSecond: { value: 100, description: 'driver drops per second on one interface at or above which it is critical' },
  },
}

/**
 * The ring to ask for: double the current RX size, never below it and never above the driver's maximum
 * (KNOWLEDGE "Advice that is right when pasted"); undefined when the ring is unknown or already at its maximum.
 */
export function ringTarget(nic: NicDriverStats): number | undefined {
  const cur = nic.ring?.current.rx
  const max = nic.ring?.max.rx
  if (cur === undefined || max === undefined || cur >= max) return undefined
  return Math.min(max, Math.max(cur * 2, cur + 1))
}

function ringText(nic: NicDriverStats): string {
  if (!nic.ring) return `ring sizes unknown (${nic.ringUnavailable ?? 'ethtool -g gave none'})`
  const { current, max } = nic.ring
  return `RX ring ${current.rx ?? 'n/a'} of at most ${max.rx ?? 'n/a'}`
}

function remediation(nic: NicDriverStats, where: Where | undefined): { text: string; commands: string[] } {
  const dev = shellWord(nic.name)
  const target = ringTarget(nic)
  const atMax = nic.ring?.current.rx !== undefined && nic.ring.current.rx === nic.ring.max.rx
  const commands = [`ethtool -S ${dev} | grep -iE 'drop|miss|fifo|no_buf|discard'`, `ethtool -g ${dev}`]
  if (target !== undefined) commands.push(`ethtool -G ${dev} rx ${target}`)
  commands.push(`ethtool -l ${dev}  # RX queues (channels): more queues spread the load over more CPUs`)
  const text = [
    target !== undefined
      ? `The RX ring (${nic.ring!.current.rx}) is below its maximum (${nic.ring!.max.rx}): enlarge it to ${target}. Many drivers reset the queues to do it (a short outage), and the size is not kept across reboots: set it in the distribution's network configuration (systemd-networkd .link RxBufferSize=, NetworkManager ethtool.ring-rx).`
      : atMax
        ? `The RX ring is already at its maximum (${nic.ring!.max.rx}): spread the interrupts and the receive work over more CPUs (more queues with ethtool -L, irqbalance, RPS) so the ring is emptied sooner.`
        : 'Look at the ring sizes first (ethtool -g); enlarge the RX ring up to its maximum, never beyond it.',
    'A driver counter of buffer allocation failures points at memory, not the ring.',
  ].join(' ')
  return { text, commands: placeCommands(where ?? { kind: 'host' }, commands) }
}

export const ring: Check = {
  meta,
  evaluate(facts, ctx) {
    const w = ctx.windowSeconds
    const nics = facts.get('nics')
    if (nics.length === 0) return [skip(meta, 'no interface but lo in this namespace: no NIC ring to read')]
    const rows = ringRows(facts, w)
    const findings: Finding[] = []
    const notes: string[] = []
    for (const nic of nics) {
      const mine = rows.filter((r) => r.subject.interface === nic.name)
      if (!nic.stats) {
        notes.push(`${nic.name}: no driver statistics (${nic.statsUnavailable})`)
        continue
      }
      const dropped = mine.filter((r) => r.status === 'dropped')
      if (dropped.length === 0) {
        notes.push(`${nic.name}${nic.driver ? ` (${nic.driver})` : ''}: ${mine.some((r) => r.status !== 'absent') ? 'no drop' : 'no drop counter'}, ${ringText(nic)}`)
        continue
      }
      const n = stageDrops(dropped, w)
      const severity = rateSeverity(n, w, ctx)
      const list = dropped.map((r) => `${r.counter} ${w > 0 ? `+${r.delta}` : r.value} (${r.cause})`).join(', ')
      findings.push(
        fail(meta, {
          severity,
          title: w > 0 ? undefined : 'NIC ring or driver dropped received packets since boot',
          message: `${nic.name}${nic.driver ? ` (${nic.driver})` : ''}: ${plural(n, 'packet')} dropped by the NIC or its driver ${w > 0 ? `in ${seconds(w)} (${rate(n / w)})` : 'since boot'}: ${list}; ${ringText(nic)}`,
          subject: { interface: nic.name },
          evidence: [
            ...dropped.map((r) => ({ source: r.source, name: r.counter, value: r.value ?? null, ...(r.delta !== undefined ? { delta: r.delta } : {}) })),
            ...(nic.ring ? [{ source: `ethtool -g ${nic.name}`, name: 'rx', value: nic.ring.current.rx ?? null }, { source: `ethtool -g ${nic.name}`, name: 'rx max', value: nic.ring.max.rx ?? null }] : []),
          ],
          remediation: remediation(nic, ctx.options.where),
        }),
      )
    }
    if (findings.length) return findings
    if (!nics.some((n) => n.stats)) return [skip(meta, `no driver statistics could be read: ${notes.join('; ')}`)]
    return [pass(meta, `${plural(nics.length, 'interface')}, no driver drop ${w > 0 ? `in ${seconds(w)}` : 'since boot'}: ${notes.join('; ')}`)]
  },
}
