import type { Check, CheckMeta } from '../model/check.js'
import type { Finding } from '../model/finding.js'
import type { ProcessDescriptors } from '../model/facts.js'
import { sysctlNumber, sysctlNumbers } from '../parsers/sysctl.js'
import { pct } from '../derived/census.js'
import { fail, pass, plural, sysctlEvidence } from './support/findings.js'
import { remedy } from './support/remediation.js'

const meta: CheckMeta = {
  id: 'ports.fd-limit',
  topic: 'ports',
  title: 'Open-file limits',
  failureTitle: 'Process near its open-files limit',
  description:
    'A socket-owning process has a large share of its RLIMIT_NOFILE open (/proc/PID/fd vs /proc/PID/limits), or the system fs.file-nr is near fs.file-max. Beyond the limit accept() and socket() fail with EMFILE/ENFILE.',
  facts: ['descriptors', 'sysctls'],
  sysctls: ['fs.file-max', 'fs.file-nr', 'fs.nr_open'],
  thresholds: {
    warningShare: { value: 0.8, description: 'open descriptors as a share of the soft RLIMIT_NOFILE: warning' },
    criticalShare: { value: 0.95, description: 'the same share: critical' },
    systemShare: { value: 0.8, description: 'fs.file-nr allocated as a share of fs.file-max: warning' },
  },
}

/**
 * `prlimit --nofile=N` sets soft and hard to N, which can lower the hard limit; `--nofile=N:` sets the soft one
 * only. Above the hard limit both must move (root only), and then N is above it, so nothing is lowered.
 */
function prlimitCommand(d: ProcessDescriptors, want: number): string {
  if (d.hardLimit !== undefined && want > d.hardLimit) return `prlimit --pid ${d.pid} --nofile=${want}:${want}  # soft and hard (hard is ${d.hardLimit} now)`
  return `prlimit --pid ${d.pid} --nofile=${want}:  # the soft limit only; the hard limit stays`
}

const prlimitNote = (d: ProcessDescriptors) =>
  d.hardLimit !== undefined ? `raises the soft limit up to the hard one (${d.hardLimit}); it lasts until the process restarts` : 'raises the soft limit; it lasts until the process restarts'

export const portsFdLimit: Check = {
  meta,
  evaluate(facts, ctx) {
    const findings: Finding[] = []
    const procs = facts.get('descriptors')
    const sysctls = facts.get('sysctls')
    const nrOpen = sysctls.get('fs.nr_open')
    for (const d of procs) {
      if (d.open === undefined || !d.limit) continue
      const share = d.open / d.limit
      if (share < ctx.threshold('warningShare')) continue
      findings.push(
        fail(meta, {
          severity: share >= ctx.threshold('criticalShare') ? 'critical' : 'warning',
          message: `${d.name} (pid ${d.pid}) has ${d.open} of ${d.limit} open files (${pct(share)}; ${plural(d.sockets, 'TCP socket')}): past the limit accept() and socket() fail with EMFILE "Too many open files"`,
          subject: { pid: d.pid, process: d.name },
          evidence: [
            { source: `/proc/${d.pid}/fd`, name: 'open', value: d.open },
            { source: `/proc/${d.pid}/limits`, name: 'Max open files', value: d.limit },
            sysctlEvidence('fs.nr_open', nrOpen),
          ],
          remediation: {
            text: `First check for a leak (a count that only grows; CLOSE_WAIT sockets: see sockets.close-wait). Otherwise raise the limit where the service starts: systemd LimitNOFILE= in a drop-in (systemctl edit SERVICE), ulimit -n, or docker --ulimit nofile=; the hard cap is fs.nr_open. For the running process, prlimit ${prlimitNote(d)}.`,
            commands: [`ls /proc/${d.pid}/fd | wc -l`, `grep 'open files' /proc/${d.pid}/limits`, prlimitCommand(d, Math.min(d.limit * 4, sysctlNumber(nrOpen) ?? 1048576))],
          },
        }),
      )
    }
    const fileNr = sysctlNumbers(sysctls.get('fs.file-nr'))
    const fileMax = sysctlNumber(sysctls.get('fs.file-max'))
    if (fileNr && fileMax && fileNr[0] / fileMax >= ctx.threshold('systemShare')) {
      findings.push(
        fail(meta, {
          severity: 'warning',
          title: 'System near fs.file-max',
          message: `${plural(fileNr[0], 'file handle')} allocated of fs.file-max=${fileMax} (${pct(fileNr[0] / fileMax)}): past it every process gets ENFILE "Too many open files in system"`,
          subject: { sysctl: 'fs.file-max' },
          evidence: [sysctlEvidence('fs.file-nr', sysctls.get('fs.file-nr')), sysctlEvidence('fs.file-max', sysctls.get('fs.file-max'))],
          remediation: remedy(ctx.options.where, 'Find the process holding them (ls /proc/*/fd | wc -l per pid), then raise fs.file-max if the load is legitimate.', [['fs.file-max', fileMax * 2]]),
        }),
      )
    }
    if (findings.length) return findings
    const read = procs.filter((d) => d.open !== undefined)
    const top = [...read].filter((d) => d.limit).sort((a, b) => b.open! / b.limit! - a.open! / a.limit!)[0]
    return [pass(meta, `${plural(read.length, 'socket-owning process', 'socket-owning processes')} read${top ? `; the fullest is ${top.name} (pid ${top.pid}) with ${top.open}/${top.limit}` : ''}${fileNr && fileMax ? `; system ${fileNr[0]}/${fileMax}` : ''}`)]
  },
}
