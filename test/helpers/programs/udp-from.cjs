// Sends BATCH datagrams of 64 bytes every 20 ms from SOURCE (a local address) to HOST:PORT for SECONDS, then exits.
// Bounded in count and time. Usage: udp-from.cjs SOURCE HOST PORT SECONDS BATCH
const dgram = require('dgram')
const [source, host, port, seconds, batch] = process.argv.slice(2)
const s = dgram.createSocket('udp4')
const payload = Buffer.alloc(64, 120)
s.on('error', () => {})
s.bind(0, source, () => {
  const t = setInterval(() => {
    for (let i = 0; i < Number(batch); i++) s.send(payload, Number(port), host)
  }, 20)
  process.stdout.write('ready\n')
  setTimeout(() => {
    clearInterval(t)
    setTimeout(() => process.exit(0), 50)
  }, Number(seconds) * 1000)
})
