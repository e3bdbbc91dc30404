// The reader on captures this test makes with tcpdump in its own namespace (not only the committed fixtures):
// -i lo (Ethernet), -i any (LINUX_SLL2) with nanosecond timestamps, snaplen 96; IPv4 and IPv6, graceful closes,
// resets and refusals. Counts cross-checked against `tcpdump -r FILE 'filter' | wc -l` on the same file, and the
// CLI's connection count against the SYNs tcpdump sees.
import { spawnSync } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

import { decodeTcp, FIN, RST, SYN, type TcpSegment } from '../../src/capture/decode.js'
import { CaptureReader } from '../../src/capture/reader.js'
import { describeRoot, runJson, TestNetns } from '../helpers/netns.js'

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms).unref()) // unref: a race timer must not keep jest alive

function tcpdumpCount(file: string, filter?: string): number {
  const out = spawnSync('tcpdump', ['-nn', '-r', file, ...(filter ? [filter] : [])], { stdio: ['ignore', 'pipe', 'ignore'], maxBuffer: 64 << 20 }).stdout.toString()
  return out.split('\n').filter(Boolean).length
}

function read(file: string): { packets: number; segs: TcpSegment[]; linkTypes: number[] } {
  const segs: TcpSegment[] = []
  let packets = 0
  const r = new CaptureReader((p) => {
    packets++
    const s = decodeTcp(p.linkType, p.data, p.ts, p.origLen)
    if (s) segs.push(s)
  })
  r.push(readFileSync(file))
  return { packets, segs, linkTypes: r.end().linkTypes }
}

describeRoot('capture reader on fresh tcpdump captures', () => {
  let ns: TestNetns
  let dir: string
  const files: Record<string, string> = {}

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'netdoc-capread-'))
    ns = await TestNetns.create('capread')
    const variants: Record<string, string[]> = {
      eth: ['-i', 'lo'],
      sll2ns: ['-i', 'any', '--time-stamp-precision=nano'],
      snap96: ['-i', 'lo', '-s', '96'],
    }
    const dumps = []
    for (const [name, args] of Object.entries(variants)) {
      files[name] = join(dir, `${name}.pcap`)
      dumps.push(await ns.start(['tcpdump', ...args, '--immediate-mode', '-U', '-w', files[name]], { waitReady: false }))
    }
    // all three capturing: three packet sockets in the namespace (bounded wait)
    for (let i = 0; i < 100; i++) {
      const { stdout } = await ns.exec(['cat', '/proc/net/packet'])
      if (stdout.trim().split('\n').length >= 4) break
      await sleep(100)
    }
    // a packet socket exists before its ring and filter are ready: give tcpdump a moment so no handshake is missed
    await sleep(1000)
    await ns.runNode('tcp-mix.cjs', [9000, 20])
    await sleep(300)
    for (const d of dumps) process.kill(d.pid!, 'SIGINT')
    await Promise.all(dumps.map((d) => Promise.race([new Promise((r) => d.on('exit', r)), sleep(5000)])))
  }, 60000)

  afterAll(async () => {
    await ns?.cleanup()
    if (dir) rmSync(dir, { recursive: true, force: true })
  })

  test.each(['eth', 'sll2ns', 'snap96'])('%s: packets, TCP, SYN/FIN/RST and IPv6 counts match tcpdump', (name) => {
    const file = files[name]
    const { packets, segs, linkTypes } = read(file)
    expect(linkTypes).toEqual([name === 'sll2ns' ? 276 : 1])
    expect(packets).toBeGreaterThan(100)
    expect(packets).toBe(tcpdumpCount(file))
    expect(segs.length).toBe(tcpdumpCount(file, 'tcp'))
    const flag = (bit: number, name6: number) => `tcp[tcpflags] & ${bit} != 0 or (ip6 and ip6[53] & ${name6} != 0)`
    expect(segs.filter((s) => s.flags & SYN).length).toBe(tcpdumpCount(file, flag(2, 2)))
    expect(segs.filter((s) => s.flags & FIN).length).toBe(tcpdumpCount(file, flag(1, 1)))
    expect(segs.filter((s) => s.flags & RST).length).toBe(tcpdumpCount(file, flag(4, 4)))
    expect(segs.filter((s) => s.ipVersion === 6).length).toBe(tcpdumpCount(file, 'ip6 and tcp'))
  })

  test('the CLI reads it: one connection per distinct 4-tuple tcpdump sees', async () => {
    const file = files.sll2ns
    // Distinct unordered address:port pairs. Not SYNs: on a loaded machine tcpdump may start after a handshake,
    // and netdoc rightly counts that connection too (partial). tcp-mix.cjs never reuses a port within the run.
    const out = spawnSync('tcpdump', ['-nn', '-r', file, 'tcp'], { stdio: ['ignore', 'pipe', 'ignore'], maxBuffer: 64 << 20 }).stdout.toString()
    const tuples = new Set(
      out
        .split('\n')
        .map((l) => / IP6? (\S+) > (\S+?): /.exec(l))
        .filter((m) => m !== null)
        .map((m) => [m![1], m![2]].sort().join(' ')),
    )
    const syns = tuples.size
    expect(syns).toBeGreaterThan(10)
    const { code, report } = await runJson(['keepalive', '--pcap', file, '--interval', '0', '--only', 'keepalive.probes'])
    expect(code).toBe(0)
    expect(report.notes.join('\n')).toContain(`${syns} connections`)
  })
}, { tools: ['tcpdump'] })
