// A server that closes every connection as soon as it accepts it (HTTP/1.0 style): its side keeps TIME_WAIT.
// Usage: closing-server.cjs HOST PORT
const net = require('net')
const [host, port] = process.argv.slice(2)
const s = net.createServer((c) => {
  c.on('error', () => {})
  c.end()
})
s.listen({ host, port: Number(port), backlog: 1024 }, () => process.stdout.write('ready\n'))
