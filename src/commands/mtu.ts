import { NetdocCommand } from '../cli/base.js'
import type { Report } from '../model/report.js'

export default class Mtu extends NetdocCommand {
  static summary = 'IP fragmentation and reassembly failures, UDP datagrams larger than the MTU (from a capture), path MTU below the interface MTU, MTU probing'
  static examples = ['<%= config.bin %> mtu', '<%= config.bin %> mtu --interval 10', '<%= config.bin %> mtu --pcap udp.pcap', '<%= config.bin %> mtu --capture eth0 --duration 10', '<%= config.bin %> mtu --netns web --json']
  protected topic = 'mtu'
  protected viewTopic = 'mtu' as const

  async run(): Promise<Report> {
    const { flags } = await this.parse(Mtu)
    return this.runReport({ flags, topics: [] })
  }
}
