import type { UdpSocket } from '../model/facts.js'
import { parseSkmem, parseSs } from '../parsers/ss.js'
import type { Probe } from './probe.js'

// UDP sockets with their skmem drop counter, to name the socket whose receive buffer overflowed.
export const udpSockets: Probe<'udpSockets'> = {
  id: 'udpSockets',
  reads: ['ss -uanmp'],
  async collect(source) {
    const out: UdpSocket[] = []
    for await (const s of parseSs(source.lines({ cmd: ['ss', '-uanmp'] }))) {
      const skmem = parseSkmem(s.extra)
      out.push({ local: s.local, peer: s.peer, recvQ: s.recvQ, drops: skmem?.d, rcvbuf: skmem?.rb, processes: s.processes })
    }
    return out
  },
}
