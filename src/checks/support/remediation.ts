// Remediation commands that are right when pasted: they act on the namespace the run inspected, and a persisted
// setting wins over the files that set it now. Every sysctl change and every persistence step is built here.
//
// Facts this relies on (verified on Linux 6.18 in a fresh `ip netns add` namespace, see
// test/scenario/remediation.test.ts): most net.ipv4.* and net.core.somaxconn are per network namespace;
// tcp_mem, udp_mem, tcp_max_orphans, netdev_max_backlog, netdev_budget*, default_qdisc are absent there;
// rmem_max/wmem_max/rmem_default/wmem_default and nf_conntrack_max are present but read-only; fs.* is the host's.
// systemd-sysctl applies /etc/sysctl.d, /run/sysctl.d, /usr/lib/sysctl.d files in the order of their names (the
// later wins); procps `sysctl --system` does the same and then applies /etc/sysctl.conf last (procps sysctl.c,
// PreloadSystem). Debian, Ubuntu and RHEL ship /etc/sysctl.d/99-sysctl.conf -> ../sysctl.conf.
import type { Where } from '../../model/check.js'
import { agree } from '../../derived/format.js'

export const HOST: Where = { kind: 'host' }

/** The file netdoc's persistence steps write: its name sorts after 99-sysctl.conf. */
export const PERSIST_FILE = '/etc/sysctl.d/99-zz-netdoc.conf'
/** Where a sysctl may be set at boot; the grep of a persistence step searches them all. */
export const SYSCTL_FILES = ['/etc/sysctl.conf', '/etc/sysctl.d', '/run/sysctl.d', '/usr/lib/sysctl.d']

/** Settings the kernel keeps once for the whole host: absent or read-only in another network namespace. */
const GLOBAL = new Set([
  'net.ipv4.tcp_mem', 'net.ipv4.udp_mem', 'net.ipv4.tcp_max_orphans',
  'net.core.netdev_max_backlog', 'net.core.netdev_budget', 'net.core.netdev_budget_usecs', 'net.core.default_qdisc',
  'net.core.rmem_max', 'net.core.wmem_max', 'net.core.rmem_default', 'net.core.wmem_default', 'net.core.optmem_max',
  'net.netfilter.nf_conntrack_max',
  // the neighbour tables are one per host: their gc_thresh* exist only in the initial namespace
  'net.ipv4.neigh.default.gc_thresh1', 'net.ipv4.neigh.default.gc_thresh2', 'net.ipv4.neigh.default.gc_thresh3',
  'net.ipv6.neigh.default.gc_thresh1', 'net.ipv6.neigh.default.gc_thresh2', 'net.ipv6.neigh.default.gc_thresh3',
])

/** Kubernetes' safe sysctls (kubelet pkg/kubelet/sysctl/safe_sysctls.go, 1.29): any other needs --allowed-unsafe-sysctls. */
const KUBERNETES_SAFE = new Set([
  'net.ipv4.ip_local_port_range', 'net.ipv4.tcp_syncookies', 'net.ipv4.ping_group_range', 'net.ipv4.ip_unprivileged_port_start',
  'net.ipv4.ip_local_reserved_ports', 'net.ipv4.tcp_keepalive_time', 'net.ipv4.tcp_fin_timeout', 'net.ipv4.tcp_keepalive_intvl',
  'net.ipv4.tcp_keepalive_probes',
])

/** A setting that is the same for every network namespace: it can be changed only from the host. */
export const isGlobalSysctl = (key: string): boolean => GLOBAL.has(key) || !key.startsWith('net.')

/**
 * The snapshot manifest's and the report target's spelling of a namespace: "NAME", "pid:PID", or
 * "container:RUNTIME:NAME:pid:PID" (--container; runtimes' names and ids have no colon). labelOf writes it.
 */
