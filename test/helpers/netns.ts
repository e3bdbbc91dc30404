// Scenario tests run the built CLI against the real kernel inside network namespaces they make themselves.
// Only loopback addresses inside those namespaces; every process started is killed by pid; every namespace deleted.
import { execFile, spawn, spawnSync, type ChildProcess } from 'node:child_process'
import { existsSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'

import { describeWith, isRoot, type Needs } from './requires.js'

const execFileP = promisify(execFile)
export const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..')
export const PROGRAMS = join(ROOT, 'test', 'helpers', 'programs')

export { isRoot }

/** `describe` for tests that need root (namespaces, sysctls); see requires.ts for the skip rules. */
export function describeRoot(name: string, fn: () => void, needs: Omit<Needs, 'root'> = {}): void {
  describeWith({ root: true, ...needs }, name, fn)
}

let counter = 0

export class TestNetns {
  private children: ChildProcess[] = []

  private constructor(readonly name: string) {}

  static async create(tag: string): Promise<TestNetns> {
    const name = `netdoc-t-${tag}-${process.pid}-${counter++}`
    await execFileP('ip', ['netns', 'add', name])
    const ns = new TestNetns(name)
    await ns.exec(['ip', 'link', 'set', 'lo', 'up'])
    return ns
  }

  /** Runs a command inside the namespace to completion. */
  async exec(argv: string[], opts: { timeoutMs?: number } = {}): Promise<{ stdout: string; stderr: string }> {
    return execFileP('ip', ['netns', 'exec', this.name, ...argv], { timeout: opts.timeoutMs ?? 30000, maxBuffer: 64 * 1024 * 1024 })
  }

  async sysctl(name: string, value: string | number): Promise<void> {
    await this.exec(['sysctl', '-q', '-w', `${name}=${value}`])
  }

  /**
   * Starts a long-running process inside the namespace; resolves once it prints `ready` on stdout (or at once when
   * waitReady is false). It is killed by pid at cleanup.
   */
  async start(argv: string[], opts: { waitReady?: boolean; timeoutMs?: number } = {}): Promise<ChildProcess & { output: () => string }> {
    const child = spawn('ip', ['netns', 'exec', this.name, ...argv], { stdio: ['ignore', 'pipe', 'pipe'] })
    this.children.push(child)
    let out = ''
    child.stdout!.setEncoding('utf8')
    child.stdout!.on('data', (d: string) => (out += d))
    child.stderr!.on('data', (d: Buffer) => (out += d.toString()))
    const withOutput = Object.assign(child, { output: () => out })
    if (opts.waitReady === false) return withOutput
    const deadline = Date.now() + (opts.timeoutMs ?? 10000)
    while (!/\bready\b/.test(out)) {
      if (child.exitCode !== null) throw new Error(`${argv.join(' ')} exited early: ${out}`)
      if (Date.now() > deadline) throw new Error(`${argv.join(' ')} did not say ready in time: ${out}`)
      await new Promise((r) => setTimeout(r, 20))
    }
    return withOutput
  }

  /** A node program from test/helpers/programs, started inside the namespace. */
  node(program: string, args: Array<string | number> = [], opts?: { waitReady?: boolean }) {
    return this.start([process.execPath, join(PROGRAMS, program), ...args.map(String)], opts)
  }

  /** Runs a node program to completion inside the namespace. */
  async runNode(program: string, args: Array<string | number> = []): Promise<string> {
    return (await this.exec([process.execPath, join(PROGRAMS, program), ...args.map(String)], { timeoutMs: 120000 })).stdout
  }

  async cleanup(): Promise<void> {
    for (const c of this.children) {
      if (c.exitCode === null && c.pid) {
        try {
          process.kill(c.pid, 'SIGKILL')
        } catch {
          /* already gone */
        }
      }
    }
    // `ip netns exec` execs the program, so the pid above is the program itself; give the kernel a moment.
    await new Promise((r) => setTimeout(r, 50))
    await execFileP('ip', ['netns', 'del', this.name]).catch(() => undefined)
  }
}

export interface CliResult {
  code: number
  stdout: string
  stderr: string
}

/** Runs the built CLI (bin/run.js) as a user would. */
export async function runCli(args: string[], opts: { env?: Record<string, string>; timeoutMs?: number; cwd?: string } = {}): Promise<CliResult> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [join(ROOT, 'bin', 'run.js'), ...args],
      { env: { ...process.env, NO_COLOR: '1', ...opts.env }, timeout: opts.timeoutMs ?? 60000, maxBuffer: 256 * 1024 * 1024, cwd: opts.cwd ?? ROOT },
      (err, stdout, stderr) => {
        const code = err ? (typeof (err as { code?: unknown }).code === 'number' ? ((err as { code: number }).code) : -1) : 0
        resolve({ code, stdout, stderr })
      },
    )
  })
}

/** Runs the CLI with --json and parses the report. */
export async function runJson(args: string[], opts?: { env?: Record<string, string>; cwd?: string }): Promise<{ code: number; report: any; stderr: string }> {
  const r = await runCli([...args, '--json'], opts)
  let report: any
  try {
    report = JSON.parse(r.stdout)
  } catch {
    throw new Error(`not JSON (exit ${r.code}): ${r.stdout.slice(0, 500)}\nstderr: ${r.stderr}`)
  }
  return { code: r.code, report, stderr: r.stderr }
}

export const findingsOf = (report: any, check: string): any[] => report.findings.filter((f: any) => f.check === check)

/**
 * The argv prefix that runs a command as user nobody, when this checkout can be run that way: runuser exists and
 * nobody can read the built CLI (a clone under a private home such as /root cannot be). Otherwise undefined, with
 * the reason on stderr, and the caller skips.
 */
export function asNobody(): string[] | undefined {
  const runuser = ['/usr/sbin/runuser', '/sbin/runuser', '/usr/bin/runuser'].find((p) => existsSync(p))
  if (!runuser) {
    process.stderr.write('skipping the run as nobody: runuser (util-linux) is not installed\n')
    return undefined
  }
  const probe = spawnSync(runuser, ['-u', 'nobody', '--', 'test', '-r', join(ROOT, 'dist', 'commands', 'check.js')])
  if (probe.status !== 0) {
    process.stderr.write(`skipping the run as nobody: user nobody cannot read ${ROOT}\n`)
    return undefined
  }
  return [runuser, '-u', 'nobody', '--']
}
