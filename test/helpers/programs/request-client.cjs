// Opens COUNT connections one after another: each sends one request line and waits (at most 2 s) for the
// server to end it; then closes its own end. Prints one line per connection: how it ended.
// Usage: request-client.cjs HOST PORT COUNT GAP_MS [hold]
//   hold: keep each connection open after the request instead of waiting for the end (for kill tests), and never
//   close it, even after the server's FIN; the process then stays until killed, with at most COUNT connections open.
const net = require('net')
const [host, port, count, gap, hold] = process.argv.slice(2)
const total = Math.min(Number(count), 1000)

function once(i) {
  return new Promise((resolve) => {
    const s = net.connect({ host, port: Number(port), allowHalfOpen: Boolean(hold) })
    let outcome = 'open'
    const timer = hold ? undefined : setTimeout(() => s.destroy(), 2000)
    s.on('connect', () => {
      s.write(`GET /${i}\n`)
      if (hold) {
        process.stdout.write(`${i} sent\n`)
        resolve()
      }
    })
    s.on('data', () => undefined)
    s.on('end', () => (outcome = 'fin'))
    s.on('error', (e) => (outcome = e.code || e.message))
    s.on('close', () => {
      clearTimeout(timer)
      if (!hold) {
        process.stdout.write(`${i} ${outcome}\n`)
        resolve()
      }
    })
  })
}

;(async () => {
  for (let i = 0; i < total; i++) {
    await once(i)
    await new Promise((r) => setTimeout(r, Number(gap)))
  }
  if (!hold) process.exit(0)
  // A socket that has read its EOF no longer keeps node alive; this timer does, until the process is killed.
  setInterval(() => undefined, 1 << 30)
  process.stdout.write('ready\n')
})()
