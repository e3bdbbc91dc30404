import { NetdocCommand } from '../cli/base.js'
import type { RunResult } from '../engine/run.js'
import type { Report } from '../model/finding.js'

export default class Conntrack extends NetdocCommand {
  static summary = 'The conntrack table (fill, drops, timeouts against keepalive) and the neighbour (ARP/NDP) tables'
  static examples = ['<%= config.bin %> conntrack', '<%= config.bin %> conntrack --interval 10 --idle-timeout 600', '<%= config.bin %> conntrack --netns web --json']
  protected topic = ['conntrack', 'neigh']
  protected viewFacts = ['sysctls' as const, 'conntrackStats' as const, 'neighbourStats' as const]

  async run(): Promise<Report> {
    const { flags } = await this.parse(Conntrack)
    return this.runReport({ flags, topics: [] })
  }

  protected async view(result: RunResult): Promise<string> {
    const { conntrackView } = await import('../report/views/conntrack.js')
    return conntrackView(result.facts, result.windowSeconds)
  }
}
