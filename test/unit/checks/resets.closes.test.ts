// resets.closes: per-server connection ends (the analysis' output) → one finding per server endpoint.
import { closes } from '../../../src/checks/resets.closes.js'
import { CONNECTION_ENDS, type ConnectionEnd, type ConnectionEndRow, type ServerCloses } from '../../../src/model/closes.js'
import { captureWith } from '../../helpers/capture-facts.js'
import { ctxOf, factsOf, sysctls, evaluateDeclared } from '../../helpers/facts.js'

function server(name: string, counts: Partial<Record<ConnectionEnd, number>>, extra: Partial<ServerCloses> = {}): ServerCloses {
  const full = Object.fromEntries(CONNECTION_ENDS.map((e) => [e, counts[e] ?? 0])) as ServerCloses['counts']
  const rows: ConnectionEndRow[] = []
  let t = 1764280000
  for (const e of CONNECTION_ENDS) for (let i = 0; i < (counts[e] ?? 0); i++) rows.push({ client: `127.0.0.1:${40000 + rows.length}`, server: name, end: e, firstSeen: t, lastSeen: (t += 0.5), packets: 6 })
  return { server: name, counts: full, abortsByClient: 0, abortsByServer: 0, unansweredAborts: 0, halfClosedByServer: 0, maxSynRetransmissions: 0, rows, rowsOmitted: 0, ...extra }
}

const COUNTERS = { TcpExtTCPAbortOnClose: 10, TcpExtTCPAbortOnData: 4 }

function run(servers: ServerCloses[], opts: { live?: boolean; closeDelta?: number; window?: number; maxDetails?: number } = {}) {
  const capture = captureWith({ closes: servers }, opts.live ? { kind: 'live', interface: 'lo', seconds: 3 } : { kind: 'file', path: 'x.pcap' })
  const end = { capture, sysctls: sysctls({ 'net.ipv4.tcp_syn_retries': 6, 'net.ipv4.tcp_syn_linear_timeouts': 4 }), counters: { ...COUNTERS, TcpExtTCPAbortOnClose: COUNTERS.TcpExtTCPAbortOnClose + (opts.closeDelta ?? 0) } }
  const facts = factsOf({ ...end, counters: COUNTERS }, end)
  return evaluateDeclared(closes, facts, ctxOf(closes, opts.window ?? 3, { maxDetails: opts.maxDetails ?? 100 }))
}

describe('resets.closes', () => {
  test('all graceful: a pass per server endpoint, with the rows', () => {
    const [f] = run([server('127.0.0.1:9001', { graceful: 3, open: 1 })])
    expect(f).toMatchObject({ status: 'pass', subject: { server: '127.0.0.1:9001' } })
    expect(f.message).toBe('127.0.0.1:9001: 3 connections ended gracefully; 1 still open')
    expect(f.evidence).toContainEqual({ source: 'capture', name: 'graceful', value: 3 })
    expect(f.details).toHaveLength(4)
  })

  test('unanswered aborts by the server, joined with TCPAbortOnClose of a live capture window', () => {
    const [f] = run([server('127.0.0.1:8080', { abort: 3, graceful: 7 }, { abortsByServer: 3, unansweredAborts: 3 })], { live: true, closeDelta: 3 })
    expect(f).toMatchObject({ status: 'fail', severity: 'warning', title: 'Server aborted connections with requests unanswered', subject: { server: '127.0.0.1:8080' } })
    expect(f.message).toBe(
      '127.0.0.1:8080 (10 connections in a 3.0 s window): 3 connections aborted by the server after unanswered requests; TCPAbortOnClose +3 in the same window: the server closed (or died) with requests unread',
    )
    expect(f.evidence).toContainEqual({ source: '/proc/net/netstat', name: 'TcpExtTCPAbortOnClose', value: 13, delta: 3 })
    expect(f.remediation!.text).toMatch(/drain in-flight requests on shutdown/)
  })

  test('a file is not joined with this host counters; a live capture whose counter did not grow says the server is elsewhere', () => {
    const s = server('10.0.0.5:80', { abort: 1 }, { abortsByServer: 1, unansweredAborts: 1 })
    expect(run([s])[0].message).not.toMatch(/TCPAbortOnClose/)
    expect(run([s], { live: true, closeDelta: 0 })[0].message).toMatch(/TCPAbortOnClose did not grow here: the resetting server runs on another host/)
  })

  test('refused, timeout with the host SYN retry wait, client and answered server aborts: one finding, each cause named', () => {
    const s = server('127.0.0.1:9004', { refused: 2, timeout: 1, abort: 2 }, { abortsByClient: 1, abortsByServer: 1, maxSynRetransmissions: 3 })
    const [f] = run([s])
    expect(f.severity).toBe('warning')
    expect(f.message).toBe(
      '127.0.0.1:9004 (5 connections): 1 connection reset by the server, not after an unanswered request (SO_LINGER 0, data after close, or a timeout of its own); 1 connection reset by the client; 2 connections refused (RST to the SYN: nothing listened on the port); 1 connection attempt never answered (up to 3 SYN retransmissions seen); with this host\'s tcp_syn_retries 6 and tcp_syn_linear_timeouts 4 a client waits 2 min 11 s (11 SYNs) before connect() fails',
    )
  })

  test('half-closed only is info: the server closed and the clients never did', () => {
    const [f] = run([server('127.0.0.1:9007', { 'half-closed': 2, partial: 1 }, { halfClosedByServer: 2 })])
    expect(f).toMatchObject({ status: 'fail', severity: 'info', title: 'Connections left half-closed' })
    expect(f.remediation!.commands).toContain('ss -tanp state close-wait  # on the clients')
  })

  test('details are capped by --max-details, abnormal rows first as the analysis ordered them', () => {
    const s = server('127.0.0.1:9002', { abort: 2, graceful: 5 }, { abortsByServer: 2, unansweredAborts: 2 })
    s.rows = [...s.rows.filter((r) => r.end === 'abort'), ...s.rows.filter((r) => r.end !== 'abort')]
    const [f] = run([s], { maxDetails: 2 })
    expect(f.details!.map((r) => r.end)).toEqual(['abort', 'abort'])
  })

  test('one finding per server endpoint; an empty capture passes once', () => {
    expect(run([server('127.0.0.1:1', { graceful: 1 }), server('127.0.0.1:2', { refused: 1 })]).map((f) => [f.subject.server, f.status])).toEqual([
      ['127.0.0.1:1', 'pass'],
      ['127.0.0.1:2', 'fail'],
    ])
    expect(run([])).toMatchObject([{ status: 'pass', subject: {} }])
  })
})
