// Writes dist/catalogue.json from the built checks' meta: what `netdoc checks`, help and selection read, so that
// they import no check module (src/engine/catalogue.ts).
import { writeFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

const dist = join(dirname(fileURLToPath(import.meta.url)), '..', 'dist')
const { loadAllChecks } = await import(join(dist, 'checks', 'registry.js'))
const { catalogueOf } = await import(join(dist, 'engine', 'catalogue-build.js'))
const entries = await catalogueOf(await loadAllChecks())
writeFileSync(join(dist, 'catalogue.json'), JSON.stringify(entries, null, 1) + '\n')
console.log(`dist/catalogue.json: ${entries.length} checks`)
