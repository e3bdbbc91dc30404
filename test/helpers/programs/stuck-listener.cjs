// A listener that never accepts: listen() with a small backlog, then block the event loop.
// Usage: stuck-listener.cjs HOST PORT BACKLOG SECONDS
const net = require('net')
const [host, port, backlog, seconds] = process.argv.slice(2)
const s = net.createServer()
s.listen({ host, port: Number(port), backlog: Number(backlog) }, () => {
  process.stdout.write('ready\n', () => {
    Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, Number(seconds) * 1000)
    process.exit(0)
  })
})
