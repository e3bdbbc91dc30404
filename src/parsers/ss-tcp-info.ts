// The TCP_INFO fields `ss -i` prints after each socket (misc/ss.c tcp_show_info): "rtt:1.731/0.217",
// "retrans:0/3", "bytes_received:2280497", "lastrcv:4792", "rcv_space:636071". Fields a kernel or ss version
// does not print are undefined. Also the fixed RTT histogram the socket aggregation keeps.

export interface TcpInfoFields {
  /** smoothed RTT and its variance, ms */
  rttMs?: number
  rttVarMs?: number
  /** retrans:x/y: x unrecovered retransmits now (tcpi_retransmits), y total over the connection (tcpi_total_retrans) */
  retransNow?: number
  retransTotal?: number
  bytesReceived?: number
  bytesSent?: number
  lastRcvMs?: number
  rcvSpace?: number
  /** the socket's congestion control (the bare word before wscale: "cubic", "bbr"), when ss prints it */
  congestion?: string
  /** lost:N segments currently marked lost (tcpi_lost) */
  lost?: number
  bytesRetrans?: number
  /** segs_out counts every segment sent, retransmissions included (tcpi_segs_out) */
  segsOut?: number
  dataSegsOut?: number
  /** delivery_rate in bits per second */
  deliveryRateBps?: number
  /** the path MTU the socket uses (tcpi_pmtu) */
  pmtu?: number
  lastSndMs?: number
}

// Bare words ss prints among the fields that are flags, not the congestion control's name (misc/ss.c).
const FLAG_WORDS = new Set(['ts', 'sack', 'ecn', 'ecnseen', 'fastopen', 'app_limited', 'orphaned'])

/** The congestion control's name: the last bare word before "wscale:"/"rto:" that is not a flag. */
function congestionName(extra: string): string | undefined {
  let end = extra.indexOf(' wscale:')
  if (end < 0) end = extra.indexOf(' rto:')
  if (end < 0) return undefined
  const words = extra.slice(0, end).split(' ')
  for (let i = words.length - 1; i >= 0; i--) {
    const w = words[i]
    if (w.includes(':') || w.includes('(')) break // the key:value fields and skmem:(...) come before the words
    if (w !== '' && !FLAG_WORDS.has(w) && /^[a-z][a-z0-9_]*$/.test(w)) return w
  }
  return undefined
}

/** The value of a " key:value" token, or undefined. ss separates tokens by one space; the key must start a token
 * ("rtt:" must not match inside "minrtt:"). A million lines make this the hot path: indexOf, no split. */
function token(extra: string, key: string): string | undefined {
  let at = extra.startsWith(key) ? 0 : extra.indexOf(' ' + key)
  if (at < 0) return undefined
  if (at > 0 || extra[0] === ' ') at++
  const start = at + key.length
  const end = extra.indexOf(' ', start)
  return extra.slice(start, end < 0 ? extra.length : end)
}

const num = (v: string | undefined): number | undefined => (v === undefined ? undefined : Number(v))

type NumberField = Exclude<keyof TcpInfoFields, 'congestion'>
const NUMBER_FIELDS: Array<[NumberField, string]> = [
  ['bytesReceived', 'bytes_received:'],
  ['bytesSent', 'bytes_sent:'],
  ['bytesRetrans', 'bytes_retrans:'],
  ['segsOut', 'segs_out:'],
  ['dataSegsOut', 'data_segs_out:'],
  ['lost', 'lost:'],
  ['pmtu', 'pmtu:'],
  ['lastRcvMs', 'lastrcv:'],
  ['lastSndMs', 'lastsnd:'],
  ['rcvSpace', 'rcv_space:'],
]

/** "7898181816bps", "12.5Mbps" (older ss scaled the rates) → bits per second */
function parseRate(v: string): number | undefined {
  const m = /^([0-9.]+)([KMG]?)bps$/.exec(v)
  if (!m) return undefined
  const scale = { '': 1, K: 1e3, M: 1e6, G: 1e9 }[m[2] as '' | 'K' | 'M' | 'G']
  const n = Number(m[1]) * scale
  return Number.isFinite(n) ? n : undefined
}

export function parseTcpInfo(extra: string): TcpInfoFields {
  const out: TcpInfoFields = {}
  const rtt = token(extra, 'rtt:')
  const slash = rtt?.indexOf('/') ?? -1
  if (rtt !== undefined && slash >= 0) {
    out.rttMs = Number(rtt.slice(0, slash))
    out.rttVarMs = Number(rtt.slice(slash + 1))
  }
  const retrans = token(extra, 'retrans:')
  if (retrans !== undefined) {
    // ss prints "retrans:0/3" (x/y); very old versions printed a single number.
    const r = retrans.indexOf('/')
    out.retransNow = Number(r < 0 ? retrans : retrans.slice(0, r))
    if (r >= 0) out.retransTotal = Number(retrans.slice(r + 1))
  }
  for (const [name, key] of NUMBER_FIELDS) {
    const v = num(token(extra, key))
    if (v !== undefined && Number.isFinite(v)) out[name] = v
  }
  // "delivery_rate 7898181816bps": a space, not a colon (ss prints the rates that way)
  const rate = token(extra, 'delivery_rate ')
  if (rate !== undefined) {
    const bps = parseRate(rate)
    if (bps !== undefined) out.deliveryRateBps = bps
  }
  const cc = congestionName(extra)
  if (cc !== undefined) out.congestion = cc
  return out
}

// RTT histogram: bucket i holds RTTs up to RTT_BASE_MS × RTT_FACTOR^i ms (0.05 ms … about 190 s), so a percentile
// read from it is at most 10 % above the true value, and memory per subject is fixed.
const RTT_BASE_MS = 0.05
const RTT_FACTOR = 1.1
export const RTT_BUCKETS = 160

export const rttBucketUpperMs = (i: number): number => RTT_BASE_MS * RTT_FACTOR ** i

export function rttBucket(ms: number): number {
  if (!(ms > RTT_BASE_MS)) return 0
  return Math.min(RTT_BUCKETS - 1, Math.ceil(Math.log(ms / RTT_BASE_MS) / Math.log(RTT_FACTOR) - 1e-9))
}

export const emptyHistogram = (): number[] => new Array<number>(RTT_BUCKETS).fill(0)

/** The p-th percentile (0..1) of a histogram, as the upper bound of its bucket; undefined when empty. */
export function histogramPercentile(h: number[], p: number): number | undefined {
  const total = h.reduce((a, b) => a + b, 0)
  if (total === 0) return undefined
  const rank = Math.ceil(p * total)
  let seen = 0
  for (let i = 0; i < h.length; i++) {
    seen += h[i]
    if (seen >= rank && h[i] > 0) return rttBucketUpperMs(i)
  }
  return rttBucketUpperMs(h.length - 1)
}
