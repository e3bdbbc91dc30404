// The one place netdoc runs external commands (ss, ip, nsenter, grep, getent, docker/podman, tcpdump), through
// execa: argument arrays only (never a shell), a timeout on every command, the child killed when netdoc stops
// reading or exits, and failures named by command, exit code and the first line of stderr. DEBUG=netdoc prints
// each command line and how it ended.
import type { ChildProcessByStdio } from 'node:child_process'
import type { Readable } from 'node:stream'

import { Unavailable } from '../model/errors.js'
import { vendored } from './vendor.js'

type Execa = typeof import('execa')
let loaded: Promise<Execa> | undefined

/** execa, imported on the first command, as bundled at build time (src/probes/vendor.ts). */
function execaModule(): Promise<Execa> {
  loaded ??= vendored<Execa>('execa.js', () => import('execa'))
  return loaded
}

/** What to tell a user whose system lacks a command netdoc runs. */
const INSTALL_HINT: Record<string, string> = {
  ss: 'install iproute2 (apt-get install -y iproute2)',
  ip: 'install iproute2 (apt-get install -y iproute2)',
  nsenter: 'install util-linux (apt-get install -y util-linux)',
  tcpdump: 'install tcpdump (apt-get install -y tcpdump)',
  conntrack: 'install conntrack-tools (apt-get install -y conntrack)',
  ethtool: 'install ethtool (apt-get install -y ethtool)',
  getent: 'install libc-bin (apt-get install -y libc-bin)',
}

/** A command that ran too long: the socket table of a million connections takes seconds, not minutes. */
export const DEFAULT_TIMEOUT_MS = 120_000

const debug = (line: string) => {
  if (process.env.DEBUG?.includes('netdoc')) process.stderr.write(`netdoc:exec ${line}\n`)
}

export interface CommandOptions {
  /** how the command is named in messages (`ss -tan`, not the nsenter prefix); default: the command line */
  describe?: string
  timeoutMs?: number
}

export interface CommandResult {
  /** undefined when the command could not start or was killed */
  exitCode?: number
  stdout: string
  stderr: string
  /** the command is not installed (ENOENT) */
  missing: boolean
  timedOut: boolean
}

interface EndState {
  exitCode?: number
  code?: string
  timedOut?: boolean
  signal?: string
  stderr?: unknown
  escapedCommand?: string
  originalMessage?: string
}

const firstLine = (s: unknown) => (typeof s === 'string' ? s.trim().split('\n')[0] : '')

/** Why a command that did not succeed failed, in one line: missing (with the install hint), timed out, or its stderr. */
function failure(argv: string[], end: EndState, describe: string, timeoutMs: number): Unavailable {
  if (end.code === 'ENOENT') return new Unavailable('error', `\`${argv[0]}\` not found: ${INSTALL_HINT[argv[0]] ?? `install ${argv[0]}`}`)
  if (end.timedOut) return new Unavailable('error', `${describe} did not finish within ${timeoutMs / 1000} s (killed)`)
  if (end.exitCode === undefined) return new Unavailable('error', `cannot run ${describe}: ${end.originalMessage ?? end.code ?? end.signal ?? 'killed'}`)
  return new Unavailable('error', `${describe} failed: ${firstLine(end.stderr) || `exit code ${end.exitCode}`}`)
}

function logEnd(end: EndState): void {
  debug(`${end.escapedCommand ?? '?'} → ${end.code ?? (end.timedOut ? 'timed out' : end.signal ?? `exit ${end.exitCode}`)}${firstLine(end.stderr) ? `: ${firstLine(end.stderr)}` : ''}`)
}

const spawnOptions = (timeoutMs: number) =>
  ({ stdin: 'ignore', stderr: 'pipe', timeout: timeoutMs, killSignal: 'SIGKILL', reject: false, cleanup: true, maxBuffer: 1 << 20 }) as const

/** A command's output line by line (commandLineBatches, one line at a time). */
export async function* commandLines(argv: string[], opts: CommandOptions = {}): AsyncIterable<string> {
  for await (const batch of commandLineBatches(argv, opts)) yield* batch
}

/**
 * A command's output as batches of whole lines, one batch per chunk the pipe delivered: one await per chunk
 * instead of one per line, for readers of big outputs (the census of 60 000 lines); never buffered whole (`ss` on
 * a busy proxy prints a million). Rejects with Unavailable when the command is missing, times out or exits
 * non-zero. A reader that stops early kills it.
 */
