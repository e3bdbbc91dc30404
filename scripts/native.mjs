// Builds the native capture decoder (src/native/pcap-scan.c → build/Release/netdoc_native.node) with node-gyp, as
// `npm ci` and `npm install` run it (the install script). It is optional: without a C compiler or Node's headers
// the build fails, this says so in one line, and captures are decoded in JavaScript (src/capture/native-scan.ts),
// with the same results, a little slower. It never fails the install.
import { execFileSync } from 'node:child_process'
import { existsSync, statSync, readdirSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

const root = join(dirname(fileURLToPath(import.meta.url)), '..')
const built = join(root, 'build/Release/netdoc_native.node')
const sources = [join(root, 'binding.gyp'), ...readdirSync(join(root, 'src/native')).map((f) => join(root, 'src/native', f))]

if (process.env.NETDOC_NATIVE === '0') {
  console.log('netdoc: NETDOC_NATIVE=0: the native capture decoder is not built')
  process.exit(0)
}
if (existsSync(built) && sources.every((s) => statSync(s).mtimeMs <= statSync(built).mtimeMs)) process.exit(0)

// npm gives its own node-gyp to scripts (npm_config_node_gyp); by hand, the one beside npm
const npmGyp = join(dirname(process.execPath), '../lib/node_modules/npm/node_modules/node-gyp/bin/node-gyp.js')
const gyp = process.env.npm_config_node_gyp ?? (existsSync(npmGyp) ? npmGyp : undefined)
if (!gyp) {
  console.log('netdoc: node-gyp not found: the native capture decoder is not built (captures are decoded in JavaScript)')
  process.exit(0)
}
try {
  execFileSync(process.execPath, [gyp, 'rebuild'], { cwd: root, stdio: ['ignore', 'ignore', 'pipe'], env: process.env })
  console.log('netdoc: built the native capture decoder (build/Release/netdoc_native.node)')
} catch (err) {
  const why = String(err.stderr ?? err.message).split('\n').find((l) => /error|not found|ERR!/i.test(l)) ?? 'node-gyp failed'
  console.log(`netdoc: the native capture decoder was not built (${why.trim().slice(0, 160)}); captures are decoded in JavaScript.`)
  console.log('        To build it: apt-get install -y g++ make python3, then npm run build:native')
}
