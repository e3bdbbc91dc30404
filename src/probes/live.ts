import { readdir, readFile } from 'node:fs/promises'

import { isDenied, isMissing, Unavailable } from '../model/errors.js'
import { commandLineBatches, commandLines, commandText } from './exec.js'
import { keyLabel, type ProbeKey, type Source } from './source.js'

export function fsUnavailable(err: NodeJS.ErrnoException, what: string): Unavailable {
  if (isMissing(err)) return new Unavailable('skip', `${what} does not exist on this system`)
  if (isDenied(err)) return new Unavailable('error', `permission denied reading ${what}: run as root`)
  return new Unavailable('error', `cannot read ${what}: ${err.message}`)
}

/** The host this process runs on. */
export class LiveSource implements Source {
  readonly description: string = 'live host'
  readonly kind: 'live' | 'netns' = 'live'

  async text(key: ProbeKey): Promise<string> {
    if ('cmd' in key) return commandText(key.cmd)
    if ('identity' in key) return (await import('./identity.js')).hostIdentityText()
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

  lines(key: ProbeKey): AsyncIterable<string> {
    // the command's own line stream, not re-yielded (a generator layer costs a promise per line)
    if ('cmd' in key) return commandLines(key.cmd)
    return this.fileLines(key)
  }

  lineBatches(key: ProbeKey): AsyncIterable<string[]> {
    if ('cmd' in key) return commandLineBatches(key.cmd)
    return this.fileBatches(key)
  }

  private async *fileBatches(key: ProbeKey): AsyncIterable<string[]> {
    yield [...splitLines(await this.text(key))]
  }

  private async *fileLines(key: ProbeKey): AsyncIterable<string> {
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
