import { capLinkType, onPath, tcpdumpError } from '../../../src/capture/live.js'

test.each([
  ['ETHERNET', 1],
  ['LINKTYPE_LINUX_SLL', 113],
  ['NULL', 0],
  ['RAW', 12],
  // cap has no name for LINUX_SLL2 (what `any` gives with libpcap ≥ 1.10): it reports the number
  ['Unknown linktype 276', 276],
  ['something else', undefined],
])('cap link type %s → %s', (name, n) => expect(capLinkType(name)).toBe(n))

describe('tcpdump path', () => {
  const req = { interface: 'lo', seconds: 1, filter: 'tcp port' }
  // tcpdump 4.99's own lines for each failure, as it prints them on stderr
  test.each([
    ['tcpdump: can\'t parse filter expression: syntax error', /^--filter "tcp port": tcpdump: can't parse filter expression: syntax error \(see man pcap-filter\)$/],
    ['tcpdump: nosuch: No such device exists\n(SIOCGIFHWADDR: No such device)', /^--capture lo: tcpdump: nosuch: No such device exists \(SIOCGIFHWADDR: No such device\) \(see `ip link`\)$/],
    ['tcpdump: lo: You don\'t have permission to capture on that device\n(socket: Operation not permitted)', /^--capture lo: tcpdump: lo: You don't have permission to capture on that device \(socket: Operation not permitted\); run as root/],
  ])('%s → one line naming the flag and the fix', (stderr, msg) => expect(tcpdumpError(req, stderr).message).toMatch(msg))

  test('onPath finds an executable on the given PATH, and not a missing one', () => {
    expect(onPath('sh', '/bin:/usr/bin')).toMatch(/\/sh$/)
    expect(onPath('netdoc-no-such-tool', '/nonexistent')).toBeUndefined()
  })
})
