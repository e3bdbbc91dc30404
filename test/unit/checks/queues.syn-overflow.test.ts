import { synOverflow } from '../../../src/checks/queues.syn-overflow.js'
import { ctxOf, factsOf, listener, sysctls } from '../../helpers/facts.js'

const meta = synOverflow.meta
const sys = (extra: Record<string, number> = {}) => sysctls({ 'net.ipv4.tcp_max_syn_backlog': 512, 'net.ipv4.tcp_syncookies': 1, 'net.core.somaxconn': 4096, ...extra })
const listeners = [listener('*:80', 0, 511), listener('127.0.0.1:6379', 0, 128), listener('[::]:443', 0, 4096)]
const run = (start: Record<string, number>, end: Record<string, number>, w = 2, s = sys(), thresholds: Record<string, number> = {}) =>
  synOverflow.evaluate(factsOf({ counters: start, listeners }, { counters: end, sysctls: s, listeners }), ctxOf(meta, w, {}, thresholds))
const c = (drop: number, cookies: number, sent: number) => ({ TcpExtTCPReqQFullDrop: drop, TcpExtTCPReqQFullDoCookies: cookies, TcpExtSyncookiesSent: sent })

describe('queues.syn-overflow', () => {
  test('SYN drops in the window above 5/s: critical, host-wide; the advice names the backlog and somaxconn', () => {
    const out = run(c(0, 0, 0), c(40, 0, 0), 2, sys({ 'net.ipv4.tcp_syncookies': 0 }))
    expect(out[0]).toMatchObject({ status: 'fail', severity: 'critical', subject: {} })
    expect(out[0].message).toMatch(/^40 SYNs dropped in 2\.0 s \(20\/s\)/)
    const text = out[0].remediation!.text
    expect(text).toMatch(/min\(its listen\(\) backlog, net\.core\.somaxconn=4096\)/)
    expect(text).toMatch(/127\.0\.0\.1:6379 128, \*:80 511, \[::\]:443 4096/) // smallest queue first
    // With cookies off tcp_max_syn_backlog matters: raised from its value, never a fixed number below it.
    expect(text).toMatch(/tcp_max_syn_backlog \(now 512\)/)
    expect(out[0].remediation!.commands).toContain('sysctl -w net.ipv4.tcp_max_syn_backlog=1024')
  })

  test('with cookies on, tcp_max_syn_backlog is not prescribed (the kernel does not read it then)', () => {
    const out = run(c(0, 0, 0), c(0, 30, 30))
    expect(out[0].remediation!.commands.join('\n')).not.toMatch(/tcp_max_syn_backlog=/)
    expect(out[0].remediation!.text).toMatch(/tcp_max_syn_backlog changes nothing while syncookies are on/)
  })

  test('never a tcp_max_syn_backlog lower than the current one', () => {
    const out = run(c(0, 0, 0), c(40, 0, 0), 2, sys({ 'net.ipv4.tcp_syncookies': 0, 'net.ipv4.tcp_max_syn_backlog': 65536 }))
    expect(out[0].remediation!.commands).toContain('sysctl -w net.ipv4.tcp_max_syn_backlog=131072')
  })

  test('somaxconn below 4096: raised, persisted by the one helper', () => {
    const cmds = run(c(0, 0, 0), c(40, 0, 0), 2, sys({ 'net.core.somaxconn': 128 }))[0].remediation!.commands
    expect(cmds).toContain('sysctl -w net.core.somaxconn=4096')
    expect(cmds.some((x) => x.includes('>> /etc/sysctl.d/99-zz-netdoc.conf'))).toBe(true)
  })

  test('half-open connections are counted per listener: with one state ss has no State column, $3 is the local address', () => {
    const cmd = run(c(0, 0, 0), c(40, 0, 0))[0].remediation!.commands.find((x) => x.includes('syn-recv'))
    expect(cmd).toMatch(/^ss -tn state syn-recv \| awk 'NR>1 \{print \$3\}'/)
  })

  test.each([
    [c(0, 0, 0), c(1, 0, 0), 'info'], // one drop in 2 s
    [c(0, 0, 0), c(4, 0, 0), 'warning'], // 2/s
    [c(0, 0, 0), c(11, 0, 0), 'critical'], // 5.5/s
    [c(0, 3, 3), c(0, 10, 10), 'warning'], // 3.5 cookies/s
    [c(0, 3, 3), c(0, 4, 4), 'info'], // one cookie in 2 s
  ])('rates over the window: %j → %j is %s', (start, end, severity) => {
    expect(run(start, end, 2, sys({ 'net.ipv4.tcp_syncookies': 0 }))[0]).toMatchObject({ status: 'fail', severity })
  })

  test('the rates come from the config', () => {
    expect(run(c(0, 0, 0), c(1, 0, 0), 2, sys(), { warningPerSecond: 0.1, criticalPerSecond: 0.2 })[0].severity).toBe('critical')
  })

  test('cookies sent in the window: warning, titled', () => {
    expect(run(c(0, 3, 3), c(0, 10, 10))[0]).toMatchObject({ severity: 'warning', title: 'SYN cookies sent' })
  })

  test('tcp_syncookies=2: every SYN counts as a cookie, so cookie growth is not an overflow (pass)', () => {
    const out = run(c(0, 100, 100), c(0, 5000, 5000), 2, sys({ 'net.ipv4.tcp_syncookies': 2 }))
    expect(out).toEqual([expect.objectContaining({ status: 'pass', subject: {} })])
    expect(out[0].message).toMatch(/tcp_syncookies=2/)
    expect(out[0].evidence).toContainEqual({ source: '/proc/sys/net/ipv4/tcp_syncookies', name: 'net.ipv4.tcp_syncookies', value: '2' })
  })

  test('only since boot: info; nothing at all: pass', () => {
    expect(run(c(5, 0, 2), c(5, 0, 2))[0]).toMatchObject({ severity: 'info' })
    expect(run(c(0, 0, 0), c(0, 0, 0))[0].status).toBe('pass')
  })

  test('old kernel (2.6.32) with only SyncookiesSent: still judged', () => {
    expect(run({ TcpExtSyncookiesSent: 1 }, { TcpExtSyncookiesSent: 8 })[0]).toMatchObject({ severity: 'warning' })
    expect(run({}, {})[0].status).toBe('skip')
  })
})
