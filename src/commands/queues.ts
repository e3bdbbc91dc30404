import { NetdocCommand } from '../cli/base.js'
import type { Report } from '../model/report.js'

export default class Queues extends NetdocCommand {
  static summary = 'SYN and accept queues: per-listener fill, overflow and drop counters, backlog vs somaxconn'
  static examples = ['<%= config.bin %> queues', '<%= config.bin %> queues --interval 10 --json', '<%= config.bin %> queues --netns web']
  protected topic = 'queues'
  protected viewTopic = 'queues' as const

  async run(): Promise<Report> {
    const { flags } = await this.parse(Queues)
    return this.runReport({ flags, topics: [] })
  }
}
