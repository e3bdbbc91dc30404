// Opens COUNT connections to HOST:PORT and holds them open; prints "ready N" once all are connected (or failed),
// then either holds them for SECONDS or, with MODE close, closes them all at once and stays alive for SECONDS.
// Usage: hold-connections.cjs HOST PORT COUNT SECONDS [hold|close]
const net = require('net')
const [host, portText, countText, secondsText, mode] = process.argv.slice(2)
const [port, count, seconds] = [portText, countText, secondsText].map(Number)
const sockets = []
let settled = 0
let ok = 0
const settle = () => {
  if (++settled < count) return
  if (mode === 'close') for (const c of sockets) c.end()
  process.stdout.write(`ready ${ok}\n`)
}
for (let i = 0; i < count; i++) {
  let counted = false
  const once = (connected) => {
    if (counted) return
    counted = true
    if (connected) ok++
    settle()
  }
  const c = net.connect({ host, port }, () => once(true))
  c.on('error', () => once(false))
  sockets.push(c)
}
setTimeout(() => process.exit(0), seconds * 1000)
