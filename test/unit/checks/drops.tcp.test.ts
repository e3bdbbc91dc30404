import { tcp } from '../../../src/checks/drops.tcp.js'
import type { TcpInfo, TcpSocketNote } from '../../../src/model/facts.js'
import { checkTable } from '../../helpers/check-table.js'

const tcpInfo = (topDrops: TcpSocketNote[]): TcpInfo => ({ source: 'ss -tnimp state established', sockets: topDrops.length, remoteSockets: 0, rttHistogram: [], byPeer: {}, topRetrans: [], smallRcvbuf: [], topDrops })
const base = { TcpExtTCPBacklogDrop: 5, TcpExtTCPRcvQDrop: 0, TcpExtTCPZeroWindowDrop: 0, TcpExtPAWSEstab: 2, TcpExtPAWSActive: 0, TcpExtTCPMinTTLDrop: 0, TcpExtRcvPruned: 0, TcpExtOfoPruned: 0 }

checkTable(tcp, [
  { name: 'nothing grew: pass', start: { counters: base }, end: { counters: base }, findings: [{ status: 'pass', message: /no TCP segment dropped .* \(7 counters\)/ }] },
  {
    name: 'backlog drops and PAWS: one finding per named cause; one PAWS drop in 2 s is a trickle (info)',
    start: { counters: base },
    end: { counters: { ...base, TcpExtTCPBacklogDrop: 45, TcpExtPAWSEstab: 3 } },
    findings: [
      { status: 'fail', severity: 'warning', message: /40 segments dropped in 2.0 s \(20\/s\), TCPBacklogDrop: the socket backlog was full/ },
      { status: 'fail', severity: 'info', message: /1 segment dropped in 2.0 s \(0.5\/s\), PAWSEstab/ },
    ],
    also: ([f]) => expect(f.title).toBe('TCP dropping segments: TCPBacklogDrop'),
  },
  {
    name: 'the established sockets whose skmem d grew are named beside the cause',
    start: { counters: base, tcpInfo: tcpInfo([{ local: '10.0.0.1:443', peer: '10.0.0.9:5000', drops: 3, process: 'api', pid: 7 }, { local: '10.0.0.1:443', peer: '10.0.0.8:5001', drops: 1 }]) },
    end: { counters: { ...base, TcpExtTCPBacklogDrop: 25 }, tcpInfo: tcpInfo([{ local: '10.0.0.1:443', peer: '10.0.0.9:5000', drops: 23, process: 'api', pid: 7 }, { local: '10.0.0.1:443', peer: '10.0.0.8:5001', drops: 1 }]) },
    findings: [{ status: 'fail', severity: 'warning', message: /TCPBacklogDrop: .*; sockets that dropped: 10.0.0.1:443 → 10.0.0.9:5000 \(api, pid 7\) d \+20$/ }],
    also: ([f]) => expect(f.details).toEqual([{ local: '10.0.0.1:443', remote: '10.0.0.9:5000', process: 'api', pid: 7, drops: 20 }]),
  },
  { name: '1000 zero-window drops in 2 s: critical', start: { counters: base }, end: { counters: { ...base, TcpExtTCPZeroWindowDrop: 1000 } }, findings: [{ status: 'fail', severity: 'critical', message: /TCPZeroWindowDrop/ }] },
  { name: 'RcvPruned is left to buffers.tcp-memory', start: { counters: base }, end: { counters: { ...base, TcpExtRcvPruned: 9 } }, findings: [{ status: 'pass' }] },
  { name: 'a counter this kernel lacks is absent, not 0', start: { counters: { TcpExtTCPBacklogDrop: 1 } }, end: { counters: { TcpExtTCPBacklogDrop: 1 } }, findings: [{ status: 'pass', message: /\(1 counter; absent: TcpExtTCPRcvQDrop, .*TcpExtTCPMinTTLDrop/ }] },
  { name: 'since boot: info', start: { counters: base }, findings: [{ status: 'fail', severity: 'info' }, { status: 'fail', severity: 'info' }] },
])

