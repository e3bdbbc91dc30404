// Connects to HOST:PORT and writes CHUNK bytes every 10 ms for SECONDS (a paced stream, so a capture of it stays
// small), then closes gracefully and exits. Bounded in time. Usage: paced-sender.cjs HOST PORT SECONDS [CHUNK=4096]
const net = require('net')
const [host, port, seconds, chunkArg] = process.argv.slice(2)
const chunk = Buffer.alloc(Number(chunkArg ?? 4096), 97)
const c = net.connect(Number(port), host, () => {
  process.stdout.write('ready\n')
  const timer = setInterval(() => c.write(chunk), 10)
  setTimeout(() => {
    clearInterval(timer)
    c.end()
  }, Number(seconds) * 1000)
})
c.on('error', () => {})
c.on('close', () => process.exit(0))
setTimeout(() => process.exit(0), Number(seconds) * 1000 + 10000)
