// `netdoc connect`: attempts → verdict and finding; the SYN give-up model against what the kernel did.
import { connectFinding, verdictOf } from '../../../src/checks/support/connect-verdict.js'
import { synGiveUp } from '../../../src/derived/syn-retries.js'
import type { ConnectAttempt } from '../../../src/probes/connect.js'

const attempt = (a: Partial<ConnectAttempt>): ConnectAttempt => ({ outcome: 'error', phase: 'connect', address: '127.0.0.1', family: 4, dnsMs: 0, connectMs: 0.3, ...a })
const sysctls = (retries: string, linear?: string) =>
  new Map([['net.ipv4.tcp_syn_retries', retries], ...(linear === undefined ? [] : [['net.ipv4.tcp_syn_linear_timeouts', linear] as [string, string]])])

describe('synGiveUp', () => {
  // measured in a namespace on kernel 6.18 with the SYNs dropped by iptables: connect() error time, SYNs counted
  // by the DROP rule
  test.each([
    [2, 4, 7, 6],
    [3, 4, 19, 8],
    [2, 0, 7, 3],
    [3, 0, 15, 4],
  ])('tcp_syn_retries %i, linear %i → %i s, %i SYNs (measured)', (retries, linear, secs, syns) => {
    expect(synGiveUp(retries, linear)).toEqual({ seconds: secs, syns })
  })

  test('defaults: 6 retries are 127 s without linear timeouts and 131 s with 4 (ip-sysctl.rst)', () => {
    expect(synGiveUp(6, 0)).toEqual({ seconds: 127, syns: 7 })
    expect(synGiveUp(6, 4).seconds).toBe(131)
  })

  test('each step is capped at 120 s', () => {
    // budget 127 + 2 x 120 = 367 s; timers 1,2,...,64 then 120, 120
    expect(synGiveUp(8, 0)).toEqual({ seconds: 367, syns: 9 })
  })
})

describe('connect verdicts', () => {
  test.each([
    [{ outcome: 'connected' }, 'ok'],
    [{ code: 'ECONNREFUSED' }, 'refused'],
    [{ outcome: 'deadline' }, 'timeout'],
    [{ code: 'ETIMEDOUT' }, 'timeout'],
    [{ code: 'EHOSTUNREACH' }, 'unreachable'],
    [{ code: 'ENETUNREACH' }, 'unreachable'],
    [{ phase: 'dns', code: 'ENOTFOUND', address: undefined }, 'dns'],
    [{ phase: 'dns', outcome: 'deadline', address: undefined }, 'dns'],
    [{ code: 'EPERM' }, 'error'],
  ] as Array<[Partial<ConnectAttempt>, string]>)('%o → %s', (a, verdict) => {
    expect(verdictOf(attempt(a))).toBe(verdict)
  })

  test('ok is a pass with the connect time; the subject is the address as ss writes it', () => {
    const f = connectFinding({ host: '::1', port: 8080, timeoutSeconds: 5, attempt: attempt({ outcome: 'connected', address: '::1', family: 6, connectMs: 0.25 }) })
    expect(f).toMatchObject({ check: 'connect.result', status: 'pass', subject: { remote: '[::1]:8080' } })
    expect(f.message).toBe('connected to [::1]:8080 in 0.25 ms')
  })

  test('a name shows what it resolved to', () => {
    const f = connectFinding({ host: 'localhost', port: 80, timeoutSeconds: 5, attempt: attempt({ outcome: 'connected' }) })
    expect(f.subject).toEqual({ remote: '127.0.0.1:80' })
    expect(f.message).toMatch(/\(localhost → 127\.0\.0\.1\)/)
  })

  test('refused is critical and says what to look at on the server', () => {
    const f = connectFinding({ host: '127.0.0.1', port: 81, timeoutSeconds: 5, attempt: attempt({ code: 'ECONNREFUSED' }) })
    expect(f).toMatchObject({ status: 'fail', severity: 'critical', title: 'Connection refused' })
    expect(f.remediation!.commands[0]).toMatch(/ss -ltnp 'sport = :81'/)
    expect(f.evidence).toContainEqual({ source: 'connect', name: 'errno', value: 'ECONNREFUSED' })
  })

  test('timeout by our deadline says how long the kernel would keep trying, from the sysctls', () => {
    const f = connectFinding({ host: '127.0.0.1', port: 81, timeoutSeconds: 5, attempt: attempt({ outcome: 'deadline', connectMs: 5000 }), sysctls: sysctls('6', '4') })
    expect(f.message).toBe(
      'no answer to the SYN from 127.0.0.1:81 in 5 s; the kernel would keep trying for 2 min 11 s (11 SYNs with tcp_syn_retries 6, tcp_syn_linear_timeouts 4) before connect() fails',
    )
    expect(f.evidence).toContainEqual({ source: 'connect', name: 'kernelGiveUpSeconds', value: 131, unit: 's' })
    expect(f.evidence).toContainEqual({ source: '/proc/sys/net/ipv4/tcp_syn_retries', name: 'net.ipv4.tcp_syn_retries', value: '6' })
  })

  test('timeout by the kernel (ETIMEDOUT) says it gave up; an old kernel without linear timeouts is not told about them', () => {
    const f = connectFinding({ host: '127.0.0.1', port: 81, timeoutSeconds: 30, attempt: attempt({ code: 'ETIMEDOUT', connectMs: 15010 }), sysctls: sysctls('3') })
    expect(f.message).toBe('no answer to the SYNs from 127.0.0.1:81: the kernel gave up after 15.0 s (tcp_syn_retries 3: 4 SYNs over 15 s)')
  })

  test('timeout without readable sysctls says so instead of guessing', () => {
    const f = connectFinding({ host: '127.0.0.1', port: 81, timeoutSeconds: 1, attempt: attempt({ outcome: 'deadline' }) })
    expect(f.message).toMatch(/tcp_syn_retries could not be read/)
  })

  test('dns names the name and the resolver error; unreachable names the route', () => {
    const dns = connectFinding({ host: 'db.invalid', port: 5432, timeoutSeconds: 5, attempt: attempt({ phase: 'dns', code: 'ENOTFOUND', address: undefined }) })
    expect(dns).toMatchObject({ title: 'Name did not resolve', subject: { remote: 'db.invalid:5432' } })
    expect(dns.message).toBe('db.invalid did not resolve (ENOTFOUND: no address found: no such name, or no resolver answered)')
    const un = connectFinding({ host: '10.9.9.9', port: 80, timeoutSeconds: 5, attempt: attempt({ code: 'ENETUNREACH', address: '10.9.9.9' }) })
    expect(un.message).toMatch(/no route to that network/)
    expect(un.remediation!.commands).toContain('ip route get 10.9.9.9')
  })
})
