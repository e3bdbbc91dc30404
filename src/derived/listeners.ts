// Listener facts seen by the queue checks and the queues view: the two samples joined per listening address.
import type { Facts } from '../model/check.js'
import type { Listener } from '../model/facts.js'
import type { Subject } from '../model/finding.js'
import { derived } from './cache.js'

export interface ListenerWindow {
  local: string
  start?: Listener
  end?: Listener
  /** the later sample that has it */
  last: Listener
  /** skmem d growth over the window; undefined when not in both samples or ss gave no skmem */
  dropsDelta?: number
  /** Recv-Q > Send-Q at either sample: the accept queue was full */
  full: boolean
  /** highest Recv-Q / Send-Q over the samples (0 when the limit is unknown) */
  peakFill: number
  peakRecvQ: number
}

// One socket across the samples: its address and first holder's pid and fd (SO_REUSEPORT members share the
// address, and one process may hold several members); without ss -p, its place among the rows of that address.
function keyer(): (l: Listener) => string {
  const seen = new Map<string, number>()
  return (l) => {
    const p = l.processes[0]
    if (p) return `${l.local}|${p.pid}|${p.fd ?? ''}`
    const n = seen.get(l.local) ?? 0
    seen.set(l.local, n + 1)
    return `${l.local}|#${n}`
  }
}

/** Every listener across the window, computed once per run (do not sort the array in place: copy it). */
export function joinListeners(facts: Facts): readonly ListenerWindow[] {
  return derived(facts, 'joinListeners', () => joinListenersOf(facts))
}

function joinListenersOf(facts: Facts): ListenerWindow[] {
  const start = facts.first('listeners')
  const end = facts.get('listeners')
  const byKey = new Map<string, ListenerWindow>()
  const keys = { start: keyer(), end: keyer() }
  const visit = (l: Listener, which: 'start' | 'end') => {
    const k = keys[which](l)
    let w = byKey.get(k)
    if (!w) byKey.set(k, (w = { local: l.local, last: l, full: false, peakFill: 0, peakRecvQ: 0 }))
    w[which] = l
    w.last = which === 'end' || !w.end ? l : w.end
    if (l.sendQ !== undefined && l.recvQ > l.sendQ) w.full = true
    if (l.sendQ) w.peakFill = Math.max(w.peakFill, l.recvQ / l.sendQ)
    w.peakRecvQ = Math.max(w.peakRecvQ, l.recvQ)
  }
  if (start !== end) start.forEach((l) => visit(l, 'start'))
  end.forEach((l) => visit(l, 'end'))
  for (const w of byKey.values()) {
    if (w.start?.drops !== undefined && w.end?.drops !== undefined && w.end.drops >= w.start.drops) {
      w.dropsDelta = w.end.drops - w.start.drops
    }
  }
  return [...byKey.values()]
}

export function listenerSubject(l: Listener): Subject {
  const s: Subject = { local: l.local, side: 'server' }
  const p = l.processes[0]
  if (p) {
    s.pid = p.pid
    s.process = p.name
  }
  return s
}

/** "127.0.0.1:8080 (nginx, pid 811)" */
export function listenerLabel(l: Listener): string {
  const p = l.processes[0]
  return p ? `${l.local} (${p.name}, pid ${p.pid})` : l.local
}

/** What these listeners were read from, as census sources are written: "ss -ltnmp", "/proc/net/tcp + /proc/net/tcp6". */
export const listenerSources = (listeners: Listener[]): string => [...new Set(listeners.map((l) => l.source))].join(' + ')

/** `ss` filter that shows one listener, for remediation commands. */
export const ssListenerCommand = (l: Listener): string => `ss -ltnp 'sport = :${l.port}'`
