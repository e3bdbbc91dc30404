import { Unavailable } from '../model/errors.js'
import type { Probe } from './probe.js'

/** Keepalive timers of established sockets come from the census's `ss -tano` pass (its -o timers). */
export const keepaliveSockets: Probe<'keepaliveSockets'> = {
  id: 'keepaliveSockets',
  reads: ['ss -tano (timers, in the census pass)'],
  async collect(_source, get) {
    const census = await get('census')
    if (!census.keepalive) throw new Unavailable('error', `keepalive timers need \`ss -o\` (read ${census.source}): install iproute2 (apt-get install -y iproute2)`)
    return census.keepalive
  },
}
