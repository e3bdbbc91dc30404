// Output of iproute2 `ss` for TCP (`ss -tan`, `-ltn`, with -p, -m, -o, -e, -i). One socket per line;
// -m, -i and some -e fields go on continuation lines that start with a tab. Column layout from
// misc/ss.c (sock_state_print, print_skmeminfo, tcp_timer_print). A header line starting with "State"
// (or "Netid") is skipped, so `-H` is optional and old ss versions without it work.
import type { ProcessRef } from '../model/facts.js'
import { ParseError } from './parse-error.js'

export interface SsSocket {
  state: string
  recvQ: number
  sendQ: number
  local: string
  peer: string
  processes: ProcessRef[]
  /** everything after the peer column, continuation lines joined with a space: timers, skmem, tcp info */
  extra: string
}

const STATES = new Set(['LISTEN', 'ESTAB', 'SYN-SENT', 'SYN-RECV', 'FIN-WAIT-1', 'FIN-WAIT-2', 'TIME-WAIT', 'CLOSE-WAIT', 'LAST-ACK', 'CLOSING', 'CLOSED', 'UNCONN', 'NEW-SYN-RECV', 'BOUND'])

/** A queue column: digits that make a finite number (400 of them do not), else the line is not ss's. */
function queue(text: string, lineNo: number, line: string): number {
  const n = Number(text)
  if (!Number.isFinite(n)) throw new ParseError('ss', `line ${lineNo}: queue length out of range: ${line.slice(0, 100)}`)
  return n
}

/** A line of `ss ... state X`, which drops the State column: every socket has the state the filter named. */
function parseStateless(line: string, lineNo: number, state: string): SsSocket {
  const m = /^\s*(\d+)\s+(\d+)\s+(\S+)\s+(\S+)\s*(.*)$/s.exec(line)
  if (!m) throw new ParseError('ss', `line ${lineNo}: not a socket line: ${line.slice(0, 100)}`)
  return { state, recvQ: queue(m[1], lineNo, line), sendQ: queue(m[2], lineNo, line), local: m[3], peer: m[4], processes: parseUsers(m[5]), extra: m[5] }
}

// The rest of a line is `.` with the s flag: a process name ss prints raw may hold a CR, U+2028 or U+2029, which a
// plain `.` does not match (the line would not be a socket line, and a whole pass would fail on one name).
function parseMain(line: string, lineNo: number): SsSocket {
  const m = /^\s*(\S+)\s+(\d+)\s+(\d+)\s+(\S+)\s+(\S+)\s*(.*)$/s.exec(line)
  if (!m || !STATES.has(m[1])) throw new ParseError('ss', `line ${lineNo}: not a socket line: ${line.slice(0, 100)}`)
  return { state: m[1], recvQ: queue(m[2], lineNo, line), sendQ: queue(m[3], lineNo, line), local: m[4], peer: m[5], processes: parseUsers(m[6]), extra: m[6] }
}

// One group of users:((...)) without its parentheses. The name is greedy, so the pid is the last `",pid=N,fd=N`:
// one that a process wrote into its own name stays part of the name.
const USER_GROUP = /^"([\s\S]*)",pid=(\d{1,10}),fd=(\d{1,10})$/ // pids and fds are 32-bit: longer digits are not ss's

/**
 * users:(("nginx",pid=811,fd=6),("nginx",pid=812,fd=6)) → processes, read by its structure. ss prints comm
 * unescaped inside the quotes, and any user can name a process (prctl PR_SET_NAME, at most 15 bytes), so a name
 * may hold `"`, `,`, `(`, `pid=` or a newline. ss reads comm from /proc/PID/stat up to its first `)`, so a name
 * has none and each `)` ends a group; should one appear anyway, the group is widened to the next `)`.
 */
