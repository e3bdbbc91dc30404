import { NetdocCommand } from '../cli/base.js'
import type { Session } from '../engine/session.js'
import type { Report } from '../model/report.js'

export default class Congestion extends NetdocCommand {
  static summary = 'Weak networks: the congestion control in effect, slow start after idle, loss and RTT per destination (ss -ti)'
  static examples = ['<%= config.bin %> congestion', '<%= config.bin %> congestion --interval 10 --json', '<%= config.bin %> congestion --netns web']
  // tcp.retransmits is the host-wide share; this topic splits it per destination
  protected topic = ['congestion', 'tcp.retransmits']
  protected viewFacts = ['sysctls' as const, 'tcpInfo' as const]
  protected viewSysctls = ['net.ipv4.tcp_congestion_control', 'net.ipv4.tcp_available_congestion_control', 'net.core.default_qdisc', 'net.ipv4.tcp_slow_start_after_idle']

  async run(): Promise<Report> {
    const { flags } = await this.parse(Congestion)
    return this.runReport({ flags, topics: [] })
  }

  protected async view({ run: result }: Session): Promise<string> {
    const { congestionView } = await import('../report/views/congestion.js')
    return congestionView(result.facts, result.options)
  }
}
