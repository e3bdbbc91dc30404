// What a test needs from the machine: root, system tools, optional modules. On a fresh machine a test whose need is
// missing is reported by jest as skipped, with the reason and the install command on stderr. In CI (.ci/run sets
// NETDOC_TEST_REQUIRE_ALL=1 after installing everything) a missing need is a failing test instead, so CI can
// never go green by skipping.
import { spawnSync } from 'node:child_process'
import { createRequire } from 'node:module'

export type Tool = 'tcpdump' | 'nft' | 'iptables' | 'conntrack' | 'ethtool' | 'chromium' | 'tshark' | 'ss' | 'ip' | 'script'
export type Module = 'cap' | 'native'

export interface Needs {
  root?: boolean
  tools?: Tool[]
  modules?: Module[]
}

const INSTALL: Record<Tool | Module, string> = {
  tcpdump: 'apt-get install -y tcpdump',
  nft: 'apt-get install -y nftables',
  iptables: 'apt-get install -y iptables',
  conntrack: 'apt-get install -y conntrack',
  ethtool: 'apt-get install -y ethtool',
  chromium: 'apt-get install -y chromium',
  tshark: 'apt-get install -y tshark',
  ss: 'apt-get install -y iproute2',
  ip: 'apt-get install -y iproute2',
  script: 'apt-get install -y bsdutils',
  cap: 'apt-get install -y libpcap-dev && npm ci',
  native: 'apt-get install -y g++ make python3 && npm run build:native',
}

const TOOL_BINARY: Partial<Record<Tool, string>> = { chromium: 'chromium' }

const found = new Map<string, boolean>()

export function hasTool(tool: Tool): boolean {
  let ok = found.get(tool)
  if (ok === undefined) {
    const bin = TOOL_BINARY[tool] ?? tool
    ok = spawnSync('sh', ['-c', 'command -v "$1"', 'sh', bin], { stdio: 'ignore' }).status === 0
    found.set(tool, ok)
  }
  return ok
}

/** True when the optional module is installed and its native part loads. */
export function hasModule(name: Module): boolean {
  let ok = found.get(`module:${name}`)
  if (ok === undefined) {
    try {
      // netdoc's own native capture decoder is built into build/Release (scripts/native.mjs), not installed
      createRequire(import.meta.url)(name === 'native' ? '../../build/Release/netdoc_native.node' : name)
      ok = true
    } catch {
      ok = false
    }
    found.set(`module:${name}`, ok)
  }
  return ok
}

export const isRoot = (): boolean => process.getuid?.() === 0

/** The reasons a test with these needs cannot run here, each with the command that fixes it; [] when it can. */
export function missingNeeds(needs: Needs): string[] {
  const out: string[] = []
  if (needs.root && !isRoot()) out.push('needs root to create network namespaces (run the tests as root, as CI does)')
  for (const t of needs.tools ?? []) if (!hasTool(t)) out.push(`needs ${t}, which is not installed: ${INSTALL[t]}`)
  for (const m of needs.modules ?? []) if (!hasModule(m)) out.push(`needs the optional module ${m}, which is not built: ${INSTALL[m]}`)
  return out
}

export const requireAll = (): boolean => process.env.NETDOC_TEST_REQUIRE_ALL === '1'

/** `describe` that runs only when its needs are met: skipped with the reason otherwise (a failure in CI). */
export function describeWith(needs: Needs, name: string, fn: () => void): void {
  const missing = missingNeeds(needs)
  if (missing.length === 0) return describe(name, fn)
  if (requireAll()) {
    describe(name, () => {
      test('has what it needs (NETDOC_TEST_REQUIRE_ALL=1)', () => {
        throw new Error(`"${name}" ${missing.join('; ')}`)
      })
    })
    return
  }
  process.stderr.write(`skipping "${name}": ${missing.join('; ')}\n`)
  describe.skip(name, fn)
}

/** `test` that runs only when its needs are met (same rules as describeWith). */
export function testWith(needs: Needs, name: string, fn: () => unknown, timeout?: number): void {
  const missing = missingNeeds(needs)
  if (missing.length === 0) return test(name, fn as jest.ProvidesCallback, timeout)
  if (requireAll()) {
    test(name, () => {
      throw new Error(`${missing.join('; ')} (NETDOC_TEST_REQUIRE_ALL=1)`)
    })
    return
  }
  process.stderr.write(`skipping "${name}": ${missing.join('; ')}\n`)
  test.skip(name, fn as jest.ProvidesCallback)
}

/** `test.each(table)` that runs only when its needs are met; otherwise one skipped test (a failure in CI) by the name's template. */
export function testEachWith<T>(needs: Needs, table: readonly T[]): (name: string, fn: (...args: any[]) => unknown, timeout?: number) => void {
  if (missingNeeds(needs).length === 0) return (name, fn, timeout) => test.each(table as T[])(name, fn as never, timeout)
  return (name, fn, timeout) => testWith(needs, name, fn, timeout)
}
