import { bdp } from '../../../src/checks/buffers.bdp.js'
import type { NetInterface, TcpInfo, TcpSocketNote } from '../../../src/model/facts.js'
import { emptyHistogram, rttBucket } from '../../../src/parsers/ss-tcp-info.js'
import { ctxOf, factsOf, outcome, sysctls, evaluateDeclared } from '../../helpers/facts.js'

const settings = (rmemMax: number, wmemMax: number, rmemMaxCore = 212992) =>
  sysctls({ 'net.ipv4.tcp_rmem': `4096\t131072\t${rmemMax}`, 'net.ipv4.tcp_wmem': `4096\t16384\t${wmemMax}`, 'net.core.rmem_max': String(rmemMaxCore), 'net.core.wmem_max': '212992' })
const eth = (speedMbps?: number): NetInterface[] => [{ name: 'lo', stats: {} }, { name: 'eth0', speedMbps, stats: {} }]
const tcpInfo = (rttsMs: number[], smallRcvbuf: TcpSocketNote[] = []): TcpInfo => {
  const h = emptyHistogram()
  for (const r of rttsMs) h[rttBucket(r)]++
  return { source: 'ss -tnimp state established', sockets: rttsMs.length, remoteSockets: rttsMs.length, rttHistogram: h, byPeer: {}, topRetrans: [], smallRcvbuf }
}
const MiB = 1048576

