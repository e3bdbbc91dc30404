import type { Probe } from './probe.js'

export const host: Probe<'host'> = {
  id: 'host',
  sampled: false,
  reads: ['/proc/sys/kernel/hostname', '/proc/sys/kernel/osrelease'],
  async collect(source) {
    const m = await source.textMany(['/proc/sys/kernel/hostname', '/proc/sys/kernel/osrelease'])
    const v = (p: string) => {
      const t = m.get(p)
      return typeof t === 'string' ? t.trim() : undefined
    }
    return { hostname: v('/proc/sys/kernel/hostname'), kernel: v('/proc/sys/kernel/osrelease') }
  },
}
