import { NetdocCommand } from '../cli/base.js'
import type { Report } from '../model/report.js'

export default class Mtu extends NetdocCommand {
  static summary = 'IP fragmentation and reassembly failures, path MTU below the interface MTU, MTU probing'
  static examples = ['<%= config.bin %> mtu', '<%= config.bin %> mtu --interval 10', '<%= config.bin %> mtu --netns web --json']
  protected topic = 'mtu'
  protected viewTopic = 'mtu' as const

  async run(): Promise<Report> {
    const { flags } = await this.parse(Mtu)
    return this.runReport({ flags, topics: [] })
  }
}