describe('buffers.bdp', () => {
  test.each([
    // 10 Gbit/s x 50 ms = 62.5 MB
    ['flags: both maxes below 62.5 MB', { bandwidthBps: 10e9, rttSeconds: 0.05 }, settings(32 * MiB, 4 * MiB), ['net.ipv4.tcp_rmem', 'net.ipv4.tcp_wmem']],
    ['flags: rmem covers, wmem does not', { bandwidthBps: 10e9, rttSeconds: 0.05 }, settings(64 * MiB, 4 * MiB), ['net.ipv4.tcp_wmem']],
    ['flags: 1 Gbit/s x 1 ms = 125 kB, covered', { bandwidthBps: 1e9, rttSeconds: 0.001 }, settings(6 * MiB, 4 * MiB), []],
  ])('%s', (_name, options, sc, failing) => {
    const findings = evaluateDeclared(bdp, factsOf({ sysctls: sc, interfaces: eth(), tcpInfo: tcpInfo([]) }), ctxOf(bdp, 0, options))
    const subjects = findings.filter((f) => f.status === 'fail').map((f) => f.subject.sysctl)
    expect(subjects).toEqual(failing)
    for (const f of findings.filter((x) => x.status === 'fail')) expect(f.severity).toBe('warning')
    if (!failing.length) expect(findings[0].status).toBe('pass')
  })

  test('the message gives the cap (max / RTT) and the remediation a max of twice the BDP', () => {
    const [f] = evaluateDeclared(bdp, factsOf({ sysctls: settings(4 * MiB, 64 * MiB), interfaces: eth(), tcpInfo: tcpInfo([]) }), ctxOf(bdp, 0, { bandwidthBps: 1e9, rttSeconds: 0.1 }))
    // BDP 12.5 MB; 4 MiB x 8 / 0.1 s = 335.54 Mbit/s; 2 x BDP = 25 MB → 24 MiB rounded up = 25165824
    expect(f.message).toContain('335.54 Mbit/s')
    expect(f.remediation?.commands[0]).toBe("sysctl -w net.ipv4.tcp_rmem='4096 131072 25165824'")
    expect(f.remediation?.text).toMatch(/tcp_mem/)
  })

  test('a huge BDP: the suggestion is capped at the int maximum (a window cannot pass 1 GiB)', () => {
    // 100 Gbit/s x 500 ms = 6.25 GB: twice that does not fit the int the sysctl is
    const [f] = bdp.evaluate(factsOf({ sysctls: settings(4 * MiB, 64 * MiB), interfaces: eth(), tcpInfo: tcpInfo([]) }), ctxOf(bdp, 0, { bandwidthBps: 100e9, rttSeconds: 0.5 }))
    expect(f.remediation?.commands[0]).toBe("sysctl -w net.ipv4.tcp_rmem='4096 131072 2147483647'")
    expect(f.remediation?.text).toMatch(/capped at 2147483647.*1 GiB/)
  })

  test('measured: link speed x p90 RTT of the sockets', () => {
    // eth0 10 Gbit/s; 9 sockets at 1 ms and 1 at 80 ms → p90 = ~1 ms → BDP ~1.3 MB: 4 MiB covers it
    const facts = (rtts: number[]) => factsOf({ sysctls: settings(4 * MiB, 4 * MiB), interfaces: eth(10000), tcpInfo: tcpInfo(rtts) })
    expect(outcome(bdp, facts([1, 1, 1, 1, 1, 1, 1, 1, 1, 80]), ctxOf(bdp, 0))).toEqual([{ status: 'pass', severity: undefined, subject: {} }])
    // 8 at 1 ms and 2 at 80 ms → p90 ~ 80 ms → BDP ~100 MB: both fail, the message says where the inputs came from
    const findings = evaluateDeclared(bdp, facts([1, 1, 1, 1, 1, 1, 1, 1, 80, 80]), ctxOf(bdp, 0))
    expect(findings.map((f) => f.status)).toEqual(['fail', 'fail'])
    expect(findings[0].message).toMatch(/eth0 link speed/)
    expect(findings[0].message).toMatch(/p90 RTT of 10 established sockets/)
    // the RTT is cited with the command the tcpInfo fact was read with
    expect(findings[0].evidence.find((e) => e.name === 'rtt')?.source).toBe('p90 RTT of 10 established sockets to non-loopback peers (ss -tnimp state established)')
  })

  test('with a measured RTT, the slowest peers are the details', () => {
    const info = tcpInfo([1, 1, 1, 1, 1, 1, 1, 1, 80, 80])
    const peer = (rtts: number[]) => {
      const h = emptyHistogram()
      for (const r of rtts) h[rttBucket(r)]++
      return { sockets: rtts.length, rttHistogram: h }
    }
    info.byPeer = { '10.0.0.9': peer([80, 80]), '10.0.0.2': peer([1, 1, 1, 1, 1, 1, 1, 1]) }
    const [f] = evaluateDeclared(bdp, factsOf({ sysctls: settings(4 * MiB, 64 * MiB), interfaces: eth(10000), tcpInfo: info }), ctxOf(bdp, 0))
    expect(f.details?.map((d) => d.remote)).toEqual(['10.0.0.9', '10.0.0.2'])
    expect(f.details?.[0].p90RttMs).toBeGreaterThanOrEqual(80)
    expect(f.details?.[0].p90RttMs).toBeLessThanOrEqual(88)
  })

  test('unknown link speed and no sockets: skip, naming the flags', () => {
    const [f] = evaluateDeclared(bdp, factsOf({ sysctls: settings(4 * MiB, 4 * MiB), interfaces: eth(), tcpInfo: tcpInfo([]) }), ctxOf(bdp, 0))
    expect(f.status).toBe('skip')
    expect(f.message).toMatch(/--bandwidth.*--rtt/)
  })

  const fixed = (bytes: number): TcpSocketNote => ({ local: '10.0.0.1:5000', peer: '10.0.0.2:40000', process: 'legacyd', pid: 77, rcvbuf: 65536, bytesReceived: bytes })

  test('a busy socket whose small receive buffer stays fixed is info, naming the process; rmem_max then matters', () => {
    const start = tcpInfo([], [fixed(100 * MiB)])
    const end = tcpInfo([], [fixed(140 * MiB)])
    const findings = evaluateDeclared(bdp, factsOf({ sysctls: settings(64 * MiB, 64 * MiB), interfaces: eth(), tcpInfo: start }, { tcpInfo: end }), ctxOf(bdp, 2, { bandwidthBps: 1e9, rttSeconds: 0.05 }))
    expect(findings.map((f) => [f.severity, f.subject])).toEqual([
      ['warning', { sysctl: 'net.core.rmem_max' }],
      ['warning', { sysctl: 'net.core.wmem_max' }],
      ['info', { local: '10.0.0.1:5000', remote: '10.0.0.2:40000', pid: 77, process: 'legacyd' }],
    ])
    // the message names what the probe ran, from the fact: not a command netdoc never runs
    expect(findings[2].message).toContain(`inferred from skmem rb and bytes_received in ${end.source},`)
    expect(findings[2].evidence.map((e) => [e.name, e.source])).toEqual([
      ['skmem.rb', end.source],
      ['bytes_received', end.source],
    ])
  })

  test('a small buffer that did not stay fixed, or saw no data in the window, is not reported', () => {
    const grew = { ...fixed(140 * MiB), rcvbuf: 131072 }
    const idle = fixed(100 * MiB)
    for (const end of [grew, idle]) {
      const facts = factsOf({ sysctls: settings(64 * MiB, 64 * MiB), interfaces: eth(), tcpInfo: tcpInfo([], [fixed(100 * MiB)]) }, { tcpInfo: tcpInfo([], [end]) })
      expect(outcome(bdp, facts, ctxOf(bdp, 2, { bandwidthBps: 1e9, rttSeconds: 0.05 }))).toEqual([{ status: 'pass', severity: undefined, subject: {} }])
    }
  })
})
