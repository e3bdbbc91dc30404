// Evidence rows as every check and derivation writes them: where the value was read, its name, its value.
import type { Evidence } from '../model/finding.js'
import { counterSource } from '../parsers/proc-net-netstat.js'
import type { CounterReading } from './counters.js'

export function counterEvidence(c: CounterReading): Evidence {
  const e: Evidence = { source: counterSource(c.name), name: c.name, value: c.value }
  if (c.delta !== undefined) e.delta = c.delta
  return e
}

export function sysctlEvidence(name: string, value: string | undefined): Evidence {
  return { source: `/proc/sys/${name.replaceAll('.', '/')}`, name, value: value ?? null }
}
