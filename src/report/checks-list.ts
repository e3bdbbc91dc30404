// `netdoc checks` for a person: the catalogue grouped by topic, one line per check, what it reads wrapped under it.
import { wrap } from './layout.js'

export interface CheckLine {
  id: string
  topic: string
  title: string
  /** files and commands it reads, and the /proc/sys path of each sysctl */
  reads: string[]
  sysctls: string[]
  needsCapture: boolean
  thresholds: Record<string, { default: number }>
}

export function renderCheckList(checks: CheckLine[], width: number): string {
  const topics = new Map<string, CheckLine[]>()
  for (const c of checks) topics.set(c.topic, [...(topics.get(c.topic) ?? []), c])
  const idWidth = Math.max(...checks.map((c) => c.id.length))
  const indent = '      '
  const out = [`${checks.length} checks in ${topics.size} topics; each has its page at docs/checks/<id>.md, thresholds are set in --config (checks.<id>.thresholds)`]
  for (const [topic, list] of topics) {
    out.push('', `${topic} (${list.length})`)
    for (const c of list) {
      out.push(...wrap(c.title, width, `  ${c.id.padEnd(idWidth)}  `, ' '.repeat(idWidth + 4)))
      const thresholds = Object.entries(c.thresholds).map(([k, t]) => `${k}=${t.default}`)
      const files = c.reads.filter((r) => !r.startsWith('/proc/sys/'))
      const sysctls = c.sysctls.length ? c.sysctls.join(', ') : c.reads.some((r) => r.startsWith('/proc/sys/...')) ? 'those in expect.sysctls of --config' : ''
      const reads = [
        files.length ? `reads ${files.join(', ')}${c.needsCapture ? ' (with --pcap or --capture)' : ''}` : '',
        sysctls ? `sysctls ${sysctls}` : '',
        thresholds.length ? `thresholds ${thresholds.join(', ')}` : '',
      ]
        .filter(Boolean)
        .join(' · ')
      out.push(...wrap(reads, width, indent))
    }
  }
  return out.join('\n') + '\n'
}