export function parseUsers(extra: string): ProcessRef[] {
  const out: ProcessRef[] = []
  const start = extra.indexOf('users:((')
  if (start < 0) return out
  let open = start + 7 // the `(` of the first group
  while (extra.charCodeAt(open) === 40 /* ( */) {
    let close = extra.indexOf(')', open)
    let m: RegExpExecArray | null = null
    for (; close >= 0; close = extra.indexOf(')', close + 1)) {
      m = USER_GROUP.exec(extra.slice(open + 1, close))
      if (m) break
    }
    if (!m) break
    out.push({ name: m[1], pid: Number(m[2]), fd: Number(m[3]) })
    if (extra.charCodeAt(close + 1) !== 44 /* , */) break
    open = close + 2
  }
  return out
}

/** True when a users:(( section was begun but not closed: the process name held a newline, which ss prints raw. */
function usersOpen(extra: string): boolean {
  const start = extra.indexOf('users:((')
  return start >= 0 && extra.indexOf('))', start) < 0
}

// a process name is at most 15 bytes, so at most 15 newlines per name; a few processes share a socket
const MAX_NAME_LINES = 64

/** skmem:(r0,rb131072,t0,tb16384,f0,w0,o0,bl0,d24) → { r: 0, rb: 131072, ..., d: 24 }. Scanned by hand: with -m
 * every socket of a big table carries one, so this is on the hot path. */
export function parseSkmem(extra: string): Record<string, number> | undefined {
  const at = extra.indexOf('skmem:(')
  if (at < 0) return undefined
  const end = extra.indexOf(')', at)
  const stop = end < 0 ? extra.length : end
  const out: Record<string, number> = {}
  for (let i = at + 7; i < stop; ) {
    let j = i
    while (j < stop && extra.charCodeAt(j) >= 97 && extra.charCodeAt(j) <= 122) j++ // a-z: the field name
    let k = j
    while (k < stop && extra.charCodeAt(k) >= 48 && extra.charCodeAt(k) <= 57) k++ // 0-9: its value
    const v = Number(extra.slice(j, k))
    if (j > i && k > j && Number.isFinite(v)) out[extra.slice(i, j)] = v // a value too long for a double is unknown
    const comma = extra.indexOf(',', k)
    if (comma < 0 || comma > stop) break
    i = comma + 1
  }
  return out
}

/** timer:(keepalive,1min58sec,0) → { name: 'keepalive', seconds: 118, retrans: 0 }; undefined when unreadable. */
export function parseTimer(extra: string): { name: string; seconds: number; retrans: number } | undefined {
  const m = /timer:\((\w+),([^,]*),(\d+)\)/.exec(extra)
  if (!m) return undefined
  const seconds = parseDuration(m[2])
  const retrans = Number(m[3])
  if (seconds === undefined || !Number.isFinite(retrans)) return undefined
  return { name: m[1], seconds, retrans }
}

/** ss timer durations (undefined when too long to be one): "58sec", "1min58sec", "616ms", "2h3min", "3.2sec" (tcp_timer_print / print_ms_timer). */
export function parseDuration(text: string): number | undefined {
  let s = 0
  const re = /(\d+(?:\.\d+)?)(ms|sec|min|h|d)/g
  for (let m = re.exec(text); m; m = re.exec(text)) {
    const v = Number(m[1])
    s += m[2] === 'ms' ? v / 1000 : m[2] === 'sec' ? v : m[2] === 'min' ? v * 60 : m[2] === 'h' ? v * 3600 : v * 86400
  }
  return Number.isFinite(s) ? s : undefined // digits too long for a double
}

/** Takes TIME-WAIT sockets by their two ends (the census builder). */
export interface TimeWaitSink {
  addTimeWait(local: string, peer: string): void
}

