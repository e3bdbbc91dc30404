/**
 * UDP flows and IP fragment reassembly from a capture: pure and bounded, fed the IpDatagrams of decode.ts
 * (decodeDatagramAt) in capture order, beside the TCP FlowTracker.
 *
 *     const udp = new UdpTracker({ reassemblySeconds, maxPending, maxFlows })
 *     udp.packet(d)        // each UDP datagram or IP fragment; copies what it keeps (d is reused by the caller)
 *     udp.finish(endTs)    // end of capture (when it ended, if known) → UdpFragments (src/model/capture.ts)
 *
 * A UDP flow is the pair of endpoints; its server is the endpoint with the lower port (ephemeral ports are high),
 * as flows.ts does for a TCP flow begun before the capture without a listener to tell.
 *
 * Fragments of UDP datagrams are reassembled by (source, destination, identification), as the kernel
 * does (net/ipv4/ip_fragment.c, net/ipv6/reassembly.c): a datagram is complete when its fragments cover it from
 * offset 0 to the end that the last fragment (MF clear) gives. One still pending `reassemblySeconds` after its
 * first fragment came (the kernel's ipfrag_time, 30 s) lost fragments; so did one pending at the end of the
 * capture when the capture went on `endGraceSeconds` after its last fragment (a datagram's fragments leave the
 * sender back to back; one cut by the capture's end is a datagram of its flow, neither complete nor lost, counted
 * in `cutByEnd`). Missing fragments are estimated from the
 * missing bytes and the datagram's largest fragment. A datagram whose first fragment never came has no ports: it
 * is counted apart (`unattributed`). The pending table holds at most `maxPending` datagrams (the oldest are
 * dropped first, counted in `evicted`), the flow table `maxFlows` (then the datagrams of new flows are counted in `flowsShed`).
 *
 * The MTU of the capture is the largest fragment's IP length (a sender cuts fragments to its MTU); without a
 * fragment, 1500 (Ethernet) and `mtuFrom` says so. TCP packets are not used for it: with GRO/TSO a capture holds
 * TCP packets far larger than the MTU.
 */
import type { UdpFlow, UdpFragments } from '../model/capture.js'
import { formatEndpoint } from '../parsers/address.js'
import { median, pushBounded } from './stats.js'
import { addressText, type IpDatagram } from './decode.js'

export interface UdpTrackerOptions {
  reassemblySeconds: number
  endGraceSeconds: number
  maxPending: number
  maxFlows: number
  /** most fragments one datagram may have before further ones are ignored (a datagram is at most 64 KiB) */
  maxFragmentsPerDatagram: number
}

export const DEFAULT_UDP_OPTIONS: UdpTrackerOptions = { reassemblySeconds: 30, endGraceSeconds: 1, maxPending: 4096, maxFlows: 10_000, maxFragmentsPerDatagram: 1024 }

const UDP = 17

/** IPv6 extension headers (RFC 8200 §4): hop-by-hop, routing, destination options, AH, mobility, HIP, shim6 */
const EXTENSION_HEADERS = new Set([0, 43, 60, 51, 135, 139, 140])

/**
 * A fragment after the first of an IPv6 datagram whose fragmentable part starts with an extension header
 * (Destination Options before UDP): it names only that header, and which protocol follows shows in the first
 * fragment alone. Held as UDP's until then; dropped if the first fragment is another protocol's.
 */
const maybeUdpFragment = (d: IpDatagram): boolean => d.fragment && d.fragOffset !== 0 && d.ipVersion === 6 && EXTENSION_HEADERS.has(d.proto)
const DEFAULT_MTU = 1500

interface FlowState {
  client: string
  server: string
  /** client endpoint as a number, for the direction of a datagram */
  clientKey: number
  datagrams: number
  maxBytes: number
  /** the latest sizes, for the median */
  sizes: number[]
  fragmented: number
  fragments: number
  maxFragments: number
  incomplete: number
  missingFragments: number
  fragmentedFrom: number // bit 1: client sent fragmented datagrams, bit 2: server did
  firstSeen: number
  lastSeen: number
}

interface Pending {
  firstTs: number
  lastTs: number
  srcId: number
  dstId: number
  /** from the first fragment (offset 0) */
  first: boolean
  sport: number
  dport: number
  udpLength: number
  /** end of the datagram (offset + bytes of the fragment with MF clear), when that came */
  total: number | undefined
  offsets: number[]
  received: number
  largest: number
}

export class UdpTracker {
  private readonly opts: UdpTrackerOptions
  /** lower-port endpoint → other endpoint → flow (endpoints as address id × 65536 + port) */
  private readonly flows = new Map<number, Map<number, FlowState>>()
  private flowCount = 0
  /** in arrival order of first fragments: the oldest first, for time-outs and eviction */
  private readonly pending = new Map<string, Pending>()
  /**
   * IPv6 datagrams whose first fragment showed another protocol than UDP, key → when: their later fragments
   * (maybeUdpFragment) are dropped, whichever comes first. Bounded and timed out as `pending` is.
   */
  private readonly notUdpKeys = new Map<string, number>()
  private now = 0
  private lastExpire = 0
  private datagrams = 0
  private fragments = 0
  private largestFragment = 0
  private unattributed = 0
  private evicted = 0
  private flowsShed = 0
  private cutByEnd = 0

