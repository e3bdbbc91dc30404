import type { Check, CheckMeta } from '../model/check.js'
import { meetsExpectation, parseExpectation, type SysctlExpectation } from './support/sysctl-expectation.js'
import { agree, fail, pass, plural, skip, sysctlEvidence } from './support/findings.js'
import { remedy } from './support/remediation.js'

const meta: CheckMeta = {
  id: 'sysctl.expected',
  topic: 'sysctl',
  title: 'Expected sysctl values',
  failureTitle: 'Sysctl differs from the expected value',
  description:
    'The host has the kernel settings the configuration expects (expect.sysctls, e.g. "net.core.somaxconn": ">=4096"): one failing finding per setting that differs (critical) or cannot be read (warning).',
  facts: ['sysctls'],
  sysctlsFromConfig: true,
}

/** The value to set when an expectation is not met: the expected field where it is exact, else its bound. */
function suggested(e: SysctlExpectation): string | undefined {
  if (e.fields.some((f) => f.op === '!=' || f.op === '<' || f.op === '>')) return undefined
  return e.fields.map((f) => f.value).join(' ')
}

export const sysctlExpected: Check = {
  meta,
  evaluate(facts, ctx) {
    const expected = Object.entries(ctx.options.expectSysctls ?? {})
    if (expected.length === 0) return [skip(meta, 'no expected values configured (expect.sysctls in --config or .netdocrc)')]
    const sysctls = facts.get('sysctls')
    const findings = []
    let met = 0
    for (const [name, text] of expected) {
      const e = parseExpectation(text)
      // The configuration is validated on load; an expectation that still does not parse is a bug upstream.
      if (typeof e === 'string') throw new Error(`expect.sysctls.${name}: ${e}`)
      const actual = sysctls.get(name)
      const value = suggested(e)
      if (actual === undefined) {
        findings.push(
          fail(meta, {
            severity: 'warning',
            title: 'Expected sysctl is missing',
            message: `${name} is expected to be ${e.text}, but it could not be read (absent on this kernel or in this namespace, or not recorded in the snapshot)`,
            subject: { sysctl: name },
            evidence: [sysctlEvidence(name, undefined)],
            remediation: { text: `Check the name (sysctl -a | grep ${name.split('.').pop()}) and the kernel version, or load the module that provides it.`, commands: [`sysctl ${name}`] },
          }),
        )
      } else if (!meetsExpectation(actual, e)) {
        findings.push(
          fail(meta, {
            severity: 'critical',
            message: `${name} is ${actual.trim().split(/\s+/).join(' ')}, expected ${e.text}`,
            subject: { sysctl: name },
            evidence: [sysctlEvidence(name, actual)],
            remediation: remedy(ctx.options.where, `Set ${name} to meet ${e.text}${value ? '' : ' (pick the value yourself: the expectation is a bound)'} and persist it.`, value ? [[name, value]] : []),
          }),
        )
      } else met++
    }
    return findings.length ? findings : [pass(meta, `${plural(met, 'expected sysctl value')} ${agree(met, 'met', 'all met')}`)]
  },
}
