// A server that ends each connection in one chosen way, to reproduce how connections end.
// Usage: abort-server.cjs HOST PORT MODE
//   graceful  reads the request, answers, closes (FIN both ways once the client closes too)
//   unread    never reads; closes 50 ms after accept with the request unread (RST, TCPAbortOnClose)
//   linger0   reads the request, answers, then closes with SO_LINGER 0 (RST, TCPAbortOnData) via resetAndDestroy()
//   hold      reads requests and never answers nor closes (for kill-while-idle: the kernel sends FIN)
//   hold-unread  never reads nor closes (for kill with a request unread: the kernel sends RST)
const net = require('net')
const [host, port, mode] = process.argv.slice(2)
const MODES = ['graceful', 'unread', 'linger0', 'hold', 'hold-unread']
if (!MODES.includes(mode)) {
  process.stderr.write(`mode must be one of ${MODES.join(', ')}\n`)
  process.exit(2)
}
const paused = mode === 'unread' || mode === 'hold-unread'
const server = net.createServer({ pauseOnConnect: paused }, (sock) => {
  sock.on('error', () => undefined)
  if (mode === 'unread') setTimeout(() => sock.destroy(), 50)
  if (mode === 'graceful') sock.once('data', () => sock.end('ok\n'))
  if (mode === 'linger0') sock.once('data', () => sock.write('ok\n', () => sock.resetAndDestroy()))
  if (mode === 'hold') sock.on('data', () => undefined)
})
server.listen({ host, port: Number(port) }, () => process.stdout.write('ready\n'))
