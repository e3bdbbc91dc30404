// Keepalive probes per connection, from the tracker's classification (Wireshark's rule, see flows.ts): count,
// answered (a keepalive ACK from the peer before the next probe), unanswered, median interval. While the peer
// answers, probes come every TCP_KEEPIDLE; unanswered ones every TCP_KEEPINTVL (KNOWLEDGE.md, Keepalive).
import type { KeepaliveConnection } from '../../model/capture.js'
import { RST } from '../decode.js'
import type { FlowObserver } from '../flows.js'
import { midstreamOf, type AnalysisFactory } from './index.js'
import { median, pushBounded } from '../stats.js'

interface Side {
  probes: number
  answered: number
  unanswered: number
  pending: boolean
  lastProbe: number
  lastAnswered: boolean
  first: number
  gapsAnswered: number[]
  gapsUnanswered: number[]
  gaps: number[]
}

type State = [Side | undefined, Side | undefined] & { rst?: boolean }

const newSide = (ts: number): Side => ({ probes: 0, answered: 0, unanswered: 0, pending: false, lastProbe: ts, lastAnswered: false, first: ts, gapsAnswered: [], gapsUnanswered: [], gaps: [] })

/** A probe from `dir` at `ts`: the previous one is settled now, and the gap to this one says which timer ran. */
function probe(st: State, dir: 0 | 1, ts: number): void {
  let side = st[dir]
  if (!side) side = st[dir] = newSide(ts)
  else {
    const gap = ts - side.lastProbe
    pushBounded(side.gaps, gap)
    if (side.pending) {
      side.unanswered++
      pushBounded(side.gapsUnanswered, gap)
    } else pushBounded(side.gapsAnswered, gap)
  }
  side.probes++
  side.pending = true
  side.lastProbe = ts
}

function answer(st: State, dir: 0 | 1): void {
  const side = st[dir]
  if (side?.pending) {
    side.pending = false
    side.answered++
  }
}

export const keepaliveAnalysis: AnalysisFactory<KeepaliveConnection[]> = () => {
  const out: KeepaliveConnection[] = []
  const observer: FlowObserver<State> = {
    open: () => {
      // rst from the start: one shape for every flow's state, whatever its first RST adds
      const st = [undefined, undefined] as State
      st.rst = false
      return st
    },
    segment(_flow, st, seg, info) {
      if (seg.flags & RST) st.rst = true
      // mid-connection, an earlier segment judged a probe only now: counted at its own time, before this one
      const late = info.lateProbe
      if (late) {
        probe(st, late.dir, late.ts)
        if (late.answered) answer(st, late.dir)
      }
      if (info.keepalive) probe(st, info.dir, seg.ts)
      else if (info.keepaliveAck && !late?.answered) answer(st, (info.dir ^ 1) as 0 | 1)
    },
    close(flow, st, reason) {
      // most connections never probe: nothing to make for them
      if (st[0] === undefined && st[1] === undefined) return
      const sides = [st[0], st[1]].filter((s): s is Side => s !== undefined)
      for (const s of sides) {
        // A last probe still pending when the connection ended (RST, FIN or eviction) went unanswered; one pending
        // at the very end of the capture may simply not have been answered yet.
        if (s.pending && reason !== 'end') s.unanswered++
        else if (s.pending && reason === 'end' && (st.rst || flow.sides[0].fin || flow.sides[1].fin)) s.unanswered++
      }
      const main = sides.reduce((a, b) => (b.probes > a.probes ? b : a))
      out.push({
        client: flow.client,
        server: flow.server,
        by: st[0] && st[1] ? 'both' : st[0] ? 'client' : 'server',
        probes: sides.reduce((n, s) => n + s.probes, 0),
        answered: sides.reduce((n, s) => n + s.answered, 0),
        unanswered: sides.reduce((n, s) => n + s.unanswered, 0),
        intervalSeconds: median(main.gaps),
        answeredIntervalSeconds: median(main.gapsAnswered),
        unansweredIntervalSeconds: median(main.gapsUnanswered),
        endedBy: st.rst ? 'rst' : flow.sides[0].fin || flow.sides[1].fin ? 'fin' : 'open',
        firstProbe: Math.min(...sides.map((s) => s.first)),
        lastProbe: Math.max(...sides.map((s) => s.lastProbe)),
        ...midstreamOf(flow),
      })
    },
  }
  return { observer, result: () => out }
}