export async function* commandLineBatches(argv: string[], opts: CommandOptions = {}): AsyncIterable<string[]> {
  const { execa } = await execaModule()
  const timeoutMs = opts.timeoutMs ?? DEFAULT_TIMEOUT_MS
  const describe = opts.describe ?? argv.join(' ')
  debug(argv.join(' '))
  const child = execa(argv[0], argv.slice(1), { ...spawnOptions(timeoutMs), stdout: 'pipe', buffer: { stdout: false, stderr: true } })
  const ended = child.then((r) => r as EndState)
  // The pipe's chunks split here, not execa's iterable (stopping that one early waits for the command to end)
  // nor readline (its events and queue cost more than the split for a 60 000-line census).
  child.stdout!.setEncoding('utf8')
  let complete = false
  try {
    yield* chunkLines(child.stdout as AsyncIterable<string>)
    complete = true
  } finally {
    // A reader that stopped early (or threw) must not leave the command blocked on a full pipe.
    if (!complete) child.kill('SIGKILL')
  }
  const end = await ended
  logEnd(end)
  if (end.exitCode !== 0) throw failure(argv, end, describe, timeoutMs)
}

/**
 * Text chunks (a pipe's, a file stream's) → batches of whole lines, a line cut between chunks joined. `crlf`
 * (a command's output): CRLF read as LF, one CR dropped. `lf`: split at LF alone, every CR kept: how a snapshot
 * replays the lines a live read made (a line that kept a CR of its own, from `\r\r\n`, ends in it there too).
 */
export async function* chunkLines(chunks: AsyncIterable<string>, eol: 'crlf' | 'lf' = 'crlf'): AsyncIterable<string[]> {
  const dropCr = eol === 'crlf'
  let rest = ''
  for await (const chunk of chunks) {
    const text = rest + chunk
    const batch: string[] = []
    let start = 0
    for (let nl = text.indexOf('\n'); nl >= 0; nl = text.indexOf('\n', start)) {
      batch.push(dropCr && text.charCodeAt(nl - 1) === 13 ? text.slice(start, nl - 1) : text.slice(start, nl))
      start = nl + 1
    }
    rest = text.slice(start)
    if (batch.length) yield batch
  }
  if (rest !== '') yield [dropCr && rest.endsWith('\r') ? rest.slice(0, -1) : rest]
}

export async function commandText(argv: string[], opts: CommandOptions = {}): Promise<string> {
  const out: string[] = []
  for await (const line of commandLines(argv, opts)) out.push(line)
  return out.length ? out.join('\n') + '\n' : ''
}

/** Runs a command with a small output to its end and returns how it ended; never rejects (the caller judges). */
export async function runCommand(argv: string[], opts: CommandOptions = {}): Promise<CommandResult> {
  const { execa } = await execaModule()
  const timeoutMs = opts.timeoutMs ?? DEFAULT_TIMEOUT_MS
  debug(argv.join(' '))
  const r = (await execa(argv[0], argv.slice(1), { ...spawnOptions(timeoutMs), stdout: 'pipe' })) as EndState & { stdout?: unknown }
  logEnd(r)
  return {
    exitCode: r.exitCode,
    stdout: typeof r.stdout === 'string' ? r.stdout : '',
    stderr: typeof r.stderr === 'string' ? r.stderr : '',
    missing: r.code === 'ENOENT',
    timedOut: r.timedOut === true,
  }
}

/**
 * Starts a long-running command whose output the caller reads as it comes (`tcpdump -w -`) and ends itself:
 * execa's subprocess (a ChildProcess), nothing buffered, killed when netdoc exits. Its end is the 'close' event.
 */
export async function startCommand(argv: string[]): Promise<{ child: ChildProcessByStdio<null, Readable, Readable> }> {
  const { execa } = await execaModule()
  debug(argv.join(' '))
  const child = execa(argv[0], argv.slice(1), { stdin: 'ignore', stdout: 'pipe', stderr: 'pipe', buffer: false, reject: false, cleanup: true })
  void child.then((end) => logEnd(end as EndState))
  // wrapped: the subprocess is also a promise, and an async function returning it would wait for its end
  return { child: child as unknown as ChildProcessByStdio<null, Readable, Readable> }
}
