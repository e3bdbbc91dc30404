import type { Check, CheckMeta } from '../model/check.js'
import type { RpFilter } from '../model/facts.js'
import type { Evidence, Finding } from '../model/finding.js'
import { fail, pass, plural, rate, rateSeverity, seconds } from './support/findings.js'
import { remedy, type Setting } from './support/remediation.js'
import { KERNEL_COUNTERS, kernelRows, stageDrops, type StageRow } from '../derived/receive-path.js'

const meta: CheckMeta = {
  id: 'drops.ip',
  topic: 'drops',
  title: 'IP input drops',
  failureTitle: 'IP layer dropping received packets',
  description:
    'IP input discards (InDiscards), header errors (InHdrErrors), address errors (InAddrErrors) or reverse-path-filter drops (TcpExt IPReversePathFilter) grew in the window; rp_filter drops name the interfaces whose effective rp_filter (max of conf.all and conf.IFACE) is strict.',
  facts: ['counters'],
  optionalFacts: ['rpFilter'],
  thresholds: {
    warningPerSecond: { value: 1, description: 'IP drops per second, averaged over the window, at or above which the finding is a warning; below it, info' },
    criticalPerSecond: { value: 100, description: 'IP drops per second at or above which the finding is critical' },
  },
}

const RP = 'TcpExtIPReversePathFilter'

/** Interfaces (not lo) whose effective rp_filter is strict (1): max(conf.all, conf.IFACE), ip-sysctl.rst. */
export function strictInterfaces(rp: RpFilter): string[] {
  return Object.entries(rp.interfaces)
    .filter(([name, v]) => name !== 'lo' && Math.max(rp.all ?? 0, v) === 1)
    .map(([name]) => name)
}

const evidenceOf = (r: StageRow): Evidence => ({ source: r.source, name: r.counter, value: r.value ?? null, ...(r.delta !== undefined ? { delta: r.delta } : {}) })

export const ip: Check = {
  meta,
  evaluate(facts, ctx) {
    const w = ctx.windowSeconds
    facts.get('counters') // unreadable: this check is an error with the reason, never a pass
    const rows = kernelRows(facts, w, 'ip')
    const findings: Finding[] = []
    const severityOf = (n: number) => rateSeverity(n, w, ctx)
    const when = (n: number) => (w > 0 ? `in ${seconds(w)} (${rate(n / w)})` : 'since boot')
    const amount = (r: StageRow) => (w > 0 ? `+${r.delta}` : `${r.value}`)

    const rpRow = rows.find((r) => r.counter === RP && r.status === 'dropped')
    if (rpRow) {
      const rp = facts.optional('rpFilter') ?? { interfaces: {} }
      const strict = strictInterfaces(rp)
      const n = stageDrops([rpRow], w)
      const settings: Setting[] = []
      if (rp.all === 1) settings.push(['net.ipv4.conf.all.rp_filter', 2])
      for (const name of strict) if (rp.interfaces[name] === 1) settings.push([`net.ipv4.conf.${name}.rp_filter`, 2])
      const subject = strict.length === 1 ? { interface: strict[0], sysctl: rp.all === 1 ? 'net.ipv4.conf.all.rp_filter' : `net.ipv4.conf.${strict[0]}.rp_filter` } : rp.all === 1 ? { sysctl: 'net.ipv4.conf.all.rp_filter' } : {}
      const settingsText = `conf.all.rp_filter=${rp.all ?? '?'}${Object.entries(rp.interfaces).filter(([k]) => k !== 'lo').map(([k, v]) => `, ${k} ${v}`).join('')}`
      findings.push(
        fail(meta, {
          severity: severityOf(n),
          title: 'Reverse-path filter dropping packets',
          message: `${plural(n, 'packet')} dropped by the reverse-path filter ${when(n)} (IPReversePathFilter ${amount(rpRow)}): the route back to their source leaves by another interface; strict rp_filter on ${strict.length ? strict.join(', ') : 'no interface now (the setting may have changed)'} (${settingsText})`,
          subject,
          evidence: [evidenceOf(rpRow), ...(rp.all !== undefined ? [{ source: '/proc/sys/net/ipv4/conf/all/rp_filter', name: 'net.ipv4.conf.all.rp_filter', value: rp.all }] : []), ...strict.map((s) => ({ source: `/proc/sys/net/ipv4/conf/${s}/rp_filter`, name: `net.ipv4.conf.${s}.rp_filter`, value: rp.interfaces[s] }))],
          remediation: remedy(
            ctx.options.where,
            'rp_filter=1 (strict) drops a packet whose source is routed back through another interface: asymmetric routes, several uplinks, policy routing. The right fix is routing that sends replies back the way packets come; where the asymmetry is intended, loose mode (2) still drops sources with no route at all. The effective value is the maximum of conf.all and conf.IFACE, so both must allow it.',
            settings,
            ['ip route get SOURCE  # which interface the route back uses', 'nstat -az TcpExtIPReversePathFilter'],
          ),
        }),
      )
    }
    const other = rows.filter((r) => r.counter !== RP && r.status === 'dropped')
    if (other.length) {
      const n = stageDrops(other, w)
      findings.push(
        fail(meta, {
          severity: severityOf(n),
          message: `${plural(n, 'packet')} dropped by IP input ${when(n)}: ${other.map((r) => `${r.counter} ${amount(r)} (${r.cause})`).join('; ')}`,
          evidence: other.map(evidenceOf),
          remediation: remedy(
            ctx.options.where,
            'InHdrErrors: malformed or TTL-expired packets from the network (look at the sender or a broken middlebox). InAddrErrors: packets for an address this host does not have while forwarding is off (a wrong route or ARP entry upstream). InDiscards: the stack had no room (memory pressure).',
            [],
            ['nstat -az IpInDiscards IpInHdrErrors IpInAddrErrors Ip6InDiscards Ip6InHdrErrors Ip6InAddrErrors'],
          ),
        }),
      )
    }
    if (findings.length) return findings
    const read = rows.filter((r) => r.status !== 'absent' && r.status !== 'not read')
    const absent = KERNEL_COUNTERS.ip.filter((c) => rows.find((r) => r.counter === c.name)?.status === 'absent').map((c) => c.name)
    return [pass(meta, `no IP input drop ${w > 0 ? `in ${seconds(w)}` : 'since boot'} (${plural(read.length, 'counter')}${absent.length ? `; absent: ${absent.join(', ')}` : ''})`, read.map(evidenceOf))]
  },
}
