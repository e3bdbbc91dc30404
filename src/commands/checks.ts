import { BaseCommand } from '../cli/base.js'

import { CHECKS } from '../checks/registry.js'
import { docsFor } from '../checks/support/helpers.js'
import { PROBES } from '../probes/index.js'

export interface CheckListing {
  id: string
  topic: string
  title: string
  failureTitle: string
  description: string
  reads: string[]
  needsCapture: boolean
  thresholds: Record<string, { default: number; description: string }>
  docs: string
}

export default class Checks extends BaseCommand {
  static summary = 'List every check: id, topic, title, what it reads, doc page'
  static enableJsonFlag = true

  async run(): Promise<CheckListing[]> {
    await this.parse(Checks)
    const list = CHECKS.map((c) => ({
      id: c.meta.id,
      topic: c.meta.topic,
      title: c.meta.title,
      failureTitle: c.meta.failureTitle,
      description: c.meta.description,
      reads: [...new Set(c.meta.facts.flatMap((f) => PROBES[f].reads))],
      needsCapture: Boolean(c.meta.needsCapture),
      thresholds: Object.fromEntries(Object.entries(c.meta.thresholds ?? {}).map(([k, t]) => [k, { default: t.value, description: t.description }])),
      docs: docsFor(c.meta.id),
    }))
    if (!this.jsonEnabled()) {
      const { renderCheckList } = await import('../report/checks-list.js')
      const { screenWidth } = await import('../report/layout.js')
      process.stdout.write(renderCheckList(list, screenWidth()))
    }
    return list
  }
}
