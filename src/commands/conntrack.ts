import { NetdocCommand } from '../cli/base.js'
import { CONNTRACK_VIEW_SYSCTLS } from '../derived/conntrack.js'
import type { Session } from '../engine/session.js'
import type { Report } from '../model/report.js'

export default class Conntrack extends NetdocCommand {
  static summary = 'The conntrack table (fill, drops, timeouts against keepalive) and the neighbour (ARP/NDP) tables'
  static examples = ['<%= config.bin %> conntrack', '<%= config.bin %> conntrack --interval 10 --idle-timeout 600', '<%= config.bin %> conntrack --netns web --json']
  protected topic = ['conntrack', 'neigh']
  protected viewFacts = ['sysctls' as const, 'conntrackStats' as const, 'neighbourStats' as const]
  protected viewSysctls = [...CONNTRACK_VIEW_SYSCTLS]

  async run(): Promise<Report> {
    const { flags } = await this.parse(Conntrack)
    return this.runReport({ flags, topics: [] })
  }

  protected async view({ run: result }: Session): Promise<string> {
    const { conntrackView } = await import('../report/views/conntrack.js')
    return conntrackView(result.facts, result.windowSeconds)
  }
}
