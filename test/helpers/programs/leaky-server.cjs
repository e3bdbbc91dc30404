// A server with a descriptor leak: it accepts connections and never closes them, even after the peer closed,
// so they stay in CLOSE_WAIT. Exits after SECONDS.
// Usage: leaky-server.cjs HOST PORT SECONDS
const net = require('net')
const [host, port, seconds] = process.argv.slice(2)
const kept = []
const s = net.createServer({ allowHalfOpen: true }, (c) => {
  c.on('error', () => {})
  c.on('end', () => {}) // peer closed; we "forget" to close
  kept.push(c)
})
s.listen({ host, port: Number(port) }, () => process.stdout.write('ready\n'))
setTimeout(() => process.exit(0), Number(seconds) * 1000)
