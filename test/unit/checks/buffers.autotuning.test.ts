import { autotuning } from '../../../src/checks/buffers.autotuning.js'
import { checkTable } from '../../helpers/check-table.js'
import { sysctls } from '../../helpers/facts.js'

const set = (value?: string) => ({ sysctls: sysctls(value === undefined ? {} : { 'net.ipv4.tcp_moderate_rcvbuf': value, 'net.ipv4.tcp_rmem': '4096\t131072\t6291456' }) })

checkTable(autotuning, [
  {
    name: 'tcp_moderate_rcvbuf=0: warning naming the buffer size sockets are stuck at',
    start: set('0'),
    findings: [{ status: 'fail', severity: 'warning', subject: { sysctl: 'net.ipv4.tcp_moderate_rcvbuf' }, message: /131072 bytes/ }],
    also: ([f]) => expect(f.remediation?.commands).toContain('sysctl -w net.ipv4.tcp_moderate_rcvbuf=1'),
  },
  { name: 'tcp_moderate_rcvbuf=1: pass', start: set('1'), findings: [{ status: 'pass' }] },
  { name: 'absent on this kernel: skip', start: set(), findings: [{ status: 'skip' }] },
])
