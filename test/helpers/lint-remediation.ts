// Lints the remediation commands of a report's findings: what a person pastes must be valid and must not undo
// itself. Problems are returned as lines, so a test shows all of them at once.
import { execFileSync } from 'node:child_process'
import { existsSync } from 'node:fs'

/** Keys this kernel may lack: removed (tcp_tw_recycle, 4.12), added late (tcp_tw_reuse_delay), or from modules. */
export const VERSION_DEPENDENT = new Set(['net.ipv4.tcp_tw_recycle', 'net.ipv4.tcp_tw_reuse_delay', 'net.ipv4.tcp_syn_linear_timeouts', 'net.ipv4.tcp_migrate_req'])
const MODULE_PREFIXES = ['net.netfilter.', 'net.bridge.']

interface FindingLike {
  check: string
  remediation?: { commands: string[] }
}

/** The `sysctl -w` keys of a command, after any `ip netns exec NAME` / `nsenter -n -t PID` prefix. */
export function writtenKeys(command: string): string[] {
  const m = /(?:^|\s)sysctl\s+(?:-q\s+)?-w\s+(.*)$/.exec(command)
  if (!m) return []
  return [...m[1].matchAll(/(?:^|\s)([a-z0-9_.-]+\.[a-z0-9_.-]+)=/gi)].map((x) => x[1])
}

export function lintFindings(findings: FindingLike[]): string[] {
  const problems: string[] = []
  const truncatingWrites = new Map<string, string>()
  for (const f of findings) {
    for (const c of f.remediation?.commands ?? []) {
      const where = `${f.check}: ${c}`
      try {
        execFileSync('sh', ['-n', '-c', c], { stdio: 'pipe' })
      } catch (err) {
        problems.push(`${where}: sh -n fails: ${String((err as { stderr?: Buffer }).stderr ?? err).trim()}`)
      }
      for (const key of writtenKeys(c)) {
        const known = existsSync(`/proc/sys/${key.replaceAll('.', '/')}`) || VERSION_DEPENDENT.has(key) || MODULE_PREFIXES.some((p) => key.startsWith(p))
        if (!known) problems.push(`${where}: ${key} does not exist on this kernel and is not marked version dependent`)
      }
      for (const m of c.matchAll(/\/etc\/sysctl\.d\/([^\s'";|&]+)/g)) {
        if (!(m[1] > '99-sysctl.conf')) problems.push(`${where}: /etc/sysctl.d/${m[1]} sorts before 99-sysctl.conf, so /etc/sysctl.conf overrides it`)
      }
      for (const m of c.matchAll(/(?:^|[^>])>\s*(\/[^\s'";|&]+)/g)) {
        const other = truncatingWrites.get(m[1])
        if (other !== undefined && other !== f.check + c) problems.push(`${where}: writes ${m[1]} with >, as does ${other}: the later one erases the earlier`)
        truncatingWrites.set(m[1], f.check + c)
      }
    }
  }
  return problems
}
