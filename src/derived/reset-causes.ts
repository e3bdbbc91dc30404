// The kernel counters that say why TCP connections ended abortively, each with its cause in words and its fix.
// Shared by the resets.aborts check and the `netdoc resets` view. Meanings: Documentation/networking/
// snmp_counter.rst (TCPAbortOn*), RFC 1213 (tcpOutRsts, tcpEstabResets), checked in a test namespace.
import type { Facts } from '../model/check.js'
import { derived } from './cache.js'
import { readCounter, type CounterReading } from './counters.js'

export interface ResetCause {
  /** nstat name, as the counters fact keys it */
  counter: string
  /** the name people search for: TCPAbortOnClose, OutRsts */
  short: string
  /** what happened, in words */
  cause: string
  /** does the kernel send a RST for it (it counts in OutRsts too) */
  sendsRst: boolean
  /** a reset counted by the kernel itself as an abort (TCPAbortOn*), as opposed to the RST totals */
  abort: boolean
  remediation: { text: string; commands: string[] }
}

const WHO_RESETS = "tcpdump -ni any 'tcp[tcpflags] & tcp-rst != 0'  # which connections, and which end sends the RST"

export const RESET_CAUSES: readonly ResetCause[] = [
  {
    counter: 'TcpExtTCPAbortOnClose',
    short: 'TCPAbortOnClose',
    cause: 'closed with unread data: an application closed connections (or its process exited: crash, kill -9, OOM, restart) with received data it never read, so the kernel sent RST instead of FIN',
    sendsRst: true,
    abort: true,
    remediation: {
      text: 'Read each request fully before closing (or shutdown(SHUT_WR) and read to EOF), also on error paths that answer early. On deploys and restarts use a graceful shutdown that drains: stop accepting, finish or drain in-flight requests, then exit. A process that crashed or was killed with requests in its buffers shows here too: check for OOM kills and restarts. A live capture (`netdoc resets --capture any`) names the server that resets.',
      commands: ['nstat -az TcpExtTCPAbortOnClose', WHO_RESETS, "journalctl -k --since '-1h' | grep -i -e 'out of memory' -e 'killed process'"],
    },
  },
  {
    counter: 'TcpExtTCPAbortOnData',
    short: 'TCPAbortOnData',
    cause: 'data after close, or SO_LINGER 0: an application closed with SO_LINGER {on, 0} (an abortive close), or data arrived for a connection it had already closed',
    sendsRst: true,
    abort: true,
    remediation: {
      text: 'Use SO_LINGER with a 0 timeout (Node socket.resetAndDestroy(), Go SetLinger(0), nginx reset_timedout_connection) only where a reset is meant; otherwise close with shutdown(SHUT_WR) and read until the peer closes. A peer that keeps sending after the close (pipelined requests, a client that ignores Connection: close) also lands here: drain before closing.',
      commands: ['nstat -az TcpExtTCPAbortOnData', WHO_RESETS, 'strace -f -e trace=setsockopt -p PID 2>&1 | grep SO_LINGER  # a process that sets linger 0'],
    },
  },
  {
    counter: 'TcpExtTCPAbortOnMemory',
    short: 'TCPAbortOnMemory',
    cause: 'out of TCP memory or too many orphans: the kernel reset closed-but-unfinished (orphaned) connections because TCP memory was above net.ipv4.tcp_mem or orphans exceeded net.ipv4.tcp_max_orphans',
    sendsRst: true,
    abort: true,
    remediation: {
      text: 'Find what leaves so many orphans (sockets closed by the application while data is still queued or the peer is slow: FIN_WAIT1/FIN_WAIT2/LAST_ACK/CLOSING). When RAM allows, raise net.ipv4.tcp_max_orphans and the tcp_mem pressure/max values; a shorter net.ipv4.tcp_fin_timeout frees FIN_WAIT2 orphans sooner.',
      commands: ['cat /proc/net/sockstat  # TCP: orphan N ... mem N (pages)', 'sysctl net.ipv4.tcp_mem net.ipv4.tcp_max_orphans net.ipv4.tcp_fin_timeout', "dmesg | grep -i -e 'too many orphaned' -e 'out of memory -- consider tuning tcp_mem'"],
    },
  },
  {
    counter: 'TcpExtTCPAbortOnTimeout',
    short: 'TCPAbortOnTimeout',
    cause: 'timed out: connections given up after their retransmission, keepalive or orphan timers ran out (tcp_retries2, keepalive probes, tcp_orphan_retries), and connect() attempts that used up tcp_syn_retries; the peer vanished or the path drops packets (a keepalive expiry sends a RST, a retransmission timeout does not)',
    sendsRst: false,
    abort: true,
    remediation: {
      text: 'The peers stopped answering: hosts down, a firewall or NAT that dropped the flow (idle timeouts), or heavy loss. Check retransmissions and the path; keepalive shorter than middlebox idle timeouts keeps idle flows alive. Lowering tcp_retries2 only makes the give-up faster.',
      commands: ['nstat -az TcpExtTCPAbortOnTimeout TcpRetransSegs TcpExtTCPTimeouts', 'ss -tino state established  # retrans:N/M and timers per socket', 'sysctl net.ipv4.tcp_retries2 net.ipv4.tcp_keepalive_time net.ipv4.tcp_orphan_retries'],
    },
  },
  {
    counter: 'TcpExtTCPAbortOnLinger',
    short: 'TCPAbortOnLinger',
    cause: 'FIN_WAIT2 reset: an application set TCP_LINGER2 below 0, so sockets waiting in FIN_WAIT2 for the peer are reset instead of waiting net.ipv4.tcp_fin_timeout',
    sendsRst: true,
    abort: true,
    remediation: {
      text: 'Negative TCP_LINGER2 is an explicit choice of the application: keep it only where resetting peers that do not close is intended. Otherwise remove it and let net.ipv4.tcp_fin_timeout bound FIN_WAIT2.',
      commands: ['nstat -az TcpExtTCPAbortOnLinger', 'ss -tanp state fin-wait-2', 'strace -f -e trace=setsockopt -p PID 2>&1 | grep TCP_LINGER2'],
    },
  },
  {
    counter: 'TcpOutRsts',
    short: 'OutRsts',
    cause: 'RSTs sent for segments that match no connection: connection attempts to ports where nothing listens (the client sees "connection refused"), or late segments of connections already gone',
    sendsRst: true,
    abort: false,
    remediation: {
      text: 'Find the clients that reach closed ports: a service that is down or restarting, a wrong port in a client or health check, or scans. `netdoc connect HOST:PORT` shows what a client meets; a capture shows which ports get refused.',
      commands: ["tcpdump -ni any 'tcp[tcpflags] & tcp-rst != 0 and tcp[tcpflags] & tcp-ack != 0'", 'ss -ltn  # what listens', 'nstat -az TcpOutRsts TcpAttemptFails'],
    },
  },
  {
    counter: 'TcpEstabResets',
    short: 'EstabResets',
    cause: 'reset by peer: established connections that ended with a RST from the other end ("connection reset by peer" here); the peer closed with unread data, crashed, used linger 0, or a middlebox reset the flow',
    sendsRst: false,
    abort: false,
    remediation: {
      text: 'The cause is at the other end: see its own TCPAbortOnClose/TCPAbortOnData (run netdoc there), its restarts and crashes, and firewalls or load balancers with idle timeouts between the two. A capture shows which end resets and after what.',
      commands: [WHO_RESETS, 'nstat -az TcpEstabResets', 'netdoc resets --capture any --duration 30'],
    },
  },
]

