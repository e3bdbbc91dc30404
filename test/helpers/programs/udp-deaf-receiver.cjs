// A UDP receiver that never reads: binds with a small receive buffer, says ready, then blocks its event loop so the
// kernel queue fills and later datagrams are dropped (Udp RcvbufErrors). Exits after SECONDS.
// Usage: udp-deaf-receiver.cjs HOST PORT SECONDS
const dgram = require('dgram')
const [host, port, seconds] = process.argv.slice(2)
const s = dgram.createSocket({ type: 'udp4', recvBufferSize: 4096 })
s.bind(Number(port), host, () => {
  process.stdout.write('ready\n', () => {
    Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, Number(seconds) * 1000)
    process.exit(0)
  })
})
