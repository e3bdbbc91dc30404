import { portsRange } from '../../../src/checks/ports.range.js'
import type { ListeningSocket } from '../../../src/model/facts.js'
import { census, evaluate, failing, censusSysctls } from '../../helpers/facts.js'

const listener = (local: string, port: number, pid?: number): ListeningSocket => ({ local, port, ...(pid ? { pid, process: 'api' } : {}) })
const sample = (listening: ListeningSocket[], sys: Record<string, string> = {}) => ({ census: census({ listening }), sysctls: censusSysctls(sys) })

describe('ports.range', () => {
  test('the default range with listeners outside it passes', () => {
    expect(evaluate(portsRange, sample([listener('*:22', 22), listener('*:8080', 8080)])).map((f) => f.status)).toEqual(['pass'])
  })

  test('a small range is info', () => {
    const f = failing(evaluate(portsRange, sample([], { 'net.ipv4.ip_local_port_range': '50000 55000' })))
    expect(f).toHaveLength(1)
    expect(f[0]).toMatchObject({ severity: 'info', subject: { sysctl: 'net.ipv4.ip_local_port_range' } })
    expect(f[0].message).toMatch(/5001 ports/)
  })

  test('a listener inside the range and not reserved is a warning naming the port and the reserve command', () => {
    const f = failing(evaluate(portsRange, sample([listener('*:40000', 40000, 7), listener('[::]:40000', 40000, 7), listener('*:45000', 45000)], { 'net.ipv4.ip_local_reserved_ports': '45000,47000-47010' })))
    expect(f).toHaveLength(1)
    expect(f[0]).toMatchObject({ severity: 'warning', subject: { local: '*:40000', side: 'server', pid: 7, process: 'api' } })
    expect(f[0].message).toMatch(/port 40000.*Address already in use/)
    expect(f[0].remediation!.commands[0]).toBe('sysctl -w net.ipv4.ip_local_reserved_ports=45000,47000-47010,40000')
  })
})
