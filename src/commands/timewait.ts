import { NetdocCommand } from '../cli/base.js'
import type { Report } from '../model/report.js'

export default class Timewait extends NetdocCommand {
  static summary = 'TIME_WAIT storms and the other lingering states (CLOSE_WAIT, FIN_WAIT2, orphans), attributed per destination, listener and process'
  static examples = ['<%= config.bin %> timewait', '<%= config.bin %> timewait --interval 10 --json', '<%= config.bin %> timewait --netns web']
  // CLOSE_WAIT, FIN_WAIT2 and orphans are the sockets.* checks: this view shows them with TIME_WAIT
  protected viewTopic = 'timewait' as const

  async run(): Promise<Report> {
    const { flags } = await this.parse(Timewait)
    return this.runReport({ flags, topics: ['timewait', 'sockets'] })
  }
}
