import { NetdocCommand } from '../cli/base.js'
import type { Report } from '../model/report.js'

export default class Conntrack extends NetdocCommand {
  static summary = 'The conntrack table (fill, drops, timeouts against keepalive) and the neighbour (ARP/NDP) tables'
  static examples = ['<%= config.bin %> conntrack', '<%= config.bin %> conntrack --interval 10 --idle-timeout 600', '<%= config.bin %> conntrack --netns web --json']
  protected topic = ['conntrack', 'neigh']
  protected viewTopic = 'conntrack' as const

  async run(): Promise<Report> {
    const { flags } = await this.parse(Conntrack)
    return this.runReport({ flags, topics: [] })
  }
}
