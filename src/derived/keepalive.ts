// The host's keepalive settings and the dead-peer detection time they give, for the keepalive checks and view.
import type { Sysctls } from '../model/facts.js'

export const KEEPALIVE_SYSCTLS = ['net.ipv4.tcp_keepalive_time', 'net.ipv4.tcp_keepalive_intvl', 'net.ipv4.tcp_keepalive_probes'] as const

export interface KeepaliveSettings {
  time: number
  intvl: number
  probes: number
  /** time + intvl × probes: when a socket with SO_KEEPALIVE and no per-socket settings gives up on a silent peer */
  detectionSeconds: number
}

/** The three keepalive sysctls as numbers, or undefined when one is missing or not a number. */
export function keepaliveSettings(sysctls: Sysctls): KeepaliveSettings | undefined {
  const [time, intvl, probes] = KEEPALIVE_SYSCTLS.map((n) => Number(sysctls.get(n)))
  if (![time, intvl, probes].every((v, i) => sysctls.get(KEEPALIVE_SYSCTLS[i]) !== undefined && Number.isFinite(v))) return undefined
  return { time, intvl, probes, detectionSeconds: time + intvl * probes }
}
