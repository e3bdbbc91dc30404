import { NetdocCommand } from '../cli/base.js'
import type { Report } from '../model/report.js'

export default class Congestion extends NetdocCommand {
  static summary = 'Weak networks: the congestion control in effect, slow start after idle, loss and RTT per destination (ss -tnimp state established), and with --pcap/--capture per connection'
  static examples = [
    '<%= config.bin %> congestion',
    '<%= config.bin %> congestion --interval 10 --json',
    '<%= config.bin %> congestion --netns web',
    '<%= config.bin %> congestion --pcap traffic.pcap',
    '<%= config.bin %> congestion --capture eth0 --duration 30 --filter "tcp port 443"',
  ]
  // tcp.retransmits is the host-wide share; this topic splits it per destination
  protected topic = ['congestion', 'tcp.retransmits']
  protected viewTopic = 'congestion' as const

  async run(): Promise<Report> {
    const { flags } = await this.parse(Congestion)
    return this.runReport({ flags, topics: [] })
  }
}
