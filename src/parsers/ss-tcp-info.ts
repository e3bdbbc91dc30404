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
}

/** One pass over the "key:value" tokens (a socket line can carry forty of them; a table a million lines). */
export function parseTcpInfo(extra: string): TcpInfoFields {
  const out: TcpInfoFields = {}
  for (const token of extra.split(' ')) {
    const colon = token.indexOf(':')
    if (colon <= 0) continue
    const value = token.slice(colon + 1)
    switch (token.slice(0, colon)) {
      case 'rtt': {
        const slash = value.indexOf('/')
        if (slash < 0) break
        out.rttMs = Number(value.slice(0, slash))
        out.rttVarMs = Number(value.slice(slash + 1))
        break
      }
      case 'retrans': {
        // ss prints "retrans:0/3" (x/y); very old versions printed a single number.
        const slash = value.indexOf('/')
        out.retransNow = Number(slash < 0 ? value : value.slice(0, slash))
        if (slash >= 0) out.retransTotal = Number(value.slice(slash + 1))
        break
      }
      case 'bytes_received':
        out.bytesReceived = Number(value)
        break
      case 'bytes_sent':
        out.bytesSent = Number(value)
        break
      case 'lastrcv':
        out.lastRcvMs = Number(value)
        break
      case 'rcv_space':
        out.rcvSpace = Number(value)
        break
    }
  }
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
