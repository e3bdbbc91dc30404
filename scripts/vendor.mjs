// Bundles execa into dist/vendor/execa.js (one ESM file). Imported as installed, execa's ~100 modules cost
// 130–200 ms of start-up; bundled, ~30 ms (../shared/DESIGN.md toolchain facts). src/probes/exec.ts imports
// this file lazily, and falls back to the package where no build ran (ts-jest).
import { build } from 'esbuild'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

const root = join(dirname(fileURLToPath(import.meta.url)), '..')
await build({
  stdin: { contents: "export * from 'execa'", resolveDir: root, loader: 'js' },
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  outfile: join(root, 'dist', 'vendor', 'execa.js'),
  // execa's CommonJS dependencies call require(); an ES module has none of its own.
  banner: { js: "import { createRequire as __netdocRequire } from 'node:module'; const require = __netdocRequire(import.meta.url);" },
  logLevel: 'warning',
})
console.log('dist/vendor/execa.js: execa bundled')
