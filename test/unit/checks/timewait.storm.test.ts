import { timewaitStorm } from '../../../src/checks/timewait.storm.js'
import { census, evaluate, failing, censusSysctls } from '../../helpers/facts.js'

const dest = (tw: number, remote = '10.0.0.2:80', local = '10.0.0.1') => ({ local, remote, states: { 'TIME-WAIT': tw }, total: tw })
const sample = (c: ReturnType<typeof census>, sys: Record<string, string | number> = {}, tw = 0) => ({
  census: c,
  sysctls: censusSysctls({ 'net.ipv4.ip_local_port_range': '30000 39999', 'net.ipv4.tcp_max_tw_buckets': 262144, ...sys }),
  sockstat: { TCP: { tw } },
})

describe('timewait.storm', () => {
  test.each([
    [4000, 'pass'],
    [5000, 'warning'],
    [7999, 'warning'],
    [8000, 'critical'],
  ])('client side: %i TIME_WAIT toward one destination of 10000 usable ports → %s', (tw, expected) => {
    const s = sample(census({ destinations: [dest(tw)] }))
    const f = evaluate(timewaitStorm, s)
    if (expected === 'pass') return expect(f.map((x) => x.status)).toEqual(['pass'])
    expect(f).toHaveLength(1)
    expect(f[0]).toMatchObject({ status: 'fail', severity: expected, subject: { local: '10.0.0.1', remote: '10.0.0.2:80', side: 'client' } })
  })

  test('reserved ports shrink what connect() can use', () => {
    const s = sample(census({ destinations: [dest(4600)] }), { 'net.ipv4.ip_local_reserved_ports': '30000-30999' })
    expect(failing(evaluate(timewaitStorm, s))[0].message).toMatch(/51 % of the 9000 ports/)
  })

  test('tcp_tw_reuse in force for the destination makes it reusable: info', () => {
    const loop = sample(census({ destinations: [dest(9000, '127.0.0.1:9000', '127.0.0.1')] }), { 'net.ipv4.tcp_tw_reuse': 2 })
    const f = failing(evaluate(timewaitStorm, loop))
    expect(f[0].severity).toBe('info')
    expect(f[0].message).toMatch(/tcp_tw_reuse=2 \(loopback only\) applies.*reusable/)
    // 2 does not apply to a remote destination; 1 does; timestamps off disables it
    expect(failing(evaluate(timewaitStorm, sample(census({ destinations: [dest(9000)] }), { 'net.ipv4.tcp_tw_reuse': 2 })))[0].severity).toBe('critical')
    expect(failing(evaluate(timewaitStorm, sample(census({ destinations: [dest(9000)] }), { 'net.ipv4.tcp_tw_reuse': 1 })))[0].severity).toBe('info')
    expect(failing(evaluate(timewaitStorm, sample(census({ destinations: [dest(9000)] }), { 'net.ipv4.tcp_tw_reuse': 1, 'net.ipv4.tcp_timestamps': 0 })))[0].severity).toBe('critical')
  })

  test('a storm must be in both samples: one that drained in the window is not reported', () => {
    const start = sample(census({ destinations: [dest(9000)] }))
    const end = sample(census({ destinations: [dest(100)] }))
    expect(evaluate(timewaitStorm, start, end).map((f) => f.status)).toEqual(['pass'])
    const gone = sample(census())
    expect(evaluate(timewaitStorm, gone, start).map((f) => f.status)).toEqual(['pass'])
  })

  test('server side: info above 1000 per listener, with its process, never reported as client side', () => {
    const s = sample(census({ listeners: [{ local: '*:8080', states: { 'TIME-WAIT': 1500, ESTAB: 3 }, total: 1503, pid: 811, process: 'nginx' }, { local: '*:22', states: { 'TIME-WAIT': 1000 }, total: 1000 }] }))
    const f = failing(evaluate(timewaitStorm, s))
    expect(f).toHaveLength(1)
    expect(f[0]).toMatchObject({ severity: 'info', subject: { local: '*:8080', side: 'server', pid: 811, process: 'nginx' } })
    expect(f[0].remediation!.text).toMatch(/keep-alive/)
  })

  test('host-wide: TIME_WAIT at 80 % of tcp_max_tw_buckets is a warning', () => {
    const f = failing(evaluate(timewaitStorm, sample(census(), { 'net.ipv4.tcp_max_tw_buckets': 1000 }, 800)))
    expect(f).toHaveLength(1)
    expect(f[0]).toMatchObject({ severity: 'warning', subject: { sysctl: 'net.ipv4.tcp_max_tw_buckets' } })
    expect(f[0].remediation!.text).toMatch(/Do not lower/)
    expect(failing(evaluate(timewaitStorm, sample(census(), { 'net.ipv4.tcp_max_tw_buckets': 1000 }, 799)))).toHaveLength(0)
  })

  test('without /proc/net/sockstat the per-destination findings still stand', () => {
    const { sockstat: _unused, ...s } = sample(census({ destinations: [dest(9000)] }))
    expect(failing(evaluate(timewaitStorm, s))[0].severity).toBe('critical')
  })

  test('remediation never suggests tcp_tw_recycle or lowering the buckets', () => {
    const f = failing(evaluate(timewaitStorm, sample(census({ destinations: [dest(9000)] }))))
    expect(f[0].remediation!.commands.join('\n')).not.toMatch(/recycle|max_tw_buckets/)
    expect(f[0].remediation!.commands.find((c) => c.startsWith('sysctl -w'))).toMatch(/^sysctl -w net\.ipv4\.tcp_tw_reuse=1 /)
  })

  test('evidence names what the census was read from: /proc/net/tcp without ss, ss -tanpo in a netdoc 0.3 snapshot', () => {
    const proc = '/proc/net/tcp + /proc/net/tcp6'
    const client = failing(evaluate(timewaitStorm, sample(census({ source: proc, destinations: [dest(9000)] }))))[0]
    expect(client.evidence.filter((e) => e.name === 'TIME-WAIT' || e.name === 'usablePorts').map((e) => e.source)).toEqual([proc, proc])
    const server = failing(evaluate(timewaitStorm, sample(census({ source: proc, listeners: [{ local: '*:8080', states: { 'TIME-WAIT': 1500 }, total: 1500 }] }))))[0]
    expect(server.evidence).toEqual([{ source: proc, name: 'TIME-WAIT', value: 1500 }])
    const [quiet] = evaluate(timewaitStorm, sample(census({ source: 'ss -tanpo', states: { 'TIME-WAIT': 3 } })))
    expect(quiet.evidence).toEqual([{ source: 'ss -tanpo', name: 'TIME-WAIT', value: 3 }])
  })
})
