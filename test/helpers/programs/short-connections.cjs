// Opens COUNT short connections to HOST:PORT, PARALLEL at a time, and prints "done OK FAILED" when all closed.
// MODE client-closes: the client ends each connection first (its side keeps TIME_WAIT);
// MODE server-closes: the client waits for the server's FIN, then closes (the server keeps TIME_WAIT).
// Bounded: COUNT connections, and it gives up after 60 s.
// Usage: short-connections.cjs HOST PORT COUNT PARALLEL MODE
const net = require('net')
const [host, portText, countText, parallelText, mode] = process.argv.slice(2)
const [port, count, parallel] = [portText, countText, parallelText].map(Number)
let started = 0
let ok = 0
let failed = 0
const finish = () => {
  process.stdout.write(`done ${ok} ${failed}\n`)
  process.exit(0)
}
setTimeout(finish, 60000).unref()
function next() {
  if (started >= count) {
    if (ok + failed === count) finish()
    return
  }
  started++
  const c = net.connect({ host, port }, () => {
    if (mode === 'client-closes') c.end()
  })
  c.on('error', () => {})
  c.on('close', (hadError) => {
    if (hadError) failed++
    else ok++
    next()
  })
}
for (let i = 0; i < parallel; i++) next()