export function whereOf(netns: string | undefined): Where {
  if (!netns) return HOST
  const container = /^container:([a-z]+):([^:]+):pid:(\d+)$/.exec(netns)
  if (container) return { kind: 'container', runtime: container[1], name: container[2], pid: Number(container[3]) }
  const pid = /^pid:(\d+)$/.exec(netns)
  return pid ? { kind: 'pid', pid: Number(pid[1]) } : { kind: 'netns', name: netns }
}

export function labelOf(where: Where): string | undefined {
  if (where.kind === 'netns') return where.name
  if (where.kind === 'pid') return `pid:${where.pid}`
  if (where.kind === 'container') return `container:${where.runtime}:${where.name}:pid:${where.pid}`
  return undefined
}

/** What runs a command inside the namespace: "ip netns exec NAME" or "nsenter -n -t PID"; '' for the host. */
export function prefixFor(where: Where): string {
  if (where.kind === 'netns') return `ip netns exec ${shellWord(where.name)}`
  if (where.kind === 'pid' || where.kind === 'container') return `nsenter -n -t ${where.pid}`
  return ''
}

/** Commands whose effect or output depends on the network namespace they run in. */
const NAMESPACED_TOOLS = new Set(['ss', 'nstat', 'ip', 'tc', 'ethtool', 'conntrack', 'tcpdump', 'iptables', 'ip6tables', 'nft', 'netdoc', 'sysctl'])

/**
 * A command as it must be run for `where`: per-namespace tools, reads of /proc/net and per-namespace sysctls
 * prefixed to run inside it; host-wide ones (dmesg, prlimit, /proc/PID, global sysctls, the sysctl files)
 * unchanged. Idempotent: a command already prefixed is kept.
 */
export function placeCommand(where: Where, command: string): string {
  const prefix = prefixFor(where)
  if (!prefix || command.startsWith('ip netns exec ') || command.startsWith('nsenter ')) return command
  const first = command.trimStart().split(/\s+/)[0]
  const readsNetns = /(^|\s)\/proc\/(self\/)?net\//.test(command) && /^(cat|grep|awk|head)$/.test(first)
  if (!NAMESPACED_TOOLS.has(first) && !readsNetns) return command
  if (first === 'sysctl') {
    const keys = sysctlKeys(command)
    if (keys.length > 0 && keys.every(isGlobalSysctl)) return command
  }
  return `${prefix} ${command}`
}

export const placeCommands = (where: Where, commands: readonly string[]): string[] => commands.map((c) => placeCommand(where, c))

/** The keys a `sysctl` command names (reads and -w writes). */
export function sysctlKeys(command: string): string[] {
  return [...command.matchAll(/(?:^|\s)((?:net|fs|vm|kernel)\.[A-Za-z0-9_.-]+)/g)].map((m) => m[1])
}

/** A value as one shell word: bare when safe, else single-quoted ("4096 131072 6291456" has spaces). */
export function shellWord(value: string): string {
  return /^[A-Za-z0-9_.,:/=+-]+$/.test(value) ? value : `'${value.replaceAll("'", `'\\''`)}'`
}

export type Setting = [key: string, value: string | number]

export interface SysctlFix {
  /** the set commands (in the namespace for per-namespace keys), then the persistence steps */
  commands: string[]
  /** what the reader must know: global keys, where persistence cannot reach; '' when nothing */
  text: string
}

/**
 * Sets sysctls now and keeps them across reboots, for `where`. Per-namespace keys run inside the namespace;
 * global keys run on the host and say so. Persistence is the host's /etc/sysctl.d, which never reaches another
 * namespace: there the text says where the setting belongs instead.
 */
export function sysctlFix(where: Where, settings: readonly Setting[]): SysctlFix {
  const local = settings.filter(([k]) => !isGlobalSysctl(k))
  const global = settings.filter(([k]) => isGlobalSysctl(k))
  const set = (list: readonly Setting[]) => `sysctl -w ${list.map(([k, v]) => `${k}=${shellWord(String(v))}`).join(' ')}`
  const commands: string[] = []
  const notes: string[] = []
  if (local.length) commands.push(placeCommand(where, set(local)))
  if (global.length) commands.push(set(global))
  if (where.kind === 'host') {
    commands.push(...persistSysctls(settings))
  } else {
    if (global.length) {
      commands.push(...persistSysctls(global))
      notes.push(`${names(global)} ${agree(global.length, 'is', 'are')} global: one value for the whole host, set from the host (not from inside a container's namespace).`)
    }
    if (local.length) notes.push(namespacePersistence(where, local))
  }
  return { commands, text: notes.join(' ') }
}

