import { Args, Flags } from '@oclif/core'

import { BaseCommand } from '../cli/base.js'
import { commonFlags } from '../cli/flags.js'
import { parseHostPort } from '../engine/units.js'
import { connectSession } from '../engine/session.js'
import { UsageError } from '../model/errors.js'
import type { Report } from '../model/report.js'

export default class Connect extends BaseCommand {
  static summary = 'One connection attempt diagnosed: ok, refused (RST), timeout (SYN unanswered), unreachable, dns'
  static description = 'Exit 0 when the connection was made, 1 when it was not, 2 for a malformed HOST:PORT.'
  static enableJsonFlag = true
  static args = { target: Args.string({ description: 'HOST:PORT; IPv6 literals in brackets: [::1]:8080', required: true }) }
  static flags = {
    timeout: Flags.string({ description: 'seconds to wait for the connection (name lookup included)', default: '5' }),
    format: commonFlags.format,
    output: commonFlags.output,
    color: commonFlags.color,
  }
  static examples = ['<%= config.bin %> connect 127.0.0.1:8080', '<%= config.bin %> connect db.internal:5432 --timeout 2 --json', '<%= config.bin %> connect [::1]:443']

  async run(): Promise<Report> {
    const { args, flags } = await this.parse(Connect)
    const target = parseHostPort(args.target)
    const timeout = Number(flags.timeout)
    if (!Number.isFinite(timeout) || timeout <= 0 || timeout > 3600) throw new UsageError(`--timeout ${flags.timeout}: expected seconds above 0 (at most 3600), e.g. --timeout 2`)
    const { report, exitCode } = await connectSession({ host: target.host, port: target.port, timeoutSeconds: timeout, version: this.config.version })
    process.exitCode = exitCode
    await this.output(report, { ...flags, verbose: true })
    return report
  }
}
