import type { CheckMeta } from '../model/check.js'
import type { HostInfo } from '../model/facts.js'
import type { Target } from '../model/report.js'
import type { SnapshotManifest } from '../probes/snapshot.js'

export interface TargetInput {
  snapshot?: { root: string; manifest: SnapshotManifest }
  host: HostInfo
  /** --netns NAME or --pid PID */
  netns?: string
  pid?: number
  /** --pcap FILE or --capture IFACE */
  pcap?: string
  capture?: string
  /** how the live capture captured (the capture fact's origin says) */
  captureWith?: 'cap' | 'tcpdump'
  checks: ReadonlyArray<{ meta: CheckMeta }>
}

/**
 * What the report is about. `pcap` when every selected check reads only the capture file (the host played no
 * part); otherwise the host or snapshot the facts came from, with the capture named beside it.
 */
export function describeTarget(t: TargetInput): Target {
  const identity = t.host.identity ? { identity: t.host.identity } : {}
  const capture = t.pcap ? { capture: t.pcap } : t.capture ? { capture: `live:${t.capture}`, ...(t.captureWith ? { captureWith: t.captureWith } : {}) } : {}
  if (t.pcap && t.checks.length > 0 && t.checks.every((c) => c.meta.needsCapture)) return { kind: 'pcap', path: t.pcap }
  if (t.snapshot) {
    const m = t.snapshot.manifest
    return { kind: 'snapshot', hostname: m.hostname, kernel: m.kernel, path: t.snapshot.root, ...(m.netns ? { netns: m.netns } : {}), ...capture, ...identity }
  }
  const netns = t.netns ?? (t.pid ? `pid:${t.pid}` : undefined)
  return { kind: 'live', hostname: t.host.hostname, kernel: t.host.kernel, ...(netns ? { netns } : {}), ...capture, ...identity }
}