const names = (settings: readonly Setting[]) => settings.map(([k]) => k).join(', ')

/** Why /etc/sysctl.d does not help a namespace, and what does. */
function namespacePersistence(where: Where, settings: readonly Setting[]): string {
  const pairs = settings.map(([k, v]) => `${k}=${shellWord(String(v))}`)
  const unsafe = settings.map(([k]) => k).filter((k) => !KUBERNETES_SAFE.has(k))
  const k8s = `Kubernetes pod securityContext.sysctls${unsafe.length ? ` (${unsafe.join(', ')} ${agree(unsafe.length, 'is', 'are')} unsafe in Kubernetes' sense: the kubelet must allow ${agree(unsafe.length, 'it', 'them')} with --allowed-unsafe-sysctls)` : ''}`
  const start = 'A new network namespace starts from kernel defaults and /etc/sysctl.d never reaches it:'
  if (where.kind === 'netns') {
    const ns = shellWord(where.name)
    // the command itself is in the finding's commands: say only where it belongs
    return `${start} to keep it, run the sysctl command below in whatever creates ${where.name}, right after \`ip netns add ${ns}\`.`
  }
  const runtime = where.kind === 'container' ? where.runtime : 'docker'
  return `${start} set ${names(settings)} in the container's definition (\`${runtime} run ${pairs.map((p) => `--sysctl ${p}`).join(' ')}\`, ${k8s}).`
}

const sedKey = (key: string) => key.replaceAll('.', '\\.')

/**
 * The persistence steps for settings on the host: print where each key is set now, comment it out of
 * /etc/sysctl.conf (procps applies that file after every sysctl.d file), and replace each key's line in
 * netdoc's own file, which sorts after 99-sysctl.conf. Appends per key, so fixes of several findings add up.
 */
export function persistSysctls(settings: readonly Setting[]): string[] {
  if (settings.length === 0) return []
  const keys = settings.map(([k]) => k)
  const grep = `grep -rsF ${keys.map((k) => `-e ${k}`).join(' ')} ${SYSCTL_FILES.join(' ')}  # where it is set now`
  const drop = keys.map((k) => `-e '/^[[:space:]]*${sedKey(k)}[[:space:]]*=/d'`).join(' ')
  const comment = keys.map((k) => `-e 's/^[[:space:]]*${sedKey(k)}[[:space:]]*=/# netdoc: &/'`).join(' ')
  const lines = settings.map(([k, v]) => shellWord(`${k} = ${v}`)).join(' ')
  return [
    grep,
    `test ! -f /etc/sysctl.conf || sed -i ${comment} /etc/sysctl.conf`,
    `touch ${PERSIST_FILE} && sed -i ${drop} ${PERSIST_FILE} && printf '%s\\n' ${lines} >> ${PERSIST_FILE}`,
  ]
}

/** A finding's remediation: its text, the commands to look first, then the sysctl changes for `where`. */
export function remedy(where: Where | undefined, text: string, settings: readonly Setting[], look: readonly string[] = []): { text: string; commands: string[] } {
  const w = where ?? HOST
  const fix = sysctlFix(w, settings)
  return { text: fix.text ? `${text} ${fix.text}` : text, commands: [...placeCommands(w, look), ...fix.commands] }
}

/** What the engine does to every finding: its commands run where the facts came from, also those a check wrote by hand. */
export function placeFindings<F extends { remediation?: { commands: string[] } }>(where: Where | undefined, findings: F[]): F[] {
  for (const f of findings) if (f.remediation) f.remediation.commands = placeCommands(where ?? HOST, f.remediation.commands)
  return findings
}
