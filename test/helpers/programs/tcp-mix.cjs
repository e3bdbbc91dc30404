// A mix of TCP connection ends on loopback, for capture tests: graceful request/response (FIN both ways),
// client resets (RST), a refused connect (nothing listens), over IPv4 and IPv6. Prints "done" and exits.
// Usage: tcp-mix.cjs PORT CONNECTIONS
const net = require('net')
const port = Number(process.argv[2])
const count = Math.min(Number(process.argv[3] ?? 10), 1000)

const server = net.createServer((c) => {
  c.on('data', (d) => c.write(d))
  c.on('end', () => c.end())
  c.on('error', () => {})
})

function one(host, i) {
  return new Promise((resolve) => {
    const c = net.connect({ host, port }, () => {
      c.write(`request ${i} ${'x'.repeat(300)}\n`)
    })
    c.once('data', () => {
      if (i % 5 === 4) c.resetAndDestroy()
      else c.end()
    })
    c.on('close', resolve)
    c.on('error', resolve)
    setTimeout(() => { c.destroy(); resolve() }, 3000).unref()
  })
}

function refused(host) {
  return new Promise((resolve) => {
    const c = net.connect({ host, port: port + 1 })
    c.on('error', resolve)
    c.on('connect', () => { c.destroy(); resolve() })
  })
}

server.listen({ port, host: '::', ipv6Only: false }, async () => {
  for (let i = 0; i < count; i++) await one(i % 2 ? '::1' : '127.0.0.1', i)
  await refused('127.0.0.1')
  await refused('::1')
  server.close()
  process.stdout.write('done\n')
})
