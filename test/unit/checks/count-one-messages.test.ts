// A count of 1 is followed by a singular noun in check messages ("1 counter", not "1 counters"): each case drives
// a check with inputs that make one of its counts 1, and the message must say it in the singular.
import { ip } from '../../../src/checks/drops.ip.js'
import { conntrackDrops } from '../../../src/checks/conntrack.drops.js'
import { neighTableOverflow } from '../../../src/checks/neigh.table-overflow.js'
import { portsRange } from '../../../src/checks/ports.range.js'
import { acceptQueueFill } from '../../../src/checks/queues.accept-queue-fill.js'
import { synOverflow } from '../../../src/checks/queues.syn-overflow.js'
import { socketsCloseWait } from '../../../src/checks/sockets.close-wait.js'
import { socketsOrphans } from '../../../src/checks/sockets.orphans.js'
import { timewaitBucketOverflow } from '../../../src/checks/timewait.bucket-overflow.js'
import { udp } from '../../../src/checks/buffers.udp.js'
import type { Check } from '../../../src/model/check.js'
import { evaluateCase, type CheckCase } from '../../helpers/check-table.js'
import { census, censusSysctls, listener, sysctls } from '../../helpers/facts.js'

/** "1 counters", "1 TIME_WAIT sockets", "1 SYNs": a count of one with a plural noun after it */
const PLURAL_AFTER_ONE = /(^|[^\d.])1 (UDP |TCP |TIME_WAIT |CLOSE_WAIT |orphaned (TCP )?)?(counters|packets|segments|sockets|SYNs|times|entries|CPUs|ports|datagrams|listeners)\b/

type Case = Omit<CheckCase, 'findings' | 'name'> & { check: Check; message: RegExp }
const rp = { all: 0, default: 0, interfaces: { lo: 0 } }
const syn = sysctls({ 'net.ipv4.tcp_max_syn_backlog': 512, 'net.ipv4.tcp_syncookies': 1, 'net.core.somaxconn': 4096 })
const synCounters = (drop: number, cookies: number) => ({ TcpExtTCPReqQFullDrop: drop, TcpExtTCPReqQFullDoCookies: cookies, TcpExtSyncookiesSent: cookies })
const neigh = (entries: number, fulls: number) => ({ arp: { source: '/proc/net/stat/arp_cache', entries, cpus: [{ allocs: 1, table_fulls: fulls }] } })
const noLog = { conntrackFull: { count: 0 }, neighbourOverflow: { count: 0 } }

const cases: Record<string, Case> = {
  'drops.ip: one counter read': { check: ip, start: { counters: { IpInDiscards: 0 }, rpFilter: rp }, end: { counters: { IpInDiscards: 0 } }, message: /\(1 counter; absent: / },
  'drops.ip: one packet dropped': { check: ip, start: { counters: { IpInDiscards: 0 }, rpFilter: rp }, end: { counters: { IpInDiscards: 1 } }, message: /^1 packet dropped by IP input/ },
  'queues.syn-overflow: one SYN dropped': {
    check: synOverflow,
    start: { counters: synCounters(0, 0), listeners: [listener('*:80', 0, 511)] },
    end: { counters: synCounters(1, 0), sysctls: syn, listeners: [listener('*:80', 0, 511)] },
    message: /^1 SYN dropped in 2\.0 s/,
  },
  'queues.syn-overflow: cookies once': {
    check: synOverflow,
    start: { counters: synCounters(0, 0), listeners: [listener('*:80', 0, 511)] },
    end: { counters: synCounters(0, 1), sysctls: syn, listeners: [listener('*:80', 0, 511)] },
    message: /into SYN cookies 1 time in 2\.0 s/,
  },
  'queues.accept-queue-fill: one listener': { check: acceptQueueFill, start: { listeners: [listener('*:80', 0, 128)] }, end: { listeners: [listener('*:80', 0, 128)] }, message: /^1 listener, none at/ },
  'conntrack.drops: one CPU': {
    check: conntrackDrops,
    start: { sysctls: sysctls({ 'net.netfilter.nf_conntrack_max': 262144, 'net.netfilter.nf_conntrack_count': 100 }), conntrackStats: { source: '/proc/net/stat/nf_conntrack', cpus: [{ drop: 0, early_drop: 0, insert_failed: 0 }], entries: 100 }, kernelLog: noLog },
    end: { conntrackStats: { source: '/proc/net/stat/nf_conntrack', cpus: [{ drop: 3, early_drop: 0, insert_failed: 0 }], entries: 100 } },
    message: /summed over 1 CPU\)/,
  },
  'neigh.table-overflow: full once, one entry': {
    check: neighTableOverflow,
    start: { neighbourStats: neigh(1, 0), sysctls: sysctls({ 'net.ipv4.neigh.default.gc_thresh3': 1024 }), kernelLog: noLog },
    end: { neighbourStats: neigh(1, 1) },
    message: /table full 1 time in 2\.0 s.*; 1 entry,/,
  },
  'ports.range: a range of one port': { check: portsRange, start: { sysctls: censusSysctls({ 'net.ipv4.ip_local_port_range': '40000\t40000' }), census: census() }, message: /has 1 port \(/ },
  'sockets.close-wait: one socket': { check: socketsCloseWait, start: { census: census({ states: { 'CLOSE-WAIT': 1 }, closeWait: [{ side: 'server', local: '10.0.0.1:8080', count: 1, source: 'ss -tano' }] }) }, message: /^1 CLOSE_WAIT socket;/ },
  'sockets.orphans: one orphan': { check: socketsOrphans, start: { sockstat: { TCP: { inuse: 10, orphan: 1, tw: 0 } }, sysctls: censusSysctls({ 'net.ipv4.tcp_max_orphans': 1000 }) }, message: /^1 orphaned socket of/ },
  'timewait.bucket-overflow: one TIME_WAIT at a bucket limit of 1': {
    check: timewaitBucketOverflow,
    start: { counters: { TcpExtTCPTimeWaitOverflow: 0 }, sockstat: { TCP: { inuse: 1, orphan: 0, tw: 1 } }, sysctls: sysctls({ 'net.ipv4.tcp_max_tw_buckets': 1 }) },
    message: /^1 TIME_WAIT socket: at/,
  },
  'buffers.udp: one datagram dropped, one socket open': {
    check: udp,
    start: { counters: { UdpRcvbufErrors: 0 }, sockstat: { UDP: { inuse: 1 } }, sysctls: sysctls({ 'net.core.rmem_max': 212992, 'net.core.wmem_max': 212992 }) },
    end: { counters: { UdpRcvbufErrors: 1 } },
    message: /^1 UDP datagram dropped in 2\.0 s/,
  },
}

describe('a count of 1 takes the singular', () => {
  test.each(Object.entries(cases))('%s', (_name, { check, message, ...c }) => {
    const messages = evaluateCase(check, c).map((f) => f.message)
    expect(messages.join('\n')).toMatch(message)
    for (const m of messages) expect(m).not.toMatch(PLURAL_AFTER_ONE)
  })

  test('buffers.udp: one UDP socket is open', () => {
    const findings = evaluateCase(udp, { start: { counters: { UdpRcvbufErrors: 0 }, sockstat: { UDP: { inuse: 1 } }, sysctls: sysctls({ 'net.core.rmem_max': 212992, 'net.core.wmem_max': 212992 }) } })
    expect(findings.map((f) => f.message).join('\n')).toMatch(/1 UDP socket is open/)
  })
})
