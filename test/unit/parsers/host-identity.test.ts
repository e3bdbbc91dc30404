import { parseHostIdentity } from '../../../src/parsers/host-identity.js'
import { ParseError } from '../../../src/parsers/parse-error.js'

const json = (v: unknown) => JSON.stringify(v)

describe('parseHostIdentity', () => {
  test.each([
    [
      'a Debian VM inside docker (this machine kind)',
      { osInfo: { distro: 'Debian GNU/Linux', release: '12', codename: 'bookworm' }, system: { model: 'Docker Container', virtual: true, virtualHost: 'KVM' }, containerMark: 'docker' },
      { distro: 'Debian GNU/Linux', release: '12', codename: 'bookworm', virtualization: 'KVM', container: 'docker' },
    ],
    [
      'bare metal, on the host',
      { osInfo: { distro: 'Fedora Linux', release: '41', codename: '' }, system: { model: 'PowerEdge R650', virtual: false, virtualHost: '' }, containerMark: null },
      { distro: 'Fedora Linux', release: '41', virtualization: 'none', container: 'none' },
    ],
    [
      'a podman container on an unnamed hypervisor',
      { osInfo: { distro: 'Alpine Linux', release: '3.20.1' }, system: { model: 'Computer', virtual: true, virtualHost: '' }, containerMark: 'podman' },
      { distro: 'Alpine Linux', release: '3.20.1', virtualization: 'unknown hypervisor', container: 'podman' },
    ],
    ['nothing known', {}, { container: 'none' }],
  ])('%s', (_name, raw, expected) => {
    expect(parseHostIdentity(json(raw))).toEqual(expected)
  })

  test('text that is not JSON is a ParseError', () => {
    expect(() => parseHostIdentity('{"osInfo":')).toThrow(ParseError)
    expect(() => parseHostIdentity('null')).toThrow(ParseError)
  })
})
