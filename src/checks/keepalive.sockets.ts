import type { Check, CheckMeta } from '../model/check.js'
import type { KeepaliveGroup } from '../model/facts.js'
import { fail, pass, plural, seconds } from './support/findings.js'

const meta: CheckMeta = {
  id: 'keepalive.sockets',
  topic: 'keepalive',
  title: 'Keepalive on long-lived connections',
  failureTitle: 'Long-lived connections without keepalive',
  description:
    'Established sockets present at both ends of the window that have no keepalive timer (the timer column of the census pass, `ss -tano`), per local listener or per process and destination. Without keepalive (or an application heartbeat) a dead peer or a middlebox that dropped the flow goes unnoticed until the next write.',
  facts: ['keepaliveSockets'],
  attribution: { server: 'established', client: 'established' },
  thresholds: { minSockets: { value: 5, description: 'long-lived sockets without keepalive in one group that make it a finding' } },
}

export const sockets: Check = {
  meta,
  evaluate(facts, ctx) {
    const end = facts.get('keepaliveSockets')
    // With a window, only sockets seen at both ends are long-lived; without one every established socket counts.
    const before = ctx.windowSeconds > 0 ? facts.first('keepaliveSockets').ids : undefined
    const longLived = (g: KeepaliveGroup) => (before ? g.withoutIds.filter((id) => before.has(id)).length : g.without)
    const min = ctx.threshold('minSockets')
    const span = before ? `present for the whole ${seconds(ctx.windowSeconds)} window` : 'established now'
    const findings = []
    for (const g of end.groups) {
      const n = longLived(g)
      if (n < min) continue
      const who = g.process ? ` (${g.process}, pid ${g.pid})` : ''
      const what = g.side === 'server' ? `listener ${g.local}${who}` : `${g.process ?? 'a process'}${g.pid ? ` (pid ${g.pid})` : ''} → ${g.remote}`
      findings.push(
        fail(meta, {
          severity: 'info',
          message: `${what}: ${plural(n, 'connection')} ${span} without keepalive (${g.with} with, ${g.without} without)`,
          subject: g.side === 'server' ? { local: g.local, side: 'server', ...(g.process ? { process: g.process, pid: g.pid } : {}) } : { remote: g.remote, side: 'client', ...(g.process ? { process: g.process, pid: g.pid } : {}) },
          // each group's own read: the owners pass's for a group it replaced, the census's for one it did not
          evidence: [
            { source: g.source, name: 'withKeepalive', value: g.with },
            { source: g.source, name: 'withoutKeepalive', value: g.without },
            { source: g.source, name: 'longLivedWithoutKeepalive', value: n },
          ],
          remediation: {
            text: 'Turn keepalive on for these connections in the application (SO_KEEPALIVE with TCP_KEEPIDLE below the idle timeouts on the path), or send an application heartbeat; otherwise a dead peer or a dropped flow is found only at the next write.',
            commands: [g.side === 'server' ? `ss -tno state established sport = :${g.local!.slice(g.local!.lastIndexOf(':') + 1)}` : `ss -tnop state established dst ${g.remote}`],
          },
        }),
      )
    }
    if (findings.length) return findings
    // the census's own counts, which add up (the groups may be the owners pass's, read a moment later)
    const without = end.total - end.with
    return [
      pass(meta, `${plural(end.total, 'established connection')}: ${end.with} with keepalive, ${without} without; no group has ${min} or more long-lived ones without`, [
        { source: end.source, name: 'withKeepalive', value: end.with },
        { source: end.source, name: 'withoutKeepalive', value: without },
      ]),
    ]
  },
}
