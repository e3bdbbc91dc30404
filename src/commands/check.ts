import { Args } from '@oclif/core'

import { NetdocCommand } from '../cli/base.js'
import type { RunResult } from '../engine/run.js'
import type { FactId } from '../model/facts.js'
import type { Report } from '../model/finding.js'
import type { Format } from '../report/index.js'
import { TOPIC_VIEWS, VIEW_TOPICS, type TopicView } from '../report/views/index.js'

export default class Check extends NetdocCommand {
  static summary = 'Run every check (or those of the given topics): the CI health gate'
  static description = 'Exit 0 when no failing finding is at or above --fail-on, 1 when one is, 2 when netdoc could not do what was asked.'
  static strict = false
  static args = { topic: Args.string({ description: 'topics or check ids to run (queues, timewait, ports, keepalive, buffers, resets, ...)' }) }
  static examples = ['<%= config.bin %> check', '<%= config.bin %> check queues timewait --interval 5', '<%= config.bin %> check --format junit --fail-on warning > netdoc.xml']

  async run(): Promise<Report> {
    const { flags, argv } = await this.parse(Check)
    return this.runReport({ flags, topics: argv as string[] })
  }

  /** The HTML page shows every topic's view (the terminal stays one screen: none there). */
  protected viewFacts(format: Format, topics: string[]): FactId[] {
    if (format !== 'html') return []
    const named = new Set(topics.map((t) => t.split('.')[0]))
    return [...new Set(VIEW_TOPICS.filter((t) => named.size === 0 || named.has(t)).flatMap((t) => TOPIC_VIEWS[t].facts))]
  }

  protected async views(result: RunResult, report: Report, format: Format): Promise<TopicView[]> {
    if (format !== 'html') return []
    const ran = new Set(report.findings.map((f) => f.check.split('.')[0]))
    const views: TopicView[] = []
    for (const topic of VIEW_TOPICS.filter((t) => ran.has(t))) views.push({ topic, text: await TOPIC_VIEWS[topic].draw(result) })
    return views
  }
}
