// Accepts connections and reads everything, discarding it. Usage: tcp-sink.cjs HOST PORT
const net = require('net')
const [host, port] = process.argv.slice(2)
const s = net.createServer((c) => {
  c.on('data', () => {})
  c.on('error', () => {})
})
s.listen({ host, port: Number(port) }, () => process.stdout.write('ready\n'))
