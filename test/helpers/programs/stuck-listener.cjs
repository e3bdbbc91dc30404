// A listener that never accepts: listen() with a small backlog, then block the event loop.
// Usage: stuck-listener.cjs HOST PORT BACKLOG SECONDS [NAME_HEX]
// NAME_HEX: the process names itself so (hex, as argv cannot carry every byte), as any user can: comm, 15 bytes.
const fs = require('fs')
const net = require('net')
const [host, port, backlog, seconds, nameHex] = process.argv.slice(2)
if (nameHex) fs.writeFileSync('/proc/self/comm', Buffer.from(nameHex, 'hex'))
const s = net.createServer()
s.listen({ host, port: Number(port), backlog: Number(backlog) }, () => {
  process.stdout.write('ready\n', () => {
    Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, Number(seconds) * 1000)
    process.exit(0)
  })
})
