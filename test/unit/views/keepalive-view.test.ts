import type { KeepaliveGroup } from '../../../src/model/facts.js'
import { keepaliveView } from '../../../src/report/views/keepalive.js'
import { factsOf, sysctls } from '../../helpers/facts.js'

const settings = sysctls({ 'net.ipv4.tcp_keepalive_time': 7200, 'net.ipv4.tcp_keepalive_intvl': 75, 'net.ipv4.tcp_keepalive_probes': 9 })
const group = (i: number): KeepaliveGroup => ({ side: 'client', remote: `10.0.0.${i}:443`, with: 0, without: i, withoutIds: [] })

describe('keepalive view', () => {
  test('the settings wrap to the width; many destinations: the worst 20, then a count', () => {
    const groups = Array.from({ length: 25 }, (_, i) => group(i + 1))
    const text = keepaliveView(factsOf({ sysctls: settings, keepaliveSockets: { source: 'ss -tano', total: 325, ids: new Set(), groups } }), 60)
    expect(text.split('\n').slice(0, 2)).toEqual(['Keepalive: time 7200 s · intvl 75 s · probes 9 → a dead peer', '  is detected after 7875 s = 2 h 11 min 15 s'])
    expect(text).toContain('Established sockets: 325, 0 with keepalive, 325 without\n')
    // the most sockets without keepalive first; 10.0.0.1 to 10.0.0.5 are left out and counted
    expect(text).toMatch(/^client +10\.0\.0\.25:443 +0 +25$/m)
    expect(text).toMatch(/^client +10\.0\.0\.6:443 +0 +6$/m)
    expect(text).not.toMatch(/10\.0\.0\.5:443/)
    expect(text).toContain('… 5 more listeners and destinations with fewer sockets without keepalive\n')
  })
})
