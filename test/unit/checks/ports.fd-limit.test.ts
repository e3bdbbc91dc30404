import { portsFdLimit } from '../../../src/checks/ports.fd-limit.js'
import type { ProcessDescriptors } from '../../../src/model/facts.js'
import { evaluate, failing, censusSysctls } from '../../helpers/facts.js'

const proc = (open: number | undefined, limit: number | undefined, pid = 100): ProcessDescriptors => ({ pid, name: 'haproxy', sockets: 900, open, limit })
const sample = (descriptors: ProcessDescriptors[], fileNr = '1000\t0\t100000') => ({ descriptors, sysctls: censusSysctls({ 'fs.file-nr': fileNr, 'fs.file-max': 100000, 'fs.nr_open': 1048576 }) })

describe('ports.fd-limit', () => {
  test.each([
    [799, 1000, 'pass'],
    [800, 1000, 'warning'],
    [950, 1000, 'critical'],
    [5000, undefined, 'pass'], // unlimited
    [undefined, 1000, 'pass'], // exited or unreadable
  ])('%s open of %s → %s', (open, limit, expected) => {
    const f = evaluate(portsFdLimit, sample([proc(open, limit)]))
    if (expected === 'pass') return expect(f.map((x) => x.status)).toEqual(['pass'])
    expect(f).toHaveLength(1)
    expect(f[0]).toMatchObject({ severity: expected, subject: { pid: 100, process: 'haproxy' } })
    expect(f[0].message).toMatch(/EMFILE/)
  })

  test('the system near fs.file-max is a warning', () => {
    const f = failing(evaluate(portsFdLimit, sample([], '85000\t0\t100000')))
    expect(f).toHaveLength(1)
    expect(f[0]).toMatchObject({ severity: 'warning', subject: { sysctl: 'fs.file-max' } })
  })
})
