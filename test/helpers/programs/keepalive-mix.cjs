// Keepalive and heartbeat traffic on loopback, for capture tests. Four connections, each to its own server port:
//   BASE+1  keepalive 1 s idle (answered)        BASE+2  keepalive 3 s idle (answered)
//   BASE+3  PING/PONG every 1.5 s, no keepalive   BASE+4  keepalive 1 s idle; the test drops the server's answers
// Prints "ready" once all four are connected; runs until killed (or 60 s at most).
// Usage: keepalive-mix.cjs BASE_PORT
const net = require('net')
const base = Number(process.argv[2])
const sockets = []

function serve(port, onData) {
  return new Promise((resolve) => {
    const s = net.createServer((c) => {
      sockets.push(c)
      c.on('data', (d) => onData && onData(c, d))
      c.on('error', () => {})
    })
    s.listen(port, '127.0.0.1', resolve)
  })
}

function connect(port, keepaliveMs) {
  return new Promise((resolve) => {
    const c = net.connect({ host: '127.0.0.1', port }, () => {
      if (keepaliveMs) c.setKeepAlive(true, keepaliveMs)
      resolve(c)
    })
    c.on('error', () => {})
    sockets.push(c)
  })
}

async function main() {
  await serve(base + 1)
  await serve(base + 2)
  await serve(base + 3, (c, d) => {
    if (d.toString().startsWith('PING')) c.write('PONG\n')
  })
  await serve(base + 4)
  await connect(base + 1, 1000)
  await connect(base + 2, 3000)
  const hb = await connect(base + 3)
  await connect(base + 4, 1000)
  hb.write('PING\n')
  setInterval(() => hb.write('PING\n'), 1500)
  process.stdout.write('ready\n')
  setTimeout(() => process.exit(0), 60000)
}
main()
