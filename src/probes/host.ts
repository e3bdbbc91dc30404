import { Unavailable } from '../model/errors.js'
import { ParseError } from '../parsers/parse-error.js'
import { parseHostIdentity } from '../parsers/host-identity.js'
import type { Probe } from './probe.js'

export const host: Probe<'host'> = {
  id: 'host',
  reads: ['/proc/sys/kernel/hostname', '/proc/sys/kernel/osrelease', 'host identity (/etc/os-release, /sys/class/dmi/id, /dev/kmsg, /sys/devices/system/clocksource)'],
  async collect(source) {
    const [m, identity] = await Promise.all([
      source.textMany(['/proc/sys/kernel/hostname', '/proc/sys/kernel/osrelease']),
      // an identity that cannot be read (an older snapshot has none) leaves the report without it
      source.text({ identity: 'host' }).then(parseHostIdentity, (err: unknown) => {
        if (err instanceof Unavailable || err instanceof ParseError) return undefined
        throw err
      }),
    ])
    const v = (p: string) => {
      const t = m.get(p)
      return typeof t === 'string' ? t.trim() : undefined
    }
    return { hostname: v('/proc/sys/kernel/hostname'), kernel: v('/proc/sys/kernel/osrelease'), ...(identity ? { identity } : {}) }
  },
}
