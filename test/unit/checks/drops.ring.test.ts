import { ring, ringTarget } from '../../../src/checks/drops.ring.js'
import type { NicDriverStats } from '../../../src/model/facts.js'
import { checkTable } from '../../helpers/check-table.js'

const rings = (cur: number, max: number) => ({ max: { rx: max, tx: max }, current: { rx: cur, tx: cur } })
const ixgbe = (missed: number, cur = 512, max = 4096): NicDriverStats => ({ name: 'eth0', driver: 'ixgbe', stats: { rx_packets: 1e6, rx_missed_errors: missed, rx_no_buffer_count: 0, fdir_miss: missed * 3 }, ring: rings(cur, max) })
const veth: NicDriverStats = { name: 'veth0', driver: 'veth', stats: { rx_queue_0_drops: 0 }, ringUnavailable: 'ethtool -g veth0 failed: netlink error: Operation not supported' }

checkTable(ring, [
  { name: 'no drop: pass naming the ring', start: { nics: [ixgbe(10)] }, end: { nics: [ixgbe(10)] }, findings: [{ status: 'pass', message: /eth0 \(ixgbe\): no drop, RX ring 512 of at most 4096/ }] },
  {
    name: '20 missed in 2 s: warning on the interface, ring doubled within its maximum',
    start: { nics: [ixgbe(10)] },
    end: { nics: [ixgbe(30)] },
    findings: [{ status: 'fail', severity: 'warning', subject: { interface: 'eth0' }, message: /20 packets dropped .*rx_missed_errors \+20 .*RX ring 512 of at most 4096/ }],
    also: ([f]) => {
      expect(f.remediation!.commands).toContain('ethtool -G eth0 rx 1024')
      expect(f.message).not.toMatch(/fdir_miss/) // a flow-director miss is not a drop
    },
  },
  {
    name: '1000 in 2 s is critical; in a netns the commands run there',
    start: { nics: [ixgbe(0)] },
    end: { nics: [ixgbe(1000)] },
    options: { where: { kind: 'netns', name: 'web' } },
    findings: [{ status: 'fail', severity: 'critical', subject: { interface: 'eth0' } }],
    also: ([f]) => expect(f.remediation!.commands).toContain('ip netns exec web ethtool -G eth0 rx 1024'),
  },
  {
    name: 'ring at its maximum: no ethtool -G, spread the load instead',
    start: { nics: [ixgbe(0, 4096, 4096)] },
    end: { nics: [ixgbe(50, 4096, 4096)] },
    findings: [{ status: 'fail', severity: 'warning', subject: { interface: 'eth0' } }],
    also: ([f]) => {
      expect(f.remediation!.commands.some((c) => c.includes('ethtool -G'))).toBe(false)
      expect(f.remediation!.text).toMatch(/already at its maximum \(4096\)/)
    },
  },
  {
    name: 'one missed packet in 2 s is below warningPerSecond: info',
    start: { nics: [ixgbe(10)] },
    end: { nics: [ixgbe(11)] },
    findings: [{ status: 'fail', severity: 'info', subject: { interface: 'eth0' }, message: /1 packet dropped .*in 2.0 s \(0.5\/s\)/ }],
  },
  { name: 'since boot (no window): drops are info', start: { nics: [ixgbe(30)] }, findings: [{ status: 'fail', severity: 'info', subject: { interface: 'eth0' } }] },
  { name: 'veth without ring sizes: pass, saying so', start: { nics: [veth] }, end: { nics: [veth] }, findings: [{ status: 'pass', message: /veth0 \(veth\): no drop, ring sizes unknown \(.*Operation not supported\)/ }] },
  { name: 'only lo: skip', start: { nics: [] }, findings: [{ status: 'skip', message: /no interface but lo/ }] },
  { name: 'no driver statistics anywhere: skip, never pass', start: { nics: [{ name: 'tun0', statsUnavailable: 'no stats available' }] }, findings: [{ status: 'skip', message: /tun0: no driver statistics/ }] },
])


describe('ringTarget: never below the current size, never above the maximum', () => {
  test.each([
    [256, 256, undefined],
    [512, 4096, 1024],
    [3000, 4096, 4096],
    [1, 2, 2],
  ])('current %i of %i → %s', (cur, max, want) => expect(ringTarget({ name: 'e', ring: rings(cur, max) })).toBe(want))
  test('unknown ring: no target', () => expect(ringTarget({ name: 'e' })).toBeUndefined())
})
