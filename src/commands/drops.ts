import { NetdocCommand } from '../cli/base.js'
import type { Report } from '../model/report.js'

export default class Drops extends NetdocCommand {
  static summary = 'The receive path stage by stage (NIC ring, interface, softnet backlog, IP, conntrack, TCP/UDP, socket queue): where packets were dropped in the window, with the named cause'
  static examples = ['<%= config.bin %> drops', '<%= config.bin %> drops --interval 10', '<%= config.bin %> drops --netns web --json']
  // The stages other topics already judge are part of the path: their findings show under the table.
  protected topic = ['drops', 'buffers.nic-drops', 'buffers.softnet', 'buffers.udp', 'queues.accept-overflow', 'queues.syn-overflow']
  protected viewTopic = 'drops' as const

  async run(): Promise<Report> {
    const { flags } = await this.parse(Drops)
    return this.runReport({ flags, topics: [] })
  }
}
