import type { NetInterface } from '../../../src/model/facts.js'
import { Unavailable } from '../../../src/model/errors.js'
import { dropsView } from '../../../src/report/views/drops.js'
import { factsOf } from '../../helpers/facts.js'

const iface = (name: string, dropped: number): NetInterface => ({ name, stats: { rx_packets: 100, rx_dropped: dropped, rx_fifo_errors: 0 } })
const sample = (udp: number, dropped: number) => ({
  counters: { UdpInErrors: udp, UdpRcvbufErrors: udp, IpInDiscards: 0 },
  interfaces: [iface('eth\x1b[31m0', dropped)],
  softnet: [{ cpu: 0, processed: 1, dropped: 0, timeSqueeze: 0 }],
  listeners: [],
  udpSockets: [{ local: '127.0.0.1:53', peer: '*:*', recvQ: 0, drops: udp, processes: [{ name: 'dns', pid: 9 }] }],
  nics: new Unavailable('skip', 'ethtool is not installed'),
})

describe('drops view', () => {
  test('the conntrack stage from the conntrack statistics: the drops summed over CPUs, with their cause', async () => {
    const ct = (drop: number) => ({ source: '/proc/net/stat/nf_conntrack', cpus: [{ drop, insert_failed: 0 }, { drop: 1, insert_failed: 0 }] })
    const text = await dropsView(factsOf({ ...sample(0, 0), conntrackStats: ct(2) }, { ...sample(0, 0), conntrackStats: ct(32) }), 2, false)
    expect(text).toMatch(/^▶\s+conntrack\s+drop\s+30\s+15\s+dropped$/m)
    expect(text.replace(/\s+/g, ' ')).toContain('conntrack: drop: a new flow found the table full (nf_conntrack_max)')
    expect(text).not.toMatch(/conntrack not read/)
  })

  test('the stages in path order; those that dropped marked, with their causes; absent and not read said so', async () => {
    const text = await dropsView(factsOf(sample(0, 0), sample(40, 2)), 2, false)
    const stages = ['NIC ring and driver', 'interface', 'softnet backlog', 'IP', 'conntrack', 'TCP listen', 'TCP', 'UDP', 'socket queue']
    const at = stages.map((s) => text.search(new RegExp(`^\\S*\\s+${s}\\s`, 'm')))
    expect(at.every((i) => i >= 0)).toBe(true)
    expect([...at].sort((a, b) => a - b)).toEqual(at)
    expect(text).toMatch(/^Receive path, NIC to socket \(in the window of 2.0 s\): 42 packets dropped$/m) // the socket row is the UDP drops, counted once
    expect(text).toMatch(/^▶\s+UDP\s+UdpInErrors\s+40\s+20\s+dropped$/m)
    expect(text).toMatch(/^\s+UdpRcvbufErrors\s+40\s+20\s+included$/m)
    expect(text).toMatch(/^▶\s+socket queue\s+skmem d\s+127\.0\.0\.1:53 dns\/9\s+40/m)
    expect(text).toContain('UDP: UdpRcvbufErrors: the socket\'s receive buffer was full')
    expect(text).toMatch(/NIC ring and driver\s+ethtool -S\s+not read/)
    expect(text).toContain('NIC ring and driver not read: ethtool could not be run')
    // an interface name is untrusted: escaped, never a raw escape sequence
    expect(text).toContain('eth\\x1b[31m0')
    expect(text).not.toContain('\x1b')
    // rx_missed_errors is not in /proc/net/dev's fallback: absent, not 0
    const flat = text.replace(/\s+/g, ' ')
    expect(flat).toContain('interface: absent on this kernel or driver (not 0): eth\\x1b[31m0 rx_missed_errors')
    // TCP counters this sample lacks are absent too, and the stage says so instead of a quiet 0
    expect(flat).toContain('TCP: absent on this kernel or driver (not 0): TcpExtTCPBacklogDrop')
    expect(text).toMatch(/^\s+TCP\s+8 counters\s+absent$/m)
  })

  test('nothing dropped: no marks, since boot without a rate column', async () => {
    const text = await dropsView(factsOf(sample(0, 0)), 0, false)
    expect(text).toMatch(/since boot\): no drops/)
    expect(text).not.toContain('▶')
  })
})
