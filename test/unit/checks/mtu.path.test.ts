import { path } from '../../../src/checks/mtu.path.js'
import { checkTable } from '../../helpers/check-table.js'
import { sysctls } from '../../helpers/facts.js'
import { socketNote, tcpInfo } from '../../helpers/tcp-info.js'

const ifaces = [{ name: 'lo', stats: {}, mtu: 65536 }, { name: 'eth0', stats: {}, mtu: 1500 }]
const pmtus = (table: Record<number, number>) => tcpInfo({ byPmtu: Object.fromEntries(Object.entries(table).map(([p, n]) => [p, { sockets: n, example: socketNote({ peer: '198.51.100.7:443', pmtu: Number(p) }) }])) })
const probing = (v: number) => sysctls({ 'net.ipv4.tcp_mtu_probing': v })

checkTable(path, [
  {
    name: 'a tunnel hop, probing off',
    start: { tcpInfo: pmtus({ 1500: 40, 1400: 3 }), interfaces: ifaces, sysctls: probing(0) },
    findings: [{ status: 'fail', severity: 'warning', message: /3 sockets on a path MTU below the smallest interface MTU 1500 \(1400: 3\).*198\.51\.100\.7:443/ }],
    also: ([f]) => {
      expect(f.remediation!.commands).toContain('sysctl -w net.ipv4.tcp_mtu_probing=1')
      expect(f.details).toEqual([{ pmtu: 1400, sockets: 3, local: '10.0.0.1:40000', remote: '198.51.100.7:443' }])
    },
  },
  { name: 'a tunnel hop, probing on', start: { tcpInfo: pmtus({ 1400: 3 }), interfaces: ifaces, sysctls: probing(1) }, findings: [{ status: 'pass', message: /probed/ }] },
  { name: 'loopback sockets at 65536 and others at the link MTU', start: { tcpInfo: pmtus({ 65536: 9, 1500: 2 }), interfaces: ifaces, sysctls: probing(0) }, findings: [{ status: 'pass' }] },
  { name: 'loopback only: its sockets use 65535, the largest IP packet', start: { tcpInfo: pmtus({ 65535: 10 }), interfaces: [{ name: 'lo', stats: {}, mtu: 65536 }], sysctls: probing(0) }, findings: [{ status: 'pass' }] },
  { name: 'no interface MTU', start: { tcpInfo: pmtus({ 1400: 1 }), interfaces: [{ name: 'eth0', stats: {} }], sysctls: probing(0) }, findings: [{ status: 'skip' }] },
  { name: 'no socket printed a pmtu', start: { tcpInfo: pmtus({}), interfaces: ifaces, sysctls: probing(0) }, findings: [{ status: 'skip' }] },
])
