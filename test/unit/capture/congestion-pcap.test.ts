// congestion.flows through the built CLI on captures written here with chosen timestamps (this kernel has no
// netem): a mobile-like path (RTT 60 ms to 2 s, 10 % of the segments lost, retransmitted after a timeout) seen
// near the client, and a receiver advertising a zero window for 3 s (over IPv6). tcpdump -r reads the files back.
import { execFileSync } from 'node:child_process'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

import { findingsOf, ROOT, runJson } from '../../helpers/netns.js'
import { testWith } from '../../helpers/requires.js'
import { pcapOf, TcpScript } from '../../helpers/tcp-script.js'

const T0 = 1764590000

/** Stop-and-wait from the client: segment i has RTT `rtts[i]`; every tenth (i % 10 == 3) is lost once and re-sent after a quiet RTO. */
function mobile(rtts: number[]): TcpScript {
  const t = new TcpScript({ client: '10.20.0.2', clientPort: 51000, server: '198.51.100.7', serverPort: 443 }).handshake(T0, 0.08, 0.0002, [7, 7])
  let ts = T0 + 0.1
  rtts.forEach((rtt, i) => {
    const seq = t.data(0, ts, 1200)
    if (i % 10 === 3) {
      ts += Math.max(1, 2 * rtt) // the RTO fired
      t.resend(0, ts, seq, 1200)
    }
    ts += rtt
    t.ack(1, ts)
    ts += 0.01
  })
  return t
}

/** The server sends, the client's buffer fills: window 0 from 1 s to 4 s, zero-window probes in between. */
function zeroWindow(): TcpScript {
  const t = new TcpScript({ client: '2001:db8::2', clientPort: 52000, server: '2001:db8::1', serverPort: 8080 }).handshake(T0, 0.0004, 0.0003, [7, 7])
  for (let i = 0; i < 20; i++) {
    t.data(1, T0 + 0.1 + i * 0.02, 1400)
    t.ack(0, T0 + 0.1 + i * 0.02 + 0.001)
  }
  t.data(1, T0 + 0.9, 1400)
  t.ack(0, T0 + 1, 0)
  for (const p of [1.2, 1.6, 2.4]) {
    t.windowProbe(1, T0 + p)
    t.ack(0, T0 + p + 0.0005, 0)
  }
  t.ack(0, T0 + 4, 502) // the window update
  for (let i = 0; i < 5; i++) {
    t.data(1, T0 + 4.001 + i * 0.02, 1400)
    t.ack(0, T0 + 4.002 + i * 0.02)
  }
  return t
}

describe('congestion.flows on written captures', () => {
  let dir: string
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'netdoc-congestion-'))
  })
  afterAll(() => rmSync(dir, { recursive: true, force: true }))

  const write = (name: string, script: TcpScript) => {
    const file = join(dir, name)
    writeFileSync(file, pcapOf(script.segments))
    return file
  }

  const RTTS = Array.from({ length: 100 }, (_, i) => 0.06 + (((i * 37) % 100) / 99) * 1.94)

  test('a mobile-like path: RTT 60 ms to 2 s, 10 of 110 data segments retransmitted after timeouts; captured near the client', async () => {
    const file = write('mobile.pcap', mobile(RTTS))
    const { code, report } = await runJson(['congestion', '--pcap', file, '--interval', '0', '--only', 'congestion.flows', '--fail-on', 'warning'])
    const [f] = findingsOf(report, 'congestion.flows')
    expect(f).toMatchObject({ status: 'fail', severity: 'warning', subject: { server: '198.51.100.7:443' } })
    expect(code).toBe(1)
    const [row] = f.details
    const sampled = RTTS.filter((_, i) => i % 10 !== 3).map((r) => r * 1000).sort((a, b) => a - b)
    expect(row).toMatchObject({ client: '10.20.0.2:51000', dataSegments: 110, retransmissions: 10, spurious: 0, timeoutRetransmits: 10, fastRetransmits: 0, rttSamples: 90 })
    expect(row.lossShare).toBeCloseTo(10 / 110, 3)
    expect(row.rttMs.min).toBeCloseTo(sampled[0], 1)
    expect(row.rttMs.max).toBeCloseTo(sampled[89], 1)
    expect(Math.abs(row.rttMs.p50 - sampled[44]) / sampled[44]).toBeLessThan(0.1)
    expect(Math.abs(row.rttMs.p95 - sampled[85]) / sampled[85]).toBeLessThan(0.1)
    expect(row.handshakeMs).toEqual({ synToSynAck: 80, synAckToAck: 0.2 })
    expect(row).toMatchObject({ captureSide: 'client', rttOf: 'client', limitedBy: 'network' })
    expect(f.message).toMatch(/10 of 110 data segments retransmitted, 9\.1 % of the bytes \(10 after a timeout\)/)
    expect(f.message).toMatch(/RTT swings from 60 ms to 2000 ms \(p50 \d+ ms, p95 \d+ ms, 90 samples\)/)
    expect(f.message).toMatch(/near the client/)
  })

  test('a receiver advertising a zero window for 3 s (IPv6): zeroWindowSeconds 3, limited by the receiver', async () => {
    const file = write('zero-window.pcap', zeroWindow())
    const { report } = await runJson(['congestion', '--pcap', file, '--interval', '0', '--only', 'congestion.flows'])
    const [f] = findingsOf(report, 'congestion.flows')
    expect(f).toMatchObject({ status: 'fail', severity: 'warning', subject: { server: '[2001:db8::1]:8080' } })
    const [row] = f.details
    expect(row.zeroWindowSeconds).toBeCloseTo(3, 2)
    expect(row).toMatchObject({ zeroWindows: 1, zeroWindowBy: 'client', limitedBy: 'receiver', retransmissions: 0 })
    expect(f.remediation.text).toMatch(/The receiver limits these connections/)
  })

  test('the table view names the server, its worst connection and what limits it', async () => {
    const file = write('both.pcap', mobile(RTTS.slice(0, 30)))
    const out = execFileSync(process.execPath, [join(ROOT, 'bin', 'run.js'), 'congestion', '--pcap', file, '--interval', '0', '--only', 'congestion.flows'], {
      env: { ...process.env, COLUMNS: '160' },
    }).toString()
    expect(out).toMatch(/198\.51\.100\.7:443: 1 conn, 3 of 33 data segments retransmitted \(0 spurious\), 9\.1 % of the bytes lost, RTT p50 \d+ ms p95 \d+ ms; captured near the client/)
    expect(out).toMatch(/10\.20\.0\.2:51000 .* network/)
  })

  testWith({ tools: ['tcpdump'] }, 'tcpdump reads the written captures: every segment there', () => {
    const file = write('check.pcap', mobile(RTTS.slice(0, 10)))
    const lines = execFileSync('tcpdump', ['-r', file, '-nn'], { stdio: ['ignore', 'pipe', 'ignore'] }).toString().trim().split('\n')
    expect(lines).toHaveLength(3 + 11 + 10) // handshake, 11 data segments (one re-sent), 10 ACKs
    expect(lines[3]).toMatch(/10\.20\.0\.2\.51000 > 198\.51\.100\.7\.443: Flags \[\.\], seq \d+:\d+, ack \d+, win 502, length 1200/)
  })

  test('without a capture the check is skipped', async () => {
    const { report } = await runJson(['congestion', '--interval', '0', '--only', 'congestion.flows'])
    expect(findingsOf(report, 'congestion.flows')).toMatchObject([{ status: 'skip' }])
  })
})
