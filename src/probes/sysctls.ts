import { Unavailable } from '../model/errors.js'
import { sysctlName, sysctlPath } from '../parsers/sysctl.js'
import type { Probe } from './probe.js'

export const sysctls: Probe<'sysctls'> = {
  id: 'sysctls',
  reads: ['/proc/sys/net/...', '/proc/sys/fs/file-max, file-nr, nr_open'],
  async collect(source, _get, ctx) {
    // Only what the run needs: the engine derives the list from the selected checks' meta.sysctls.
    const names = [...new Set<string>(ctx?.sysctls ?? [])]
    if (names.length === 0) return new Map()
    const read = await source.textMany(names.map(sysctlPath))
    const out = new Map<string, string>()
    let denied: Unavailable | undefined
    for (const [path, v] of read) {
      if (typeof v === 'string') out.set(sysctlName(path), v.trim())
      else if (v.kind === 'error') denied = v
    }
    if (out.size === 0 && denied) throw denied
    return out
  },
}
