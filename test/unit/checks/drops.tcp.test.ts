import { tcp } from '../../../src/checks/drops.tcp.js'
import { checkTable } from '../../helpers/check-table.js'

const base = { TcpExtTCPBacklogDrop: 5, TcpExtTCPRcvQDrop: 0, TcpExtTCPZeroWindowDrop: 0, TcpExtPAWSEstab: 2, TcpExtPAWSActive: 0, TcpExtTCPMinTTLDrop: 0, TcpExtRcvPruned: 0, TcpExtOfoPruned: 0 }

checkTable(tcp, [
  { name: 'nothing grew: pass', start: { counters: base }, end: { counters: base }, findings: [{ status: 'pass', message: /no TCP segment dropped .* \(7 counters\)/ }] },
  {
    name: 'backlog drops and PAWS: one finding per named cause',
    start: { counters: base },
    end: { counters: { ...base, TcpExtTCPBacklogDrop: 45, TcpExtPAWSEstab: 3 } },
    findings: [
      { status: 'fail', severity: 'warning', message: /40 segments dropped in 2.0 s \(20\/s\), TCPBacklogDrop: the socket backlog was full/ },
      { status: 'fail', severity: 'warning', message: /PAWSEstab/ },
    ],
    also: ([f]) => expect(f.title).toBe('TCP dropping segments: TCPBacklogDrop'),
  },
  { name: '1000 zero-window drops in 2 s: critical', start: { counters: base }, end: { counters: { ...base, TcpExtTCPZeroWindowDrop: 1000 } }, findings: [{ status: 'fail', severity: 'critical', message: /TCPZeroWindowDrop/ }] },
  { name: 'RcvPruned is left to buffers.tcp-memory', start: { counters: base }, end: { counters: { ...base, TcpExtRcvPruned: 9 } }, findings: [{ status: 'pass' }] },
  { name: 'a counter this kernel lacks is absent, not 0', start: { counters: { TcpExtTCPBacklogDrop: 1 } }, end: { counters: { TcpExtTCPBacklogDrop: 1 } }, findings: [{ status: 'pass', message: /\(1 counters; absent: TcpExtTCPRcvQDrop, .*TcpExtTCPMinTTLDrop/ }] },
  { name: 'since boot: info', start: { counters: base }, findings: [{ status: 'fail', severity: 'info' }, { status: 'fail', severity: 'info' }] },
])

