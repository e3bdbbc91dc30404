import { NetdocCommand } from '../cli/base.js'
import type { Session } from '../engine/session.js'
import type { Report } from '../model/report.js'

export default class Ports extends NetdocCommand {
  static summary = 'Ephemeral port range and its use per destination; descriptor limits of socket-owning processes'
  static examples = ['<%= config.bin %> ports', '<%= config.bin %> ports --interval 10 --json', '<%= config.bin %> ports --netns web']
  protected topic = 'ports'
  protected viewFacts = ['census' as const, 'sysctls' as const, 'descriptors' as const]
  protected viewSysctls = ['net.ipv4.ip_local_port_range', 'net.ipv4.ip_local_reserved_ports', 'net.ipv4.tcp_tw_reuse', 'net.ipv4.tcp_timestamps']

  async run(): Promise<Report> {
    const { flags } = await this.parse(Ports)
    return this.runReport({ flags, topics: [] })
  }

  protected async view({ run: result }: Session): Promise<string> {
    const { portsView } = await import('../report/views/ports.js')
    return portsView(result.facts)
  }
}
