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
      const idWidth = Math.max(...list.map((c) => c.id.length))
      for (const c of list) {
        this.log(`${c.id.padEnd(idWidth)}  ${c.title}`)
        this.log(`${' '.repeat(idWidth)}  reads: ${c.reads.join(', ')}${c.needsCapture ? ' (with --pcap or --capture)' : ''}`)
        const thresholds = Object.entries(c.thresholds).map(([k, t]) => `${k}=${t.default}`)
        if (thresholds.length) this.log(`${' '.repeat(idWidth)}  thresholds: ${thresholds.join(', ')} (set in --config: checks.${c.id}.thresholds)`)
        this.log(`${' '.repeat(idWidth)}  docs: ${c.docs}`)
      }
    }
    return list
  }
}
