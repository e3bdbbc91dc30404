// How every human format names the report's target: the namespace (a --container by its name) and the host's
// identity (distribution, virtualization, the container netdoc ran in). Plain text; each format escapes it.
import type { Report } from '../model/report.js'

/** "container web (docker, pid 812)" for --container; "netns NAME" or "netns pid:PID" otherwise. */
export function namespaceLabel(netns: string): string {
  const c = /^container:([^:]+):([^:]+):pid:(\d+)$/.exec(netns)
  return c ? `container ${c[2]} (${c[1]}, pid ${c[3]})` : `netns ${netns}`
}

/** "Debian GNU/Linux 12 (bookworm)", "KVM", "in docker": what the host netdoc ran on is. */
export function identityLabels(id: Report['target']['identity']): string[] {
  if (!id) return []
  const distro = id.distro ? [id.distro, id.release, id.codename && `(${id.codename})`].filter(Boolean).join(' ') : undefined
  const virtual = id.virtualization && id.virtualization !== 'none' ? id.virtualization : undefined
  const container = id.container && id.container !== 'none' ? `in ${id.container}` : undefined
  return [distro, virtual, container].filter((x): x is string => x !== undefined)
}
