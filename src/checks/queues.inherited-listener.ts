import type { Check, CheckMeta } from '../model/check.js'
import type { Finding } from '../model/finding.js'
import { fail, pass, plural, skip } from './support/findings.js'
import { ssListenerCommand } from '../derived/listeners.js'
import { heldListeners } from '../derived/listener-topology.js'

const meta: CheckMeta = {
  id: 'queues.inherited-listener',
  topic: 'queues',
  title: 'Listener holders',
  failureTitle: 'A listener leaked into another program',
  description:
    'Every process holding a listening socket (all holders of ss users:((...))). A descriptor survives exec unless it is close-on-exec, so a server that starts `sleep` or a shell hands it its listener: when the server dies the port stays bound and connections queue where nobody accepts. Fails for a holder of another executable than the server (pid 1 socket activation and pre-forked workers of one executable are fine); warns about listeners without close-on-exec in processes that have children; a handover between two generations of one executable is info, a warning when it lasts.',
  facts: ['listeners'],
  optionalFacts: ['listenerHolders'],
  thresholds: { handoverSeconds: { value: 600, description: 'seconds two generations of one server may share a listener (a graceful upgrade) before it is a warning' } },
}

const FIX =
  'Open listeners close-on-exec: socket(..., SOCK_CLOEXEC), accept4(..., SOCK_CLOEXEC), or fcntl(fd, F_SETFD, FD_CLOEXEC) before exec, and O_CLOEXEC for files. Python 3.4+ sockets are non-inheritable unless os.set_inheritable() or pass_fds hands them on; Go and Node set close-on-exec themselves; C, bash `exec 3<>`, subprocess(close_fds=False) and Perl fds at or below $^F do not. Pass a listener on only on purpose (systemd LISTEN_FDS, a graceful upgrade).'

export const inheritedListener: Check = {
  meta,
  evaluate(facts, ctx) {
    const held = heldListeners(facts)
    if (held.length === 0) return [skip(meta, 'no TCP listener here')]
    if (held.every((h) => h.holders.length === 0)) return [skip(meta, 'no listener shows its processes: ss -p names them only to root or their owner (run netdoc as root), and none for a process of another pid namespace')]
    const handoverLimit = ctx.threshold('handoverSeconds')
    const findings: Finding[] = []
    for (const h of held) {
      const l = h.listener
      const serving = h.holders.filter((x) => x.role !== 'leaked')
      for (const x of h.holders.filter((x) => x.role === 'leaked')) {
        const name = x.info?.name ?? x.name
        const orphaned = serving.length === 0
        const server = h.server ? `its server ${h.server}` : 'the server that opened it'
        findings.push(
          fail(meta, {
            severity: orphaned ? 'critical' : 'warning',
            message: orphaned
              ? `${l.local} is held only by ${name} (pid ${x.pid}, fd ${x.fd ?? '?'}): it inherited the listener through exec and never accepts; the port stays bound (EADDRINUSE on restart) and connections queue where nobody accepts`
              : `${l.local} is also held by ${name} (pid ${x.pid}, fd ${x.fd ?? '?'}), not ${server}: the listener was not close-on-exec; when the server stops, ${name} keeps the port bound and connections queue where nobody accepts`,
            subject: { local: l.local, side: 'server', pid: x.pid, process: name },
            evidence: [
              { source: l.source, name: 'holders', value: h.holders.map((y) => `${y.info?.name ?? y.name}/${y.pid}`).join(' ') },
              ...(x.info?.ppid !== undefined ? [{ source: `/proc/${x.pid}/stat`, name: 'ppid', value: x.info.ppid }] : []),
            ],
            remediation: {
              text: `${orphaned ? `Free the port: stop ${name} (pid ${x.pid}), then restart the server. ` : ''}${FIX}`,
              commands: [ssListenerCommand(l), `ls -l /proc/${x.pid}/fd`, ...(orphaned ? [`kill ${x.pid}`] : [])],
            },
          }),
        )
      }
      // Before a leak: a listener without close-on-exec in a process that starts other programs.
      const holderPids = new Set(h.holders.map((x) => x.pid))
      for (const x of serving) {
        const kids = x.info?.children ?? []
        if (x.pid === 1 || x.info?.cloexec !== false || kids.length === 0 || kids.every((k) => holderPids.has(k))) continue
        findings.push(
          fail(meta, {
            severity: 'warning',
            title: 'Listener without close-on-exec in a process with children',
            message: `${l.local} in ${x.info?.name ?? x.name} (pid ${x.pid}, fd ${x.fd}) is not close-on-exec and the process has ${plural(kids.length, 'child', 'children')}: any program it execs inherits the listener`,
            subject: { local: l.local, side: 'server', pid: x.pid, process: x.info?.name ?? x.name },
            evidence: [{ source: `/proc/${x.pid}/fdinfo/${x.fd}`, name: 'flags O_CLOEXEC', value: 0 }],
            remediation: { text: FIX, commands: [`grep flags /proc/${x.pid}/fdinfo/${x.fd}`] },
          }),
        )
      }
      if (h.handover) {
        const age = h.handoverSeconds
        const long = age !== undefined && age >= handoverLimit
        const f = fail(meta, {
          severity: long ? 'warning' : 'info',
          title: 'Graceful upgrade: two generations share a listener',
          message: `${l.local} is held by two generations of ${h.server} (${h.holders.filter((y) => y.role === 'server').map((y) => `pid ${y.pid}`).join(', ')})${age !== undefined ? ` for ${age} s` : ''}: a binary upgrade, tableflip or hot restart in progress${long ? `, longer than ${handoverLimit} s: the old generation may never have exited` : ''}`,
          subject: { local: l.local, side: 'server', process: h.server },
          evidence: age !== undefined ? [{ source: '/proc/PID/stat starttime', name: 'handoverSeconds', value: age, unit: 's' }] : [],
          remediation: { text: 'Finish the upgrade: stop the old generation once the new one serves (nginx: kill -QUIT the old master after USR2 and WINCH).', commands: [ssListenerCommand(l)] },
        })
        findings.push(f)
      }
    }
    if (findings.length) return findings
    const holders = held.reduce((n, h) => n + h.holders.length, 0)
    const noInfo = facts.optional('listenerHolders') ? '' : ' (close-on-exec and process ages unknown: /proc/PID unreadable)'
    return [pass(meta, `${plural(held.length, 'listener')}, ${plural(holders, 'holder')}: each held by its server${noInfo}`)]
  },
}
