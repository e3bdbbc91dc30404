import { NetdocCommand } from '../cli/base.js'
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
  protected viewTopic = 'keepalive' as const

  async run(): Promise<Report> {
    const { flags } = await this.parse(Keepalive)
    return this.runReport({ flags, topics: [] })
  }
}
