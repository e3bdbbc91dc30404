import { Flags } from '@oclif/core'
import { BaseCommand, checkOptions, netnsLabel, resolveSource } from '../cli/base.js'
import { commonFlags } from '../cli/flags.js'
import { CHECKS } from '../checks/registry.js'
import { whereOf } from '../checks/support/remediation.js'
import { resolveConfig } from '../engine/config.js'
import { buildReport } from '../engine/report.js'
import { runChecks } from '../engine/run.js'
import { OutputDir } from '../probes/output-dir.js'
import { MANIFEST, RecordingSource, type SnapshotManifest } from '../probes/snapshot.js'

export default class Snapshot extends BaseCommand {
  static summary = 'Save every raw input (files and command outputs, two samples) for offline analysis with --from'
  static examples = ['<%= config.bin %> snapshot -o /tmp/netdoc-snap', '<%= config.bin %> check --from /tmp/netdoc-snap']
  static flags = {
    output: Flags.string({ char: 'o', description: 'directory to write (created; must be empty unless --force)', required: true }),
    force: Flags.boolean({ description: 'write into a directory that is not empty, replacing the files netdoc writes (links are replaced, never followed)', default: false }),
    interval: commonFlags.interval,
    netns: commonFlags.netns,
    pid: commonFlags.pid,
    config: Flags.string({ description: 'also record the sysctls this configuration expects (default: .netdocrc.json or .netdocrc.yaml here)' }),
  }

  async run(): Promise<void> {
    const { flags } = await this.parse(Snapshot)
    const dir = flags.output
    // The configuration's expected sysctls are read (and so recorded) too.
    const { config, label } = await resolveConfig(flags.config, process.cwd(), CHECKS)
    const options = { ...checkOptions({}, config, label), where: whereOf(netnsLabel(flags)) }
    // root often writes this into /tmp: no file is followed through a link someone planted there
    const out = new OutputDir(dir, '-o', flags.force)
    out.prepare()
    const inner = await resolveSource(flags)
    const source = new RecordingSource(inner, out)
    // Every check's facts, so any later `--from` run finds what it needs.
    const result = await runChecks({ source, checks: [...CHECKS], intervalSeconds: flags.interval, options })
    const manifest: SnapshotManifest = {
      format: 'netdoc-snapshot',
      formatVersion: 1,
      netdoc: this.config.version,
      createdAt: new Date().toISOString(),
      hostname: result.host.hostname,
      kernel: result.host.kernel,
      ...(netnsLabel(flags) ? { netns: netnsLabel(flags) } : {}),
      source: inner.description,
      windowSeconds: result.windowSeconds,
      samples: result.windowSeconds > 0 ? 2 : 1,
      checks: CHECKS.map((c) => c.meta.id),
    }
    out.writeFile(MANIFEST, JSON.stringify(manifest, null, 2) + '\n')
    // What the host said at the time, from the very inputs recorded: `check --from DIR` must reproduce it.
    const report = buildReport({
      version: this.config.version,
      target: { kind: 'live', hostname: result.host.hostname, kernel: result.host.kernel, ...(manifest.netns ? { netns: manifest.netns } : {}) },
      windowSeconds: result.windowSeconds,
      findings: result.findings,
      failOn: 'critical',
    })
    out.writeFile('report.json', JSON.stringify(report, null, 2) + '\n')
    this.log(`snapshot of ${inner.description} written to ${dir} (${manifest.samples} samples, window ${result.windowSeconds.toFixed(1)} s); analyse it with: netdoc check --from ${dir}`)
  }
}
