import { createReadStream, existsSync, readFileSync } from 'node:fs'
import { readFile } from 'node:fs/promises'
import { join } from 'node:path'

import { Unavailable, UsageError } from '../model/errors.js'
import { chunkLines } from './exec.js'
import { splitLines } from './live.js'
import type { OutputDir } from './output-dir.js'
import { keyLabel, type ProbeKey, type Source } from './source.js'

/** Written by `netdoc snapshot` beside the samples; `--from` checks it. */
export interface SnapshotManifest {
  format: 'netdoc-snapshot'
  formatVersion: 1
  netdoc: string
  createdAt: string
  hostname?: string
  kernel?: string
  netns?: string
  source: string
  windowSeconds: number
  samples: number
  checks: string[]
}

export const MANIFEST = 'manifest.json'

/** Where a read is kept inside a snapshot directory, e.g. sample-0/files/proc/net/netstat. */
export function keyPath(key: ProbeKey): string {
  if ('file' in key) return join('files', key.file)
  if ('dir' in key) return join('dirs', key.dir + '.list')
  if ('identity' in key) return join('identity', `${key.identity}.json`)
  return join('commands', key.cmd.join(' ').replaceAll('/', '%2F') + '.out')
}

const sampleDir = (root: string, sample: number) => join(root, `sample-${sample}`)

export function readManifest(root: string): SnapshotManifest {
  const path = join(root, MANIFEST)
  if (!existsSync(root)) throw new UsageError(`--from ${root}: no such directory`)
  if (!existsSync(path)) throw new UsageError(`--from ${root}: not a netdoc snapshot (no ${MANIFEST}); make one with \`netdoc snapshot -o DIR\``)
  let m: SnapshotManifest
  try {
    m = JSON.parse(readFileSync(path, 'utf8')) as SnapshotManifest
  } catch (err) {
    throw new UsageError(`--from ${root}: ${MANIFEST} is not valid JSON (${(err as Error).message})`)
  }
  if (m.format !== 'netdoc-snapshot') throw new UsageError(`--from ${root}: ${MANIFEST} is not a netdoc snapshot manifest`)
  if (m.formatVersion !== 1) throw new UsageError(`--from ${root}: snapshot format ${m.formatVersion} is newer than this netdoc understands; upgrade netdoc`)
  return m
}

/** Replays the reads a recorded run made. A read the recorder never saw is `skip` (an older netdoc made it). */
export class SnapshotSource implements Source {
  readonly kind = 'snapshot' as const
  readonly description: string
  readonly manifest: SnapshotManifest

  constructor(
    readonly root: string,
    private readonly sample = 0,
    manifest?: SnapshotManifest,
  ) {
    this.manifest = manifest ?? readManifest(root)
    this.description = `snapshot ${root}`
  }

  forSample(sample: number): Source {
    // A one-sample snapshot (taken with --interval 0) answers both samples from its only one.
    return new SnapshotSource(this.root, Math.min(sample, this.manifest.samples - 1), this.manifest)
  }

  private unavailable(key: ProbeKey): Unavailable {
    const base = join(sampleDir(this.root, this.sample), keyPath(key))
    if (existsSync(base + '.unavailable')) {
      try {
        const u = JSON.parse(readFileSync(base + '.unavailable', 'utf8')) as { kind: 'skip' | 'error'; reason: string }
        return new Unavailable(u.kind, u.reason)
      } catch {
        return new Unavailable('error', `${base}.unavailable is malformed`)
      }
    }
    return new Unavailable('skip', `${keyLabel(key)} is not in the snapshot`)
  }

  async text(key: ProbeKey): Promise<string> {
    try {
      return await readFile(join(sampleDir(this.root, this.sample), keyPath(key)), 'utf8')
    } catch {
      throw this.unavailable(key)
    }
  }

  async *lines(key: ProbeKey): AsyncIterable<string> {
    for await (const batch of this.lineBatches(key)) yield* batch
  }

  /**
   * The lines the live run read, as it read them. A command's output was recorded as the live reader's lines
   * (CRLF already read as LF: exec.ts chunkLines) joined at LF, so it is split at LF alone: dropping a CR again
   * would cut the one a line kept of its own (`\r\r\n` from ss: a process name ending in CR). A file, whole at
   * LF. Never at a lone CR, as readline would: a process name may hold one.
   */
  async *lineBatches(key: ProbeKey): AsyncIterable<string[]> {
    const path = join(sampleDir(this.root, this.sample), keyPath(key))
    if (!existsSync(path)) throw this.unavailable(key)
    if ('cmd' in key) yield* chunkLines(createReadStream(path, { encoding: 'utf8' }), 'lf')
    else yield [...splitLines(await this.text(key))]
  }

  async textMany(paths: string[]): Promise<Map<string, string | Unavailable>> {
    const out = new Map<string, string | Unavailable>()
    for (const p of paths) {
      try {
        out.set(p, await this.text({ file: p }))
      } catch (err) {
        out.set(p, err as Unavailable)
      }
    }
    return out
  }
}

/** Wraps a source and writes every read (or why it failed) into a snapshot directory. */
export class RecordingSource implements Source {
  readonly kind
  readonly description

  constructor(
    private readonly inner: Source,
    private readonly out: OutputDir,
    private readonly sample = 0,
  ) {
    this.kind = inner.kind
    this.description = inner.description
  }

  forSample(sample: number): Source {
    return new RecordingSource(this.inner.forSample(sample), this.out, sample)
  }

  private pathFor(key: ProbeKey): string {
    return join(sampleDir('', this.sample), keyPath(key))
  }

  private record(key: ProbeKey, value: string | Unavailable): void {
    const path = this.pathFor(key)
    if (value instanceof Unavailable) this.out.writeFile(path + '.unavailable', JSON.stringify({ kind: value.kind, reason: value.reason }) + '\n')
    else this.out.writeFile(path, value)
  }

  async text(key: ProbeKey): Promise<string> {
    try {
      const text = await this.inner.text(key)
      this.record(key, text)
      return text
    } catch (err) {
      if (err instanceof Unavailable) this.record(key, err)
      throw err
    }
  }

  async *lines(key: ProbeKey): AsyncIterable<string> {
    for await (const batch of this.lineBatches(key)) yield* batch
  }

  async *lineBatches(key: ProbeKey): AsyncIterable<string[]> {
    const path = this.pathFor(key)
    const out = this.out.createWriteStream(path)
    let failed: Unavailable | undefined
    try {
      for await (const batch of this.inner.lineBatches(key)) {
        out.write(batch.join('\n') + '\n')
        yield batch
      }
    } catch (err) {
      if (err instanceof Unavailable) failed = err
      throw err
    } finally {
      await new Promise<void>((resolve) => out.end(resolve))
      // A read that failed leaves only its reason, so a replay fails the same way instead of reading a stub.
      if (failed) {
        this.out.remove(path)
        this.record(key, failed)
      }
    }
  }

  async textMany(paths: string[]): Promise<Map<string, string | Unavailable>> {
    const many = await this.inner.textMany(paths)
    for (const [p, v] of many) this.record({ file: p }, v)
    return many
  }
}

export { splitLines }
