import { inheritedListener } from '../../../src/checks/queues.inherited-listener.js'
import type { ListenerHolder, ProcessRef } from '../../../src/model/facts.js'
import { Unavailable } from '../../../src/model/errors.js'
import { checkTable } from '../../helpers/check-table.js'
import { listener } from '../../helpers/facts.js'

const ref = (name: string, pid: number, fd = 3): ProcessRef => ({ name, pid, fd })
const held = (...processes: ProcessRef[]) => [listener('*:1234', 0, 128, { processes })]
const info = (pid: number, name: string, extra: Partial<ListenerHolder> = {}): ListenerHolder => ({ pid, fd: 3, name, ppid: 1, ageSeconds: 100, cloexec: true, children: [], ...extra })

checkTable(inheritedListener, [
  {
    name: "the seed's example: the server exited, sleep holds the listener alone: critical, sleep and its pid named",
    start: { listeners: held(ref('sleep', 4242)), listenerHolders: [info(4242, 'sleep', { cloexec: false })] },
    findings: [{ status: 'fail', severity: 'critical', subject: { local: '*:1234', side: 'server', pid: 4242, process: 'sleep' }, message: /held only by sleep \(pid 4242, fd 3\)/ }],
    also: (f) => {
      expect(f[0].remediation!.commands).toContain('kill 4242')
      expect(f[0].evidence.find((e) => e.name === 'holders')).toMatchObject({ source: 'ss -ltnmp', value: 'sleep/4242' })
      expect(f[0].remediation!.text).toMatch(/SOCK_CLOEXEC.*FD_CLOEXEC.*O_CLOEXEC/)
    },
  },
  {
    name: 'the server still runs beside the sleep it started: warning on sleep, no close-on-exec warning on the server',
    start: {
      listeners: held(ref('server', 100), ref('sleep', 101)),
      listenerHolders: [info(100, 'server', { cloexec: false, children: [101], ageSeconds: 50 }), info(101, 'sleep', { ppid: 100, cloexec: false, ageSeconds: 10 })],
    },
    findings: [{ status: 'fail', severity: 'warning', subject: { local: '*:1234', side: 'server', pid: 101, process: 'sleep' }, message: /not its server server/ }],
  },
  {
    name: 'a holder of another executable, younger than the server: warning',
    start: {
      listeners: held(ref('myserver', 100), ref('helper', 101)),
      listenerHolders: [info(100, 'myserver', { children: [101], ageSeconds: 500 }), info(101, 'helper', { ppid: 100, ageSeconds: 5 })],
    },
    findings: [{ status: 'fail', severity: 'warning', subject: { local: '*:1234', side: 'server', pid: 101, process: 'helper' } }],
  },
  {
    name: 'pre-forked workers of one executable: pass',
    start: {
      listeners: held(ref('nginx', 10), ref('nginx', 11), ref('nginx', 12)),
      listenerHolders: [info(10, 'nginx', { children: [11, 12], cloexec: false }), info(11, 'nginx', { ppid: 10, cloexec: false }), info(12, 'nginx', { ppid: 10, cloexec: false })],
    },
    findings: [{ status: 'pass', message: /1 listener, 3 holders/ }],
  },
  {
    name: 'systemd socket activation (pid 1 and its service): pass',
    start: { listeners: held(ref('systemd', 1), ref('sshd', 500)), listenerHolders: [info(1, 'systemd', { cloexec: false, children: [500] }), info(500, 'sshd')] },
    findings: [{ status: 'pass' }],
  },
  {
    name: 'a server that spawned a child with a close-on-exec listener: pass',
    start: { listeners: held(ref('server', 100)), listenerHolders: [info(100, 'server', { children: [101], cloexec: true })] },
    findings: [{ status: 'pass' }],
  },
  {
    name: 'a listener without close-on-exec in a process with children that do not hold it: warning before a leak',
    start: { listeners: held(ref('server', 100)), listenerHolders: [info(100, 'server', { children: [101], cloexec: false })] },
    findings: [{ status: 'fail', severity: 'warning', subject: { local: '*:1234', side: 'server', pid: 100, process: 'server' }, message: /not close-on-exec and the process has 1 child/ }],
  },
  {
    name: 'nginx binary upgrade: two masters of one executable, each with workers: info',
    start: {
      listeners: held(ref('nginx', 10), ref('nginx', 11), ref('nginx', 20), ref('nginx', 21)),
      listenerHolders: [
        info(10, 'nginx', { children: [11, 20], ageSeconds: 9000 }),
        info(11, 'nginx', { ppid: 10, ageSeconds: 9000 }),
        info(20, 'nginx', { ppid: 10, children: [21], ageSeconds: 30 }),
        info(21, 'nginx', { ppid: 20, ageSeconds: 30 }),
      ],
    },
    findings: [{ status: 'fail', severity: 'info', subject: { local: '*:1234', side: 'server', process: 'nginx' }, message: /two generations of nginx.*for 30 s/ }],
  },
  {
    name: 'a handover that lasts past the threshold: warning',
    thresholds: { handoverSeconds: 20 },
    start: {
      listeners: held(ref('envoy', 10), ref('envoy', 20)),
      listenerHolders: [info(10, 'envoy', { ppid: 5, ageSeconds: 9000 }), info(20, 'envoy', { ppid: 5, ageSeconds: 30 })],
    },
    findings: [{ status: 'fail', severity: 'warning', subject: { local: '*:1234', side: 'server', process: 'envoy' }, message: /longer than 20 s/ }],
  },
  {
    name: 'holders unreadable (/proc/PID gone): judged on the names ss gives',
    start: { listeners: held(ref('sh', 77)), listenerHolders: new Unavailable('error', 'permission denied') },
    findings: [{ status: 'fail', severity: 'critical', subject: { local: '*:1234', side: 'server', pid: 77, process: 'sh' } }],
  },
  {
    name: 'no process visible (not root): skip saying why',
    start: { listeners: held(), listenerHolders: [] },
    findings: [{ status: 'skip', message: /ss -p names them only to root/ }],
  },
  { name: 'no listener: skip', start: { listeners: [], listenerHolders: [] }, findings: [{ status: 'skip' }] },
])
