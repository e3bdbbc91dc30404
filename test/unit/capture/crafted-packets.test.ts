// The test helpers that craft packets (ip-packets.ts, and tcp-script.ts, whose IP and Ethernet headers are
// ip-packets.ts's), read back by tcpdump -v: valid IPv4 header checksums, Don't Fragment and IP lengths as asked,
// the headers-only TCP segments of tcp-script with the length their payload would have.
import { execFileSync } from 'node:child_process'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

import { ethernet, ipPcap, ipv4Packets, ipv6Packets, udpDatagram } from '../../helpers/ip-packets.js'
import { testWith } from '../../helpers/requires.js'
import { pcapOf, TcpScript } from '../../helpers/tcp-script.js'

let dir: string
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'netdoc-crafted-'))
})
afterAll(() => rmSync(dir, { recursive: true, force: true }))

/** tcpdump -nn -v's lines for a pcap, each packet's two lines joined */
function readBack(name: string, pcap: Buffer): string[] {
  const file = join(dir, name)
  writeFileSync(file, pcap)
  const out = execFileSync('tcpdump', ['-nn', '-v', '-r', file], { stdio: ['ignore', 'pipe', 'ignore'] }).toString()
  return out.split(/\n(?=\d\d:)/).map((p) => p.replace(/\n\s+/g, ' ').trim()).filter(Boolean)
}

testWith({ tools: ['tcpdump'] }, 'ip-packets: IPv4 fragments with valid checksums; Don\'t Fragment and bytes not captured counted in the IP length', () => {
  const fragments = ipv4Packets('10.0.0.1', '10.0.0.2', udpDatagram(5000, 53, 3000), { mtu: 1500 })
  const cut = ipv4Packets('10.0.0.1', '10.0.0.2', udpDatagram(5001, 53, 100), { df: true, notCaptured: 900 })
  const lines = readBack('ip.pcap', ipPcap([...fragments, ...cut].map((data, i) => ({ ts: i, data }))))
  expect(lines).toHaveLength(4)
  for (const line of lines) expect(line).not.toMatch(/bad cksum/)
  expect(lines[0]).toMatch(/offset 0, flags \[\+\], proto UDP \(17\), length 1500/)
  expect(lines[2]).toMatch(/offset 2960, flags \[none\], proto UDP \(17\), length 68/)
  expect(lines[3]).toMatch(/flags \[DF\], proto UDP \(17\), length 1028\)/)
  expect(ipv6Packets('::1', '::1', udpDatagram(5000, 53, 100), { notCaptured: 900 })[0].readUInt16BE(4)).toBe(1008)
  expect(() => ipv4Packets('10.0.0.1', '10.0.0.2', udpDatagram(5000, 53, 3000), { mtu: 1500, notCaptured: 1 })).toThrow(/unfragmented/)
  expect(ethernet(cut[0]).readUInt16BE(12)).toBe(0x0800)
})

testWith({ tools: ['tcpdump'] }, 'tcp-script: IPv4 segments with DF and id 0, IPv6 ones, each IP length counting the payload the frame leaves out', () => {
  const v4 = new TcpScript({ client: '10.0.0.1', clientPort: 40000, server: '10.0.0.2', serverPort: 80 }).handshake(1, 0.01, 0.002, [7, 9])
  v4.data(0, 2, 1200)
  const v6 = new TcpScript({ client: '2001:db8::2', clientPort: 52000, server: '2001:db8::1', serverPort: 8080 }).handshake(3, 0.01, 0.002)
  v6.data(1, 4, 1400)
  const lines = readBack('tcp.pcap', pcapOf([...v4.segments, ...v6.segments]))
  expect(lines).toHaveLength(8)
  for (const line of lines.slice(0, 4)) expect(line).toMatch(/ttl 64, id 0, offset 0, flags \[DF\], proto TCP \(6\)/)
  for (const line of lines) expect(line).not.toMatch(/bad cksum/)
  expect(lines[0]).toMatch(/length 48\) 10\.0\.0\.1\.40000 > 10\.0\.0\.2\.80: Flags \[S\], .*options \[mss 1460,nop,wscale 7\]/)
  expect(lines[3]).toMatch(/length 1240\) 10\.0\.0\.1\.40000 > 10\.0\.0\.2\.80: Flags \[\.\], seq 1:1201, ack 1, win 502, length 1200/)
  expect(lines[7]).toMatch(/hlim 64, next-header TCP \(6\) payload length: 1420\) 2001:db8::1\.8080 > 2001:db8::2\.52000: Flags \[\.\], seq 1:1401, ack 1, win 502, length 1400/)
})
