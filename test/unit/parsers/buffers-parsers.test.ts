// Parsers of the buffers facts, on outputs captured on this machine (test/fixtures/linux-6.18.44, see its README)
// and, for softnet_stat's older layouts, on files written from the kernel's format (test/fixtures/softnet-stat-formats).
import { readFileSync } from 'node:fs'
import { join } from 'node:path'

import { ParseError } from '../../../src/parsers/parse-error.js'
import { parseProcNetDev } from '../../../src/parsers/proc-net-dev.js'
import { parseProcNetSnmp } from '../../../src/parsers/proc-net-netstat.js'
import { parseProcNetSockstat } from '../../../src/parsers/proc-net-sockstat.js'
import { parseProcNetSoftnetStat } from '../../../src/parsers/proc-net-softnet-stat.js'
import { parseSkmem, parseSs } from '../../../src/parsers/ss.js'
import { histogramPercentile, parseTcpInfo, rttBucket, rttBucketUpperMs, RTT_BUCKETS, emptyHistogram } from '../../../src/parsers/ss-tcp-info.js'
import { parseSysNetSpeed, parseSysNetStatistic } from '../../../src/parsers/sys-class-net.js'
import { ROOT } from '../../helpers/netns.js'

const fixture = (dir: string, name: string) => readFileSync(join(ROOT, 'test', 'fixtures', dir, name), 'utf8')

describe('parseProcNetSoftnetStat', () => {
  test('15 columns (captured, Linux 6.18): CPU id from column 13, queue lengths present', () => {
    const rows = parseProcNetSoftnetStat(fixture('linux-6.18.44', 'proc-net-softnet_stat'))
    expect(rows).toHaveLength(2)
    expect(rows.map((r) => r.cpu)).toEqual([0, 1])
    for (const r of rows) {
      expect(r.processed).toBeGreaterThan(0)
      expect(r.dropped).toBe(0)
      expect(r.backlogLength).toBe(0)
      expect(r.inputQueueLength).toBe(0)
      expect(r.processQueueLength).toBe(0)
    }
  })

  test('13 columns (5.10+): CPU ids skip the offline CPU; no separate queue lengths', () => {
    const rows = parseProcNetSoftnetStat(fixture('softnet-stat-formats', 'cols-13'))
    expect(rows).toEqual([
      { cpu: 0, processed: 188505626, dropped: 0, timeSqueeze: 47, receivedRps: 0, flowLimitCount: 0, backlogLength: 0 },
      { cpu: 1, processed: 161608642, dropped: 18, timeSqueeze: 261, receivedRps: 1000, flowLimitCount: 0, backlogLength: 7 },
      { cpu: 3, processed: 168496141, dropped: 0, timeSqueeze: 0, receivedRps: 0, flowLimitCount: 1, backlogLength: 0 },
    ])
  })

  test('11 columns (before 5.10): rows are positional, the newer columns undefined', () => {
    const rows = parseProcNetSoftnetStat(fixture('softnet-stat-formats', 'cols-11'))
    expect(rows.map((r) => r.cpu)).toEqual([0, 1, 2])
    expect(rows[1]).toEqual({ cpu: 1, processed: 161608642, dropped: 18, timeSqueeze: 261, receivedRps: 1000, flowLimitCount: 0 })
    expect(rows[1].backlogLength).toBeUndefined()
  })

  test('malformed: not hexadecimal, too few columns', () => {
    expect(() => parseProcNetSoftnetStat('0000zz 00000000 00000000\n')).toThrow(ParseError)
    expect(() => parseProcNetSoftnetStat('00000001 00000002\n')).toThrow(/at least 3/)
    // found by test/unit/fuzz/parsers.fuzz.test.ts: 400 hex digits parsed to Infinity
    expect(() => parseProcNetSoftnetStat(`${'9'.repeat(400)} 00000000 00000000\n`)).toThrow(/not a hexadecimal counter/)
    expect(parseProcNetSoftnetStat('')).toEqual([])
  })
})

