import type { Check, CheckMeta } from '../model/check.js'
import { fail, pass, plural, rate, rateSeverity, seconds, skip } from './support/findings.js'
import { remedy } from './support/remediation.js'
import { CONNTRACK_LOADED_SYSCTLS } from '../derived/conntrack.js'
import { pathDrops, receivePath, STAGES, stageDrops, type StageRow } from '../derived/receive-path.js'

const meta: CheckMeta = {
  id: 'drops.path',
  topic: 'drops',
  title: 'Receive path',
  failureTitle: 'Packets dropped along the receive path',
  description:
    'The receive path stage by stage (NIC ring and driver, interface, softnet backlog, IP, conntrack, TCP listen, TCP, UDP, socket queue): fails when any stage dropped packets in the window. Its details are a row per stage counter in receive-path order (stage, counter, delta, rate); counters this kernel or driver lacks are absent, not 0.',
  facts: ['counters'],
  // Each stage is judged on what could be read; one that could not is a "not read" row. The sysctls tell a
  // conntrack that is not loaded (no counters, nothing dropped) from statistics that could not be read.
  optionalFacts: ['interfaces', 'softnet', 'listeners', 'udpSockets', 'nics', 'conntrackStats', 'sysctls'],
  sysctls: CONNTRACK_LOADED_SYSCTLS,
  thresholds: {
    warningPerSecond: { value: 1, description: 'packets dropped over the whole path per second, averaged over the window, at or above which the finding is a warning; below it, info' },
    criticalPerSecond: { value: 100, description: 'packets dropped per second over the whole path at or above which the finding is critical' },
  },
}

const label = (id: string) => STAGES.find((s) => s.id === id)!.label

function who(r: StageRow): string {
  const s = r.subject
  if (s.local) return `${s.local}${s.process ? ` (${s.process}${s.pid ? `, pid ${s.pid}` : ''})` : ''}`
  return s.interface ?? ''
}

/** Details rows for JSON, OpenMetrics and HTML: the contract's stage, counter, delta, rate, then the rest. */
export function detailsRow(r: StageRow): Record<string, string | number | boolean | null> {
  const out: Record<string, string | number | boolean | null> = { stage: r.stage, counter: r.counter, delta: r.delta ?? null, rate: r.rate ?? null, value: r.value ?? null, status: r.status, source: r.source }
  for (const [k, v] of Object.entries(r.subject)) if (v !== undefined) out[k] = v as string | number
  if (r.partOf) out.partOf = r.partOf
  return out
}

export const path: Check = {
  meta,
  evaluate(facts, ctx) {
    const w = ctx.windowSeconds
    const rows = receivePath(facts, w)
    const details = rows.map(detailsRow).slice(0, ctx.options.maxDetails)
    const examined = rows.filter((r) => r.status !== 'not read')
    if (examined.length === 0) return [skip(meta, 'no stage of the receive path could be read')]
    const notRead = [...new Set(rows.filter((r) => r.status === 'not read').map((r) => label(r.stage)))]
    const absent = rows.filter((r) => r.status === 'absent').length
    const tail = `${notRead.length ? `; not read: ${notRead.join(', ')}` : ''}${absent ? `; ${plural(absent, 'counter')} absent on this kernel or driver` : ''}`
    const dropped = STAGES.map((s) => ({ stage: s, rows: rows.filter((r) => r.stage === s.id && r.status === 'dropped') })).filter((s) => s.rows.length > 0)
    if (dropped.length === 0) {
      return [pass(meta, `no packet dropped along the receive path ${w > 0 ? `in ${seconds(w)}` : 'since boot'} (${plural(examined.length, 'counter')} read${tail})`, [], details)]
    }
    const parts = dropped.map(({ stage, rows: rs }) => {
      const n = stageDrops(rs, w)
      const counters = rs.map((r) => `${who(r) ? `${who(r)} ` : ''}${r.counter} ${w > 0 ? `+${r.delta}` : r.value}`)
      return `${stage.label} ${w > 0 ? `+${n}` : n} (${counters.join(', ')})`
    })
    const total = pathDrops(dropped.flatMap((s) => s.rows), w)
    const severity = rateSeverity(total, w, ctx)
    return [
      fail(meta, {
        severity,
        title: w > 0 ? undefined : 'Packets dropped along the receive path since boot',
        message: `${plural(dropped.length, 'stage')} dropped ${w > 0 ? `in ${seconds(w)} (${rate(total / w)})` : 'since boot'}: ${parts.join('; ')}${tail}`,
        evidence: dropped.flatMap((s) => s.rows).map((r) => ({ source: r.source, name: r.counter, value: r.value ?? null, ...(r.delta !== undefined ? { delta: r.delta } : {}) })),
        remediation: remedy(
          ctx.options.where,
          `The first stage that dropped is where to act; each stage's own check names the cause and the fix (NIC ring: drops.ring; interface: buffers.nic-drops; softnet: buffers.softnet; IP: drops.ip; TCP listen: queues.accept-overflow; TCP: drops.tcp; UDP: buffers.udp). To see which kernel function dropped each packet: dropwatch (or perf with the skb:kfree_skb tracepoint).`,
          [],
          ['netdoc drops --interval 10', 'dropwatch -l kas  # then: start (the kernel functions that freed dropped packets)'],
        ),
        details,
      }),
    ]
  },
}
