// The buffers socket aggregation (`ss -tnimp state established` → tcpInfo fact) on synthetic socket tables:
// sockets per second and heap growth at 10 k, 100 k and 1 M sockets (1000 distinct peers). Run after `npm run build`:
//   node --expose-gc bench/buffers-tcp-info.mjs
import { tcpInfo } from '../dist/probes/tcp-info.js'

function* ssLines(n) {
  yield 'Recv-Q Send-Q  Local Address:Port  Peer Address:Port Process'
  for (let i = 0; i < n; i++) {
    const peer = `10.${(i >> 16) & 3}.${(i % 1000) >> 8}.${i % 250}:443`
    const rtt = (0.2 + (i % 97)).toFixed(3)
    yield `0      0          192.0.2.2:${10000 + (i % 50000)} ${peer}  users:(("app",pid=${100 + (i % 7)},fd=${i % 1000}))`
    yield `\t skmem:(r0,rb${i % 13 === 0 ? 65536 : 2097152},t0,tb87040,f0,w0,o0,bl0,d0) cubic wscale:7,7 rto:204 rtt:${rtt}/0.2 ato:40 mss:1448 cwnd:10 bytes_sent:${i * 3} bytes_acked:${i * 3} bytes_received:${i * 100000} segs_out:10 segs_in:10 lastsnd:100 lastrcv:100 lastack:100 retrans:0/${i % 101} rcv_space:14480 minrtt:0.1`
  }
}

const source = (n) => ({
  description: 'synthetic',
  kind: 'live',
  text: async () => '',
  lines: (key) => (async function* () { yield* ssLines(n) })(),
  textMany: async () => new Map(),
  forSample() { return this },
})
const get = async () => new Map([['net.ipv4.tcp_rmem', '4096 131072 6291456']])

for (const n of [10_000, 100_000, 1_000_000]) {
  globalThis.gc?.()
  const before = process.memoryUsage().heapUsed
  const t0 = process.hrtime.bigint()
  const info = await tcpInfo.collect(source(n), get)
  const ms = Number(process.hrtime.bigint() - t0) / 1e6
  const heap = (process.memoryUsage().heapUsed - before) / 1048576
  globalThis.gc?.()
  const retained = (process.memoryUsage().heapUsed - before) / 1048576
  console.log(`${String(n).padStart(9)} sockets: ${ms.toFixed(0).padStart(6)} ms, ${Math.round(n / (ms / 1000)).toLocaleString('en')} sockets/s, heap +${heap.toFixed(1)} MiB (retained after gc +${retained.toFixed(1)} MiB), peers ${Object.keys(info.byPeer).length}, top ${info.topRetrans.length}, small rcvbuf ${info.smallRcvbuf.length}`)
}
