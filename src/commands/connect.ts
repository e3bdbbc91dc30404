import { Args, Flags } from '@oclif/core'
import { hostname } from 'node:os'

import { BaseCommand } from '../cli/base.js'
import { commonFlags } from '../cli/flags.js'
import { parseHostPort } from '../cli/units.js'
import { buildReport } from '../engine/report.js'
import { collectSample } from '../engine/sample.js'
import { Unavailable, UsageError } from '../model/errors.js'
import type { HostInfo, Sysctls } from '../model/facts.js'
import type { Report } from '../model/finding.js'
import { LiveSource } from '../probes/live.js'

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
    const [{ attemptConnect }, { connectFinding }] = await Promise.all([import('../probes/connect.js'), import('../checks/support/connect-verdict.js')])
    // The settings are read beside the attempt: the timeout verdict says how long the kernel would keep trying.
    const [attempt, sample] = await Promise.all([attemptConnect(target.host, target.port, timeout * 1000), collectSample(new LiveSource(), ['host', 'sysctls'])])
    const value = <T>(v: unknown): T | undefined => (v === undefined || v instanceof Unavailable ? undefined : (v as T))
    const host = value<HostInfo>(sample.get('host')) ?? {}
    const finding = connectFinding({ host: target.host, port: target.port, timeoutSeconds: timeout, attempt, sysctls: value<Sysctls>(sample.get('sysctls')) })
    const report = buildReport({
      version: this.config.version,
      target: { kind: 'live', hostname: host.hostname ?? hostname(), kernel: host.kernel },
      windowSeconds: 0,
      findings: [finding],
      failOn: 'info', // any failed attempt is exit 1
    })
    process.exitCode = report.exitCode
    await this.output(report, { ...flags, verbose: true })
    return report
  }
}
