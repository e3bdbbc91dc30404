import { NetdocCommand } from '../cli/base.js'
import type { Report } from '../model/report.js'

export default class Resets extends NetdocCommand {
  static summary = 'How connections end: RST vs FIN counters with their causes, and with --pcap/--capture a verdict per connection'
  static examples = [
    '<%= config.bin %> resets',
    '<%= config.bin %> resets --interval 10 --json',
    '<%= config.bin %> resets --pcap traffic.pcap',
    '<%= config.bin %> resets --capture any --duration 30 --filter "tcp port 8080"',
  ]
  protected topic = 'resets'
  protected viewTopic = 'resets' as const

  async run(): Promise<Report> {
    const { flags } = await this.parse(Resets)
    return this.runReport({ flags, topics: [] })
  }
}