  constructor(opts: Partial<UdpTrackerOptions> = {}) {
    this.opts = { ...DEFAULT_UDP_OPTIONS, ...opts }
  }

  packet(d: IpDatagram): void {
    if (d.proto !== UDP && !maybeUdpFragment(d)) {
      // the first fragment of another protocol's IPv6 datagram: its later fragments (maybeUdpFragment) are not UDP's
      if (d.fragment && d.fragOffset === 0 && d.ipVersion === 6) this.notUdp(`${d.srcId} ${d.dstId} ${d.fragId}`)
      return
    }
    if (maybeUdpFragment(d) && this.notUdpKeys.size > 0 && this.notUdpKeys.has(`${d.srcId} ${d.dstId} ${d.fragId}`)) return
    if (d.ts > this.now) this.now = d.ts
    // a pcapng simple packet block has no timestamp: its packet is taken as at the latest time seen
    const ts = Number.isNaN(d.ts) ? this.now : d.ts
    // time-outs are looked for at most once per second of capture time (a datagram waits 30 s or 31)
    if (this.now - this.lastExpire >= 1) {
      this.lastExpire = this.now
      this.expire(this.now - this.opts.reassemblySeconds)
    }
    if (!d.fragment) {
      if (!d.udp) return
      this.datagrams++
      const f = this.flow(d.srcId, d.sport, d.dstId, d.dport, ts)
      if (f) this.count(f, d.udpLength || d.fragBytes, d.srcId, d.sport, 1)
      return
    }
    this.fragments++
    if (d.ipLen > this.largestFragment) this.largestFragment = d.ipLen
    const key = `${d.srcId} ${d.dstId} ${d.fragId}`
    let p = this.pending.get(key)
    if (!p) {
      if (this.pending.size >= this.opts.maxPending) this.evictOldest()
      p = { firstTs: ts, lastTs: ts, srcId: d.srcId, dstId: d.dstId, first: false, sport: 0, dport: 0, udpLength: 0, total: undefined, offsets: [], received: 0, largest: 0 }
      this.pending.set(key, p)
    }
    if (p.offsets.includes(d.fragOffset) || p.offsets.length >= this.opts.maxFragmentsPerDatagram) return // a duplicate, or too many
    p.offsets.push(d.fragOffset)
    p.lastTs = ts
    p.received += d.fragBytes
    if (d.fragBytes > p.largest) p.largest = d.fragBytes
    if (!d.moreFragments) p.total = d.fragOffset + d.fragBytes
    if (d.fragOffset === 0 && d.udp) {
      p.first = true
      p.sport = d.sport
      p.dport = d.dport
      p.udpLength = d.udpLength
      this.flow(d.srcId, d.sport, d.dstId, d.dport, ts, false)
    }
    if (p.first && p.total !== undefined && p.received >= p.total) {
      this.pending.delete(key)
      this.datagrams++
      const f = this.flow(p.srcId, p.sport, p.dstId, p.dport, p.firstTs)
      if (f) this.count(f, p.total, p.srcId, p.sport, p.offsets.length)
    }
  }

  private notUdp(key: string): void {
    const p = this.pending.get(key)
    if (p) {
      this.pending.delete(key)
      this.fragments -= p.offsets.length
    }
    if (this.notUdpKeys.size >= this.opts.maxPending) this.notUdpKeys.delete(this.notUdpKeys.keys().next().value as string)
    this.notUdpKeys.set(key, this.now)
  }

  /** `endTs`: when the capture ended, if later than its last UDP packet (its last packet of any kind, a live capture's end). */
  finish(endTs?: number): UdpFragments {
    const end = endTs !== undefined && endTs > this.now ? endTs : this.now
    for (const p of this.pending.values()) {
      // the capture went on after this datagram's last fragment: the rest would have come by then
      if (end - p.lastTs >= this.opts.endGraceSeconds) this.lost(p)
      else this.unjudged(p)
    }
    this.pending.clear()
    const flows: UdpFlow[] = []
    for (const inner of this.flows.values()) {
      for (const f of inner.values()) {
        const flow: UdpFlow = {
          client: f.client,
          server: f.server,
          serverBy: 'port',
          datagrams: f.datagrams,
          maxBytes: f.maxBytes,
          p50Bytes: median(f.sizes) ?? 0,
          fragmented: f.fragmented,
          fragments: f.fragments,
          maxFragments: f.maxFragments,
          incomplete: f.incomplete,
          missingFragments: f.missingFragments,
          firstSeen: f.firstSeen,
          lastSeen: f.lastSeen,
        }
        if (f.fragmentedFrom) flow.fragmentedBy = f.fragmentedFrom === 1 ? 'client' : f.fragmentedFrom === 2 ? 'server' : 'both'
        flows.push(flow)
      }
    }
    // worst first: lost fragments, then fragmented datagrams, then the largest
    flows.sort((a, b) => b.incomplete - a.incomplete || b.fragmented - a.fragmented || b.maxBytes - a.maxBytes)
    const result: UdpFragments = {
      flows,
      datagrams: this.datagrams,
      fragments: this.fragments,
      mtu: this.largestFragment || DEFAULT_MTU,
      mtuFrom: this.largestFragment ? 'largest fragment' : 'default',
      unattributed: this.unattributed,
      evicted: this.evicted,
      cutByEnd: this.cutByEnd,
      reassemblySeconds: this.opts.reassemblySeconds,
    }
    if (this.flowsShed) result.flowsShed = this.flowsShed
    return result
  }

