import { readFileSync } from 'node:fs'
import { join } from 'node:path'

import { conntrackDrops } from '../../../src/checks/conntrack.drops.js'
import type { PerCpuStats } from '../../../src/model/facts.js'
import { Unavailable } from '../../../src/model/errors.js'
import { parseConntrackStats } from '../../../src/parsers/conntrack-stats.js'
import { parseProcNetStat } from '../../../src/parsers/proc-net-stat.js'
import { checkTable, evaluateCase } from '../../helpers/check-table.js'
import { ROOT } from '../../helpers/netns.js'
import { sysctls } from '../../helpers/facts.js'

const loaded = sysctls({ 'net.netfilter.nf_conntrack_max': 262144, 'net.netfilter.nf_conntrack_count': 100 })
const stats = (rows: Array<Record<string, number>>, source = '/proc/net/stat/nf_conntrack'): PerCpuStats => ({ source, cpus: rows, entries: 100 })
const row = (drop = 0, early = 0, insertFailed = 0) => ({ drop, early_drop: early, insert_failed: insertFailed, found: 5 })
const log = { conntrackFull: { count: 0 }, neighbourOverflow: { count: 0 } }
const fullLog = { conntrackFull: { count: 3, last: '[ 12.3] nf_conntrack: nf_conntrack: table full, dropping packet' }, neighbourOverflow: { count: 0 } }

checkTable(conntrackDrops, [
  {
    name: 'drop grew on one CPU: critical, summed over CPUs, with the kernel log line',
    start: { sysctls: loaded, conntrackStats: stats([row(0), row(4)]), kernelLog: fullLog },
    end: { conntrackStats: stats([row(10), row(4)]) },
    findings: [{ status: 'fail', severity: 'critical', message: /in 2\.0 s: 10 drop .*summed over 2 CPUs.*table full, dropping packet/ }],
  },
  {
    name: 'insert_failed only (the DNS race): warning naming the cause',
    start: { sysctls: loaded, conntrackStats: stats([row(), row()]), kernelLog: log },
    end: { conntrackStats: stats([row(0, 0, 3), row(0, 0, 2)]) },
    findings: [{ status: 'fail', severity: 'warning', message: /5 insert_failed/ }],
    also: (f) => expect(f[0].remediation!.text).toMatch(/single-request-reopen/),
  },
  {
    name: 'from conntrack -S when the procfs file is missing',
    start: { sysctls: loaded, conntrackStats: stats([row()], 'conntrack -S'), kernelLog: log },
    end: { conntrackStats: stats([row(0, 7)], 'conntrack -S') },
    findings: [{ status: 'fail', severity: 'critical', message: /7 early_drop \(conntrack -S/ }],
  },
  {
    name: 'old drops, none in the window: pass',
    start: { sysctls: loaded, conntrackStats: stats([row(50), row(3)]), kernelLog: log },
    end: { conntrackStats: stats([row(50), row(3)]) },
    findings: [{ status: 'pass', message: /no conntrack drop.*in 2\.0 s/ }],
  },
  {
    name: 'no window: since-boot totals are info',
    start: { sysctls: loaded, conntrackStats: stats([row(50)]), kernelLog: log },
    findings: [{ status: 'fail', severity: 'info', message: /since boot: 50 drop/ }],
  },
  {
    name: 'kernel log unreadable (not root): says so, does not fail for it',
    start: { sysctls: loaded, conntrackStats: stats([row()]), kernelLog: new Unavailable('error', 'dmesg failed: Operation not permitted') },
    end: { conntrackStats: stats([row(1)]) },
    findings: [{ status: 'fail', severity: 'critical', message: /kernel log was not readable: dmesg needs root/ }],
  },
  {
    name: 'conntrack not loaded: skip before the statistics are asked for',
    start: { sysctls: sysctls({}), conntrackStats: new Unavailable('skip', 'missing'), kernelLog: log },
    findings: [{ status: 'skip', message: /conntrack is not loaded/ }],
  },
  {
    name: 'a counter that went down (module reloaded) is not a drop',
    start: { sysctls: loaded, conntrackStats: stats([row(50)]), kernelLog: log },
    end: { conntrackStats: stats([row(2)]) },
    findings: [{ status: 'pass' }],
  },
])

describe('over the captured layouts (test/fixtures/kernel-tables)', () => {
  const read = (name: string) => readFileSync(join(ROOT, 'test', 'fixtures', 'kernel-tables', name), 'utf8')
  test('a full table at both ends of a window: critical, deltas summed over 4 CPUs', () => {
    const start = parseProcNetStat(read('proc-net-stat-nf_conntrack-full-start'), '/proc/net/stat/nf_conntrack')
    const end = parseProcNetStat(read('proc-net-stat-nf_conntrack-full-end'), '/proc/net/stat/nf_conntrack')
    const [f] = evaluateCase(conntrackDrops, { start: { sysctls: loaded, conntrackStats: start, kernelLog: log }, end: { conntrackStats: end } })
    expect(f).toMatchObject({ status: 'fail', severity: 'critical' })
    expect(f.message).toMatch(/^in 2\.0 s: 48 drop, 15 early_drop, 5 insert_failed \(\/proc\/net\/stat\/nf_conntrack, summed over 4 CPUs\)/)
  })
  test('conntrack -S totals with no window: info since boot', () => {
    const s = parseConntrackStats(read('conntrack-S-drops.out'))
    const [f] = evaluateCase(conntrackDrops, { start: { sysctls: loaded, conntrackStats: s, kernelLog: log } })
    expect(f).toMatchObject({ status: 'fail', severity: 'info' })
    expect(f.message).toMatch(/since boot: 638 drop, 183 early_drop, 21 insert_failed \(conntrack -S/)
  })
})
