// Mixed TCP traffic on loopback for bench/pcap.mjs --mixed (run inside the bench's namespace, under tcpdump):
// COUNT short connections, 64 at a time, ending in turn gracefully (request/response, FIN both ways), by a
// server RST with the request unread (the server closes without reading), by linger 0 from the client
// (resetAndDestroy), refused (nothing listens on PORT+1) and unanswered (the bench drops SYNs to PORT+2; the
// client gives up after 1.2 s, after one SYN retransmission), plus one bulk stream on PORT+3 that writes as fast
// as it can until SIGUSR1. Keepalive and heartbeat connections come from test/helpers/programs/keepalive-mix.cjs.
// Prints "done" when the short connections are done; exits on SIGINT or after 300 s.
// Usage: mixed-traffic.cjs PORT COUNT
const net = require('net')
const port = Number(process.argv[2])
const count = Math.min(Number(process.argv[3] ?? 12000), 200000)
const CONCURRENCY = 64

// graceful: echo, then close after the client does
const graceful = net.createServer((c) => {
  c.on('data', (d) => c.write(d))
  c.on('end', () => c.end())
  c.on('error', () => {})
})
// the request is never read: closing with unread data makes the kernel send a RST (TCPAbortOnClose)
const unread = net.createServer({ pauseOnConnect: true }, (c) => {
  c.on('error', () => {})
  setTimeout(() => c.destroy(), 5)
})
const sink = net.createServer((c) => {
  c.on('data', () => {})
  c.on('error', () => {})
})

function one(i) {
  return new Promise((resolve) => {
    const kind = i % 10
    const done = () => resolve()
    // 0-4 graceful, 5 RST with unread data, 6 linger 0, 7 refused, 8 unanswered, 9 graceful over IPv6
    const host = kind === 9 ? '::1' : '127.0.0.1'
    const to = kind === 5 ? port + 4 : kind === 7 ? port + 1 : kind === 8 ? port + 2 : port
    const c = net.connect({ host, port: to }, () => c.write(`request ${i} ${'x'.repeat(200)}\n`))
    c.on('error', done)
    c.on('close', done)
    c.once('data', () => (kind === 6 ? c.resetAndDestroy() : c.end()))
    setTimeout(() => c.destroy(), kind === 8 ? 1200 : 5000).unref()
  })
}

function bulk() {
  const c = net.connect({ host: '127.0.0.1', port: port + 3 })
  const buf = Buffer.alloc(1 << 16)
  let stopped = false
  // SIGUSR1: the capture is big enough; the bulk stream ends (FIN) and the short connections go on
  process.on('SIGUSR1', () => {
    stopped = true
    c.end()
  })
  const pump = () => {
    while (!stopped && c.write(buf));
  }
  c.on('connect', pump)
  c.on('drain', pump)
  c.on('error', () => {})
}

const listen = (s, p, host) => new Promise((r) => s.listen({ port: p, host, ipv6Only: false }, r))

async function main() {
  await listen(graceful, port, '::')
  await listen(unread, port + 4, '127.0.0.1')
  await listen(sink, port + 3, '127.0.0.1')
  bulk()
  let next = 0
  const worker = async () => {
    while (next < count) await one(next++)
  }
  await Promise.all(Array.from({ length: CONCURRENCY }, worker))
  process.stdout.write('done\n')
}
process.on('SIGINT', () => process.exit(0))
setTimeout(() => process.exit(0), 300000)
main()
