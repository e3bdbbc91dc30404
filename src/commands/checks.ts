import { BaseCommand } from '../cli/base.js'
import { catalogue } from '../engine/catalogue.js'

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
      const { renderCheckList } = await import('../report/checks-list.js')
      const { screenWidth } = await import('../report/layout.js')
      process.stdout.write(renderCheckList(list, screenWidth()))
    }
    return list
  }
}
