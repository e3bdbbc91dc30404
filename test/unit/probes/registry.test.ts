// The lazy probe registry (probes/index.ts): every fact has a probe behind its loader, and it is that fact's.
import { loadAllProbes, loadProbe, PROBE_INFO } from '../../../src/probes/index.js'
import type { FactId } from '../../../src/model/facts.js'

describe('the probe registry', () => {
  test("each fact's loader gives the probe of that fact", async () => {
    for (const id of Object.keys(PROBE_INFO) as FactId[]) {
      const probe = await loadProbe(id)
      expect(probe.id).toBe(id)
      expect(typeof probe.collect).toBe('function')
      expect(probe.reads.length).toBeGreaterThan(0)
    }
  })

  test('every probe once, in the order of the facts', async () => {
    expect((await loadAllProbes()).map((p) => p.id)).toEqual(Object.keys(PROBE_INFO))
  })
})
