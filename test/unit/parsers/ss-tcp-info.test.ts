import { readFileSync } from 'node:fs'
import { join } from 'node:path'

import { parseSs } from '../../../src/parsers/ss.js'
import { parseTcpInfo } from '../../../src/parsers/ss-tcp-info.js'

const ROOT = join(import.meta.dirname, '..', '..', '..')

async function sockets(file: string) {
  const out = []
  for await (const s of parseSs(readFileSync(join(ROOT, 'test', 'fixtures', file), 'utf8').split('\n'), 'ESTAB')) out.push(s)
  return out
}

describe('ss -ti fields for congestion and mtu', () => {
  test('this kernel (6.18): algorithm, loss, segments, delivery rate, pmtu, lastsnd', async () => {
    const [s] = await sockets('linux-6.18.44/ss-tnimp-established-lossy')
    expect(parseTcpInfo(s.extra)).toMatchObject({
      congestion: 'bbr',
      rttMs: 0.507,
      rttVarMs: 0.486,
      retransNow: 45,
      retransTotal: 8150,
      lost: 45,
      bytesSent: 205021264,
      bytesRetrans: 11781296,
      segsOut: 141889,
      dataSegsOut: 141887,
      deliveryRateBps: 7898181816,
      pmtu: 1500,
      lastSndMs: 88,
    })
  })

  test('flags before the algorithm are not its name; no wscale falls back to rto', () => {
    expect(parseTcpInfo('ts sack cubic wscale:7,7 rto:204 rtt:0.1/0.05').congestion).toBe('cubic')
    expect(parseTcpInfo('users:(("x",pid=1,fd=3)) ts sack ecn reno rto:204').congestion).toBe('reno')
    expect(parseTcpInfo('ts sack wscale:7,7 rto:204').congestion).toBeUndefined()
    expect(parseTcpInfo('rto:204 rtt:1/0.5').congestion).toBeUndefined()
  })

  test('an older ss (3.x): scaled rates, no segs_out, bytes_retrans or pmtu', () => {
    // the line layout of iproute2 3.12 (Debian 8): rates with a unit prefix, fewer fields
    const info = parseTcpInfo('sack cubic wscale:7,7 rto:232 rtt:31.5/12.75 ato:40 mss:1448 cwnd:10 send 3.7Mbps retrans:0/2 rcv_space:29200 delivery_rate 2.5Mbps')
    expect(info).toMatchObject({ congestion: 'cubic', rttMs: 31.5, rttVarMs: 12.75, retransTotal: 2, deliveryRateBps: 2.5e6 })
    expect(info.segsOut).toBeUndefined()
    expect(info.pmtu).toBeUndefined()
    expect(info.lost).toBeUndefined()
  })

  test('"lost:" and "retrans:" must start a token', () => {
    const info = parseTcpInfo('cubic rto:204 bytes_retrans:500 segs_out:10 notlost:3')
    expect(info.retransNow).toBeUndefined()
    expect(info.lost).toBeUndefined()
    expect(info.bytesRetrans).toBe(500)
  })
})
