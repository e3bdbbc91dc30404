import { loadAllChecks } from '../../../src/checks/registry.js'
import { describeTarget } from '../../../src/engine/target.js'

const CHECKS = await loadAllChecks()

const byId = (...ids: string[]) => CHECKS.filter((c) => ids.includes(c.meta.id))
const host = { hostname: 'h', kernel: '6.1.0' }

describe('describeTarget', () => {
  test('a capture file read by capture checks only: kind pcap, the file as path', () => {
    expect(describeTarget({ host, pcap: 'f.pcap', checks: byId('keepalive.probes', 'resets.closes') })).toEqual({ kind: 'pcap', path: 'f.pcap' })
  })
  test('a capture file beside host checks: live, with the capture named', () => {
    expect(describeTarget({ host, pcap: 'f.pcap', checks: byId('keepalive.probes', 'keepalive.detection-time') })).toEqual({ kind: 'live', hostname: 'h', kernel: '6.1.0', capture: 'f.pcap' })
  })
  test('live capture, another namespace by pid', () => {
    expect(describeTarget({ host, capture: 'lo', pid: 42, checks: byId('queues.syncookies') })).toMatchObject({ kind: 'live', netns: 'pid:42', capture: 'live:lo' })
  })
  test('a snapshot says where it came from', () => {
    const manifest = { format: 'netdoc-snapshot', formatVersion: 1, netdoc: '0.3.0', createdAt: '', hostname: 'web1', kernel: '5.4', netns: 'app', source: 'x', windowSeconds: 2, samples: 2, checks: [] as string[] } as const
    expect(describeTarget({ host: {}, snapshot: { root: '/tmp/s', manifest }, checks: byId('queues.syncookies') })).toEqual({ kind: 'snapshot', hostname: 'web1', kernel: '5.4', path: '/tmp/s', netns: 'app' })
  })
})
