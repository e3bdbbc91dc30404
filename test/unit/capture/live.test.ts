import { capLinkType } from '../../../src/capture/live.js'

test.each([
  ['ETHERNET', 1],
  ['LINKTYPE_LINUX_SLL', 113],
  ['NULL', 0],
  ['RAW', 12],
  // cap has no name for LINUX_SLL2 (what `any` gives with libpcap ≥ 1.10): it reports the number
  ['Unknown linktype 276', 276],
  ['something else', undefined],
])('cap link type %s → %s', (name, n) => expect(capLinkType(name)).toBe(n))
