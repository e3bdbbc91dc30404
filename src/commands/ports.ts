import { NetdocCommand } from '../cli/base.js'
import type { Report } from '../model/report.js'

export default class Ports extends NetdocCommand {
  static summary = 'Ephemeral port range and its use per destination; descriptor limits of socket-owning processes'
  static examples = ['<%= config.bin %> ports', '<%= config.bin %> ports --interval 10 --json', '<%= config.bin %> ports --netns web']
  protected topic = 'ports'
  protected viewTopic = 'ports' as const

  async run(): Promise<Report> {
    const { flags } = await this.parse(Ports)
    return this.runReport({ flags, topics: [] })
  }
}
