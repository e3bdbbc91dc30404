import { nicDrops } from '../../../src/checks/buffers.nic-drops.js'
import type { NetInterface } from '../../../src/model/facts.js'
import { ctxOf, factsOf, outcome, sysctls, evaluateDeclared } from '../../helpers/facts.js'

const iface = (name: string, rx_packets: number, rx_dropped: number, rx_fifo_errors = 0, rx_missed_errors = 0): NetInterface => ({ name, stats: { rx_packets, rx_dropped, rx_fifo_errors, rx_missed_errors } })
const knobs = sysctls({ 'net.core.netdev_max_backlog': '1000', 'net.core.netdev_budget': '300' })

describe('buffers.nic-drops', () => {
  test.each([
    ['no drops', iface('eth0', 0, 0), iface('eth0', 100000, 0), undefined],
    ['0.05 % (below 0.1 %)', iface('eth0', 0, 0), iface('eth0', 100000, 50), undefined],
    ['0.5 % dropped: warning', iface('eth0', 0, 0), iface('eth0', 100000, 500), 'warning'],
    ['2 % missed (ring full): critical', iface('eth0', 0, 0, 0, 0), iface('eth0', 100000, 0, 0, 2000), 'critical'],
    ['fifo errors count too', iface('eth0', 0, 0), iface('eth0', 100000, 0, 300), 'warning'],
    ['too few packets to judge a share: info', iface('eth0', 0, 0), iface('eth0', 100, 5), 'info'],
  ])('%s', (_name, start, end, severity) => {
    const [f] = outcome(nicDrops, factsOf({ interfaces: [start], sysctls: knobs }, { interfaces: [end] }), ctxOf(nicDrops, 2))
    if (severity) expect(f).toEqual({ status: 'fail', severity, subject: { interface: 'eth0' } })
    else expect(f.status).toBe('pass')
  })

  test('one finding per interface; the ring goes to its reported maximum, not a fixed size, and no backlog sysctl', () => {
    const findings = evaluateDeclared(nicDrops,       factsOf({ interfaces: [iface('eth0', 0, 0), iface('eth1', 0, 0), iface('lo', 0, 0)], sysctls: knobs }, { interfaces: [iface('eth0', 10000, 500), iface('eth1', 10000, 0, 300), iface('lo', 10000, 0)] }),
      ctxOf(nicDrops, 2),
    )
    expect(findings.map((f) => f.subject.interface)).toEqual(['eth0', 'eth1'])
    const commands = findings[1].remediation!.commands
    expect(commands[0]).toBe('ethtool -g eth1  # current and pre-set maximum ring sizes')
    // The size is read from ethtool -g at paste time: never a fixed 4096 that shrinks a larger ring or fails above the maximum.
    expect(commands[1]).toMatch(/^ethtool -G eth1 rx "\$\(ethtool -g eth1 \| awk '\/\^Pre-set maximums\/ .*\/\^RX:\/ \{print \$2; exit\}'\)"/)
    expect(commands.join('\n')).not.toMatch(/rx 4096|netdev_max_backlog=/)
    expect(findings[1].remediation!.text).toMatch(/reset their queues.*lost at reboot/)
    expect(findings[1].remediation!.text).toMatch(/netdev_max_backlog does not help ring overflows/)
    expect(findings[1].message).toContain('rx_fifo_errors +300')
  })

  test('an interface re-created in the window (counters went down) is not judged on its totals', () => {
    expect(outcome(nicDrops, factsOf({ interfaces: [iface('veth1', 5000, 100)], sysctls: knobs }, { interfaces: [iface('veth1', 10, 5)] }), ctxOf(nicDrops, 2))[0].status).toBe('pass')
  })

  test('no window: a share above 0.1 % since boot is info, a trickle passes', () => {
    expect(outcome(nicDrops, factsOf({ interfaces: [iface('eth0', 100000, 500)], sysctls: knobs }), ctxOf(nicDrops, 0))[0]).toMatchObject({ status: 'fail', severity: 'info' })
    expect(outcome(nicDrops, factsOf({ interfaces: [iface('eth0', 100000, 5)], sysctls: knobs }), ctxOf(nicDrops, 0))[0].status).toBe('pass')
  })
})