describe('parseProcNetDev', () => {
  test('captured: every interface with its 16 counters', () => {
    const dev = parseProcNetDev(fixture('linux-6.18.44', 'proc-net-dev'))
    expect([...dev.keys()]).toEqual(['lo', 'ifb0', 'ifb1', 'eth0'])
    expect(dev.get('eth0')).toMatchObject({ rx_bytes: 548937252, rx_packets: 21561, rx_drop: 0, rx_fifo_errors: 0, tx_packets: 22244 })
    expect(dev.get('lo')).toMatchObject({ rx_packets: 37, tx_bytes: 3633 })
  })

  test('malformed: a short line, a line without a name', () => {
    expect(() => parseProcNetDev('  eth0: 1 2 3\n')).toThrow(/16 numbers/)
    expect(() => parseProcNetDev('garbage line\n')).toThrow(/name:/)
  })

  test('an interface whose name holds a | or an escape sequence is still an interface (only the headers are skipped)', () => {
    const text = fixture('linux-6.18.44', 'proc-net-dev') + '\x1b[2Jev|l: 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16\n'
    const dev = parseProcNetDev(text)
    expect([...dev.keys()]).toEqual(['lo', 'ifb0', 'ifb1', 'eth0', '\x1b[2Jev|l'])
    expect(dev.get('\x1b[2Jev|l')).toMatchObject({ rx_bytes: 1, rx_drop: 4 })
  })
})

describe('/sys/class/net statistics and speed', () => {
  test('captured statistics files: one counter each', () => {
    const lines = fixture('linux-6.18.44', 'sys-class-net-statistics').trim().split('\n')
    const stats = Object.fromEntries(
      lines.map((l) => {
        const i = l.lastIndexOf(':')
        return [l.slice(0, i).split('/').pop()!, l.slice(0, i).endsWith('speed') ? parseSysNetSpeed(l.slice(i + 1), l.slice(0, i)) : parseSysNetStatistic(l.slice(i + 1), l.slice(0, i))]
      }),
    )
    expect(stats.rx_packets).toBe(21561)
    expect(stats.rx_dropped).toBe(0)
    expect(stats.rx_missed_errors).toBe(0)
    expect(stats.rx_fifo_errors).toBe(0)
    expect(stats.speed).toBeUndefined() // eth0 is virtual here: -1
    expect(fixture('linux-6.18.44', 'sys-class-net-statistics.stderr')).toMatch(/lo\/speed: Invalid argument/)
  })

  test('speeds: known, unknown, malformed', () => {
    expect(parseSysNetSpeed('10000\n', 'speed')).toBe(10000)
    expect(parseSysNetSpeed('-1\n', 'speed')).toBeUndefined()
    expect(parseSysNetSpeed('65535\n', 'speed')).toBeUndefined()
    expect(() => parseSysNetSpeed('fast\n', '/sys/class/net/x/speed')).toThrow(/\/sys\/class\/net\/x\/speed/)
    expect(() => parseSysNetStatistic('-3\n', 'rx_dropped')).toThrow(ParseError)
  })

  // found by test/unit/fuzz/parsers.fuzz.test.ts: 400 digits made Infinity
  test('digits too long for a double: a counter is a ParseError, a speed unknown', () => {
    expect(() => parseSysNetStatistic('9'.repeat(400), 'rx_dropped')).toThrow(ParseError)
    expect(parseSysNetSpeed('9'.repeat(400), 'speed')).toBeUndefined()
  })
})

describe('parseProcNetSockstat', () => {
  test('captured sockstat and sockstat6: every line, generic fields', () => {
    const v4 = parseProcNetSockstat(fixture('linux-6.18.44', 'proc-net-sockstat'))
    expect(v4.TCP).toEqual({ inuse: 1, orphan: 0, tw: 0, alloc: 1, mem: 182 })
    expect(v4.UDP).toEqual({ inuse: 0, mem: 0 })
    expect(v4.sockets).toEqual({ used: 14 })
    expect(v4.FRAG).toEqual({ inuse: 0, memory: 0 })
    const v6 = parseProcNetSockstat(fixture('linux-6.18.44', 'proc-net-sockstat6'))
    expect(v6.UDP6).toEqual({ inuse: 0 })
    expect(parseProcNetSockstat(fixture('linux-6.18.44', 'proc-net-sockstat-udp')).UDP.inuse).toBe(2)
  })

  test('malformed: unpaired field, not a number, no prefix', () => {
    expect(() => parseProcNetSockstat('TCP: inuse 1 orphan\n')).toThrow(/do not pair/)
    expect(() => parseProcNetSockstat('TCP: inuse x\n')).toThrow(/not a number/)
    expect(() => parseProcNetSockstat('nonsense\n')).toThrow(ParseError)
  })
})

