import { abortOnOverflow } from '../../../src/checks/queues.abort-on-overflow.js'
import { checkTable } from '../../helpers/check-table.js'
import { sysctls } from '../../helpers/facts.js'

const set = (v?: string) => ({ sysctls: sysctls(v === undefined ? {} : { 'net.ipv4.tcp_abort_on_overflow': v }) })

checkTable(abortOnOverflow, [
  {
    name: '1 → info explaining resets instead of retries',
    start: set('1'),
    findings: [{ status: 'fail', severity: 'info', subject: { sysctl: 'net.ipv4.tcp_abort_on_overflow' }, message: /reset/ }],
  },
  { name: '0 → pass', start: set('0'), findings: [{ status: 'pass' }] },
  { name: 'absent → skip', start: set(), findings: [{ status: 'skip' }] },
])
