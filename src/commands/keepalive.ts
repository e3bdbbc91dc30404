import { NetdocCommand } from '../cli/base.js'
import type { Session } from '../engine/session.js'
import type { Report } from '../model/report.js'

export default class Keepalive extends NetdocCommand {
  static summary = 'Keepalive settings and detection time, and with --pcap/--capture the probes and heartbeats on the wire'
  static examples = [
    '<%= config.bin %> keepalive',
    '<%= config.bin %> keepalive --idle-timeout 350',
    '<%= config.bin %> keepalive --pcap traffic.pcap',
    '<%= config.bin %> keepalive --capture eth0 --duration 120 --filter "tcp port 5432"',
  ]
  protected topic = 'keepalive'
  protected viewFacts = ['sysctls' as const, 'keepaliveSockets' as const]
  protected viewSysctls = ['net.ipv4.tcp_keepalive_time', 'net.ipv4.tcp_keepalive_intvl', 'net.ipv4.tcp_keepalive_probes']

  async run(): Promise<Report> {
    const { flags } = await this.parse(Keepalive)
    return this.runReport({ flags, topics: [] })
  }

  protected async view({ run: result }: Session): Promise<string> {
    const { keepaliveView } = await import('../report/views/keepalive.js')
    return keepaliveView(result.facts)
  }
}
