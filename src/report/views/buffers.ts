// `netdoc buffers`: the buffer sysctls in human units, the BDP worked out step by step, then per-interface
// drops and per-CPU softnet counters over the window, and the retransmission share.
import { bdpInputs, bufferCover, interfacesDrops, peersByRtt, softnetRows, tcpBufferTriple } from '../../derived/buffers.js'
import { formatBits, formatBytes, formatMs, percent, plural } from '../../derived/format.js'
import { retransmissionShare } from '../../derived/retransmits.js'
import type { CheckOptions, Facts } from '../../model/check.js'
import { sysctlNumber, sysctlNumbers } from '../../parsers/sysctl.js'
import { capped, foldZeros, Table } from '../layout.js'

const PAGE = 4096

function sysctlTable(facts: Facts): string {
  if (!facts.has('sysctls')) return 'Sysctls: not available\n'
  const s = facts.get('sysctls')
  const table = new Table({ head: ['Setting', 'Min', 'Default', 'Max', 'Meaning'] })
  for (const [name, meaning] of [
    ['net.ipv4.tcp_rmem', 'TCP receive buffer per socket (autotuned to max)'],
    ['net.ipv4.tcp_wmem', 'TCP send buffer per socket (autotuned to max)'],
  ] as const) {
    const t = tcpBufferTriple(facts, name)
    table.push([name, t ? formatBytes(t.min) : '?', t ? formatBytes(t.def) : '?', t ? formatBytes(t.max) : '?', meaning])
  }
  const mem = sysctlNumbers(s.get('net.ipv4.tcp_mem'))
  table.push(['net.ipv4.tcp_mem', ...(mem?.length === 3 ? mem.map((p) => formatBytes(p * PAGE)) : ['-', '-', 'host-wide']), 'all TCP memory: min / pressure / max'])
  const one = (name: string, meaning: string, column: 'def' | 'max') => {
    const v = sysctlNumber(s.get(name))
    const text = v === undefined ? '?' : formatBytes(v)
    table.push([name, '', column === 'def' ? text : '', column === 'max' ? text : '', meaning])
  }
  one('net.core.rmem_default', 'receive buffer of a non-TCP socket', 'def')
  one('net.core.rmem_max', 'cap on SO_RCVBUF (UDP, TCP sockets that set it)', 'max')
  one('net.core.wmem_default', 'send buffer of a non-TCP socket', 'def')
  one('net.core.wmem_max', 'cap on SO_SNDBUF', 'max')
  const plain = (name: string) => s.get(name)?.trim() ?? '?'
  const lines = [
    `tcp_moderate_rcvbuf ${plain('net.ipv4.tcp_moderate_rcvbuf')} · congestion control ${plain('net.ipv4.tcp_congestion_control')} (available: ${plain('net.ipv4.tcp_available_congestion_control')})`,
    `netdev_max_backlog ${plain('net.core.netdev_max_backlog')} · netdev_budget ${plain('net.core.netdev_budget')} · netdev_budget_usecs ${plain('net.core.netdev_budget_usecs')}`,
  ]
  return `Buffer settings\n${table.toString()}\n${lines.join('\n')}\n`
}

function bdpSteps(facts: Facts, options: CheckOptions): string {
  const i = bdpInputs(facts, options)
  const out = ['Bandwidth-delay product']
  out.push(`  bandwidth  ${i.bandwidthBps !== undefined ? `${formatBits(i.bandwidthBps)}  (${i.bandwidthFrom})` : 'unknown: no interface reports a link speed; give --bandwidth 10Gbit'}`)
  out.push(`  RTT        ${i.rttSeconds !== undefined ? `${formatMs(i.rttSeconds)}  (${i.rttFrom})` : 'unknown: no established socket to a non-loopback peer; give --rtt 50ms'}`)
  const peers = peersByRtt(facts, 0.9, 5)
  if (peers.length) out.push(`  slowest peers (p90 RTT): ${peers.map((p) => `${p.remote} ${p.rttMs} ms (${p.sockets})`).join(', ')}`)
  if (i.bdpBytes === undefined) return out.join('\n') + '\n'
  out.push(`  BDP        ${formatBits(i.bandwidthBps!)} / 8 × ${formatMs(i.rttSeconds!)} = ${formatBytes(i.bdpBytes)} (${plural(Math.round(i.bdpBytes), 'byte')})`)
  for (const b of bufferCover(facts, i)) {
    const cover = b.covers ? 'covers the BDP' : `below the BDP: one connection is capped at ${formatBits(b.capBps)} (max / RTT)`
    out.push(`  ${b.name.slice('net.ipv4.'.length)} max ${formatBytes(b.triple.max)}: ${cover}`)
  }
  return out.join('\n') + '\n'
}

