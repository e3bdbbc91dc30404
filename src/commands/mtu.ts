import { NetdocCommand } from '../cli/base.js'
import type { Session } from '../engine/session.js'
import { VIEW_SYSCTLS } from '../engine/view-sysctls.js'
import type { Report } from '../model/report.js'

export default class Mtu extends NetdocCommand {
  static summary = 'IP fragmentation and reassembly failures, path MTU below the interface MTU, MTU probing'
  static examples = ['<%= config.bin %> mtu', '<%= config.bin %> mtu --interval 10', '<%= config.bin %> mtu --netns web --json']
  protected topic = 'mtu'
  protected viewFacts = ['counters' as const, 'sysctls' as const, 'interfaces' as const, 'tcpInfo' as const]
  protected viewSysctls = [...VIEW_SYSCTLS.mtu]

  async run(): Promise<Report> {
    const { flags } = await this.parse(Mtu)
    return this.runReport({ flags, topics: [] })
  }

  protected async view({ run: result }: Session): Promise<string> {
    const { mtuView } = await import('../report/views/mtu.js')
    return mtuView(result.facts, result.windowSeconds)
  }
}
