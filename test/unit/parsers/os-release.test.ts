import { osInfoOf, parseOsRelease } from '../../../src/parsers/os-release.js'

// os-release files as these distributions ship them, and what systeminformation's osInfo() named them
describe('os-release', () => {
  test.each([
    [
      'Debian 12',
      'PRETTY_NAME="Debian GNU/Linux 12 (bookworm)"\nNAME="Debian GNU/Linux"\nVERSION_ID="12"\nVERSION="12 (bookworm)"\nVERSION_CODENAME=bookworm\nID=debian\n',
      { distro: 'Debian GNU/Linux', release: '12', codename: 'bookworm' },
    ],
    [
      'Ubuntu 22.04',
      'PRETTY_NAME="Ubuntu 22.04.4 LTS"\nNAME="Ubuntu"\nVERSION_ID="22.04"\nVERSION="22.04.4 LTS (Jammy Jellyfish)"\nVERSION_CODENAME=jammy\nID=ubuntu\n',
      { distro: 'Ubuntu', release: '22.04.4 LTS', codename: 'jammy' },
    ],
    ['Alpine (no VERSION)', 'NAME="Alpine Linux"\nID=alpine\nVERSION_ID=3.20.1\nPRETTY_NAME="Alpine Linux v3.20"\n', { distro: 'Alpine Linux', release: 'v3.20', codename: '' }],
    [
      'Rocky 9, single quotes and a comment',
      "# comment\nNAME='Rocky Linux'\nVERSION=\"9.4 (Blue Onyx)\"\nID=rocky\nVERSION_ID='9.4'\nPRETTY_NAME=\"Rocky Linux 9.4 (Blue Onyx)\"\n",
      { distro: 'Rocky Linux', release: '9.4', codename: 'Blue Onyx' },
    ],
    ['nothing', '\n', { distro: 'unknown', release: 'unknown', codename: '' }],
  ])('%s', (_name, text, expected) => {
    expect(osInfoOf(parseOsRelease(text))).toEqual(expected)
  })

  test('quotes are removed and backslash escapes resolved; lines without = are skipped', () => {
    expect(parseOsRelease('A="x \\"y\\" z"\nnot a field\nB=plain\n=novalue\n')).toEqual({ A: 'x "y" z', B: 'plain' })
  })
})
