// The engine: which facts the selected checks need → probes at both ends of the window → checks → findings.
import type { Check, CheckOptions, Facts, OwnedState } from '../model/check.js'
import type { FactId, HostInfo } from '../model/facts.js'
import { Unavailable } from '../model/errors.js'
import type { Finding } from '../model/finding.js'
import { placeFindings } from '../checks/support/remediation.js'
import { PROBE_INFO, type ProbeContext } from '../probes/index.js'
import type { OwnersRead } from '../probes/owners.js'
import { attributable, attributeWindow, ownedStatesWanted } from './attribution.js'
import type { Source } from '../probes/source.js'
import type { Config } from './config.js'
import { DeclaredFacts, sysctlsOf, WindowFacts } from './facts.js'
import { asUnavailable, collectSample, type SampleValues } from './sample.js'

export interface RunInput {
  source: Source
  checks: Check[]
  /** seconds between the samples; 0 = one sample, since-boot totals only */
  intervalSeconds: number
  config?: Config
  options: CheckOptions
  /** extra facts a view wants (e.g. the queue table needs listeners even with --only) */
  extraFacts?: FactId[]
  /** extra sysctls a view shows */
  extraSysctls?: string[]
  /** told the seconds left while waiting between samples */
  onWait?: (secondsLeft: number) => void
  /** a snapshot replays its own recorded window instead of waiting */
  recordedWindowSeconds?: number
  /** inputs for probes from flags: the capture to read (--pcap/--capture), a progress callback; the engine adds the sysctls to read */
  probeContext?: ProbeContext
  /**
   * How socket owners are read when findings or views want them (engine/attribution.ts): `targeted` (live: only
   * the states wanted), `all` (replaying a snapshot: its full pass), `record` (a snapshot: the full pass always,
   * so any later run finds its owners). Default `targeted`.
   */
  owners?: OwnersRead | 'record'
  /** the states whose owners the views drawn show, from the facts (TOPIC_VIEWS `owners`) */
  viewOwners?: (facts: Facts) => OwnedState[]
}

export interface RunResult {
  findings: Finding[]
  windowSeconds: number
  host: HostInfo
  facts: WindowFacts
  /** for the report: what the inputs said about themselves (a truncated capture, ...) */
  notes: string[]
  /** the options the checks saw (views show the same BDP inputs) */
  options: CheckOptions
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))

async function waitWindow(seconds: number, onWait?: (left: number) => void): Promise<void> {
  const end = Date.now() + seconds * 1000
  for (let left = end - Date.now(); left > 0; left = end - Date.now()) {
    onWait?.(Math.ceil(left / 1000))
    await sleep(Math.min(left, 250))
  }
}

export function factsNeeded(checks: Check[], extra: FactId[] = []): FactId[] {
  return [...new Set<FactId>(['host', ...extra, ...checks.flatMap((c) => [...c.meta.facts, ...(c.meta.optionalFacts ?? [])])])]
}

/** The sysctls to read: those the checks declare, those their probes use, a view's, and the expected ones. */
export function sysctlsNeeded(checks: Check[], facts: FactId[], extra: string[] = [], expected: string[] = []): string[] {
  const names = [...checks.flatMap((c) => sysctlsOf(c, expected)), ...facts.flatMap((f) => PROBE_INFO[f].sysctls ?? []), ...extra]
  return [...new Set(names)].sort()
}

