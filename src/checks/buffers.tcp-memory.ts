import type { Check, CheckMeta } from '../model/check.js'
import { severityRank, type Evidence, type Severity } from '../model/finding.js'
import { sysctlNumbers } from '../parsers/sysctl.js'
import { formatBytes } from '../derived/format.js'
import { counterEvidence, fail, pass, plural, readCounter, seconds, sysctlEvidence } from './support/findings.js'
import { remedy } from './support/remediation.js'

const meta: CheckMeta = {
  id: 'buffers.tcp-memory',
  topic: 'buffers',
  title: 'TCP memory',
  failureTitle: 'TCP memory under pressure',
  description:
    'TCP memory in use (/proc/net/sockstat "TCP: mem", pages) is above the pressure level of net.ipv4.tcp_mem, or near its max; or the counters of memory pressure and receive-queue pruning (TCPMemoryPressures, PruneCalled, RcvPruned, TCPRcvCollapsed, TCPAbortOnMemory) grew.',
  facts: ['sysctls', 'counters'],
  optionalFacts: ['sockstat'],
  sysctls: ['net.ipv4.tcp_mem'],
  thresholds: { criticalShareOfMax: { value: 0.9, description: 'TCP memory at or above this share of tcp_mem max is critical (above the pressure level is a warning)' } },
}

const PRESSURE_COUNTERS = ['TcpExtTCPMemoryPressures', 'TcpExtPruneCalled', 'TcpExtRcvPruned', 'TcpExtTCPRcvCollapsed', 'TcpExtTCPAbortOnMemory']
// Collapsing merges queued segments to save memory: routine on a busy receiver, so on its own it is info.
const ROUTINE = new Set(['TcpExtTCPRcvCollapsed'])

export const tcpMemory: Check = {
  meta,
  evaluate(facts, ctx) {
    const w = ctx.windowSeconds
    const problems: string[] = []
    let severity: Severity | undefined
    const raise = (s: Severity) => {
      if (severityRank(s) > severityRank(severity)) severity = s
    }
    const evidence: Evidence[] = []

    // Pages in use at either sample, against tcp_mem (host-wide; a network namespace other than the host's does not show it).
    const memRaw = facts.get('sysctls').get('net.ipv4.tcp_mem')
    const tcpMem = sysctlNumbers(memRaw)
    const hasSockstat = facts.has('sockstat')
    const pages = hasSockstat ? Math.max(facts.first('sockstat').TCP?.mem ?? 0, facts.get('sockstat').TCP?.mem ?? 0) : 0
    if (hasSockstat) evidence.push({ source: '/proc/net/sockstat', name: 'TCP mem', value: pages, unit: 'pages' })
    let level = ''
    if (!hasSockstat) {
      level = 'TCP memory unknown (/proc/net/sockstat could not be read)'
    } else if (tcpMem?.length === 3) {
      evidence.push(sysctlEvidence('net.ipv4.tcp_mem', memRaw))
      const [, pressure, max] = tcpMem
      // Pages, not bytes: a page is 4 KiB on x86_64 but 64 KiB on many arm64 and ppc64le kernels (getconf PAGESIZE).
      level = `TCP memory ${plural(pages, 'page')} of tcp_mem pressure ${pressure} / max ${plural(max, 'page')}`
      if (pages >= ctx.threshold('criticalShareOfMax') * max) {
        raise('critical')
        problems.push(`${level}: ${Math.round((pages / max) * 100)} % of max; at max, new segments are dropped and sockets aborted`)
      } else if (pages >= pressure) {
        raise('warning')
        problems.push(`${level}: above the pressure level, the kernel shrinks buffers`)
      }
    } else {
      level = `TCP memory ${plural(pages, 'page')} (tcp_mem is not visible here: it is host-wide; run on the host)`
    }

    const grown: string[] = []
    let pressed = false
    for (const name of PRESSURE_COUNTERS) {
      const c = readCounter(facts, name, w)
      if (!c) continue
      evidence.push(counterEvidence(c))
      const n = w > 0 ? (c.delta ?? 0) : c.value
      if (n > 0) grown.push(`${name.replace('TcpExt', '')} ${w > 0 ? '+' : ''}${n}`)
      if (n > 0 && !ROUTINE.has(name)) pressed = true
    }
    if (grown.length) {
      raise(w > 0 && pressed ? 'warning' : 'info')
      problems.push(w > 0 ? `grew in ${seconds(w)}: ${grown.join(', ')}` : `since boot: ${grown.join(', ')}`)
    }

    if (!severity) return [pass(meta, `${level}; no memory pressure or pruning${w > 0 ? ` in ${seconds(w)}` : ' since boot'}`, evidence)]
    const suggest = tcpMem?.length === 3 ? tcpMem.map((v) => v * 2).join(' ') : undefined
    return [
      fail(meta, {
        severity,
        title: w === 0 && severity === 'info' ? 'TCP memory pressure since boot' : undefined,
        message: problems.join('; '),
        evidence,
        remediation: remedy(
          ctx.options.where,
          'Find what holds TCP memory: sockets with large unread Recv-Q (applications that read slowly) or many buffers. If the load is legitimate, raise net.ipv4.tcp_mem (pages, not bytes: getconf PAGESIZE; host-wide). Pruning means receive queues outgrew their buffer: read faster, or allow larger buffers; collapsing alone is the kernel compacting queues, routine on a busy receiver.',
          suggest ? [['net.ipv4.tcp_mem', suggest]] : [],
          [
            // -O keeps each socket on one line with its skmem, so sorting by the queued bytes keeps them together.
            "ss -tnmO | awk 'match($0, /skmem:\\(r[0-9]+/) {print substr($0, RSTART + 8, RLENGTH - 8), $0}' | sort -rn | head  # bytes queued (skmem r), then the socket",
            'cat /proc/net/sockstat',
            'nstat -az TcpExtTCPMemoryPressures TcpExtPruneCalled TcpExtRcvPruned TcpExtTCPRcvCollapsed TcpExtTCPAbortOnMemory',
          ],
        ),
      }),
    ]
  },
}
