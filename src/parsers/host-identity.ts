// The host identity recorded by src/probes/identity.ts: osInfo and system fields as systeminformation named them, and the
// container runtime's mark (/.dockerenv, /run/.containerenv). Pure; a field that is absent or empty is undefined.
import type { HostIdentity } from '../model/facts.js'
import { ParseError } from './parse-error.js'

const text = (v: unknown): string | undefined => (typeof v === 'string' && v.trim() !== '' ? v.trim() : undefined)

export function parseHostIdentity(json: string): HostIdentity {
  let raw: { osInfo?: Record<string, unknown>; system?: Record<string, unknown>; containerMark?: unknown }
  try {
    raw = JSON.parse(json)
  } catch (err) {
    throw new ParseError('host identity', `not JSON (${(err as Error).message})`)
  }
  if (raw === null || typeof raw !== 'object') throw new ParseError('host identity', 'not an object')
  const os = raw.osInfo ?? {}
  const system = raw.system ?? {}
  // systeminformation names a docker container by its model; a podman container only by its mark
  const container = system.model === 'Docker Container' ? 'docker' : (text(raw.containerMark) ?? 'none')
  const virtualization = system.virtual === true ? (text(system.virtualHost) ?? 'unknown hypervisor') : system.virtual === false ? 'none' : undefined
  const id: HostIdentity = { distro: text(os.distro), release: text(os.release), codename: text(os.codename), virtualization, container }
  return Object.fromEntries(Object.entries(id).filter(([, v]) => v !== undefined)) as HostIdentity
}
