// The capture fact as the capture checks read it: a capture in which nothing could be decoded examined nothing,
// so those checks are `error` with the reason (CONTRACT.md "Captures that start mid-connection"), never `pass`.
import type { Facts } from '../../model/check.js'
import type { CaptureFact } from '../../model/capture.js'
import { Unavailable } from '../../model/errors.js'

export function decodedCapture(facts: Facts): CaptureFact {
  const cap = facts.get('capture')
  if (cap.undecodable) throw new Unavailable('error', cap.undecodable)
  return cap
}

/** A connection begun before the capture: one details row saying so, and how its server was told. */
export function midstreamDetails(c: { midstream?: true; serverBy?: 'listener' | 'port' }): { details?: Array<Record<string, unknown>> } {
  if (!c.midstream) return {}
  return { details: [{ midstream: true, ...(c.serverBy ? { serverBy: c.serverBy } : {}) }] }
}
