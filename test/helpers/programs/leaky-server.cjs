// A server with a descriptor leak: it accepts connections and never closes them, even after the peer closed,
// so they stay in CLOSE_WAIT. Exits after SECONDS. NAME_HEX: the process names itself so (hex, as argv cannot carry
// every byte), as any user can: comm, 15 bytes.
// Usage: leaky-server.cjs HOST PORT SECONDS [NAME_HEX]
const fs = require('fs')
const net = require('net')
const [host, port, seconds, nameHex] = process.argv.slice(2)
if (nameHex) fs.writeFileSync('/proc/self/comm', Buffer.from(nameHex, 'hex'))
const kept = []
const s = net.createServer({ allowHalfOpen: true }, (c) => {
  c.on('error', () => {})
  c.on('end', () => {}) // peer closed; we "forget" to close
  kept.push(c)
})
s.listen({ host, port: Number(port) }, () => process.stdout.write('ready\n'))
setTimeout(() => process.exit(0), Number(seconds) * 1000)
