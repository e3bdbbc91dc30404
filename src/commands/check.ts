import { Args } from '@oclif/core'

import { NetdocCommand } from '../cli/base.js'
import type { Report } from '../model/report.js'
import type { Format } from '../report/index.js'
import { VIEW_TOPICS, type ViewTopic } from '../report/views/index.js'

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

  /** The HTML page shows the view of every topic it ran; the terminal stays one screen, with none. */
  protected viewTopics(format: Format, topics: string[]): ViewTopic[] {
    if (format !== 'html') return []
    const named = new Set(topics.map((t) => t.split('.')[0]))
    return VIEW_TOPICS.filter((t) => named.size === 0 || named.has(t))
  }
}
