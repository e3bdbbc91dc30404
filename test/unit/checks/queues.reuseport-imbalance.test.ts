import { reuseportImbalance } from '../../../src/checks/queues.reuseport-imbalance.js'
import { Unavailable } from '../../../src/model/errors.js'
import { checkTable, evaluateCase } from '../../helpers/check-table.js'
import { listener, sysctls } from '../../helpers/facts.js'

const member = (pid: number, recvQ: number, sendQ = 128, drops = 0) => listener('*:8080', recvQ, sendQ, { drops, processes: [{ name: 'worker', pid, fd: 3 }] })
const sys = sysctls({ 'net.ipv4.tcp_migrate_req': 0 })

checkTable(reuseportImbalance, [
  {
    name: 'one member full while its siblings idle: critical, that member named by pid',
    start: { listeners: [member(101, 5), member(102, 0), member(103, 0)], sysctls: sys },
    end: { listeners: [member(101, 129), member(102, 0), member(103, 1)], sysctls: sys },
    findings: [{ status: 'fail', severity: 'critical', subject: { local: '*:8080', side: 'server', pid: 101, process: 'worker' }, message: /accept queue 129\/128 \(full\).*2 siblings hold 0–1/ }],
    also: (f) => {
      expect(new Set(f[0].evidence.filter((e) => e.name !== 'net.ipv4.tcp_migrate_req').map((e) => e.source))).toEqual(new Set(['ss -ltnmp']))
      expect(f[0].remediation!.commands).toContain('sysctl -w net.ipv4.tcp_migrate_req=1')
      expect(f[0].details).toHaveLength(3)
    },
  },
  {
    name: 'a member whose own drops grew is stalled even with a short queue now',
    start: { listeners: [member(101, 0, 128, 10), member(102, 0)], sysctls: sys },
    end: { listeners: [member(101, 2, 128, 40), member(102, 0)], sysctls: sys },
    findings: [{ status: 'fail', severity: 'critical', subject: { local: '*:8080', side: 'server', pid: 101, process: 'worker' }, message: /30 drops in the window/ }],
  },
  {
    name: 'one process holding two members: told apart by fd',
    start: { listeners: [listener('*:8080', 0, 128, { processes: [{ name: 'w', pid: 7, fd: 3 }] }), listener('*:8080', 0, 128, { processes: [{ name: 'w', pid: 7, fd: 4 }] })], sysctls: sys },
    end: { listeners: [listener('*:8080', 129, 128, { processes: [{ name: 'w', pid: 7, fd: 3 }] }), listener('*:8080', 0, 128, { processes: [{ name: 'w', pid: 7, fd: 4 }] })], sysctls: sys },
    findings: [{ status: 'fail', severity: 'critical', subject: { local: '*:8080', side: 'server', pid: 7, process: 'w' } }],
  },
  {
    name: 'every member accepting: pass naming the group',
    start: { listeners: [member(101, 0), member(102, 1)], sysctls: sys },
    end: { listeners: [member(101, 1), member(102, 0)], sysctls: sys },
    findings: [{ status: 'pass', message: /1 SO_REUSEPORT group.*\*:8080 \(2\)/ }],
  },
  {
    name: 'every member full: the whole server is slow, not one worker (queues.accept-queue-fill says so)',
    start: { listeners: [member(101, 129), member(102, 129)], sysctls: sys },
    findings: [{ status: 'pass' }],
  },
  {
    name: 'members with different backlogs: warning for the group',
    start: { listeners: [member(101, 0, 511), member(102, 0, 4096)], sysctls: sys },
    findings: [{ status: 'fail', severity: 'warning', subject: { local: '*:8080', side: 'server' }, message: /different accept-queue limits \(511, 4096\)/ }],
  },
  {
    name: 'one socket per address: no group, pass',
    start: { listeners: [member(101, 0), listener('*:9090', 0, 128)], sysctls: sys },
    findings: [{ status: 'pass', message: /no SO_REUSEPORT group/ }],
  },
  {
    name: 'without ss (from /proc/net/tcp: no limits, no processes): skip, nothing to compare',
    start: { listeners: [listener('*:8080', 3, undefined, { source: '/proc/net/tcp' }), listener('*:8080', 0, undefined, { source: '/proc/net/tcp' })], sysctls: sys },
    findings: [{ status: 'skip', message: /limits are unknown without ss \(read from \/proc\/net\/tcp\)/ }],
  },
  {
    name: 'no listener: skip (nothing examined)',
    start: { listeners: [], sysctls: sys },
    findings: [{ status: 'skip' }],
  },
  {
    name: 'tcp_migrate_req already 1 (or absent): no sysctl prescribed',
    start: { listeners: [member(101, 129), member(102, 0)], sysctls: sysctls({ 'net.ipv4.tcp_migrate_req': 1 }) },
    findings: [{ status: 'fail', severity: 'critical', subject: { local: '*:8080', side: 'server', pid: 101, process: 'worker' } }],
    also: (f) => expect(f[0].remediation!.commands.join('\n')).not.toMatch(/sysctl -w/),
  },
])

test("listeners unreadable: the probe's error reaches the engine (which makes it this check's error)", () => {
  expect(() => evaluateCase(reuseportImbalance, { start: { listeners: new Unavailable('error', 'ss failed'), sysctls: sys } })).toThrow(/ss failed/)
})
