import type { Check, CheckMeta } from '../model/check.js'
import type { Finding } from '../model/finding.js'
import { sysctlNumber } from '../parsers/sysctl.js'
import { fail, pass, skip, sysctlEvidence } from './support/findings.js'
import { joinListeners, listenerLabel, listenerSubject } from '../derived/listeners.js'
import { remedy } from './support/remediation.js'

const meta: CheckMeta = {
  id: 'queues.backlog-capped',
  topic: 'queues',
  title: 'Listen backlogs',
  failureTitle: 'Listen backlog capped',
  description:
    "A listener's accept-queue limit equals net.core.somaxconn while somaxconn is below 4096 (the application asked for more and was capped), or is 511 (the nginx/Node.js/Redis default) on a listener that has overflowed: raising somaxconn alone does not help until the application's backlog is raised too.",
  facts: ['listeners', 'sysctls'],
  sysctls: ['net.core.somaxconn'],
}

const APP_DEFAULT_BACKLOG = 511
const MODERN_SOMAXCONN = 4096

export const backlogCapped: Check = {
  meta,
  evaluate(facts, ctx) {
    const somaxconnText = facts.get('sysctls').get('net.core.somaxconn')
    const somaxconn = sysctlNumber(somaxconnText)
    if (somaxconn === undefined) return [skip(meta, 'net.core.somaxconn is not readable')]
    const findings: Finding[] = []
    for (const w of joinListeners(facts)) {
      const l = w.last
      if (l.sendQ === undefined) continue
      const overflowed = w.full || (w.dropsDelta ?? 0) > 0 || (l.drops ?? 0) > 0
      const evidence = [sysctlEvidence('net.core.somaxconn', somaxconnText), { source: l.source, name: 'Send-Q', value: l.sendQ }]
      if (l.sendQ === somaxconn && somaxconn < MODERN_SOMAXCONN) {
        findings.push(
          fail(meta, {
            severity: 'warning',
            message: `${listenerLabel(l)} backlog is capped at net.core.somaxconn=${somaxconn} (the default is 4096 since Linux 5.4)`,
            subject: { ...listenerSubject(l), sysctl: 'net.core.somaxconn' },
            evidence,
            remediation: remedy(
              ctx.options.where,
              'Raise net.core.somaxconn so the backlog the application asks for takes effect, and persist it. The application must then be restarted (listen() reads the limit once).',
              [['net.core.somaxconn', 4096]],
            ),
          }),
        )
      } else if (l.sendQ === APP_DEFAULT_BACKLOG && overflowed) {
        findings.push(
          fail(meta, {
            severity: 'warning',
            message: `${listenerLabel(l)} uses backlog 511, the nginx/Node.js/Redis default, and has overflowed: raising net.core.somaxconn (${somaxconn}) alone does not change it`,
            subject: listenerSubject(l),
            evidence,
            remediation: {
              text: "Raise the application's own backlog (nginx `listen PORT backlog=4096;`, Node.js `server.listen({port, backlog: 4096})`, Redis `tcp-backlog 4096`), with net.core.somaxconn at least as high.",
              commands: [`ss -ltn 'sport = :${l.port}'`],
            },
          }),
        )
      }
    }
    return findings.length ? findings : [pass(meta, `no listener is capped by net.core.somaxconn=${somaxconn}`)]
  },
}