export interface CauseReading {
  cause: ResetCause
  reading: CounterReading
  /** the growth (window) or the total (no window) attributed to this cause, after taking out what other causes explain */
  amount: number
  /** the part of the counter other causes explain (OutRsts: RSTs of the aborts; EstabResets: this host's own aborts) */
  explained: number
}

/**
 * Each cause's amount in the window (or since boot when there is no window). OutRsts and EstabResets also count
 * the aborts: OutRsts every RST an abort sent, EstabResets every established connection an abort ended on this
 * host (seen in a test namespace: 5 aborts on loopback made EstabResets +10, one per end). Their amount is what
 * remains after those, so a cause is never reported twice.
 */
export function readCauses(facts: Facts, windowSeconds: number): CauseReading[] {
  return derived(facts, `readCauses:${windowSeconds}`, () => readCausesOf(facts, windowSeconds))
}

function readCausesOf(facts: Facts, windowSeconds: number): CauseReading[] {
  const readings = RESET_CAUSES.map((cause) => ({ cause, reading: readCounter(facts, cause.counter, windowSeconds) }))
  const present = readings.filter((r): r is { cause: ResetCause; reading: CounterReading } => r.reading !== undefined)
  const windowed = windowSeconds > 0
  const size = (r: CounterReading) => (windowed ? (r.delta ?? 0) : r.value)
  const aborts = present.filter((r) => r.cause.abort)
  const rstsByAborts = aborts.filter((r) => r.cause.sendsRst).reduce((n, r) => n + size(r.reading), 0)
  const allAborts = aborts.reduce((n, r) => n + size(r.reading), 0)
  return present.map(({ cause, reading }) => {
    const explained = cause.short === 'OutRsts' ? rstsByAborts : cause.short === 'EstabResets' ? allAborts : 0
    return { cause, reading, explained: Math.min(explained, size(reading)), amount: Math.max(0, size(reading) - explained) }
  })
}
