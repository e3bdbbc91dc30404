// The two abortive closes made live in a namespace: a server that closes with the request unread
// (TCPAbortOnClose) and one that closes with SO_LINGER 0 (TCPAbortOnData). resets.aborts names them separately.
import { describeRoot, findingsOf, runJson, TestNetns } from '../helpers/netns.js'

async function firstLine(p: { output: () => string; exitCode: number | null }): Promise<void> {
  const deadline = Date.now() + 10000
  while (!/^\d+ /m.test(p.output())) {
    if (p.exitCode !== null || Date.now() > deadline) throw new Error(`client made no connection: ${p.output()}`)
    await new Promise((r) => setTimeout(r, 20))
  }
}

describeRoot('resets.aborts live: unread close and linger 0', () => {
  let ns: TestNetns
  beforeAll(async () => {
    ns = await TestNetns.create('aborts')
  })
  afterAll(async () => {
    await ns?.cleanup()
  })

  test('TCPAbortOnClose and TCPAbortOnData are two findings with their causes', async () => {
    await ns.node('abort-server.cjs', ['127.0.0.1', 8081, 'unread'])
    await ns.node('abort-server.cjs', ['127.0.0.1', 8082, 'linger0'])
    // one connection every ~200 ms to each, for at most 60 connections (~12 s): the window sees several of each
    const unread = await ns.node('request-client.cjs', ['127.0.0.1', 8081, 60, 200], { waitReady: false })
    const linger = await ns.node('request-client.cjs', ['127.0.0.1', 8082, 60, 200], { waitReady: false })
    await Promise.all([firstLine(unread), firstLine(linger)])
    expect(unread.output()).toMatch(/^0 ECONNRESET$/m)

    const { code, report } = await runJson(['resets', '--netns', ns.name, '--interval', '1.5'])
    const byCounter = Object.fromEntries(findingsOf(report, 'resets.aborts').map((f) => [f.subject.counter, f]))
    const close = byCounter.TcpExtTCPAbortOnClose
    const data = byCounter.TcpExtTCPAbortOnData
    expect(close).toMatchObject({ status: 'fail', severity: 'warning', subject: { counter: 'TcpExtTCPAbortOnClose' } })
    expect(close.message).toMatch(/^TCPAbortOnClose \+\d+ in .*closed with unread data/)
    expect(close.evidence[0].delta).toBeGreaterThan(0)
    expect(data).toMatchObject({ status: 'fail', severity: 'warning', subject: { counter: 'TcpExtTCPAbortOnData' } })
    expect(data.message).toMatch(/SO_LINGER 0/)
    // the clients of both servers were reset: their side shows as resets from peers, and no RST went unexplained
    expect(byCounter.TcpEstabResets?.message).toMatch(/came from peers/)
    expect(byCounter.TcpOutRsts).toBeUndefined()
    expect(code).toBe(0) // warnings do not fail the default gate (--fail-on critical)
  })
})
