import type { KeepaliveGroup } from '../../../src/model/facts.js'
import { keepaliveView } from '../../../src/report/views/keepalive.js'
import { factsOf, sysctls } from '../../helpers/facts.js'

const settings = sysctls({ 'net.ipv4.tcp_keepalive_time': 7200, 'net.ipv4.tcp_keepalive_intvl': 75, 'net.ipv4.tcp_keepalive_probes': 9 })
const group = (i: number): KeepaliveGroup => ({ side: 'client', remote: `10.0.0.${i}:443`, with: 0, without: i, withoutIds: [], source: 'ss -tano' })

describe('keepalive view', () => {
  test('the settings wrap to the width; many destinations: the worst 20, then a count', () => {
    const groups = Array.from({ length: 25 }, (_, i) => group(i + 1))
    const text = keepaliveView(factsOf({ sysctls: settings, keepaliveSockets: { source: 'ss -tano', total: 325, with: 0, ids: new Set(), groups } }), 60)
    expect(text.split('\n').slice(0, 2)).toEqual(['Keepalive: time 7200 s · intvl 75 s · probes 9 → a dead peer', '  is detected after 7875 s = 2 h 11 min 15 s'])
    expect(text).toContain('Established sockets: 325, 0 with keepalive, 325 without\n')
    // the most sockets without keepalive first; 10.0.0.1 to 10.0.0.5 are left out and counted
    expect(text).toMatch(/^client +10\.0\.0\.25:443 +0 +25$/m)
    expect(text).toMatch(/^client +10\.0\.0\.6:443 +0 +6$/m)
    expect(text).not.toMatch(/10\.0\.0\.5:443/)
    expect(text).toContain('… 5 more listeners and destinations with fewer sockets without keepalive\n')
  })

  test('the totals are of one read: the census\'s, even when the groups came from an owners pass that saw more sockets', () => {
    // the census: 10 established, 2 with keepalive; the owners pass a moment later: 14 with, 3 without
    const groups: KeepaliveGroup[] = [{ side: 'server', local: '127.0.0.1:8080', process: 'nginx', pid: 811, with: 14, without: 3, withoutIds: [], source: 'ss -tanpo state established' }]
    const text = keepaliveView(factsOf({ sysctls: settings, keepaliveSockets: { source: 'ss -tano', total: 10, with: 2, ids: new Set(), groups } }), 100)
    expect(text).toContain('Established sockets: 10, 2 with keepalive, 8 without\n')
    expect(text).toMatch(/^server +127\.0\.0\.1:8080 +nginx \(811\) +14 +3$/m)
  })
})
