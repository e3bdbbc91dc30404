// Bundles execa into dist/vendor/execa.js (one ESM file): imported as installed, its ~100 modules cost
// 130–200 ms of start-up; bundled, ~30 ms (../shared/DESIGN.md toolchain facts, docs/performance.md).
// src/probes/vendor.ts imports it lazily and falls back to the package where no build ran (ts-jest).
// systeminformation is not bundled: its bundle (740 kB) imported no faster than the package.
import { build } from 'esbuild'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

const root = join(dirname(fileURLToPath(import.meta.url)), '..')
const bundles = {
  'execa.js': "export * from 'execa'",
}
for (const [file, contents] of Object.entries(bundles)) {
  await build({
    stdin: { contents, resolveDir: root, loader: 'js' },
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    outfile: join(root, 'dist', 'vendor', file),
    // CommonJS parts call require(); an ES module has none of its own.
    banner: { js: "import { createRequire as __netdocRequire } from 'node:module'; const require = __netdocRequire(import.meta.url);" },
    logLevel: 'warning',
  })
}
console.log(`dist/vendor: ${Object.keys(bundles).join(', ')} bundled`)
