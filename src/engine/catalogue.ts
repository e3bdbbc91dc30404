// The catalogue of checks: every check's meta and what it reads, as data. The build writes it to
// dist/catalogue.json (scripts/catalogue.mjs), so `netdoc checks`, help, --config validation and selection import
// no check module; running imports only the selected checks (checks/registry.ts loadChecks).
import { readFileSync } from 'node:fs'

import type { CheckMeta } from '../model/check.js'

export interface CatalogueEntry {
  meta: CheckMeta
  /** files and commands its facts are read from, and the /proc/sys path of each sysctl it declares */
  reads: string[]
  docs: string
}

/** Beside the built modules: dist/catalogue.json. */
const BUILT = new URL('../catalogue.json', import.meta.url)

let cached: Promise<CatalogueEntry[]> | undefined

/** The built catalogue; from the check modules themselves when there is none (running from src/, in tests). */
export function catalogue(): Promise<CatalogueEntry[]> {
  cached ??= (async () => {
    let text: string | undefined
    try {
      text = readFileSync(BUILT, 'utf8')
    } catch {
      // not built: make it the way the build does
    }
    if (text !== undefined) return JSON.parse(text) as CatalogueEntry[]
    const [{ catalogueOf }, { loadAllChecks }] = await Promise.all([import('./catalogue-build.js'), import('../checks/registry.js')])
    return await catalogueOf(await loadAllChecks())
  })()
  return cached
}

export const topicsOf = (entries: readonly CatalogueEntry[]): string[] => [...new Set(entries.map((c) => c.meta.topic))]
