// Makes the catalogue from the check modules (the build's scripts/catalogue.mjs, and tests running from src/).
import { docsFor } from '../checks/support/findings.js'
import type { Check } from '../model/check.js'
import type { FactId } from '../model/facts.js'
import { loadAllProbes } from '../probes/index.js'
import type { CatalogueEntry } from './catalogue.js'

const sysctlPath = (name: string) => `/proc/sys/${name.replaceAll('.', '/')}`

export async function catalogueOf(checks: readonly Check[]): Promise<CatalogueEntry[]> {
  const probeReads = new Map<FactId, string[]>((await loadAllProbes()).map((p) => [p.id, p.reads]))
  return [...checks]
    .sort((a, b) => a.meta.id.localeCompare(b.meta.id))
    .map((c) => {
      const facts = [...c.meta.facts, ...(c.meta.optionalFacts ?? [])]
      const reads = facts.flatMap((f) => (f === 'sysctls' ? (c.meta.sysctls ?? []).map(sysctlPath) : probeReads.get(f)!))
      if (c.meta.sysctlsFromConfig) reads.push('/proc/sys/... the sysctls named in expect.sysctls of --config')
      return { meta: c.meta, reads: [...new Set(reads)], docs: docsFor(c.meta.id) }
    })
}