/** Rows shown before "… N more": a host with a thousand veths or CPUs still gets a readable view. */
const MAX_ROWS = 20

function interfaceTable(facts: Facts, windowed: boolean): string {
  if (!facts.has('interfaces')) return 'Interfaces: not available\n'
  const rows = interfacesDrops(facts, windowed)
    .map((d) => ({ end: d.iface, d }))
    .sort((a, b) => b.d.drops - a.d.drops || b.d.packets - a.d.packets)
  const table = new Table({ head: ['Interface', 'Speed', 'Packets', 'rx_dropped', 'rx_fifo_errors', 'rx_missed_errors', 'Drop share'] })
  // Interfaces that received nothing and dropped nothing are named in one line.
  const { shown: busy, zero } = foldZeros(rows, ({ d }) => d.packets === 0 && d.drops === 0)
  const { shown, more } = capped(busy, MAX_ROWS, 'interface', 'with fewer drops and packets')
  for (const { end, d } of shown) {
    const cell = (k: string) => {
      const g = d.byStat[k]
      return g === undefined ? '-' : String(windowed ? (g.delta ?? '?') : g.value)
    }
    table.push([end.name, end.speedMbps ? formatBits(end.speedMbps * 1e6) : 'unknown', cell('rx_packets'), cell('rx_dropped'), cell('rx_fifo_errors'), cell('rx_missed_errors'), percent(d.share, 3)])
  }
  const idle = zero.length ? `no packets and no drops: ${zero.map((r) => r.end.name).join(', ')}\n` : ''
  return `Interfaces (received, ${windowed ? 'in the window' : 'since boot'}; most drops first)\n${busy.length ? table.toString() + '\n' : ''}${more ? more + '\n' : ''}${idle}`
}

function softnetTable(facts: Facts, windowed: boolean): string {
  if (!facts.has('softnet')) return 'Softnet: not available\n'
  const n = (g: { value: number; delta?: number }) => (windowed ? g.delta : g.value)
  const rows = softnetRows(facts, windowed).map((r) => ({ end: r.end, processed: n(r.processed), dropped: n(r.dropped), squeezed: n(r.squeezed) }))
  // CPUs that processed, dropped and squeezed nothing are named in one line.
  const { shown: busy, zero } = foldZeros(rows, (r) => !r.processed && !r.dropped && !r.squeezed)
  // Many CPUs: the ones that dropped or squeezed, then the busiest.
  const ordered = busy.length <= MAX_ROWS ? busy : [...busy].sort((a, b) => (b.dropped ?? 0) - (a.dropped ?? 0) || (b.squeezed ?? 0) - (a.squeezed ?? 0) || (b.processed ?? 0) - (a.processed ?? 0))
  const { shown, more } = capped(ordered, MAX_ROWS, 'CPU', 'with no more drops')
  const table = new Table({ head: ['CPU', 'Processed', 'Dropped', 'Time squeeze', 'Backlog now'] })
  const text = (v: number | undefined) => (v === undefined ? '?' : String(v))
  for (const r of shown) table.push([String(r.end.cpu), text(r.processed), text(r.dropped), text(r.squeezed), r.end.backlogLength === undefined ? '-' : String(r.end.backlogLength)])
  const idle = zero.length ? `nothing processed, dropped or squeezed: cpu ${zero.map((r) => r.end.cpu).join(', ')}\n` : ''
  return `Softnet per CPU (${windowed ? 'in the window' : 'since boot'})\n${shown.length ? table.toString() + '\n' : ''}${more ? more + '\n' : ''}${idle}`
}

function retransLine(facts: Facts, windowSeconds: number): string {
  const r = facts.has('counters') ? retransmissionShare(facts, windowSeconds) : undefined
  if (!r) return ''
  return `TCP segments ${windowSeconds > 0 ? 'in the window' : 'since boot'}: ${r.sent} sent, ${r.retransmitted} retransmitted (${percent(r.share, 2)})\n`
}

export function buffersView(facts: Facts, options: CheckOptions, windowSeconds: number): string {
  const windowed = windowSeconds > 0
  return [sysctlTable(facts), bdpSteps(facts, options), interfaceTable(facts, windowed), softnetTable(facts, windowed), retransLine(facts, windowSeconds)].filter(Boolean).join('\n')
}
