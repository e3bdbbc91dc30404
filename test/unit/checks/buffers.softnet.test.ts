import { softnet } from '../../../src/checks/buffers.softnet.js'
import type { SoftnetCpu } from '../../../src/model/facts.js'
import { ctxOf, factsOf, outcome, sysctls, evaluateDeclared } from '../../helpers/facts.js'

const cpu = (id: number, processed: number, dropped: number, timeSqueeze: number): SoftnetCpu => ({ cpu: id, processed, dropped, timeSqueeze })
const knobs = sysctls({ 'net.core.netdev_max_backlog': '1000', 'net.core.netdev_budget': '300', 'net.core.netdev_budget_usecs': '2000' })

describe('buffers.softnet', () => {
  test.each([
    ['nothing grew', [cpu(0, 10, 5, 5), cpu(1, 10, 0, 0)], [cpu(0, 90, 5, 5), cpu(1, 50, 0, 0)], [{ status: 'pass', severity: undefined, subject: {} }]],
    ['drops on CPU 1: warning for CPU 1 only', [cpu(0, 10, 0, 0), cpu(1, 10, 0, 0)], [cpu(0, 90, 0, 0), cpu(1, 50, 7, 0)], [{ status: 'fail', severity: 'warning', subject: { cpu: 1 } }]],
    ['one drop in 2 s on CPU 1: below warningPerSecond, info', [cpu(0, 10, 0, 0), cpu(1, 10, 0, 0)], [cpu(0, 90, 0, 0), cpu(1, 50, 1, 0)], [{ status: 'fail', severity: 'info', subject: { cpu: 1 } }]],
    ['300 drops in 2 s on CPU 0: critical', [cpu(0, 10, 0, 0), cpu(1, 10, 0, 0)], [cpu(0, 900, 300, 0), cpu(1, 50, 0, 0)], [{ status: 'fail', severity: 'critical', subject: { cpu: 0 } }]],
    ['squeeze on CPU 0: info', [cpu(0, 10, 0, 1), cpu(1, 10, 0, 0)], [cpu(0, 90, 0, 4), cpu(1, 50, 0, 0)], [{ status: 'fail', severity: 'info', subject: { cpu: 0 } }]],
    [
      'both, on different CPUs: one finding each',
      [cpu(0, 10, 0, 1), cpu(3, 10, 0, 0)],
      [cpu(0, 90, 0, 4), cpu(3, 50, 2, 9)],
      [
        { status: 'fail', severity: 'info', subject: { cpu: 0 } },
        { status: 'fail', severity: 'warning', subject: { cpu: 3 } },
      ],
    ],
  ])('%s', (_name, start, end, expected) => {
    expect(outcome(softnet, factsOf({ softnet: start, sysctls: knobs }, { softnet: end }), ctxOf(softnet, 2))).toEqual(expected)
  })

  test('per-CPU rows in details; the remediation doubles the knob that ran out', () => {
    const [f] = evaluateDeclared(softnet, factsOf({ softnet: [cpu(0, 0, 0, 0), cpu(1, 0, 0, 0)], sysctls: knobs }, { softnet: [cpu(0, 100, 3, 0), cpu(1, 20, 0, 0)] }), ctxOf(softnet, 2))
    expect(f.details).toEqual([
      { cpu: 0, processed: 100, dropped: 3, timeSqueeze: 0 },
      { cpu: 1, processed: 20, dropped: 0, timeSqueeze: 0 },
    ])
    expect(f.remediation?.commands).toContain('sysctl -w net.core.netdev_max_backlog=2000')
  })

  test('no window: drops since boot are info, squeezes are not reported', () => {
    expect(outcome(softnet, factsOf({ softnet: [cpu(0, 100, 3, 50), cpu(1, 100, 0, 50)], sysctls: knobs }), ctxOf(softnet, 0))).toEqual([{ status: 'fail', severity: 'info', subject: { cpu: 0 } }])
  })

  test('a CPU that came online in the window has no start row: judged on nothing, not on its totals', () => {
    expect(outcome(softnet, factsOf({ softnet: [cpu(0, 0, 0, 0)], sysctls: knobs }, { softnet: [cpu(0, 5, 0, 0), cpu(1, 500, 40, 40)] }), ctxOf(softnet, 2))).toEqual([{ status: 'pass', severity: undefined, subject: {} }])
  })
})
