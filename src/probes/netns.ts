import { access, readFile } from 'node:fs/promises'

import { isDenied, Unavailable, UsageError } from '../model/errors.js'
import { commandLineBatches, commandLines, commandText } from './exec.js'
import { fsUnavailable, LiveSource } from './live.js'
import type { ProbeKey, Source } from './source.js'

/** Paths whose content depends on the network namespace of the reader. Everything else is read on the host. */
const PER_NETNS = /^\/(proc\/net\/|proc\/sys\/net\/|sys\/class\/net)/

/**
 * Another network namespace: a named one (`ip netns exec NAME`) or a process's (`nsenter -n -t PID`, and
 * /proc/PID/net/ for /proc/net files, which needs no process at all).
 */
export class NetnsSource extends LiveSource {
  override readonly description: string
  override readonly kind = 'netns' as const
  private readonly prefix: string[]

  private constructor(
    readonly netns: string | undefined,
    readonly pid: number | undefined,
  ) {
    super()
    this.description = netns ? `netns ${netns}` : `netns of pid ${pid}`
    this.prefix = netns ? ['ip', 'netns', 'exec', netns] : ['nsenter', '-n', '-t', String(pid)]
  }

  /** Entering a network namespace (setns) needs CAP_SYS_ADMIN: say so up front instead of failing every probe. */
  private static requireRoot(flag: string): void {
    if (process.getuid && process.getuid() !== 0) throw new UsageError(`${flag}: entering another network namespace needs root (CAP_SYS_ADMIN); run netdoc with sudo`)
  }

  static async named(name: string): Promise<NetnsSource> {
    if (!/^[A-Za-z0-9_.-]+$/.test(name)) throw new UsageError(`--netns ${name}: not a namespace name (see \`ip netns list\`)`)
    try {
      await access(`/run/netns/${name}`)
    } catch {
      throw new UsageError(`--netns ${name}: no such network namespace (see \`ip netns list\`)`)
    }
    NetnsSource.requireRoot(`--netns ${name}`)
    return new NetnsSource(name, undefined)
  }

  /** flag: how the user named it (`--pid 42`, or `--container web` resolved to its main process) */
  static async ofPid(pid: number, flag = `--pid ${pid}`): Promise<NetnsSource> {
    const of = flag.startsWith('--pid') ? '' : ` (main process ${pid})`
    try {
      await access(`/proc/${pid}/ns/net`)
    } catch (err) {
      if (isDenied(err)) throw new UsageError(`${flag}: permission denied; run as root`)
      throw new UsageError(`${flag}: no such process${of}`)
    }
    NetnsSource.requireRoot(flag)
    return new NetnsSource(undefined, pid)
  }

  private inside(argv: string[]): string[] {
    return [...this.prefix, ...argv]
  }

  override async text(key: ProbeKey): Promise<string> {
    if ('cmd' in key) return commandText(this.inside(key.cmd), { describe: key.cmd.join(' ') })
    if ('file' in key && PER_NETNS.test(key.file)) {
      if (this.pid !== undefined && key.file.startsWith('/proc/net/')) {
        const path = `/proc/${this.pid}/net/${key.file.slice('/proc/net/'.length)}`
        try {
          return await readFile(path, 'utf8')
        } catch (err) {
          throw fsUnavailable(err as NodeJS.ErrnoException, key.file)
        }
      }
      const many = await this.textMany([key.file])
      const v = many.get(key.file)!
      if (v instanceof Unavailable) throw v
      return v
    }
    return super.text(key)
  }

  // The command's own line stream, not re-yielded: every generator layer costs a promise per line (60 000 of
  // them for a busy census).
  override lines(key: ProbeKey): AsyncIterable<string> {
    if ('cmd' in key) return commandLines(this.inside(key.cmd), { describe: key.cmd.join(' ') })
    return super.lines(key)
  }

  override lineBatches(key: ProbeKey): AsyncIterable<string[]> {
    if ('cmd' in key) return commandLineBatches(this.inside(key.cmd), { describe: key.cmd.join(' ') })
    return super.lineBatches(key)
  }

  /** One `grep -H` inside the namespace reads every file: one process instead of one per file. */
  override async textMany(paths: string[]): Promise<Map<string, string | Unavailable>> {
    const inNs = paths.filter((p) => PER_NETNS.test(p))
    const out = inNs.length === paths.length ? new Map<string, string | Unavailable>() : await super.textMany(paths.filter((p) => !PER_NETNS.test(p)))
    if (inNs.length === 0) return out
    const texts = new Map<string, string[]>()
    try {
      for await (const line of commandLines(this.inside(['grep', '-H', '-a', '', '--', ...inNs]), { describe: 'grep (read files in netns)' })) {
        const path = inNs.find((p) => line.startsWith(p + ':'))
        if (path === undefined) continue
        let lines = texts.get(path)
        if (!lines) texts.set(path, (lines = []))
        lines.push(line.slice(path.length + 1))
      }
    } catch (err) {
      // grep exits 2 when a file was missing or refused the read (EINVAL: the speed of a virtual link) and 1 when
      // nothing matched at all; the files it read are still good. Anything else (grep missing, the namespace not
      // enterable) fails every file.
      if (!(err instanceof Unavailable) || !/No such file|Invalid argument|exit code 1$/.test(err.reason)) {
        for (const p of inNs) out.set(p, err instanceof Unavailable ? err : new Unavailable('error', String(err)))
        return out
      }
    }
    for (const p of inNs) {
      const lines = texts.get(p)
      out.set(p, lines ? lines.join('\n') + '\n' : new Unavailable('skip', `${p} does not exist in ${this.description}`))
    }
    return out
  }
}
