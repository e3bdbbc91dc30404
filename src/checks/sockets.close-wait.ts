import type { Check, CheckMeta } from '../model/check.js'
import type { CloseWaitGroup } from '../model/facts.js'
import type { Finding, Subject } from '../model/finding.js'
import { fail, pass, plural } from './support/findings.js'

const meta: CheckMeta = {
  id: 'sockets.close-wait',
  topic: 'sockets',
  title: 'CLOSE_WAIT',
  failureTitle: 'CLOSE_WAIT sockets accumulating',
  description:
    'CLOSE_WAIT sockets per local endpoint (server side) or remote (client side) and process, present in both samples: the peer closed, the application never called close(). Each holds a descriptor.',
  facts: ['census'],
  attribution: { server: 'close-wait', client: 'close-wait' },
  thresholds: {
    warning: { value: 10, description: 'CLOSE_WAIT sockets of one process on one endpoint, in both samples: warning' },
    critical: { value: 1000, description: 'the same count: critical' },
  },
}

/** Per endpoint: the census counts CLOSE_WAIT per endpoint, and the owners pass splits a group by process afterwards. */
const endpoint = (g: CloseWaitGroup) => `${g.side}|${g.local ?? g.remote}`

function perEndpoint(groups: CloseWaitGroup[]): Map<string, number> {
  const out = new Map<string, number>()
  for (const g of groups) out.set(endpoint(g), (out.get(endpoint(g)) ?? 0) + g.count)
  return out
}

function label(g: CloseWaitGroup): string {
  const owner = g.pid !== undefined ? `${g.process ?? '?'} (pid ${g.pid})` : 'an unknown process (run as root with ss for process names)'
  return g.side === 'server' ? `${owner} on ${g.local}` : `${owner} toward ${g.remote}`
}

export const socketsCloseWait: Check = {
  meta,
  evaluate(facts, ctx) {
    const warnAt = ctx.threshold('warning')
    const findings: Finding[] = []
    // What lingered on an endpoint (in both samples), then each process's share of it at the end of the window
    // (its owners are read once, at the end: a process holds at most what lingered on its endpoint).
    const start = perEndpoint(facts.first('census').closeWait)
    const census = facts.get('census')
    const groups = census.closeWait
    const end = perEndpoint(groups)
    for (const g of groups) {
      const onEndpoint = Math.min(start.get(endpoint(g)) ?? 0, end.get(endpoint(g)) ?? 0)
      const n = Math.min(g.count, onEndpoint)
      if (n < warnAt) continue
      const before = start.get(endpoint(g))
      const subject: Subject = { side: g.side, ...(g.local ? { local: g.local } : { remote: g.remote }) }
      if (g.pid !== undefined) Object.assign(subject, { pid: g.pid, process: g.process })
      const pid = g.pid ?? 'PID'
      findings.push(
        fail(meta, {
          severity: n >= ctx.threshold('critical') ? 'critical' : 'warning',
          message: `${plural(n, 'CLOSE_WAIT socket')} held by ${label(g)} in both samples: the peer closed them but the application never calls close() (a descriptor leak). Confirm with \`ss -tanp state close-wait\` and \`ls -l /proc/${pid}/fd\``,
          subject,
          evidence: [
            // the group's own read: the owners pass's when it replaced the census's group, else the census's
            { source: g.source, name: 'CLOSE-WAIT', value: g.count },
            ...(before !== undefined && ctx.windowSeconds > 0 ? [{ source: `${facts.first('census').source} (start of window)`, name: 'CLOSE-WAIT', value: before }] : []),
          ],
          remediation: {
            text: 'Fix the application: close the socket when read() returns 0 (end of stream) or on every error path; in pools, evict connections the server closed. No sysctl removes CLOSE_WAIT: the kernel waits for the application. Restarting the process releases them until the leak fills again.',
            commands: [`ss -tanp state close-wait${g.local ? ` '( sport = :${g.local.slice(g.local.lastIndexOf(':') + 1)} )'` : ''}`, `ls -l /proc/${pid}/fd | grep -c socket`],
          },
        }),
      )
    }
    if (findings.length) return findings
    const total = census.states['CLOSE-WAIT'] ?? 0
    return [pass(meta, `${plural(total, 'CLOSE_WAIT socket')}; no process holds ${warnAt} or more on one endpoint through the window`, [{ source: census.source, name: 'CLOSE-WAIT', value: total }])]
  },
}
