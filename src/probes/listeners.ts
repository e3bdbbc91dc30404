import type { Listener } from '../model/facts.js'
import { Unavailable } from '../model/errors.js'
import { splitEndpoint } from '../parsers/address.js'
import { parseProcNetTcp } from '../parsers/proc-net-tcp.js'
import { parseSkmem, parseSs } from '../parsers/ss.js'
import { splitLines } from './live.js'
import type { Probe } from './probe.js'
import type { Source } from './source.js'

export const SS_LISTENERS = ['ss', '-ltnmp']

export const listeners: Probe<'listeners'> = {
  id: 'listeners',
  reads: ['ss -ltnmp', '/proc/net/tcp, /proc/net/tcp6 (when ss is missing)'],
  async collect(source) {
    try {
      const out: Listener[] = []
      const cmd = SS_LISTENERS.join(' ')
      for await (const s of parseSs(source.lines({ cmd: SS_LISTENERS }))) {
        const { address, port } = splitEndpoint(s.local)
        out.push({ source: cmd, local: s.local, address, port, recvQ: s.recvQ, sendQ: s.sendQ, drops: parseSkmem(s.extra)?.d, processes: s.processes })
      }
      return out
    } catch (err) {
      if (!(err instanceof Unavailable && /not found/.test(err.reason))) throw err
      return listenersFromProc(source)
    }
  },
}

/** Without ss: accept-queue lengths from /proc/net/tcp*, but no limit, drops or processes. */
async function listenersFromProc(source: Source): Promise<Listener[]> {
  const out: Listener[] = []
  for (const file of ['/proc/net/tcp', '/proc/net/tcp6']) {
    let text: string
    try {
      text = await source.text({ file })
    } catch (err) {
      if (err instanceof Unavailable && err.kind === 'skip') continue
      throw err
    }
    for (const s of parseProcNetTcp(splitLines(text), file)) {
      if (s.state !== 'LISTEN') continue
      const { address, port } = splitEndpoint(s.local)
      out.push({ source: file, local: s.local, address, port, recvQ: s.rxQueue, processes: [] })
    }
  }
  return out
}