describe('ss -tnimp state established with TCP_INFO', () => {
  test('captured lossy transfer: stateless lines, retrans x/y, rtt, skmem rb, process', async () => {
    const sockets = []
    for await (const s of parseSs(fixture('linux-6.18.44', 'ss-tnimp-established-lossy').split('\n'), 'ESTAB')) sockets.push(s)
    expect(sockets).toHaveLength(2)
    const [sender, receiver] = sockets
    expect(sender).toMatchObject({ state: 'ESTAB', local: '127.0.0.1:55300', peer: '127.0.0.1:9922', sendQ: 2919320 })
    expect(sender.processes[0].name).toBe('node')
    expect(parseTcpInfo(sender.extra)).toMatchObject({ rttMs: 0.507, rttVarMs: 0.486, retransNow: 45, retransTotal: 8150, bytesSent: 205021264 })
    expect(parseTcpInfo(receiver.extra)).toMatchObject({ bytesReceived: 193109648, lastRcvMs: 88, rcvSpace: 261768 })
    expect(parseTcpInfo(receiver.extra).retransTotal).toBeUndefined()
    expect(parseSkmem(receiver.extra)?.rb).toBe(1318373)
  })

  test('the stateless form rejects a line that is not a socket', async () => {
    const bad = async () => {
      for await (const _ of parseSs(['Recv-Q Send-Q Local Address:Port Peer Address:Port', 'ESTAB 0 0 a:1 b:2'], 'ESTAB')) void _
    }
    await expect(bad()).rejects.toThrow(/not a socket line/)
  })

  test('minrtt and rcv_rtt are not mistaken for rtt; an old single-number retrans', () => {
    expect(parseTcpInfo('minrtt:0.019 rcv_rtt:25.404').rttMs).toBeUndefined()
    expect(parseTcpInfo('rto:204 retrans:2 cwnd:10')).toEqual({ retransNow: 2 })
  })
})

describe('RTT histogram', () => {
  test('buckets bound a value within 10 % above', () => {
    for (const ms of [0.01, 0.05, 0.3, 1, 17, 50, 250, 5000]) {
      const b = rttBucket(ms)
      expect(rttBucketUpperMs(b)).toBeGreaterThanOrEqual(ms * 0.999999)
      if (b > 0) expect(rttBucketUpperMs(b) / ms).toBeLessThanOrEqual(1.1 + 1e-9)
    }
    expect(rttBucket(1e9)).toBe(RTT_BUCKETS - 1)
  })

  test('p90 of 90 fast and 10 slow sockets is the fast bucket; of 89 and 11 the slow one', () => {
    const h = emptyHistogram()
    h[rttBucket(1)] += 90
    h[rttBucket(100)] += 10
    expect(histogramPercentile(h, 0.9)).toBeCloseTo(rttBucketUpperMs(rttBucket(1)))
    h[rttBucket(1)] -= 1
    h[rttBucket(100)] += 1
    expect(histogramPercentile(h, 0.9)).toBeCloseTo(rttBucketUpperMs(rttBucket(100)))
    expect(histogramPercentile(emptyHistogram(), 0.9)).toBeUndefined()
  })
})

test('captured /proc/net/snmp of the deaf UDP receiver: InErrors counts the RcvbufErrors', () => {
  const c = parseProcNetSnmp(fixture('linux-6.18.44', 'proc-net-snmp-udp-drops'))
  expect(c.UdpRcvbufErrors).toBeGreaterThan(0)
  expect(c.UdpInErrors).toBe(c.UdpRcvbufErrors)
})
