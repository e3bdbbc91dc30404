// ethtool outputs of several drivers (test/fixtures/ethtool, see its README for which are captured and which are
// composed from the kernel sources): the values that matter, and which counters count as receive drops.
import { readFileSync } from 'node:fs'
import { join } from 'node:path'

import { driverDropCounters } from '../../../src/derived/receive-path.js'
import { ParseError } from '../../../src/parsers/parse-error.js'
import { parseEthtoolDriver, parseEthtoolRings, parseEthtoolStats } from '../../../src/parsers/ethtool.js'
import { ROOT } from '../../helpers/netns.js'

const fixture = (name: string) => readFileSync(join(ROOT, 'test', 'fixtures', 'ethtool', name), 'utf8')
const drops = (file: string, driver: string) => driverDropCounters({ name: 'x', driver, stats: parseEthtoolStats(fixture(file)) }).map((c) => `${c.name}${c.known ? '' : '?'}`)

describe('ethtool -S', () => {
  test('virtio_net (this machine): rx_drops and rx_xdp_drops; the per-queue rx0_* copies and tx_* are left out', () => {
    const s = parseEthtoolStats(fixture('ethtool-S-virtio_net'))
    expect(s.rx_kicks).toBeGreaterThan(0)
    expect(s.rx_drops).toBe(0)
    expect(drops('ethtool-S-virtio_net', 'virtio_net')).toEqual(['rx_drops', 'rx_xdp_drops'])
  })

  test('veth: only per-queue counters, so the queue ones are the drops', () => {
    expect(parseEthtoolStats(fixture('ethtool-S-veth')).peer_ifindex).toBeGreaterThan(0)
    expect(drops('ethtool-S-veth', 'veth')).toEqual(['rx_queue_0_drops', 'rx_queue_0_xdp_drops?'])
  })

  test('ifb: no receive-drop counter at all', () => {
    expect(drops('ethtool-S-ifb', 'ifb')).toEqual([])
  })

  test('ixgbe: the table names missed, no-buffer and DMA counters; fdir_miss is a filter miss, not a drop', () => {
    const s = parseEthtoolStats(fixture('ethtool-S-ixgbe'))
    expect(s.rx_missed_errors).toBe(26001)
    expect(s.rx_no_buffer_count).toBe(1298)
    const d = drops('ethtool-S-ixgbe', 'ixgbe')
    expect(d).toEqual(expect.arrayContaining(['rx_missed_errors', 'rx_no_buffer_count', 'rx_no_dma_resources', 'rx_fifo_errors', 'alloc_rx_buff_failed']))
    expect(d).not.toContain('fdir_miss?')
    expect(d.some((n) => n.startsWith('tx_'))).toBe(false)
  })

  test('i40e: port.rx_dropped (dotted names) and the VSI counters', () => {
    const s = parseEthtoolStats(fixture('ethtool-S-i40e'))
    expect(s['port.rx_dropped']).toBe(211780)
    expect(s['rx-0.rx_packets']).toBe(2196405110)
    expect(drops('ethtool-S-i40e', 'i40e')).toEqual(expect.arrayContaining(['port.rx_dropped', 'rx_dropped', 'rx_alloc_fail']))
    expect(drops('ethtool-S-i40e', 'i40e')).not.toContain('port.tx_dropped_link_down?')
  })

  test('mlx5: rx_out_of_buffer and rx_discards_phy; per-priority and per-channel copies left out', () => {
    const d = drops('ethtool-S-mlx5', 'mlx5_core')
    expect(d).toEqual(expect.arrayContaining(['rx_out_of_buffer', 'rx_discards_phy', 'rx_steer_missed_packets']))
    expect(d).not.toContain('rx_prio0_discards?')
    expect(d).not.toContain('rx0_xdp_drop?')
    expect(d).not.toContain('rx_buffer_passed_thres_phy?')
    expect(d).not.toContain('tx_queue_dropped?')
  })

  test('an unknown driver: counters named like drops are reported by name', () => {
    const c = driverDropCounters({ name: 'x', driver: 'newnic', stats: { rx_ring_full_drops: 3, rx_packets: 9, tx_drops: 1 } })
    expect(c).toEqual([{ name: 'rx_ring_full_drops', known: false, cause: expect.stringMatching(/driver's own counter/) }])
  })

  test('malformed: a ParseError naming the command', () => {
    expect(() => parseEthtoolStats('NIC statistics:\n     rx_drops: many\n', 'ethtool -S eth0')).toThrow(ParseError)
    expect(() => parseEthtoolStats('no statistics here\n', 'ethtool -S eth0')).toThrow(/ethtool -S eth0/)
  })
})

describe('ethtool -g', () => {
  test('virtio_net: 256 of 256; n/a fields are undefined, not 0', () => {
    expect(parseEthtoolRings(fixture('ethtool-g-virtio_net'))).toEqual({ max: { rx: 256, tx: 256 }, current: { rx: 256, tx: 256 } })
  })

  test('ixgbe and mlx5 layouts', () => {
    expect(parseEthtoolRings(fixture('ethtool-g-ixgbe'))).toEqual({ max: { rx: 4096, tx: 4096 }, current: { rx: 512, tx: 512 } })
    expect(parseEthtoolRings(fixture('ethtool-g-mlx5')).current.rx).toBe(1024)
  })

  test('no ring lines at all is a ParseError', () => {
    expect(() => parseEthtoolRings('netlink error: Operation not supported\n')).toThrow(ParseError)
  })
})

test('ethtool -i: the driver', () => {
  expect(parseEthtoolDriver('driver: virtio_net\nversion: 1.0.0\n')).toBe('virtio_net')
  expect(parseEthtoolDriver('')).toBeUndefined()
})
