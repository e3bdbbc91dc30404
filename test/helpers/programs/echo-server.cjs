// A healthy listener: accepts at once, answers each chunk and closes when the client closes.
// Usage: echo-server.cjs HOST PORT [BACKLOG]
const net = require('net')
const [host, port, backlog] = process.argv.slice(2)
const s = net.createServer((c) => {
  c.on('data', (d) => c.write(d))
  c.on('end', () => c.end())
  c.on('error', () => {})
})
s.listen({ host, port: Number(port), backlog: Number(backlog ?? 511) }, () => process.stdout.write('ready\n'))
