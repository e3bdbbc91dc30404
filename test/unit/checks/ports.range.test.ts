import { portsRange } from '../../../src/checks/ports.range.js'
import type { ListeningSocket } from '../../../src/model/facts.js'
import { checkTable } from '../../helpers/check-table.js'
import { census, censusSysctls } from '../../helpers/facts.js'

const listener = (local: string, port: number, pid?: number): ListeningSocket => ({ local, port, ...(pid ? { pid, process: 'api' } : {}) })
const sample = (listening: ListeningSocket[], sys: Record<string, string> = {}) => ({ census: census({ listening }), sysctls: censusSysctls(sys) })

checkTable(portsRange, [
  { name: 'the default range with listeners outside it passes', start: sample([listener('*:22', 22), listener('*:8080', 8080)]), findings: [{ status: 'pass' }] },
  {
    name: 'a small range is info',
    start: sample([], { 'net.ipv4.ip_local_port_range': '50000 55000' }),
    findings: [{ status: 'fail', severity: 'info', subject: { sysctl: 'net.ipv4.ip_local_port_range' }, message: /5001 ports/ }],
  },
  {
    name: 'a listener inside the range and not reserved is a warning naming the port and the reserve command',
    start: sample([listener('*:40000', 40000, 7), listener('[::]:40000', 40000, 7), listener('*:45000', 45000)], { 'net.ipv4.ip_local_reserved_ports': '45000,47000-47010' }),
    findings: [{ status: 'fail', severity: 'warning', subject: { local: '*:40000', side: 'server', pid: 7, process: 'api' }, message: /port 40000.*Address already in use/ }],
    also: ([f]) => expect(f.remediation!.commands[0]).toBe('sysctl -w net.ipv4.ip_local_reserved_ports=45000,47000-47010,40000'),
  },
])
