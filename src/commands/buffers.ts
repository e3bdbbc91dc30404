import { NetdocCommand } from '../cli/base.js'
import type { Session } from '../engine/session.js'
import { VIEW_SYSCTLS } from '../engine/view-sysctls.js'
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
  protected viewFacts = ['sysctls' as const, 'interfaces' as const, 'softnet' as const, 'tcpInfo' as const, 'counters' as const]
  protected viewSysctls = [...VIEW_SYSCTLS.buffers]

  async run(): Promise<Report> {
    const { flags } = await this.parse(Buffers)
    return this.runReport({ flags, topics: [] })
  }

  protected async view({ run: result }: Session): Promise<string> {
    const { buffersView } = await import('../report/views/buffers.js')
    return buffersView(result.facts, result.options, result.windowSeconds)
  }
}
