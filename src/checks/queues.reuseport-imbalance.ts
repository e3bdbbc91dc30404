import type { Check, CheckMeta } from '../model/check.js'
import type { Finding } from '../model/finding.js'
import { fail, pass, plural, skip, sysctlEvidence } from './support/findings.js'
import { listenerLabel, listenerSources, listenerSubject, ssListenerCommand, type ListenerWindow } from '../derived/listeners.js'
import { reuseportGroups } from '../derived/listener-topology.js'
import { remedy } from './support/remediation.js'

const meta: CheckMeta = {
  id: 'queues.reuseport-imbalance',
  topic: 'queues',
  title: 'SO_REUSEPORT groups',
  failureTitle: 'A SO_REUSEPORT member is stalled',
  description:
    'Several listening sockets on one address and port (SO_REUSEPORT) each have their own accept queue, and the kernel hashes each new connection to one of them. A member whose queue fills (or whose drops grow) while its siblings idle is a stalled worker: the connections hashed to it wait or are dropped. Members with different backlogs are a half-finished upgrade.',
  facts: ['listeners', 'sysctls'],
  sysctls: ['net.ipv4.tcp_migrate_req'],
  thresholds: {
    stalledFill: { value: 0.8, description: 'Recv-Q / Send-Q at or above which a member counts as stalled (or it dropped in the window)' },
    idleFill: { value: 0.2, description: 'Recv-Q / Send-Q below which a sibling counts as keeping up' },
  },
}

const MIGRATE = 'net.ipv4.tcp_migrate_req'

export const reuseportImbalance: Check = {
  meta,
  evaluate(facts, ctx) {
    const groups = reuseportGroups(facts)
    if (groups.length === 0) {
      const n = facts.get('listeners').length
      return n ? [pass(meta, `${plural(n, 'listener')}, no SO_REUSEPORT group (no two on one address and port)`)] : [skip(meta, 'no TCP listener here')]
    }
    if (groups.every((g) => g.members.every((m) => m.last.sendQ === undefined))) {
      return [skip(meta, `accept-queue limits are unknown without ss (read from ${listenerSources(facts.get('listeners'))}): members cannot be compared`)]
    }
    const stalledAt = ctx.threshold('stalledFill')
    const idleBelow = ctx.threshold('idleFill')
    const migrate = facts.get('sysctls').get(MIGRATE)
    const isStalled = (m: ListenerWindow) => m.full || (m.last.sendQ !== undefined && m.peakFill >= stalledAt) || (m.dropsDelta ?? 0) > 0
    const keepsUp = (m: ListenerWindow) => !m.full && m.peakFill < idleBelow && !m.dropsDelta
    const findings: Finding[] = []
    for (const g of groups) {
      const stalled = g.members.filter(isStalled)
      const fine = g.members.filter(keepsUp)
      if (stalled.length && fine.length) {
        const others = fine.map((m) => m.peakRecvQ)
        for (const m of stalled) {
          const l = m.last
          const drops = m.dropsDelta ? `, ${plural(m.dropsDelta, 'drop')} in the window` : ''
          const text = `Find why this worker stopped calling accept() (a blocked event loop, a long request in its accept thread, a debugger) and restart it if it is stuck; the kernel keeps hashing new connections to its queue while it is open.${migrate === '0' ? ` Closing it resets the connections in its queue unless ${MIGRATE} is 1 (Linux 5.14+), which migrates them to its siblings.` : ''}`
          const pid = l.processes[0]?.pid
          findings.push(
            fail(meta, {
              severity: 'critical',
              message: `${listenerLabel(l)}: member of a SO_REUSEPORT group of ${g.members.length}, accept queue ${m.peakRecvQ}/${l.sendQ ?? '?'}${m.full ? ' (full)' : ''}${drops}, while ${plural(fine.length, 'sibling')} hold ${Math.min(...others)}–${Math.max(...others)}: the connections hashed to it wait or are dropped`,
              subject: listenerSubject(l),
              evidence: [
                { source: l.source, name: 'Recv-Q', value: m.peakRecvQ },
                { source: l.source, name: 'Send-Q', value: l.sendQ ?? null },
                ...(m.dropsDelta !== undefined ? [{ source: l.source, name: 'skmem d', value: l.drops ?? null, delta: m.dropsDelta }] : []),
                ...(migrate !== undefined ? [sysctlEvidence(MIGRATE, migrate)] : []),
              ],
              remediation: remedy(ctx.options.where, text, migrate === '0' ? [[MIGRATE, 1]] : [], [ssListenerCommand(l), ...(pid ? [`grep -E '^(State|voluntary_ctxt_switches)' /proc/${pid}/status`] : [])]),
              details: g.members.map((x) => ({ local: x.local, pid: x.last.processes[0]?.pid ?? null, process: x.last.processes[0]?.name ?? null, recvQ: x.peakRecvQ, sendQ: x.last.sendQ ?? null, dropsDelta: x.dropsDelta ?? null })),
            }),
          )
        }
      }
      const backlogs = [...new Set(g.members.map((m) => m.last.sendQ).filter((q): q is number => q !== undefined))].sort((a, b) => a - b)
      if (backlogs.length > 1) {
        findings.push(
          fail(meta, {
            severity: 'warning',
            title: 'SO_REUSEPORT members have different backlogs',
            message: `${g.local}: the ${g.members.length} members of its SO_REUSEPORT group have different accept-queue limits (${backlogs.join(', ')}): a half-finished upgrade or workers configured apart; the smaller queues overflow first`,
            subject: { local: g.local, side: 'server' },
            evidence: g.members.map((m) => ({ source: m.last.source, name: `Send-Q ${m.last.processes[0] ? `pid ${m.last.processes[0].pid}` : m.local}`, value: m.last.sendQ ?? null })),
            remediation: { text: 'Give every member the same listen() backlog (and net.core.somaxconn at least that), or finish the upgrade so that only one generation of workers listens.', commands: [ssListenerCommand(g.members[0].last)] },
          }),
        )
      }
    }
    if (findings.length) return findings
    const sizes = groups.map((g) => `${g.local} (${g.members.length})`).join(', ')
    return [pass(meta, `${plural(groups.length, 'SO_REUSEPORT group')}, every member keeping up: ${sizes}`)]
  },
}
