// Every parser fixture against its golden parsed form, discovered from the folders (the jc convention): in each
// folder of captured outputs, a file NAME (or NAME.out) has its parsed form NAME.json beside it, and the folder has
// one README that says where each file came from. The parser is chosen by the file's name (PARSERS below); a file
// no parser claims must be a script, a note or a stderr capture. After an intended parser change, or a new fixture:
//   UPDATE_GOLDEN=1 NODE_OPTIONS=--experimental-vm-modules npx jest test/unit/parsers/fixtures
// and review the diff.
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'

import { parseConntrackStats } from '../../../src/parsers/conntrack-stats.js'
import { parseProcNetDev } from '../../../src/parsers/proc-net-dev.js'
import { parseProcNetNetstat, parseProcNetSnmp } from '../../../src/parsers/proc-net-netstat.js'
import { parseProcNetSnmp6 } from '../../../src/parsers/proc-net-snmp6.js'
import { parseProcNetStat } from '../../../src/parsers/proc-net-stat.js'
import { parseProcNetSockstat } from '../../../src/parsers/proc-net-sockstat.js'
import { parseProcNetSoftnetStat } from '../../../src/parsers/proc-net-softnet-stat.js'
import { parseProcNetTcp } from '../../../src/parsers/proc-net-tcp.js'
import { parseOpenFilesLimit } from '../../../src/parsers/proc-pid-limits.js'
import { parseSs } from '../../../src/parsers/ss.js'
import { parseTcpInfo } from '../../../src/parsers/ss-tcp-info.js'
import { parseSysNetSpeed, parseSysNetStatistic } from '../../../src/parsers/sys-class-net.js'
import { ROOT } from '../../helpers/netns.js'

const FIXTURES = join(ROOT, 'test', 'fixtures')
/** Folders of parser fixtures (the others hold captures, snapshots or scenario inputs with tests of their own). */
const FOLDERS = ['linux-6.18.44', 'linux-2.6.32-layout', 'softnet-stat-formats', 'census', 'keepalive', 'kernel-tables']
/** Files that are not captured outputs: scripts, notes, a command's stderr, the kernel version of a capture. */
const NOT_OUTPUT = /(^README|\.sh$|\.md$|\.json$|\.stderr$|^kernel\.txt$)/

async function collect<T>(items: AsyncIterable<T> | Iterable<T>): Promise<T[]> {
  const out: T[] = []
  for await (const x of items) out.push(x)
  return out
}

/** File name → the parser production runs on that output (as its probe calls it). */
const PARSERS: Array<[RegExp, (text: string) => unknown]> = [
  [/^proc-net-netstat/, (t) => parseProcNetNetstat(t)],
  [/^proc-net-snmp6/, (t) => parseProcNetSnmp6(t)],
  [/^proc-net-snmp/, (t) => parseProcNetSnmp(t)],
  [/^proc-net-tcp6?(\.out)?$/, (t) => [...parseProcNetTcp(t.split('\n'))]],
  [/^proc-net-dev/, (t) => Object.fromEntries(parseProcNetDev(t))],
  [/^(proc-net-)?sockstat/, (t) => parseProcNetSockstat(t)],
  [/^(proc-net-softnet_stat|cols-\d+)$/, (t) => parseProcNetSoftnetStat(t)],
  [/^proc-net-stat-(nf_conntrack|arp_cache|ndisc_cache)/, (t) => parseProcNetStat(t, '/proc/net/stat/...')],
  [/^conntrack-S/, (t) => parseConntrackStats(t)],
  [/^limits/, (t) => parseOpenFilesLimit(t)],
  [/^ss-tnimp/, async (t) => (await collect(parseSs(t.split('\n'), 'ESTAB'))).map((s) => ({ ...s, tcpInfo: parseTcpInfo(s.extra) }))],
  [/^ss-/, (t) => collect(parseSs(t.split('\n')))],
  [
    /^sys-class-net-statistics$/,
    (t) =>
      Object.fromEntries(
        t
          .trim()
          .split('\n')
          .map((l) => {
            const path = l.slice(0, l.lastIndexOf(':'))
            const value = l.slice(path.length + 1)
            return [path, path.endsWith('/speed') ? (parseSysNetSpeed(value, path) ?? null) : parseSysNetStatistic(value, path)]
          }),
      ),
  ],
]

const goldenOf = (file: string) => file.replace(/\.out$/, '') + '.json'
/** JSON as the golden holds it: Maps and Sets as objects and arrays, undefined dropped. */
const asJson = (value: unknown) => JSON.stringify(value, (_k, v) => (v instanceof Map ? Object.fromEntries(v) : v instanceof Set ? [...v] : v), 2) + '\n'

const cases = FOLDERS.flatMap((folder) =>
  readdirSync(join(FIXTURES, folder))
    .filter((f) => !NOT_OUTPUT.test(f))
    .map((file) => ({ folder, file, parse: PARSERS.find(([re]) => re.test(file))?.[1] })),
)

describe('parser fixtures', () => {
  test.each(FOLDERS.map((f) => [f]))('%s has one provenance note', (folder) => {
    expect(readdirSync(join(FIXTURES, folder)).filter((f) => /^README/.test(f))).toHaveLength(1)
  })

  test.each(cases.map((c) => [`${c.folder}/${c.file}`, c]))('%s parses to its golden', async (_name, c) => {
    expect([c.file, c.parse !== undefined]).toEqual([c.file, true])
    const parsed = asJson(await c.parse!(readFileSync(join(FIXTURES, c.folder, c.file), 'utf8')))
    const golden = join(FIXTURES, c.folder, goldenOf(c.file))
    if (process.env.UPDATE_GOLDEN === '1') writeFileSync(golden, parsed)
    expect(existsSync(golden)).toBe(true)
    expect(parsed).toBe(readFileSync(golden, 'utf8'))
  })

  test('no golden without its captured output', () => {
    for (const folder of FOLDERS) {
      const outputs = new Set(cases.filter((c) => c.folder === folder).map((c) => goldenOf(c.file)))
      const orphans = readdirSync(join(FIXTURES, folder)).filter((f) => f.endsWith('.json') && !outputs.has(f))
      expect([folder, orphans]).toEqual([folder, []])
    }
  })
})