// A TIME-WAIT line of plain ASCII (spaces between the columns, short queues, no process): its two ends. Any
// other line, or one the line regex might read differently, is left to parseMain.
const TIME_WAIT_LINE = /^TIME-WAIT +\d{1,15} +\d{1,15} +([!-~]+) +([!-~]+)(?: (?![ -~]*users:\(\()[ -~]*)?$/

/**
 * ss lines in, sockets out, one line at a time: `push` returns the socket a line completed (the one before it:
 * continuation lines join the socket they follow), `end` the last one. The same rules as parseSs, for callers
 * that fold sockets as they come without a generator's promise per socket (the census of 60 000 lines).
 * With a `timeWait` sink, TIME-WAIT sockets (two thirds of a busy table, and no process owns one) are handed to
 * it as their two ends only, without an SsSocket: what the census needs of them.
 */
export class SsLineParser {
  private pending: SsSocket | undefined
  /** the ends of a pending TIME-WAIT socket, handed to the sink when the next socket line comes (in order) */
  private timeWaitLocal: string | undefined
  private timeWaitPeer = ''
  private lineNo = 0
  private nameLines = 0

  constructor(
    private readonly impliedState?: string,
    private readonly timeWait?: TimeWaitSink,
  ) {}

  push(line: string): SsSocket | undefined {
    this.lineNo++
    const pending = this.pending
    if (pending && this.nameLines < MAX_NAME_LINES && usersOpen(pending.extra)) {
      // the rest of a process name that held a newline, whatever it looks like (even a socket line)
      this.nameLines++
      pending.extra += '\n' + line
      pending.processes = parseUsers(pending.extra)
      return undefined
    }
    const first = line.charCodeAt(0)
    // a line that starts with a visible ASCII character (every socket line of ss -tan) is neither blank nor a
    // continuation: no trim (a new string for the trailing blanks ss writes) and no regex for it
    if (!(first > 32 && first < 127)) {
      if (line.trim() === '') return undefined
      if (/^\s/.test(line) && (pending || this.timeWaitLocal !== undefined)) {
        if (pending) pending.extra += ' ' + line.trim() // those of a pending TIME-WAIT socket are dropped: its sink needs none
        return undefined
      }
    }
    if ((first === 83 || first === 78 || first === 82) /* S N R */ && /^(State|Netid|Recv-Q)\s/.test(line)) return undefined
    this.nameLines = 0
    if (this.timeWaitLocal !== undefined) {
      this.timeWait!.addTimeWait(this.timeWaitLocal, this.timeWaitPeer)
      this.timeWaitLocal = undefined
    }
    if (first === 84 /* T */ && this.timeWait && !this.impliedState) {
      const m = TIME_WAIT_LINE.exec(line)
      if (m) {
        this.pending = undefined
        this.timeWaitLocal = m[1]
        this.timeWaitPeer = m[2]
        return pending
      }
    }
    this.pending = this.impliedState ? parseStateless(line, this.lineNo, this.impliedState) : parseMain(line, this.lineNo)
    return pending
  }

  end(): SsSocket | undefined {
    if (this.timeWaitLocal !== undefined) {
      this.timeWait!.addTimeWait(this.timeWaitLocal, this.timeWaitPeer)
      this.timeWaitLocal = undefined
    }
    const last = this.pending
    this.pending = undefined
    return last
  }
}

/**
 * Folds every socket of a stream of ss lines into `each` as it completes (no promise per socket). The stream may
 * come in batches of lines (Source.lineBatches): one await per batch, not per line.
 */
export async function eachSs(lines: AsyncIterable<string | string[]> | Iterable<string | string[]>, each: (s: SsSocket) => void, impliedState?: string, timeWait?: TimeWaitSink): Promise<void> {
  const parser = new SsLineParser(impliedState, timeWait)
  for await (const item of lines) {
    if (typeof item === 'string') {
      const s = parser.push(item)
      if (s) each(s)
      continue
    }
    for (const line of item) {
      const s = parser.push(line)
      if (s) each(s)
    }
  }
  const last = parser.end()
  if (last) each(last)
}

/**
 * Streams sockets out of ss lines, joining continuation lines. Works on a sync or async iterable so a
 * million-socket table is never held whole. With `impliedState` the lines come from `ss ... state X` (no State column).
 */
export async function* parseSs(lines: AsyncIterable<string> | Iterable<string>, impliedState?: string): AsyncIterable<SsSocket> {
  const parser = new SsLineParser(impliedState)
  for await (const line of lines) {
    const s = parser.push(line)
    if (s) yield s
  }
  const last = parser.end()
  if (last) yield last
}
