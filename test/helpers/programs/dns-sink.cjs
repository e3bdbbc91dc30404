// A DNS server that never answers: reads queries on HOST:53/udp and drops them (a resolver that hangs).
// Usage: dns-sink.cjs HOST
const dgram = require('dgram')
const [host] = process.argv.slice(2)
const s = dgram.createSocket(host.includes(':') ? 'udp6' : 'udp4')
s.on('message', () => undefined)
s.bind(53, host, () => process.stdout.write('ready\n'))
