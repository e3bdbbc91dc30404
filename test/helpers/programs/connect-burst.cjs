// Opens COUNT connections to HOST:PORT, SPACING ms apart, holds them HOLD ms, then exits. Bounded in count and time.
// Usage: connect-burst.cjs HOST PORT COUNT SPACING_MS HOLD_MS
const net = require('net')
const [host, port, count, spacing, hold] = process.argv.slice(2).map((v, i) => (i === 0 ? v : Number(v)))
let opened = 0
const sockets = []
const t = setInterval(() => {
  if (opened >= count) return clearInterval(t)
  opened++
  const c = net.connect(port, host)
  c.on('error', () => {})
  sockets.push(c)
}, spacing)
setTimeout(() => {
  for (const c of sockets) c.destroy()
  process.stdout.write(`opened ${opened}\n`)
  process.exit(0)
}, count * spacing + hold)
