import { sockets } from '../../../src/checks/keepalive.sockets.js'
import type { EstablishedKeepalive, KeepaliveGroup } from '../../../src/model/facts.js'
import { ctxOf, factsOf, evaluateDeclared } from '../../helpers/facts.js'

const group = (o: Partial<KeepaliveGroup>, ids: number[]): KeepaliveGroup => ({ side: 'server', local: '127.0.0.1:8080', with: 0, without: ids.length, withoutIds: ids, source: 'ss -tano', ...o })
const sample = (groups: KeepaliveGroup[], extraIds: number[] = []): EstablishedKeepalive => ({
  source: 'ss -tano',
  total: groups.reduce((n, g) => n + g.with + g.without, 0),
  with: groups.reduce((n, g) => n + g.with, 0),
  ids: new Set([...groups.flatMap((g) => g.withoutIds), ...extraIds]),
  groups,
})
const range = (a: number, b: number) => Array.from({ length: b - a }, (_, i) => a + i)

const run = (end: EstablishedKeepalive, start?: EstablishedKeepalive, window = 2) =>
  evaluateDeclared(sockets, factsOf({ keepaliveSockets: start ?? end }, { keepaliveSockets: end }), ctxOf(sockets.meta, window))

test('a listener with many long-lived connections without keepalive → info with counts', () => {
  const g = group({ with: 2, process: 'nginx', pid: 811 }, range(0, 8))
  const [f] = run(sample([g]), sample([g]))
  expect(f).toMatchObject({ status: 'fail', severity: 'info', subject: { local: '127.0.0.1:8080', side: 'server', process: 'nginx', pid: 811 } })
  expect(Object.fromEntries(f.evidence.map((e) => [e.name, e.value]))).toEqual({ withKeepalive: 2, withoutKeepalive: 8, longLivedWithoutKeepalive: 8 })
})

test('only sockets present in both samples count: new short-lived ones do not', () => {
  const end = sample([group({}, range(0, 8))])
  const start = sample([group({}, range(100, 110))], range(0, 3)) // only 0..2 were there before
  expect(run(end, start)[0]).toMatchObject({ status: 'pass' })
})

test('client side: per process and destination', () => {
  const g = group({ side: 'client', local: undefined, remote: '10.0.0.5:5432', process: 'app', pid: 42 }, range(0, 6))
  const [f] = run(sample([g]), sample([g]))
  expect(f).toMatchObject({ status: 'fail', severity: 'info', subject: { remote: '10.0.0.5:5432', side: 'client', process: 'app', pid: 42 } })
})

test('below the threshold, or all with keepalive → one pass', () => {
  const few = sample([group({}, range(0, 4)), group({ local: '127.0.0.1:9000', with: 50 }, [])])
  const [f] = run(few, few)
  expect(f).toMatchObject({ status: 'pass', subject: {} })
  expect(f.message).toMatch(/54 established connections: 50 with keepalive, 4 without/)
})

test('without a window every established socket counts', () => {
  const s = sample([group({}, range(0, 5))])
  expect(run(s, undefined, 0)[0]).toMatchObject({ status: 'fail', severity: 'info' })
})

test('evidence names each group\'s own read: the census (a netdoc 0.3 snapshot: ss -tanpo), or the owners pass that replaced that group', () => {
  const g = group({ process: 'nginx', pid: 811, source: 'ss -tanpo' }, range(0, 8))
  const old = { ...sample([g]), source: 'ss -tanpo' }
  expect(run(old, old)[0].evidence.map((e) => e.source)).toEqual(['ss -tanpo', 'ss -tanpo', 'ss -tanpo'])
  // one group named by the owners pass, one it did not replace (still the census's)
  const owned = group({ process: 'nginx', pid: 811, source: 'ss -tanpo state established' }, range(0, 8))
  const census = group({ local: '127.0.0.1:9000' }, range(8, 16))
  const both = sample([owned, census])
  expect(run(both, both).map((f) => [f.subject.local, [...new Set(f.evidence.map((e) => e.source))]])).toEqual([
    ['127.0.0.1:8080', ['ss -tanpo state established']],
    ['127.0.0.1:9000', ['ss -tano']],
  ])
})

test('the pass counts are the census\'s, which add up, when the groups came from an owners pass read a moment later', () => {
  // the census read 10 established sockets, 2 with keepalive; by the owners pass, connections had come and gone
  const pass = 'ss -tanpo state established'
  const owned = sample([group({ with: 3, process: 'nginx', pid: 811, source: pass }, range(0, 4)), group({ local: '127.0.0.1:9000', with: 6, source: pass }, range(4, 8))])
  const ks: EstablishedKeepalive = { ...owned, total: 10, with: 2 }
  const [f] = run(ks, ks)
  expect(f).toMatchObject({ status: 'pass' })
  expect(f.message).toMatch(/^10 established connections: 2 with keepalive, 8 without;/)
  expect(f.evidence).toEqual([
    { source: 'ss -tano', name: 'withKeepalive', value: 2 },
    { source: 'ss -tano', name: 'withoutKeepalive', value: 8 },
  ])
})
