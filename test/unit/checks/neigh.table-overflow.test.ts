import { neighTableOverflow } from '../../../src/checks/neigh.table-overflow.js'
import type { NeighbourStats } from '../../../src/model/facts.js'
import { Unavailable } from '../../../src/model/errors.js'
import { checkTable, evaluateCase } from '../../helpers/check-table.js'
import { sysctls } from '../../helpers/facts.js'

const table = (file: string, entries: number, fulls: number[]) => ({ source: file, entries, cpus: fulls.map((f) => ({ allocs: 1, table_fulls: f })) })
const neigh = (arp: [number, number[]], ndisc?: [number, number[]]): NeighbourStats => ({
  arp: table('/proc/net/stat/arp_cache', ...arp),
  ...(ndisc ? { ndisc: table('/proc/net/stat/ndisc_cache', ...ndisc) } : {}),
})
const sys = sysctls({ 'net.ipv4.neigh.default.gc_thresh3': 1024, 'net.ipv6.neigh.default.gc_thresh3': 1024 })
const log = { conntrackFull: { count: 0 }, neighbourOverflow: { count: 1, last: 'neighbour: arp_cache: neighbor table overflow!' } }

checkTable(neighTableOverflow, [
  {
    name: 'ARP table_fulls grew: critical, gc_thresh raised together, from the host',
    start: { neighbourStats: neigh([1024, [0, 3]], [10, [0, 0]]), sysctls: sys, kernelLog: log },
    end: { neighbourStats: neigh([1024, [5, 3]], [10, [0, 0]]) },
    findings: [{ status: 'fail', severity: 'critical', subject: { sysctl: 'net.ipv4.neigh.default.gc_thresh3' }, message: /ARP \(IPv4\) table full 5 times in 2\.0 s.*neighbor table overflow!/ }],
    also: (f) => expect(f[0].remediation!.commands).toContain('sysctl -w net.ipv4.neigh.default.gc_thresh1=512 net.ipv4.neigh.default.gc_thresh2=1024 net.ipv4.neigh.default.gc_thresh3=2048'),
  },
  {
    name: 'NDP entries at 95 % of gc_thresh3: warning',
    start: { neighbourStats: neigh([10, [0]], [980, [0]]), sysctls: sys, kernelLog: log },
    end: { neighbourStats: neigh([10, [0]], [980, [0]]) },
    findings: [{ status: 'fail', severity: 'warning', subject: { sysctl: 'net.ipv6.neigh.default.gc_thresh3' }, message: /980\/1024 entries \(96 %/ }],
  },
  {
    name: 'few entries, no table_fulls: pass naming both tables',
    start: { neighbourStats: neigh([4, [0, 0]], [5, [0, 0]]), sysctls: sys, kernelLog: log },
    end: { neighbourStats: neigh([4, [0, 0]], [5, [0, 0]]) },
    findings: [{ status: 'pass', message: /ARP \(IPv4\) 4\/1024, NDP \(IPv6\) 5\/1024/ }],
  },
  {
    name: 'no window: table_fulls since boot are a warning',
    start: { neighbourStats: neigh([4, [2]]), sysctls: sys, kernelLog: log },
    findings: [{ status: 'fail', severity: 'warning', subject: { sysctl: 'net.ipv4.neigh.default.gc_thresh3' }, message: /since boot/ }],
  },
])

test("inside a namespace the tables are the host's: the probe's skip reaches the engine, which reports it", () => {
  const skipped = new Unavailable('skip', "/proc/net/stat/arp_cache is absent: the neighbour tables are shown only in the host's initial network namespace")
  expect(() => evaluateCase(neighTableOverflow, { start: { neighbourStats: skipped, sysctls: sys, kernelLog: log } })).toThrow(/initial network namespace/)
})