  /** Datagrams pending since before `before` lost fragments (Map order is arrival order: the oldest first). */
  private expire(before: number): void {
    for (const [key, ts] of this.notUdpKeys) {
      if (ts >= before) break
      this.notUdpKeys.delete(key)
    }
    for (const [key, p] of this.pending) {
      if (p.firstTs >= before) return
      this.pending.delete(key)
      this.lost(p)
    }
  }

  private evictOldest(): void {
    for (const [key, p] of this.pending) {
      this.pending.delete(key)
      this.evicted++
      this.lost(p)
      return
    }
  }

  /** Cut by the end of the capture: a datagram of its flow (when its first fragment came), neither complete nor lost. */
  private unjudged(p: Pending): void {
    this.cutByEnd++
    this.datagrams++
    if (!p.first) return
    const f = this.flow(p.srcId, p.sport, p.dstId, p.dport, p.firstTs)
    if (f) this.count(f, Math.max(p.total ?? 0, p.udpLength, p.received), p.srcId, p.sport, p.offsets.length, true)
  }

  private lost(p: Pending): void {
    this.datagrams++
    if (!p.first) {
      this.unattributed++
      return
    }
    const f = this.flow(p.srcId, p.sport, p.dstId, p.dport, p.firstTs)
    if (!f) return
    // the datagram's size: the end the last fragment gave, else the UDP length of the first
    const total = Math.max(p.total ?? 0, p.udpLength, p.received)
    const missing = Math.max(1, Math.ceil((total - p.received) / Math.max(8, p.largest)))
    this.count(f, total, p.srcId, p.sport, p.offsets.length + missing)
    f.incomplete++
    f.missingFragments += missing
  }

  /** One datagram of a flow: its size, and its fragments when it came in more than one (or is known to be a fragment). */
  private count(f: FlowState, bytes: number, srcId: number, sport: number, fragments: number, fragmented = fragments > 1): void {
    f.datagrams++
    if (bytes > f.maxBytes) f.maxBytes = bytes
    pushBounded(f.sizes, bytes)
    if (fragmented) {
      f.fragmented++
      f.fragments += fragments
      if (fragments > f.maxFragments) f.maxFragments = fragments
      f.fragmentedFrom |= srcId * 65536 + sport === f.clientKey ? 1 : 2
    }
  }

  /** The flow of a datagram from src:sport to dst:dport, made on first sight; undefined when the table is full (`shed`: count the datagram as shed). */
  private flow(srcId: number, sport: number, dstId: number, dport: number, ts: number, shed = true): FlowState | undefined {
    const a = srcId * 65536 + sport
    const b = dstId * 65536 + dport
    const aFirst = sport < dport || (sport === dport && a < b)
    const lo = aFirst ? a : b
    const hi = aFirst ? b : a
    let inner = this.flows.get(lo)
    let f = inner?.get(hi)
    if (!f) {
      if (this.flowCount >= this.opts.maxFlows) {
        if (shed) this.flowsShed++
        return undefined
      }
      const src = addressText(srcId)
      const dst = addressText(dstId)
      // the server: the lower port
      const srcIsClient = !aFirst
      const [ca, cp, sa, sp] = srcIsClient ? [src, sport, dst, dport] : [dst, dport, src, sport]
      f = {
        client: formatEndpoint(ca, cp),
        server: formatEndpoint(sa, sp),
        clientKey: srcIsClient ? a : b,
        datagrams: 0,
        maxBytes: 0,
        sizes: [],
        fragmented: 0,
        fragments: 0,
        maxFragments: 0,
        incomplete: 0,
        missingFragments: 0,
        fragmentedFrom: 0,
        firstSeen: ts,
        lastSeen: ts,
      }
      if (!inner) this.flows.set(lo, (inner = new Map()))
      inner.set(hi, f)
      this.flowCount++
    }
    if (ts > f.lastSeen) f.lastSeen = ts
    if (ts < f.firstSeen) f.firstSeen = ts
    return f
  }
}
