// Connects to HOST:PORT and writes as fast as the connection takes for SECONDS, then exits. Bounded in time.
// Usage: bulk-sender.cjs HOST PORT SECONDS
const net = require('net')
const [host, port, seconds] = process.argv.slice(2)
const chunk = Buffer.alloc(64 * 1024, 97)
let written = 0
let open = true
const c = net.connect(Number(port), host, () => {
  process.stdout.write('ready\n')
  const pump = () => {
    while (open && c.write(chunk)) written += chunk.length
  }
  c.on('drain', pump)
  pump()
})
c.on('error', () => {})
setTimeout(() => {
  open = false
  process.stdout.write(`written ${written}\n`)
  c.destroy()
  process.exit(0)
}, Number(seconds) * 1000)
