import { Unavailable } from '../model/errors.js'
import { parseProcNetNetstat, parseProcNetSnmp } from '../parsers/proc-net-netstat.js'
import { parseProcNetSnmp6 } from '../parsers/proc-net-snmp6.js'
import type { Probe } from './probe.js'

export const counters: Probe<'counters'> = {
  id: 'counters',
  reads: ['/proc/net/netstat', '/proc/net/snmp', '/proc/net/snmp6'],
  async collect(source) {
    const [netstat, snmp] = await Promise.all([source.text({ file: '/proc/net/netstat' }), source.text({ file: '/proc/net/snmp' })])
    let v6 = {}
    try {
      v6 = parseProcNetSnmp6(await source.text({ file: '/proc/net/snmp6' }))
    } catch (err) {
      if (!(err instanceof Unavailable)) throw err // no IPv6 on this host: its counters stay undefined
    }
    return { ...parseProcNetSnmp(snmp), ...parseProcNetNetstat(netstat), ...v6 }
  },
}
