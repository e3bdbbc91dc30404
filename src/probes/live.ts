import { spawn } from 'node:child_process'
import { readdir, readFile } from 'node:fs/promises'
import { createInterface } from 'node:readline'

import { isDenied, isMissing, Unavailable } from '../model/errors.js'
import { keyLabel, type ProbeKey, type Source } from './source.js'

/** What to tell a user whose system lacks a command netdoc runs. */
const INSTALL_HINT: Record<string, string> = {
  ss: 'install iproute2 (apt-get install -y iproute2)',
  ip: 'install iproute2 (apt-get install -y iproute2)',
  nsenter: 'install util-linux (apt-get install -y util-linux)',
  tcpdump: 'install tcpdump (apt-get install -y tcpdump)',
}

export function fsUnavailable(err: NodeJS.ErrnoException, what: string): Unavailable {
  if (isMissing(err)) return new Unavailable('skip', `${what} does not exist on this system`)
  if (isDenied(err)) return new Unavailable('error', `permission denied reading ${what}: run as root`)
  return new Unavailable('error', `cannot read ${what}: ${err.message}`)
}

function spawnFailure(argv: string[], err: NodeJS.ErrnoException): Unavailable {
  if (isMissing(err)) {
    const hint = INSTALL_HINT[argv[0]] ?? `install ${argv[0]}`
    return new Unavailable('error', `\`${argv[0]}\` not found: ${hint}`)
  }
  return new Unavailable('error', `cannot run ${argv.join(' ')}: ${err.message}`)
}

/**
 * Streams a command's stdout as lines. Rejects with Unavailable when the command is missing or exits non-zero
 * (with the first line of its stderr).
 */
export async function* commandLines(argv: string[], describe = argv.join(' ')): AsyncIterable<string> {
  const child = spawn(argv[0], argv.slice(1), { stdio: ['ignore', 'pipe', 'pipe'] })
  let stderr = ''
  child.stderr.setEncoding('utf8')
  child.stderr.on('data', (d: string) => {
    if (stderr.length < 4096) stderr += d
  })
  const exited = new Promise<number | null>((resolve, reject) => {
    child.on('error', (err) => reject(spawnFailure(argv, err as NodeJS.ErrnoException)))
    child.on('close', (code) => resolve(code))
  })
  exited.catch(() => undefined) // observed below; avoid an unhandled rejection while lines are read
  const rl = createInterface({ input: child.stdout, crlfDelay: Infinity })
  let complete = false
  try {
    for await (const line of rl) yield line
    complete = true
  } finally {
    rl.close()
    // A reader that stopped early (or threw) must not leave the command blocked on a full pipe.
    if (!complete && child.exitCode === null) child.kill()
  }
  const code = await exited
  if (code !== 0) {
    const first = stderr.trim().split('\n')[0] || `exit code ${code}`
    throw new Unavailable('error', `${describe} failed: ${first}`)
  }
}

export async function commandText(argv: string[], describe?: string): Promise<string> {
  const out: string[] = []
  for await (const line of commandLines(argv, describe)) out.push(line)
  return out.length ? out.join('\n') + '\n' : ''
}

/** The host this process runs on. */
export class LiveSource implements Source {
  readonly description: string = 'live host'
  readonly kind: 'live' | 'netns' = 'live'

  async text(key: ProbeKey): Promise<string> {
    if ('cmd' in key) return commandText(key.cmd)
    if ('dir' in key) {
      try {
        return (await readdir(key.dir)).join('\n') + '\n'
      } catch (err) {
        throw fsUnavailable(err as NodeJS.ErrnoException, key.dir)
      }
    }
    try {
      return await readFile(key.file, 'utf8')
    } catch (err) {
      throw fsUnavailable(err as NodeJS.ErrnoException, key.file)
    }
  }

  async *lines(key: ProbeKey): AsyncIterable<string> {
    if ('cmd' in key) {
      yield* commandLines(key.cmd)
      return
    }
    // /proc files report size 0; read them whole (they are read in one go by the kernel anyway).
    const text = await this.text(key)
    yield* splitLines(text)
  }

  async textMany(paths: string[]): Promise<Map<string, string | Unavailable>> {
    const out = new Map<string, string | Unavailable>()
    await Promise.all(
      paths.map(async (p) => {
        try {
          out.set(p, await this.text({ file: p }))
        } catch (err) {
          out.set(p, err instanceof Unavailable ? err : new Unavailable('error', String(err)))
        }
      }),
    )
    return out
  }

  forSample(): Source {
    return this
  }
}

export function* splitLines(text: string): Iterable<string> {
  let start = 0
  while (start < text.length) {
    let end = text.indexOf('\n', start)
    if (end < 0) end = text.length
    yield text.slice(start, end)
    start = end + 1
  }
}

export { keyLabel }
