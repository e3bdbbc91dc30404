// Process owners only when something needs them (issue 17). The census reads sockets without `ss -p` (whose fd
// walk of every process is most of its cost); after the checks ran, the failing findings of checks that declare
// `meta.attribution` and name no pid, and the views drawn, say which states' owners are wanted. One attribution
// pass reads them (src/probes/owners.ts, through the Source: snapshots record it), the census of the window is
// joined with it (src/census/attribution.ts), and those checks are evaluated again on the joined facts, so a
// check stays a pure function of its facts.
import type { Check, Facts, OwnedState } from '../model/check.js'
import { Unavailable } from '../model/errors.js'
import type { SocketCensus } from '../model/facts.js'
import type { Finding } from '../model/finding.js'
import { SS_CENSUS } from '../probes/ss-commands.js'
import type { OwnersRead } from '../probes/owners.js'
import type { Source } from '../probes/source.js'
import type { SampleValues } from './sample.js'

const ORDER: OwnedState[] = ['close-wait', 'established', 'listening']

/**
 * Only a census read without owners gains from a pass: one read with them (a netdoc 0.3 snapshot) has them all
 * already, and without ss (/proc/net/tcp) there is no pass to run.
 */
export const attributable = (facts: Facts): boolean => facts.has('census') && facts.get('census').source === SS_CENSUS.join(' ')

/** The states whose owners the findings and the views want, in one order (the pass's command is stable). */
export function ownedStatesWanted(checks: Check[], findings: Finding[], facts: Facts, viewStates: OwnedState[] = []): OwnedState[] {
  const byId = new Map(checks.map((c) => [c.meta.id, c.meta.attribution]))
  const wanted = new Set<OwnedState>(viewStates)
  for (const f of findings) {
    const side = f.subject.side
    if (f.status !== 'fail' || side === undefined || f.subject.pid !== undefined) continue
    const state = byId.get(f.check)?.[side]
    if (state) wanted.add(state)
  }
  if (!attributable(facts)) return []
  return ORDER.filter((s) => wanted.has(s))
}

/**
 * The full owners pass the sample already read (for fd limits), so that it walks every process's descriptors
 * once: every socket, so it serves any states (they are filtered by withOwners). One that could not run (no ss,
 * not allowed) fails this pass too; one that failed otherwise (a time-out on a huge table, a line it could not
 * read in a state nobody asked for) leaves the narrower pass to try. One without timers (`ss -tanp` of an older
 * snapshot) has no keepalive fact, so withOwners leaves the keepalive groups as the census read them.
 */
function sampleOwners(sample: SampleValues): SocketCensus | undefined {
  const full = sample.get('ownedCensus')
  if (full instanceof Unavailable) {
    if (full.kind === 'error') return undefined
    throw full
  }
  return full as SocketCensus | undefined
}

/**
 * Reads the owners of `states` at the end of the window and returns the end sample with its census (and the
 * keepalive timers it carries) joined with them; the start sample stays as read (checks compare its counts per
 * endpoint). Throws Unavailable when the pass cannot run.
 */
export async function attributeWindow(source: Source, start: SampleValues, end: SampleValues, states: OwnedState[], read: OwnersRead): Promise<{ start: SampleValues; end: SampleValues }> {
  // imported here: a run without a census (a capture's checks) never attributes
  const [{ collectOwners }, { withOwners }] = await Promise.all([import('../probes/owners.js'), import('../census/attribution.js')])
  const last = end.get('census') as SocketCensus
  const owned = sampleOwners(end) ?? (await collectOwners(source, states, read, last.listening.map((l) => l.local)))
  const join = (sample: SampleValues): SampleValues => {
    const census = sample.get('census') as SocketCensus
    const out = new Map(sample)
    const joined = withOwners(census, owned, states)
    out.set('census', joined)
    if (sample.get('keepaliveSockets') === census.keepalive && joined.keepalive) out.set('keepaliveSockets', joined.keepalive)
    return out
  }
  const joinedEnd = join(end)
  return { start: start === end ? joinedEnd : start, end: joinedEnd }
}
