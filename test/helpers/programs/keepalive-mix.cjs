// Keepalive and heartbeat traffic on loopback, for capture tests. Four connections, each to its own server port:
//   BASE+1  keepalive 1 s idle (answered)        BASE+2  keepalive 3 s idle (answered)
//   BASE+3  PING/PONG every 1.5 s, no keepalive   BASE+4  keepalive 1 s idle; the test drops the server's answers
// With `more`, two more (for captures that start after the connections did):
//   BASE+5  an idle connection whose server resets it (SO_LINGER 0) on SIGUSR2
//   BASE+6  keepalive 1 s idle over IPv6 ([::1], answered)
//   BASE+7  keepalive 1 s idle; the test drops the server's answers before a capture starts (a silent peer)
// Prints "ready" once all are connected; runs until killed (or 60 s at most).
// Usage: keepalive-mix.cjs BASE_PORT [more]
const net = require('net')
const base = Number(process.argv[2])
const more = process.argv[3] === 'more'
const sockets = []

function serve(port, onData, host = '127.0.0.1', onConnection) {
  return new Promise((resolve) => {
    const s = net.createServer((c) => {
      sockets.push(c)
      c.on('data', (d) => onData && onData(c, d))
      c.on('error', () => {})
      if (onConnection) onConnection(c)
    })
    s.listen(port, host, resolve)
  })
}

function connect(port, keepaliveMs, host = '127.0.0.1') {
  return new Promise((resolve) => {
    const c = net.connect({ host, port }, () => {
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
  if (more) {
    let toReset
    await serve(base + 5, undefined, '127.0.0.1', (c) => (toReset = c))
    await serve(base + 6, undefined, '::1')
    await serve(base + 7)
    await connect(base + 5)
    await connect(base + 6, 1000, '::1')
    await connect(base + 7, 1000)
    process.on('SIGUSR2', () => toReset && toReset.resetAndDestroy())
  }
  hb.write('PING\n')
  setInterval(() => hb.write('PING\n'), 1500)
  process.stdout.write('ready\n')
  setTimeout(() => process.exit(0), 60000)
}
main()
