import { parseDmesg } from '../parsers/dmesg.js'
import type { Probe } from './probe.js'

export const kernelLog: Probe<'kernelLog'> = {
  id: 'kernelLog',
  // dmesg needs root (or CAP_SYSLOG) when kernel.dmesg_restrict is 1: then this fact is unavailable, and the
  // checks that use it say so instead of failing.
  reads: ['dmesg (table full / neighbor table overflow lines)'],
  async collect(source) {
    return parseDmesg(source.lines({ cmd: ['dmesg'] }))
  },
}
