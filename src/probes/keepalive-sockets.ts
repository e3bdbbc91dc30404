import { Unavailable } from '../model/errors.js'
import { aggregateKeepalive } from '../parsers/ss-keepalive.js'
import { parseSs } from '../parsers/ss.js'
import type { Probe } from './probe.js'

export const keepaliveSockets: Probe<'keepaliveSockets'> = {
  id: 'keepaliveSockets',
  sampled: true,
  reads: ['ss -tnop', 'ss -ltnmp (which local ports listen)'],
  async collect(source, get) {
    let ports = new Set<number>()
    try {
      ports = new Set((await get('listeners')).map((l) => l.port))
    } catch (err) {
      if (!(err instanceof Unavailable)) throw err // without listeners every socket counts as a client
    }
    return aggregateKeepalive(parseSs(source.lines({ cmd: ['ss', '-tnop'] })), ports)
  },
}
