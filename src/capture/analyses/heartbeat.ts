// Application heartbeats: small messages at a regular period on an otherwise quiet connection, as a request and
// its reply (PING/PONG) or one-way. A message is a burst of data segments from one side (segments closer than
// BURST_GAP join the previous message); keepalive probes and retransmissions are never messages, so a connection
// that carries only TCP keepalives never shows a heartbeat.
import type { HeartbeatConnection } from '../../model/capture.js'
import type { Flow, FlowEndReason, FlowObserver } from '../flows.js'
import { midstreamOf, type AnalysisRun } from './index.js'
import { median, pushBounded } from '../stats.js'

/** segments closer than this belong to one message */
const BURST_GAP = 0.05
/** a heartbeat message is at most this big (median) */
export const HEARTBEAT_MAX_BYTES = 512
/** at least this many messages from the initiating side */
export const HEARTBEAT_MIN_MESSAGES = 4
/** the shortest period called a heartbeat (faster is a stream, not a heartbeat) */
const MIN_PERIOD = 0.2
/** this share of the gaps must be within 25 % of the median period */
const REGULAR_SHARE = 0.75

interface Side {
  messages: number
  lastData: number
  /** start times of recent messages */
  starts: number[]
  sizes: number[]
  current: number
  /** messages answered by the peer within half a period (counted when the answer starts) */
  replies: number
}

/** sides made on the first data segment: most flows of a flood or a scan never carry data */
export interface State {
  sides?: [Side, Side]
}

const newSide = (): Side => ({ messages: 0, lastData: -Infinity, starts: [], sizes: [], current: 0, replies: 0 })

// A message's byte count turns from a small integer into a double past 2^31 (a bulk stream is one long burst),
// which changes the Side shape and throws away the compiled code that read it, mid-capture: one Side written at
// load with a double takes that step first.
newSide().current = 2 ** 32 + 0.5

function flush(s: Side): void {
  if (s.current > 0) pushBounded(s.sizes, s.current)
  s.current = 0
}

/**
 * A message from `dir` starts at `ts`: the side's bytes so far make the last message (flushed), and whether it
 * answers the peer's. `current`: those bytes, when the caller keeps them (the native flow engine does).
 */
function messageStart(state: State, dir: 0 | 1, ts: number, current?: number): void {
  const st = (state.sides ??= [newSide(), newSide()])
  const me = st[dir]
  if (current !== undefined) me.current = current
  flush(me)
  me.messages++
  pushBounded(me.starts, ts)
  // a reply: the peer's last message started shortly before this one (within half our own gap) and after our previous one
  const peer = st[dir ^ 1]
  const peerStart = peer.starts[peer.starts.length - 1]
  const prevOwn = me.starts[me.starts.length - 2]
  const window = Math.min(1, prevOwn === undefined ? 1 : (ts - prevOwn) / 2)
  if (peerStart !== undefined && ts - peerStart < window && (prevOwn === undefined || peerStart > prevOwn)) me.replies++
}

export const heartbeatAnalysis = (): AnalysisRun<HeartbeatConnection[]> & { native: HeartbeatNative } => {
  const out: HeartbeatConnection[] = []
  const observer: FlowObserver<State> = {
    open: () => ({ sides: undefined }),
    segment(_flow, state, seg, info) {
      if (seg.payloadLen === 0 || info.keepalive || info.retransmission) return
      const st = (state.sides ??= [newSide(), newSide()])
      const me = st[info.dir]
      if (seg.ts - me.lastData > BURST_GAP) messageStart(state, info.dir, seg.ts)
      me.current += seg.payloadLen
      me.lastData = seg.ts
    },
    close(flow, state) {
      const st = state.sides
      if (!st) return
      flush(st[0])
      flush(st[1])
      // the initiator: the side whose messages are not mostly replies
      const [c, s] = st
      const initDir = c.messages - c.replies >= s.messages - s.replies ? 0 : 1
      const init = st[initDir]
      const peer = st[initDir ^ 1]
      if (init.messages < HEARTBEAT_MIN_MESSAGES) return
      const gaps: number[] = []
      for (let i = 1; i < init.starts.length; i++) gaps.push(init.starts[i] - init.starts[i - 1])
      const period = median(gaps)
      if (period === undefined || period < MIN_PERIOD) return
      const regular = gaps.filter((g) => Math.abs(g - period) <= 0.25 * period).length
      if (regular < REGULAR_SHARE * gaps.length) return
      const bytes = median(init.sizes) ?? 0
      if (bytes > HEARTBEAT_MAX_BYTES) return
      const answered = peer.replies >= REGULAR_SHARE * init.messages
      const replyBytes = median(peer.sizes)
      if (answered && (replyBytes ?? 0) > HEARTBEAT_MAX_BYTES) return
      const hb: HeartbeatConnection = {
        client: flow.client,
        server: flow.server,
        by: initDir === 0 ? 'client' : 'server',
        pattern: answered ? 'request-response' : 'one-way',
        messages: init.messages,
        periodSeconds: Math.round(period * 1000) / 1000,
        bytes,
      }
      if (answered && replyBytes !== undefined) hb.replyBytes = replyBytes
      Object.assign(hb, midstreamOf(flow))
      out.push(hb)
    },
  }
  // The native flow engine (native-flows.ts) does segment() in C: it tells each message's start, with the bytes
  // it ends, and at the flow's end the bytes of the last messages, then close() runs here.
  const native: HeartbeatNative = {
    message: (state, dir, event, at) => messageStart(state, dir, event[at], event[at + 2]),
    close(flow, state, reason, made, current0, current1) {
      if (made) {
        const st = (state.sides ??= [newSide(), newSide()])
        st[0].current = current0
        st[1].current = current1
      }
      observer.close(flow, state, reason)
    },
  }
  return { observer, result: () => out, native }
}

export interface HeartbeatNative {
  /** a message's start: its time at event[at], the bytes of the message it ends at event[at + 2] */
  message(state: State, dir: 0 | 1, event: Float64Array, at: number): void
  /** `made`: a data segment was seen (the sides exist), with each side's bytes since its last message start */
  close(flow: Flow, state: State, reason: FlowEndReason, made: boolean, current0: number, current1: number): void
}
