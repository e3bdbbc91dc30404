import { BaseCommand } from '../cli/base.js'
import { catalogue, topicsOf } from '../engine/catalogue.js'

export interface CheckListing {
  id: string
  topic: string
  title: string
  failureTitle: string
  description: string
  /** files and commands it reads, and the /proc/sys path of each sysctl */
  reads: string[]
  facts: string[]
  optionalFacts: string[]
  sysctls: string[]
  needsCapture: boolean
  thresholds: Record<string, { default: number; description: string }>
  docs: string
}

export default class Checks extends BaseCommand {
  static summary = 'List every check by topic: id, title, exactly what it reads, thresholds, doc page'
  static enableJsonFlag = true

  async run(): Promise<CheckListing[]> {
    await this.parse(Checks)
    // The catalogue made at build time: listing imports no check module.
    const entries = await catalogue()
    const list = entries.map(({ meta, reads, docs }) => ({
      id: meta.id,
      topic: meta.topic,
      title: meta.title,
      failureTitle: meta.failureTitle,
      description: meta.description,
      reads,
      facts: meta.facts,
      optionalFacts: meta.optionalFacts ?? [],
      sysctls: meta.sysctls ?? [],
      needsCapture: Boolean(meta.needsCapture),
      thresholds: Object.fromEntries(Object.entries(meta.thresholds ?? {}).map(([k, t]) => [k, { default: t.value, description: t.description }])),
      docs,
    }))
    if (!this.jsonEnabled()) {
      const idWidth = Math.max(...list.map((c) => c.id.length))
      const pad = ' '.repeat(idWidth + 4)
      this.log('Each check by topic: what it reads (files, commands, sysctls); its page is docs/checks/<id>.md.')
      for (const topic of topicsOf(entries)) {
        this.log(`${topic}`)
        for (const c of list.filter((x) => x.topic === topic)) {
          this.log(`  ${c.id.padEnd(idWidth)}  ${c.title}`)
          const files = c.reads.filter((r) => !r.startsWith('/proc/sys/'))
          if (files.length) this.log(`${pad}reads: ${files.join(', ')}${c.needsCapture ? ' (with --pcap or --capture)' : ''}`)
          if (c.sysctls.length) this.log(`${pad}sysctls: ${c.sysctls.join(', ')}`)
          else if (c.reads.some((r) => r.startsWith('/proc/sys/...'))) this.log(`${pad}sysctls: those named in expect.sysctls of --config`)
          const thresholds = Object.entries(c.thresholds).map(([k, t]) => `${k}=${t.default}`)
          if (thresholds.length) this.log(`${pad}thresholds: ${thresholds.join(', ')} (set in --config: checks.${c.id}.thresholds)`)
        }
      }
    }
    return list
  }
}
