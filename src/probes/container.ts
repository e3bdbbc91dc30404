// --container NAME|ID: the container's main process, asked of its runtime's CLI (docker, then podman), so the
// run goes on exactly as `--pid PID` of that process. Not a Source read: it picks the source.
import { UsageError } from '../model/errors.js'
import { visibleLines } from '../report/escape.js'
import { runCommand } from './exec.js'

export interface Container {
  /** as the user named it: a name or an id (prefix) */
  name: string
  runtime: 'docker' | 'podman'
  /** its main process (State.Pid), whose network namespace is the container's */
  pid: number
}

export const RUNTIMES = ['docker', 'podman'] as const

/** Docker's and podman's names: [a-zA-Z0-9][a-zA-Z0-9_.-]*; ids are hex. Anything else never reaches the runtime. */
const NAME = /^[A-Za-z0-9][A-Za-z0-9_.-]*$/

const firstLine = (s: string) => visibleLines(s.trim().split('\n')[0] ?? '')

export async function resolveContainer(name: string): Promise<Container> {
  const flag = `--container ${visibleLines(name)}`
  if (!NAME.test(name)) throw new UsageError(`${flag}: not a container name or id (see \`docker ps\` or \`podman ps\`)`)
  const failures: string[] = []
  for (const runtime of RUNTIMES) {
    const r = await runCommand([runtime, 'container', 'inspect', '--format', '{{.State.Pid}}', name], { timeoutMs: 20_000 })
    if (r.missing) continue
    if (r.timedOut) {
      failures.push(`\`${runtime} container inspect\` did not answer within 20 s`)
      continue
    }
    if (r.exitCode !== 0) {
      failures.push(/no such (container|object)|no container with name or id/i.test(r.stderr) ? `${runtime} has no such container` : `${runtime}: ${firstLine(r.stderr) || `exit code ${r.exitCode}`}`)
      continue
    }
    const text = r.stdout.trim()
    const pid = Number(text)
    if (!/^\d+$/.test(text)) throw new UsageError(`${flag}: ${runtime} gave no process id (${firstLine(text) || 'empty output'})`)
    if (pid === 0) throw new UsageError(`${flag}: the container is not running (${runtime} start ${name}, or see \`${runtime} ps -a\`)`)
    return { name, runtime, pid }
  }
  if (failures.length === 0) throw new UsageError(`${flag}: no container runtime found (docker or podman); install one, or give the container's main process with --pid PID`)
  throw new UsageError(`${flag}: ${failures.join('; ')}`)
}
