import { socketsCloseWait } from '../../../src/checks/sockets.close-wait.js'
import type { CloseWaitGroup } from '../../../src/model/facts.js'
import { census, evaluate, failing } from '../../helpers/facts.js'

const server = (count: number, pid?: number): CloseWaitGroup => ({ side: 'server', local: '10.0.0.1:8080', count, source: 'ss -tano', ...(pid ? { pid, process: 'java' } : {}) })
const sample = (...closeWait: CloseWaitGroup[]) => ({ census: census({ closeWait }) })

describe('sockets.close-wait', () => {
  test.each([
    [9, 9, 'pass'],
    [10, 12, 'warning'],
    [999, 1000, 'warning'],
    [1000, 1200, 'critical'],
    [500, 3, 'pass'], // drained in the window
  ])('%i then %i CLOSE_WAIT on one endpoint and process → %s', (a, b, expected) => {
    const f = evaluate(socketsCloseWait, sample(server(a, 4242)), sample(server(b, 4242)), 2)
    if (expected === 'pass') return expect(f.map((x) => x.status)).toEqual(['pass'])
    expect(f).toHaveLength(1)
    expect(f[0].severity).toBe(expected)
  })

  test('the subject names local, pid and process; the message says how to confirm', () => {
    const [f] = failing(evaluate(socketsCloseWait, sample(server(50, 4242))))
    expect(f.subject).toEqual({ side: 'server', local: '10.0.0.1:8080', pid: 4242, process: 'java' })
    expect(f.message).toMatch(/never calls close\(\)/)
    expect(f.message).toMatch(/ss -tanp state close-wait/)
    expect(f.message).toMatch(/ls -l \/proc\/4242\/fd/)
  })

  test('client side groups name the remote; without ss -p the process is unknown', () => {
    const [f] = failing(evaluate(socketsCloseWait, sample({ side: 'client', remote: '10.0.0.2:6379', count: 40, source: 'ss -tano' })))
    expect(f.subject).toEqual({ side: 'client', remote: '10.0.0.2:6379' })
    expect(f.message).toMatch(/unknown process/)
  })

  test('each group cites its own read: the owners pass for one it named, the census for one it did not replace', () => {
    const owned = { ...server(30, 2), source: 'ss -tanpo state close-wait' }
    const unowned = { side: 'client' as const, remote: '10.0.0.2:6379', count: 40, source: 'ss -tano' }
    const f = failing(evaluate(socketsCloseWait, sample(owned, unowned)))
    expect(f.map((x) => x.evidence[0].source)).toEqual(['ss -tanpo state close-wait', 'ss -tano'])
  })

  test('two processes on one endpoint are judged apart', () => {
    const f = failing(evaluate(socketsCloseWait, sample(server(8, 1), server(30, 2))))
    expect(f.map((x) => x.subject.pid)).toEqual([2])
  })
})
