// Sends BATCH datagrams of SIZE bytes (default 512) every 10 ms to HOST:PORT for SECONDS, then exits. Bounded in
// count and time. An IPv6 HOST (::1) sends over udp6. Usage: udp-flood.cjs HOST PORT SECONDS BATCH [SIZE]
const dgram = require('dgram')
const [host, port, seconds, batch, size] = process.argv.slice(2)
const s = dgram.createSocket(host.includes(':') ? 'udp6' : 'udp4')
const payload = Buffer.alloc(Number(size ?? 512), 120)
let sent = 0
s.on('error', () => {})
const t = setInterval(() => {
  for (let i = 0; i < Number(batch); i++) s.send(payload, Number(port), host, () => sent++)
}, 10)
process.stdout.write('ready\n')
setTimeout(() => {
  clearInterval(t)
  setTimeout(() => {
    process.stdout.write(`sent ${sent}\n`)
    process.exit(0)
  }, 50)
}, Number(seconds) * 1000)
