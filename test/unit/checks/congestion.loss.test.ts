import { loss } from '../../../src/checks/congestion.loss.js'
import { checkTable } from '../../helpers/check-table.js'
import { destination, socketNote, tcpInfo } from '../../helpers/tcp-info.js'

const lossy = destination({ remote: '10.0.0.9:443', sockets: 3, segsOut: 10_000, retrans: 600, lost: 4, bytesSent: 14e6, bytesRetrans: 8e5, worst: socketNote({ peer: '10.0.0.9:443', retransTotal: 400 }) })
const clean = destination({ remote: '10.0.0.2:443', segsOut: 50_000, retrans: 10 })

checkTable(loss, [
  {
    name: 'one lossy destination, one clean',
    start: { tcpInfo: tcpInfo({ destinations: [clean, lossy] }) },
    findings: [{ status: 'fail', severity: 'warning', subject: { remote: '10.0.0.9:443', side: 'client' }, message: /3 connections toward 10\.0\.0\.9:443: 600 of 10000 segments retransmitted \(6 %\), 4 marked lost now.*most retransmits: .*400/ }],
  },
  {
    name: 'above the critical share, server side',
    start: { tcpInfo: tcpInfo({ destinations: [destination({ side: 'server', local: '*:8080', remote: '10.1.1.1', segsOut: 2000, retrans: 400 })] }) },
    findings: [{ status: 'fail', severity: 'critical', subject: { local: '*:8080', remote: '10.1.1.1', side: 'server' }, message: /from 10\.1\.1\.1 → \*:8080/ }],
  },
  { name: 'too few segments to judge', start: { tcpInfo: tcpInfo({ destinations: [destination({ segsOut: 100, retrans: 50 })] }) }, findings: [{ status: 'pass', message: /too few to judge/ }] },
  {
    name: 'jittery RTT without loss',
    start: { tcpInfo: tcpInfo({ destinations: [destination({ segsOut: 5000, rttSockets: 2, rttSumMs: 400, rttMaxMs: 300, rttVarMaxMs: 150 })] }) },
    findings: [{ status: 'fail', severity: 'warning', subject: { remote: '10.0.0.2:443', side: 'client' }, message: /RTT 200\.0 ms on average .*variance up to 150\.0 ms/ }],
  },
  { name: 'variance small against a long RTT', start: { tcpInfo: tcpInfo({ destinations: [destination({ segsOut: 5000, rttSumMs: 600, rttMaxMs: 600, rttVarMaxMs: 60 })] }) }, findings: [{ status: 'pass' }] },
  { name: 'thresholds from the config', start: { tcpInfo: tcpInfo({ destinations: [clean] }) }, thresholds: { warningShare: 0.0001 }, findings: [{ status: 'fail', severity: 'warning', subject: { remote: '10.0.0.2:443', side: 'client' } }] },
  { name: 'no socket: nothing examined', start: { tcpInfo: tcpInfo({ destinations: [] }) }, findings: [{ status: 'skip' }] },
])
