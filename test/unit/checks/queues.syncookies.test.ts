import { syncookies } from '../../../src/checks/queues.syncookies.js'
import { checkTable } from '../../helpers/check-table.js'
import { sysctls } from '../../helpers/facts.js'

const set = (v?: string) => ({ sysctls: sysctls(v === undefined ? {} : { 'net.ipv4.tcp_syncookies': v }) })
const off = { status: 'fail', severity: 'warning', subject: { sysctl: 'net.ipv4.tcp_syncookies' } } as const

checkTable(syncookies, [
  { name: 'tcp_syncookies=0 → warning on the sysctl', start: set('0'), findings: [off] },
  { name: 'tcp_syncookies=1 (cookies when the SYN queue overflows) → pass', start: set('1'), findings: [{ status: 'pass' }] },
  { name: 'tcp_syncookies=2 (always) → pass', start: set('2'), findings: [{ status: 'pass' }] },
  { name: 'absent (a kernel without SYN cookies) → skip', start: set(), findings: [{ status: 'skip', message: /not present/ }] },
])
