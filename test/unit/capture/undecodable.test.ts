// A capture in which nothing could be decoded examined nothing: the capture checks say `error` with the reason,
// never `pass` (issue 10, CONTRACT.md). A truncated capture is still analysed up to its cut.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

import { parsePcapLE, writePcap } from '../../helpers/capture-files.js'
import { findingsOf, ROOT, runJson } from '../../helpers/netns.js'

const CAPTURE_CHECKS = ['keepalive.probes', 'keepalive.heartbeat', 'resets.closes', 'congestion.flows']
const eth = () => parsePcapLE(readFileSync(join(ROOT, 'test', 'fixtures', 'capture', 'lo-eth.pcap')))

describe('capture checks on a capture with nothing decodable', () => {
  let dir: string
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'netdoc-undecodable-'))
  })
  afterAll(() => rmSync(dir, { recursive: true, force: true }))

  async function report(name: string, buf: Buffer) {
    const file = join(dir, name)
    writeFileSync(file, buf)
    const { code, report } = await runJson(['check', 'keepalive', 'resets', 'congestion', '--pcap', file, '--interval', '0', '--only', CAPTURE_CHECKS.join(',')])
    return { code, report, findings: CAPTURE_CHECKS.flatMap((id) => findingsOf(report, id)) }
  }

  test('an unknown link type (147): every capture check is error naming it', async () => {
    const { findings } = await report('dlt147.pcap', writePcap({ ...eth(), linkType: 147 }, false))
    expect(findings.map((f: any) => [f.check, f.status])).toEqual(CAPTURE_CHECKS.map((id) => [id, 'error']))
    for (const f of findings) expect(f.message).toMatch(/link type 147 is not supported/)
  })

  test('Ethernet frames without IP: error naming the link type and that no TCP over IP was there', async () => {
    const f = eth()
    const arp = { ...f, records: f.records.map((r) => ({ ...r, data: Buffer.concat([r.data.subarray(0, 12), Buffer.from([0x08, 0x06]), r.data.subarray(14)]) })) }
    const { findings } = await report('arp.pcap', writePcap(arp, false))
    expect(findings.every((x: any) => x.status === 'error' && /link type Ethernet \(1\)\) is a TCP segment over IPv4 or IPv6/.test(x.message))).toBe(true)
    expect(findings).toHaveLength(CAPTURE_CHECKS.length)
  })

  test('a truncated capture is analysed to the cut, not an error', async () => {
    const buf = writePcap(eth(), false)
    const { report: r, findings } = await report('cut.pcap', buf.subarray(0, buf.length - 5))
    expect(findings.some((x: any) => x.status === 'error')).toBe(false)
    expect(findingsOf(r, 'resets.closes').length).toBeGreaterThan(0)
    expect(r.notes.join('\n')).toMatch(/is truncated/)
  })
})
