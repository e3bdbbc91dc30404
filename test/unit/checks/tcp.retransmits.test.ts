import { retransmits } from '../../../src/checks/tcp.retransmits.js'
import type { Counters, TcpInfo } from '../../../src/model/facts.js'
import { emptyHistogram } from '../../../src/parsers/ss-tcp-info.js'
import { ctxOf, factsOf, outcome, sysctls, evaluateDeclared } from '../../helpers/facts.js'

const seg = (out: number, retrans: number): Counters => ({ TcpOutSegs: out, TcpRetransSegs: retrans, TcpExtTCPSynRetrans: 0, TcpExtTCPTimeouts: 0 })
const cubic = sysctls({ 'net.ipv4.tcp_congestion_control': 'cubic', 'net.ipv4.tcp_available_congestion_control': 'reno cubic' })
const info: TcpInfo = {
  source: 'ss -tnimp state established',
  sockets: 2,
  remoteSockets: 2,
  rttHistogram: emptyHistogram(),
  byPeer: {},
  topRetrans: [{ local: '10.0.0.1:40000', peer: '10.0.0.2:443', process: 'curl', pid: 42, retransNow: 1, retransTotal: 90, rttMs: 30 }],
  smallRcvbuf: [],
}

describe('tcp.retransmits', () => {
  test.each([
    ['0.5 % of 10000: pass', 10000, 50, undefined],
    ['2 % of 10000: warning', 10000, 200, 'warning'],
    ['6 % of 10000: critical', 10000, 600, 'critical'],
    ['50 % of 100 segments: too few to judge', 100, 50, undefined],
    // OutSegs excludes retransmissions: 500 of 9500 + 500 sent is 5 %, not 5.26 %, so not above criticalShare
    ['500 retransmitted beside 9500 OutSegs is 5 % of what was sent: warning', 9500, 500, 'warning'],
  ])('%s', (_name, out, retrans, severity) => {
    const facts = factsOf({ counters: seg(1000, 10), sysctls: cubic, tcpInfo: info }, { counters: seg(1000 + out, 10 + retrans) })
    const [f] = outcome(retransmits, facts, ctxOf(retransmits, 2))
    expect(f.status).toBe(severity ? 'fail' : 'pass')
    expect(f.severity).toBe(severity)
  })

  test('the share counts retransmissions among the segments sent (OutSegs excludes them)', () => {
    // the stuck-listener snapshot's numbers: OutSegs +9, RetransSegs +20 in the window
    const facts = factsOf({ counters: seg(0, 0), sysctls: cubic }, { counters: seg(9, 20) })
    const [f] = evaluateDeclared(retransmits, facts, ctxOf(retransmits, 2))
    expect(f.message).toContain('20 of 29 segments retransmitted (68.97 %) in 2.0 s')
  })

  test('the message names the congestion control and bbr; details are the sockets with the most retransmits', () => {
    const facts = factsOf({ counters: seg(0, 0), sysctls: cubic, tcpInfo: info }, { counters: { ...seg(10000, 600), TcpExtTCPTimeouts: 3 } })
    const [f] = evaluateDeclared(retransmits, facts, ctxOf(retransmits, 2))
    expect(f.message).toContain('600 of 10600 segments retransmitted (5.66 %)')
    expect(f.message).toContain('timeouts 3')
    expect(f.message).toContain('congestion control cubic; bbr is not loaded')
    expect(f.details).toEqual([{ local: '10.0.0.1:40000', remote: '10.0.0.2:443', process: 'curl', pid: 42, retrans: '1/90', rttMs: 30 }])
    expect(f.remediation?.commands.some((c) => c.includes('tcp_congestion_control=bbr'))).toBe(true)
  })

  test('without ss the finding stands, with no details', () => {
    const facts = factsOf({ counters: seg(0, 0), sysctls: cubic }, { counters: seg(10000, 600) })
    const [f] = evaluateDeclared(retransmits, facts, ctxOf(retransmits, 2))
    expect(f.status).toBe('fail')
    expect(f.details).toBeUndefined()
  })

  test('no window: a high share since boot is info', () => {
    expect(outcome(retransmits, factsOf({ counters: seg(100000, 3000), sysctls: cubic, tcpInfo: info }), ctxOf(retransmits, 0))[0]).toMatchObject({ status: 'fail', severity: 'info' })
  })
})
