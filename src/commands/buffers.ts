import { NetdocCommand } from '../cli/base.js'
import type { Report } from '../model/report.js'

export default class Buffers extends NetdocCommand {
  static summary = 'Buffer autotuning vs bandwidth-delay product, TCP memory, UDP/QUIC buffers, softnet and NIC drops, retransmissions'
  static examples = [
    '<%= config.bin %> buffers',
    '<%= config.bin %> buffers --bandwidth 10Gbit --rtt 50ms',
    '<%= config.bin %> buffers --interval 10 --json',
  ]
  // tcp.retransmits belongs to the tcp topic but answers the same question: is the path being filled?
  protected topic = ['buffers', 'tcp.retransmits']
  protected viewTopic = 'buffers' as const

  async run(): Promise<Report> {
    const { flags } = await this.parse(Buffers)
    return this.runReport({ flags, topics: [] })
  }
}
