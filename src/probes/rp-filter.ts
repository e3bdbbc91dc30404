import type { RpFilter } from '../model/facts.js'
import { sysctlNumber } from '../parsers/sysctl.js'
import type { Probe } from './probe.js'

const path = (conf: string) => `/proc/sys/net/ipv4/conf/${conf}/rp_filter`

// Per interface of the namespace, plus conf.all and conf.default, in one read (one process inside another netns).
export const rpFilter: Probe<'rpFilter'> = {
  id: 'rpFilter',
  reads: ['/proc/sys/net/ipv4/conf/{all,default,IFACE}/rp_filter'],
  async collect(source, get) {
    const names = (await get('interfaces')).map((i) => i.name)
    const read = await source.textMany(['all', 'default', ...names].map(path))
    const value = (conf: string) => {
      const v = read.get(path(conf))
      return typeof v === 'string' ? sysctlNumber(v.trim()) : undefined
    }
    const out: RpFilter = { interfaces: {} }
    const all = value('all')
    const def = value('default')
    if (all !== undefined) out.all = all
    if (def !== undefined) out.default = def
    for (const n of names) {
      const v = value(n)
      if (v !== undefined) out.interfaces[n] = v
    }
    return out
  },
}
