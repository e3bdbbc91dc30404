// The census joined with the owners pass: a group the pass names a process for takes the pass's group (and its
// source); one the pass cannot attribute either (connections still in an accept queue: no process holds them yet)
// stays as the census read it. Both reads are ss lines through the census's own code.
import { withOwners } from '../../../src/census/attribution.js'
import { censusOfSsLines } from '../../../src/census/census.js'

const HEADER = 'State      Recv-Q Send-Q      Local Address:Port        Peer Address:Port Process'
const CENSUS = 'ss -tano'
const PASS = 'ss -tanpo state close-wait state established state listening'

// 127.0.0.1:8080 accepts nothing: its two established connections and the one its client closed wait in the accept
// queue, held by no process. 127.0.0.1:9001's are accepted by pid 42. The pass reads a moment later: one more on 9001.
const censusLines = [
  HEADER,
  'LISTEN     3      511             127.0.0.1:8080             0.0.0.0:*',
  'LISTEN     0      511             127.0.0.1:9001             0.0.0.0:*',
  'ESTAB      0      0               127.0.0.1:8080           127.0.0.1:50001',
  'ESTAB      0      0               127.0.0.1:8080           127.0.0.1:50002',
  'CLOSE-WAIT 1      0               127.0.0.1:8080           127.0.0.1:50003',
  'ESTAB      0      0               127.0.0.1:9001           127.0.0.1:50004',
  'CLOSE-WAIT 1      0               127.0.0.1:9001           127.0.0.1:50005',
]
const passLines = [
  HEADER,
  'LISTEN     3      511             127.0.0.1:8080             0.0.0.0:*     users:(("stuck",pid=41,fd=3))',
  'LISTEN     0      511             127.0.0.1:9001             0.0.0.0:*     users:(("api",pid=42,fd=3))',
  'ESTAB      0      0               127.0.0.1:8080           127.0.0.1:50001',
  'ESTAB      0      0               127.0.0.1:8080           127.0.0.1:50002',
  'CLOSE-WAIT 1      0               127.0.0.1:8080           127.0.0.1:50003',
  'ESTAB      0      0               127.0.0.1:9001           127.0.0.1:50004 users:(("api",pid=42,fd=4))',
  'ESTAB      0      0               127.0.0.1:9001           127.0.0.1:50006 users:(("api",pid=42,fd=6))',
  'CLOSE-WAIT 1      0               127.0.0.1:9001           127.0.0.1:50005 users:(("api",pid=42,fd=5))',
]

async function joined() {
  const census = await censusOfSsLines(censusLines, CENSUS)
  const listening = census.listening.map((l) => l.local)
  const owned = await censusOfSsLines(passLines, PASS, { listening })
  return withOwners(census, owned, ['close-wait', 'established', 'listening'])
}

test('a CLOSE_WAIT group the pass names no process for keeps the census count and source; an attributed one takes the pass', async () => {
  const j = await joined()
  const bySource = j.closeWait.map((g) => ({ local: g.local, pid: g.pid, count: g.count, source: g.source }))
  expect(bySource).toEqual(
    expect.arrayContaining([
      { local: '127.0.0.1:8080', pid: undefined, count: 1, source: CENSUS },
      { local: '127.0.0.1:9001', pid: 42, count: 1, source: PASS },
    ]),
  )
  expect(j.closeWait).toHaveLength(2)
})

test('a keepalive group the pass names no process for keeps the census counts and source; an attributed one takes the pass', async () => {
  const j = await joined()
  const groups = j.keepalive!.groups.map((g) => ({ local: g.local, pid: g.pid, without: g.without, source: g.source }))
  expect(groups).toEqual(
    expect.arrayContaining([
      { local: '127.0.0.1:8080', pid: undefined, without: 2, source: CENSUS },
      // the pass's count, read a moment later
      { local: '127.0.0.1:9001', pid: 42, without: 2, source: PASS },
    ]),
  )
  expect(groups).toHaveLength(2)
  // the listeners get their processes as before
  expect(j.listening.map((l) => [l.local, l.pid])).toEqual([
    ['127.0.0.1:8080', 41],
    ['127.0.0.1:9001', 42],
  ])
})
