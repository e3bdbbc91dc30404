// The owners of some states' sockets, read after the checks ran and only when a failing finding or a view names
// a process (src/engine/attribution.ts). One `ss -p` pass: ss walks every process's fd table once whatever the
// filter, so the states asked for share it; the filter keeps its output (and netdoc's parsing) small.
import { censusOfSsLines } from '../census/census.js'
import type { OwnedState } from '../model/check.js'
import type { SocketCensus } from '../model/facts.js'
import type { Source } from './source.js'

/** How ss prints each state a pass can ask for. */
const SS_STATE: Record<OwnedState, string> = { listening: 'LISTEN', 'close-wait': 'CLOSE-WAIT', established: 'ESTAB' }

/**
 * `targeted`: only the states asked for (a live run). `all`: every socket (`ss -tanpo`), what a snapshot records
 * so that any later run finds its states in it, and what replay reads (the census of netdoc 0.3 snapshots too).
 */
export type OwnersRead = 'targeted' | 'all'

export function ownersCommand(states: readonly OwnedState[], read: OwnersRead): string[] {
  return read === 'all' ? ['ss', '-tanpo'] : ['ss', '-tanpo', ...states.flatMap((s) => ['state', s])]
}

/** A read of every socket with its process: its command, and whether that prints timers (`-o`). */
export interface EveryOwnerRead {
  cmd: string[]
  /** without them a socket's keepalive is unknown, and the census of the read has no keepalive fact */
  timers: boolean
}

/** The full pass, `ss -tanpo`: what fd limits read, what a snapshot records and what replay reads. */
export const EVERY_OWNER: EveryOwnerRead = { cmd: ownersCommand([], 'all'), timers: true }

/** Every socket with its process, unfiltered: the owners of them all, and every state's groups. */
export async function collectEveryOwner(source: Source, listening: Iterable<string>, read: EveryOwnerRead = EVERY_OWNER): Promise<SocketCensus> {
  return censusOfSsLines(source.lineBatches({ cmd: read.cmd }), read.cmd.join(' '), { listening, timers: read.timers })
}

/**
 * The sockets of `states` with their processes, aggregated by the census's own rules (`listening`: the census's
 * listeners, so each socket's side is decided as the census decided it). A targeted and an `all` read give the
 * same result: the states are filtered here as well.
 */
export async function collectOwners(source: Source, states: readonly OwnedState[], read: OwnersRead, listening: Iterable<string>): Promise<SocketCensus> {
  const cmd = ownersCommand(states, read)
  const wanted = new Set(states.map((s) => SS_STATE[s]))
  // `ss state X` with one state drops the State column
  const implied = read === 'targeted' && states.length === 1 ? SS_STATE[states[0]] : undefined
  return censusOfSsLines(source.lineBatches({ cmd }), cmd.join(' '), { listening, keep: (s) => wanted.has(s.state), impliedState: implied })
}
