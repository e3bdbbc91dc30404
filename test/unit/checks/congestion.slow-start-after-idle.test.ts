import { slowStartAfterIdle } from '../../../src/checks/congestion.slow-start-after-idle.js'
import { checkTable } from '../../helpers/check-table.js'
import { sysctls } from '../../helpers/facts.js'
import { socketNote, tcpInfo } from '../../helpers/tcp-info.js'

const on = sysctls({ 'net.ipv4.tcp_slow_start_after_idle': 1 })
const idle = (bytesSent: number) => tcpInfo({ sockets: 5, idleSenders: [socketNote({ bytesSent, lastSndMs: 4200, process: 'grpc', pid: 9 })] })

checkTable(slowStartAfterIdle, [
  {
    name: 'on, a long-lived sender idle now',
    start: { sysctls: on, tcpInfo: idle(50_000_000) },
    findings: [{ status: 'fail', severity: 'info', message: /1 long-lived connection is idle now, e\.g\. .*\(grpc, pid 9\) sent .*idle 4\.2 s/ }],
    also: ([f]) => {
      expect(f.remediation!.commands).toContain('sysctl -w net.ipv4.tcp_slow_start_after_idle=0')
      expect(f.remediation!.text).toMatch(/Trade-off/)
      expect(f.details).toEqual([{ local: '10.0.0.1:40000', remote: '10.0.0.2:443', process: 'grpc', pid: 9, bytesSent: 50_000_000, idleMs: 4200 }])
    },
  },
  { name: 'on, idle sockets that sent little', start: { sysctls: on, tcpInfo: idle(2000) }, findings: [{ status: 'pass' }] },
  { name: 'off', start: { sysctls: sysctls({ 'net.ipv4.tcp_slow_start_after_idle': 0 }), tcpInfo: idle(50_000_000) }, findings: [{ status: 'pass', message: /is 0/ }] },
  { name: 'no established socket: nothing examined', start: { sysctls: on, tcpInfo: tcpInfo({ sockets: 0 }) }, findings: [{ status: 'skip' }] },
])
