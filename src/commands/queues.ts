import { NetdocCommand } from '../cli/base.js'
import type { Session } from '../engine/session.js'
import type { Report } from '../model/report.js'

export default class Queues extends NetdocCommand {
  static summary = 'SYN and accept queues: per-listener fill, overflow and drop counters, backlog vs somaxconn'
  static examples = ['<%= config.bin %> queues', '<%= config.bin %> queues --interval 10 --json', '<%= config.bin %> queues --netns web']
  protected topic = 'queues'
  protected viewFacts = ['listeners' as const, 'sysctls' as const]
  protected viewSysctls = ['net.core.somaxconn', 'net.ipv4.tcp_max_syn_backlog']

  async run(): Promise<Report> {
    const { flags } = await this.parse(Queues)
    return this.runReport({ flags, topics: [] })
  }

  protected async view({ run: result }: Session): Promise<string> {
    const { queuesView } = await import('../report/views/queues.js')
    return queuesView(result.facts)
  }
}
