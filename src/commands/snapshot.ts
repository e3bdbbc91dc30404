import { Flags } from '@oclif/core'

import { BaseCommand } from '../cli/base.js'
import { commonFlags } from '../cli/flags.js'
import { snapshotSession } from '../engine/session.js'
import { TOPIC_VIEWS, VIEW_TOPICS } from '../report/views/index.js'

export default class Snapshot extends BaseCommand {
  static summary = 'Save every raw input (files and command outputs, two samples) for offline analysis with --from'
  static examples = ['<%= config.bin %> snapshot -o /tmp/netdoc-snap', '<%= config.bin %> check --from /tmp/netdoc-snap']
  static flags = {
    output: Flags.string({ char: 'o', description: 'directory to write (created; must be empty unless --force)', required: true }),
    force: Flags.boolean({ description: 'write into a directory that is not empty, replacing the files netdoc writes (links are replaced, never followed)', default: false }),
    interval: commonFlags.interval,
    netns: commonFlags.netns,
    pid: commonFlags.pid,
    container: commonFlags.container,
    config: Flags.string({ description: 'also record the sysctls this configuration expects (default: .netdocrc.json or .netdocrc.yaml here)' }),
  }

  async run(): Promise<void> {
    const { flags } = await this.parse(Snapshot)
    // every view's sysctls too: a topic view replayed from the snapshot shows what it showed live
    const viewSysctls = [...new Set(VIEW_TOPICS.flatMap((t) => TOPIC_VIEWS[t].sysctls))]
    const s = await snapshotSession({ dir: flags.output, flags, version: this.config.version, viewSysctls })
    this.log(`snapshot of ${s.description} written to ${flags.output} (${s.samples} samples, window ${s.run.windowSeconds.toFixed(1)} s); analyse it with: netdoc check --from ${flags.output}`)
  }
}
