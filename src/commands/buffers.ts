import { NetdocCommand } from '../cli/base.js'
import type { Session } from '../engine/session.js'
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
  protected viewSysctls = ['net.ipv4.tcp_rmem', 'net.ipv4.tcp_wmem', 'net.ipv4.tcp_mem', 'net.core.rmem_default', 'net.core.rmem_max', 'net.core.wmem_default', 'net.core.wmem_max', 'net.ipv4.tcp_moderate_rcvbuf', 'net.ipv4.tcp_congestion_control', 'net.ipv4.tcp_available_congestion_control', 'net.core.netdev_max_backlog', 'net.core.netdev_budget', 'net.core.netdev_budget_usecs']

  async run(): Promise<Report> {
    const { flags } = await this.parse(Buffers)
    return this.runReport({ flags, topics: [] })
  }

  protected async view({ run: result }: Session): Promise<string> {
    const { buffersView } = await import('../report/views/buffers.js')
    return buffersView(result.facts, result.options, result.windowSeconds)
  }
}
