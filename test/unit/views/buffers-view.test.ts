import type { NetInterface, SoftnetCpu } from '../../../src/model/facts.js'
import { emptyHistogram } from '../../../src/parsers/ss-tcp-info.js'
import { buffersView } from '../../../src/report/views/buffers.js'
import { factsOf, sysctls } from '../../helpers/facts.js'

const settings = sysctls({ 'net.ipv4.tcp_rmem': '4096\t131072\t6291456', 'net.ipv4.tcp_wmem': '4096\t16384\t4194304', 'net.ipv4.tcp_mem': '1000 2000 3000', 'net.core.rmem_max': '212992' })
const info = { source: 'ss -tnimp state established', sockets: 0, remoteSockets: 0, rttHistogram: emptyHistogram(), byPeer: {}, topRetrans: [], smallRcvbuf: [] }
const cpus = (n: number, dropOn = -1): SoftnetCpu[] => Array.from({ length: n }, (_, cpu) => ({ cpu, processed: 100, dropped: cpu === dropOn ? 5 : 0, timeSqueeze: 0 }))
const ifaces = (n: number): NetInterface[] => Array.from({ length: n }, (_, i) => ({ name: `veth${i}`, stats: { rx_packets: i, rx_dropped: 0, rx_fifo_errors: 0, rx_missed_errors: 0 } }))

describe('buffers view', () => {
  test('sysctls in human units and the BDP step by step with the cap', () => {
    const facts = factsOf({ sysctls: settings, interfaces: ifaces(1), softnet: cpus(2), tcpInfo: info, counters: { TcpOutSegs: 10, TcpRetransSegs: 1 } })
    const text = buffersView(facts, { maxDetails: 100, bandwidthBps: 1e9, rttSeconds: 0.1 }, 0)
    expect(text).toMatch(/^net\.ipv4\.tcp_rmem +4 KiB +128 KiB +6 MiB +TCP receive buffer/m)
    // a compact table: a header, one line per row, no rules
    expect(text).not.toMatch(/[│┌├─]/)
    expect(text).toContain('1 Gbit/s / 8 × 100 ms = 11.9 MiB (12500000 bytes)')
    expect(text).toContain('tcp_rmem max 6 MiB: below the BDP: one connection is capped at 503.32 Mbit/s')
    expect(text).toContain('TCP segments since boot: 11 sent, 1 retransmitted (9.09 %)')
  })

  test('many interfaces and CPUs: the ones with drops first, the rest counted, the idle ones in one line', () => {
    const grown = (n: number): NetInterface[] => ifaces(n).map((x, i) => ({ ...x, stats: { ...x.stats, rx_packets: 2 * i } }))
    const busier = cpus(64, 40).map((c) => ({ ...c, processed: c.processed + c.cpu }))
    const start = { sysctls: settings, interfaces: ifaces(30), softnet: cpus(64), tcpInfo: info, counters: {} }
    const end = { interfaces: grown(30), softnet: busier, tcpInfo: info, counters: {} }
    const text = buffersView(factsOf(start, end), { maxDetails: 100 }, 2)
    // veth0 and cpu 0 received and processed nothing in the window: one line each, not a table row
    expect(text).toContain('… 9 more interfaces')
    expect(text).toContain('no packets and no drops: veth0\n')
    expect(text).toContain('… 43 more CPUs')
    expect(text).toContain('nothing processed, dropped or squeezed: cpu 0\n')
    expect(text).toMatch(/^ +40 +40 +5 +0 +-$/m)
    expect(text).toContain('unknown: no interface reports a link speed')
  })
})
