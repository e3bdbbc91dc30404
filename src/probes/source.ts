/**
 * The only door to the system. Three implementations: the live host (live.ts), another network namespace
 * (netns.ts), and a snapshot directory (snapshot.ts); recording.ts wraps any of them to write a snapshot.
 * Every read is named by a key, so a snapshot can replay exactly the reads a run made.
 */
import type { Unavailable } from '../model/errors.js'

/** `identity`: the host netdoc runs on (distribution, virtualization, container: src/probes/identity.ts), as JSON. */
export type ProbeKey = { file: string } | { cmd: string[] } | { dir: string } | { identity: 'host' }

export interface Source {
  /** 'live host', 'netns web', 'snapshot /tmp/s' */
  readonly description: string
  readonly kind: 'live' | 'netns' | 'snapshot'
  /** Whole text of a small file or command output. Rejects with Unavailable. */
  text(key: ProbeKey): Promise<string>
  /** Lines of a possibly huge file or command output, streamed. Throws Unavailable when it cannot start. */
  lines(key: ProbeKey): AsyncIterable<string>
  /** The same lines in batches (a command's: one per pipe chunk), for readers of huge outputs: one await per batch. */
  lineBatches(key: ProbeKey): AsyncIterable<string[]>
  /** Several small files at once (a netns source reads them in one process). Missing entries are Unavailable. */
  textMany(paths: string[]): Promise<Map<string, string | Unavailable>>
  /** The view of this source for one sample (0 = start of the window, 1 = end); live sources ignore it. */
  forSample(sample: number): Source
}

export function keyLabel(key: ProbeKey): string {
  if ('file' in key) return key.file
  if ('dir' in key) return `${key.dir}/`
  if ('identity' in key) return 'host identity (/etc/os-release, /sys/class/dmi/id, /dev/kmsg)'
  return key.cmd.join(' ')
}
