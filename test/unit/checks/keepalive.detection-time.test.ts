import { detectionTime } from '../../../src/checks/keepalive.detection-time.js'
import { humanDuration } from '../../../src/derived/format.js'
import { ctxOf, factsOf, sysctls, evaluateDeclared } from '../../helpers/facts.js'

const run = (time: number, intvl: number, probes: number, threshold?: number) =>
  evaluateDeclared(detectionTime, 
    factsOf({ sysctls: sysctls({ 'net.ipv4.tcp_keepalive_time': time, 'net.ipv4.tcp_keepalive_intvl': intvl, 'net.ipv4.tcp_keepalive_probes': probes }) }),
    ctxOf(detectionTime.meta, 0, {}, threshold === undefined ? {} : { maxSeconds: threshold }),
  )

test.each([
  [7200, 75, 9, 'fail', 7875],
  [60, 10, 3, 'pass', 90],
  [600, 0, 9, 'pass', 600],
  [600, 1, 1, 'fail', 601],
  [7200, 80, 9, 'fail', 7920],
])('time %d, intvl %d, probes %d → %s (%d s)', (t, i, p, status, total) => {
  const [f] = run(t, i, p)
  expect(f.status).toBe(status)
  expect(f.evidence.find((e) => e.name === 'detectionSeconds')?.value).toBe(total)
  // Up to the kernel default (every stock host) it is info; longer than the default is a warning.
  if (status === 'fail') expect(f.severity).toBe(total > 7875 ? 'warning' : 'info')
})

test('the default names its human duration', () => {
  expect(run(7200, 75, 9)[0].message).toContain('7875 s = 2 h 11 min 15 s')
  expect(run(7200, 75, 9)[0].remediation?.text).toMatch(/TCP_KEEPIDLE.*Go uses 15 s/)
})

test('the threshold comes from the config', () => expect(run(60, 10, 3, 60)[0].status).toBe('fail'))

test('missing sysctls → skip', () => {
  expect(evaluateDeclared(detectionTime, factsOf({ sysctls: sysctls({ 'net.ipv4.tcp_keepalive_time': 7200 }) }), ctxOf(detectionTime.meta, 0))[0].status).toBe('skip')
})

test.each([
  [7875, '2 h 11 min 15 s'],
  [90, '1 min 30 s'],
  [0, '0 s'],
  [3600, '1 h'],
  [432000, '5 d'],
])('humanDuration(%d) = %s', (s, text) => expect(humanDuration(s)).toBe(text))