export async function runChecks(input: RunInput): Promise<RunResult> {
  const ids = factsNeeded(input.checks, input.extraFacts)
  const sampled = ids.filter((id) => PROBE_INFO[id].sampled)
  const replay = input.recordedWindowSeconds !== undefined
  const windowSeconds = replay ? input.recordedWindowSeconds! : input.intervalSeconds

  const expected = Object.keys(input.options.expectSysctls ?? {})
  const probeContext: ProbeContext = { ...input.probeContext, sysctls: sysctlsNeeded(input.checks, ids, input.extraSysctls, expected) }
  const t0 = Date.now()
  const start = await collectSample(input.source.forSample(0), ids, probeContext)
  let end: SampleValues = start
  let measured = 0
  if (windowSeconds > 0 && sampled.length > 0) {
    if (!replay) await waitWindow(input.intervalSeconds - (Date.now() - t0) / 1000, input.onWait)
    const t1 = Date.now()
    end = await collectSample(input.source.forSample(1), sampled, probeContext)
    measured = replay ? windowSeconds : (t1 - t0) / 1000
  }

  let facts = new WindowFacts(start, end)
  let perCheck = input.checks.map((check) => evaluate(check, new DeclaredFacts(facts, check, expected), measured, input))
  const notes: string[] = []
  // An ignored finding wants no owners. A rule that names a process cannot match before the owners are known:
  // such findings still get the pass, and the rule is applied to what it found (below).
  const states = ownedStatesWanted(input.checks, applyConfig(perCheck.flat(), input.config), facts, input.viewOwners?.(facts))
  const mode = input.owners ?? 'targeted'
  if (states.length > 0 || (mode === 'record' && attributable(facts))) {
    try {
      const joined = await attributeWindow(input.source.forSample(end === start ? 0 : 1), start, end, states, mode === 'targeted' ? 'targeted' : 'all')
      if (states.length > 0) {
        facts = new WindowFacts(joined.start, joined.end)
        // Only the checks that name owners see anything new; the others' findings stand.
        perCheck = input.checks.map((check, i) => (check.meta.attribution ? evaluate(check, new DeclaredFacts(facts, check, expected), measured, input) : perCheck[i]))
      }
    } catch (err) {
      // an optional second read: when its input failed (ss missing, not permitted, timed out, a line ss should not
      // print), or netdoc failed reading it (a bug, said as one), the findings stay as the census made them and the
      // rest of the run stands (CONTRACT), as after a probe's failure
      const failed = asUnavailable(err, 'the process owners')
      notes.push(`process owners not read (${failed.reason}): findings name no process`)
    }
  }
  const findings = perCheck.flat()
  const hostValue = start.get('host')
  const host = hostValue instanceof Unavailable || hostValue === undefined ? {} : (hostValue as HostInfo)
  if (facts.has('capture')) notes.unshift(...facts.get('capture').notes)
  return { findings: applyConfig(findings, input.config), windowSeconds: measured, host, facts, options: input.options, notes }
}

function evaluate(check: Check, facts: DeclaredFacts, windowSeconds: number, input: RunInput): Finding[] {
  const own = input.config?.checks?.[check.meta.id]
  if (own?.skip) return [{ check: check.meta.id, status: 'skip', title: check.meta.title, message: 'skipped by the configuration', subject: {}, evidence: [] }]
  const ctx = {
    windowSeconds,
    options: input.options,
    threshold(name: string): number {
      const v = own?.thresholds?.[name] ?? check.meta.thresholds?.[name]?.value
      if (v === undefined) throw new Error(`check ${check.meta.id} has no threshold "${name}"`)
      return v
    },
  }
  try {
    const findings = check.evaluate(facts, ctx)
    // Every command runs where the facts came from, also those a check wrote without the helpers.
    placeFindings(input.options.where, findings)
    if (own?.severity) for (const f of findings) if (f.status === 'fail') f.severity = own.severity
    return findings
  } catch (err) {
    const u = err instanceof Unavailable ? err : undefined
    const message = u ? u.reason : `internal error: ${err instanceof Error ? err.message : String(err)}`
    if (!u && process.env.DEBUG?.includes('netdoc')) console.error(err)
    return [{ check: check.meta.id, status: u?.kind ?? 'error', title: check.meta.title, message, subject: {}, evidence: [] }]
  }
}

/** Drops findings the configuration ignores: every field given must match (check accepts a trailing *). */
function applyConfig(findings: Finding[], config?: Config): Finding[] {
  const rules = config?.ignore
  if (!rules?.length) return findings
  const hit = (f: Finding, rule: Record<string, string | number>) =>
    Object.entries(rule).every(([k, v]) => {
      if (k === 'check') return typeof v === 'string' && v.endsWith('*') ? f.check.startsWith(v.slice(0, -1)) : f.check === v
      return String((f.subject as Record<string, unknown>)[k]) === String(v)
    })
  return findings.filter((f) => f.status !== 'fail' || !rules.some((r) => hit(f, r)))
}
