// The native fast path of the capture reader (src/capture/native-scan.ts loads it; the JavaScript path is the
// reference, reader.ts pcapRecords/pcapngBlocks and decode.ts decodeTcpInto). It frames pcap records and pcapng
// enhanced packet blocks (every other block, and anything it would reject, is left to reader.ts) and decodes the
// common packet, a TCP segment over IPv4 or IPv6, into a batch of numbers; every other record (UDP, fragments,
// any frame it does not take whole) is handed back to the JavaScript decoder untouched, in file order. So what it
// claims must be decoded exactly as decode.ts does, and what it leaves costs one pass more: the differential
// tests (test/unit/capture/native-scan.test.ts) hold the two paths to the same segments.
//
// Plain C on Node-API (stable ABI), no allocation: the caller owns every buffer.
#include <math.h>
#include <node_api.h>
#include <stdint.h>
#include <string.h>

// must match src/capture/native-scan.ts
#define MAX_RECORD (16u * 1024u * 1024u)
// the interface's version (arguments, batch layout, out fields): native-scan.ts loads only a module of its own
// version, so a module left from an older build (sources pulled, npm run build:native not run) is never used
#define NATIVE_ABI 3

// Unaligned loads as one instruction and a byte swap (memcpy of 2 or 4 bytes compiles to a load): the bytes one
// by one cost a load, a shift and an or each, for four fields a packet and seven words a pcapng block.
static inline uint32_t load32(const uint8_t *b) {
  uint32_t v;
  memcpy(&v, b, 4);
  return v;
}
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
static inline uint32_t rd32(const uint8_t *b, int little) { return little ? load32(b) : __builtin_bswap32(load32(b)); }
static inline uint32_t be32at(const uint8_t *d, int64_t o) { return __builtin_bswap32(load32(d + o)); }
static inline uint32_t be16(const uint8_t *d, int64_t o) {
  uint16_t v;
  memcpy(&v, d + o, 2);
  return __builtin_bswap16(v);
}
#else
static inline uint32_t rd32(const uint8_t *b, int little) {
  return little ? ((uint32_t)b[0] | ((uint32_t)b[1] << 8) | ((uint32_t)b[2] << 16) | ((uint32_t)b[3] << 24))
                : (((uint32_t)b[0] << 24) | ((uint32_t)b[1] << 16) | ((uint32_t)b[2] << 8) | (uint32_t)b[3]);
}
static inline uint32_t be16(const uint8_t *d, int64_t o) { return ((uint32_t)d[o] << 8) | d[o + 1]; }
static inline uint32_t be32at(const uint8_t *d, int64_t o) {
  return ((uint32_t)d[o] << 24) | ((uint32_t)d[o + 1] << 16) | ((uint32_t)d[o + 2] << 8) | (uint32_t)d[o + 3];
}
#endif

// decode.ts ipHeaderAt: the offset of the IP header, -1 when the link layer carries no IPv4/IPv6
static int64_t ip_header_at(uint32_t link, const uint8_t *d, int64_t start, int64_t end) {
  uint32_t proto;
  int64_t off;
  switch (link) {
    case 1:
      if (end - start < 14) return -1;
      off = start + 12;
      proto = be16(d, off);
      while ((proto == 0x8100 || proto == 0x88a8 || proto == 0x9100) && off + 6 <= end) {
        off += 4;
        proto = be16(d, off);
      }
      return proto == 0x0800 || proto == 0x86dd ? off + 2 : -1;
    case 113:
      if (end - start < 16) return -1;
      proto = be16(d, start + 14);
      return proto == 0x0800 || proto == 0x86dd ? start + 16 : -1;
    case 276:
      if (end - start < 20) return -1;
      proto = be16(d, start);
      return proto == 0x0800 || proto == 0x86dd ? start + 20 : -1;
    case 0:
    case 108: {
      if (end - start < 4) return -1;
      uint32_t be = be32at(d, start);
      uint32_t le = ((uint32_t)d[start + 3] << 24) | ((uint32_t)d[start + 2] << 16) | ((uint32_t)d[start + 1] << 8) | d[start];
      uint32_t af = link == 108 ? be : be < 256 ? be : le;
      return af == 2 || af == 10 || af == 24 || af == 28 || af == 30 ? start + 4 : -1;
    }
    case 101:
    case 12:
    case 14:
    case 228:
    case 229:
      return end - start < 1 ? -1 : start;
    default:
      return -1;
  }
}

// decode.ts windowScaleOption
static int32_t window_scale(const uint8_t *d, int64_t p, int64_t end) {
  while (p < end) {
    uint32_t kind = d[p];
    if (kind == 0) return -1;
    if (kind == 1) {
      p++;
      continue;
    }
    if (p + 1 >= end) return -1;
    uint32_t len = d[p + 1];
    if (len < 2) return -1;
    if (kind == 3) return len == 3 && p + 2 < end ? (d[p + 2] < 14 ? d[p + 2] : 14) : -1;
    p += len;
  }
  return -1;
}

#include "batch.h"
#include "flow-engine.h"

// decode.ts tcp(): the TCP header at t, its IP payload `ip_payload` bytes long; 0 when it is cut or malformed
// inlined into both IP versions, and put_record into both framers: a call each packet costs more than the copies
__attribute__((always_inline)) static inline int tcp_fields(const uint8_t *d, int64_t t, int64_t end, int64_t ip_payload, batch_t *b, uint32_t i) {
  if (end < t + 20) return 0;
  int64_t hlen = (int64_t)(d[t + 12] >> 4) * 4;
  if (hlen < 20) return 0;
  int64_t payload = ip_payload - hlen;
  uint32_t flags = d[t + 13];
  b->sport[i] = (uint16_t)be16(d, t);
  b->dport[i] = (uint16_t)be16(d, t + 2);
  b->seq[i] = be32at(d, t + 4);
  b->ack[i] = be32at(d, t + 8);
  b->flags[i] = (uint8_t)flags;
  b->window[i] = (uint16_t)be16(d, t + 14);
  b->len[i] = payload > 0 ? (uint32_t)payload : 0;
  b->wscale[i] = (int8_t)((flags & 0x02) && hlen > 20 ? window_scale(d, t + 20, t + hlen < end ? t + hlen : end) : -1);
  return 1;
}

// decode.ts ipv4(); the addresses go into src/dst as numbers
static int ipv4_tcp(const uint8_t *d, int64_t off, int64_t end, int64_t wire, batch_t *b, uint32_t i) {
  if (end < off + 20) return 0;
  int64_t ihl = (int64_t)(d[off] & 0x0f) * 4;
  if (ihl < 20 || d[off + 9] != 6) return 0;
  if ((((uint32_t)(d[off + 6] & 0x1f) << 8) | d[off + 7]) != 0) return 0;
  int64_t total = be16(d, off + 2);
  if (total == 0) total = wire;
  if (!tcp_fields(d, off + ihl, end, total - ihl, b, i)) return 0;
  b->src[i] = be32at(d, off + 12);
  b->dst[i] = be32at(d, off + 16);
  return 1;
}

// decode.ts ipv6(), extension headers walked the same way; src/dst get the addresses' offsets in the chunk (the
// JavaScript side interns IPv6 addresses: native-scan.ts)
static int ipv6_tcp(const uint8_t *d, int64_t off, int64_t end, int64_t wire, batch_t *b, uint32_t i) {
  if (end < off + 40) return 0;
  int64_t plen = be16(d, off + 4);
  if (plen == 0) plen = wire - 40;
  uint32_t next = d[off + 6];
  int64_t p = off + 40;
  while (next != 6) {
    if (p + 8 > end) return 0;
    int64_t hlen;
    if (next == 0 || next == 43 || next == 60 || next == 135 || next == 139 || next == 140) hlen = ((int64_t)d[p + 1] + 1) * 8;
    else if (next == 51) hlen = ((int64_t)d[p + 1] + 2) * 4;
    else if (next == 44) {
      if ((be16(d, p + 2) & 0xfff8) != 0) return 0;
      hlen = 8;
    } else return 0;
    next = d[p];
    p += hlen;
    plen -= hlen;
  }
  if (end < p + 20) return 0;
  if (!tcp_fields(d, p, end, plen, b, i)) return 0;
  b->src[i] = (uint32_t)(off + 8);
  b->dst[i] = (uint32_t)(off + 24);
  return 1;
}

// decode.ts decodeTcpInto: 4 or 6 when slot i holds an IPv4 or IPv6 segment, 0 when the JavaScript decoder must
// look at the frame (it is not a TCP segment it can take)
static int decode_tcp(uint32_t link, const uint8_t *d, int64_t start, int64_t end, int64_t orig, batch_t *b, uint32_t i) {
  int64_t off = ip_header_at(link, d, start, end);
  if (off < 0 || off >= end) return 0;
  uint32_t version = d[off] >> 4;
  int64_t wire = orig - (off - start);
  if (version == 4) return ipv4_tcp(d, off, end, wire, b, i) ? 4 : 0;
  if (version == 6) return ipv6_tcp(d, off, end, wire, b, i) ? 6 : 0;
  return 0;
}

#define CHECK(call) \
  if ((call) != napi_ok) return NULL

// What a scan framed, for out[]: slots filled, records, their captured bytes, and the decoded segments with their
// first and last time (the pipeline's counts, pipeline.ts packetSink)
typedef struct {
  uint32_t n;
  double records, captured, segments, first, last, v4;
} tally_t;

static void tally_init(tally_t *t) {
  t->n = 0;
  t->records = t->captured = t->segments = t->v4 = 0;
  t->first = INFINITY;
  t->last = -INFINITY;
}

// One framed record into slot t->n: a decoded segment (kind 4 or 6), or one for the JavaScript decoder (kind 0) with
// its start, end and wire length in seq, ack and len, and its pcapng interface in sport
__attribute__((always_inline)) static inline void put_record(batch_t *b, tally_t *t, uint32_t link, const uint8_t *bytes, int64_t start, int64_t end, int64_t wire, double ts, uint16_t iface) {
  uint32_t n = t->n;
  b->ts[n] = ts;
  uint8_t kind = (uint8_t)decode_tcp(link, bytes, start, end, wire, b, n);
  b->kind[n] = kind;
  if (kind) {
    t->segments++;
    if (kind == 4) t->v4++;
    if (ts < t->first) t->first = ts;
    if (ts > t->last) t->last = ts;
  } else {
    b->seq[n] = (uint32_t)start;
    b->ack[n] = (uint32_t)end;
    b->len[n] = (uint32_t)wire;
    b->sport[n] = iface;
  }
  t->n++;
  t->records++;
  t->captured += (double)(end - start);
}

static napi_value tally_out(napi_env env, const tally_t *t, double *out, int64_t pos) {
  out[0] = t->n;
  out[1] = t->records;
  out[2] = t->captured;
  out[3] = t->segments;
  out[4] = t->first;
  out[5] = t->last;
  out[6] = t->v4;
  napi_value result;
  CHECK(napi_create_double(env, (double)pos, &result));
  return result;
}

/**
 * scan(bytes: Uint8Array, pos, little, nanos, linkType, batch: ArrayBuffer, slots, out: Float64Array(3)) → pos
 * Frames pcap records from bytes[pos..] into the batch's slots until the batch is full, the next record is cut
 * short, or it claims more than MAX_RECORD (the JavaScript loop reports that). Slot kind 4 or 6 is a decoded
 * segment (6: src and dst are the offsets of its addresses); kind 0 is a record for the JavaScript decoder, with
 * its start, end and wire length in seq, ack and len. out: slots filled, records framed, their captured bytes,
 * segments decoded, their first and last time, the IPv4 segments among them (slots whose addresses need no
 * interning).
 */
static napi_value scan(napi_env env, napi_callback_info info) {
  size_t argc = 8;
  napi_value argv[8];
  CHECK(napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  if (argc < 8) {
    napi_throw_type_error(env, NULL, "scan: 8 arguments");
    return NULL;
  }
  napi_typedarray_type type;
  size_t length, offset;
  void *data;
  napi_value ab;
  CHECK(napi_get_typedarray_info(env, argv[0], &type, &length, &data, &ab, &offset));
  if (type != napi_uint8_array) {
    napi_throw_type_error(env, NULL, "scan: bytes must be a Uint8Array");
    return NULL;
  }
  const uint8_t *bytes = (const uint8_t *)data;
  double posd;
  int32_t little, nanos;
  uint32_t link, slots;
  CHECK(napi_get_value_double(env, argv[1], &posd));
  CHECK(napi_get_value_int32(env, argv[2], &little));
  CHECK(napi_get_value_int32(env, argv[3], &nanos));
  CHECK(napi_get_value_uint32(env, argv[4], &link));
  void *bdata;
  size_t blen;
  CHECK(napi_get_arraybuffer_info(env, argv[5], &bdata, &blen));
  CHECK(napi_get_value_uint32(env, argv[6], &slots));
  napi_typedarray_type otype;
  size_t olen;
  void *odata;
  CHECK(napi_get_typedarray_info(env, argv[7], &otype, &olen, &odata, &ab, &offset));
  if (otype != napi_float64_array || olen < 7 || blen < (size_t)slots * BYTES_PER_SLOT || posd < 0 || posd > (double)length) {
    napi_throw_range_error(env, NULL, "scan: bad batch, out or position");
    return NULL;
  }
  batch_t b;
  batch_at(&b, (uint8_t *)bdata, slots);
  double *out = (double *)odata;
  const double div = nanos ? 1e9 : 1e6;
  int64_t len = (int64_t)length;
  int64_t pos = (int64_t)posd;
  tally_t t;
  tally_init(&t);
  while (t.n < slots && len - pos >= 16) {
    const uint8_t *h = bytes + pos;
    uint32_t sec = rd32(h, little), frac = rd32(h + 4, little), incl = rd32(h + 8, little), orig = rd32(h + 12, little);
    if (incl > MAX_RECORD || len - pos - 16 < (int64_t)incl) break;
    int64_t start = pos + 16;
    int64_t end = start + incl;
    put_record(&b, &t, link, bytes, start, end, orig > incl ? orig : incl, (double)sec + (double)frac / div, 0);
    pos = end;
  }
  return tally_out(env, &t, out, pos);
}


// reader.ts timestamp(): a pcapng 64-bit timestamp in the interface's units, to seconds, with the same operations in
// the same order (so the same double). The high word's whole seconds and remainder are exact in 64 bits.
typedef struct {
  int valid;
  uint32_t hi;
  double hi_sec, hi_rem;
} hi_cache_t;

static double ng_timestamp(const double *iface, hi_cache_t *cache, uint32_t hi, uint32_t lo) {
  const double per = iface[1], unit = iface[2], offset = iface[3];
  if (per == 0 || per > 1e15) return ((double)hi * 4294967296.0 + (double)lo) * unit + offset;
  if (!cache->valid || cache->hi != hi) {
    uint64_t units = (uint64_t)hi << 32, p = (uint64_t)per;
    cache->valid = 1;
    cache->hi = hi;
    cache->hi_sec = (double)(units / p);
    cache->hi_rem = (double)(units % p);
  }
  double rem = cache->hi_rem + (double)lo;
  // floor as truncation (one instruction, not libm's) where the two agree: a non-negative quotient within int64's range
  double q = rem / per;
  double whole = q >= 0 && q < 9.0e15 ? (double)(int64_t)q : floor(q);
  return cache->hi_sec + whole + (rem - whole * per) / per + offset;
}

#define PCAPNG_SHB 0x0a0d0d0au
#define NG_MAX_IFACES 1024

/**
 * scanNg(bytes, pos, little, ifaces: Float64Array (4 per interface: link type, units per second, seconds per unit,
 * offset), interfaces, batch, slots, out) → pos
 * Frames the enhanced packet blocks of a pcapng section from bytes[pos..] into the batch, as scan() does pcap
 * records, until a block of another type, one it would have to reject (reader.ts reports it), one cut short, or a
 * full batch. A record for the JavaScript decoder has its interface in sport.
 */
static napi_value scan_ng(napi_env env, napi_callback_info info) {
  size_t argc = 8;
  napi_value argv[8];
  CHECK(napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  if (argc < 8) {
    napi_throw_type_error(env, NULL, "scanNg: 8 arguments");
    return NULL;
  }
  napi_typedarray_type type;
  size_t length, offset, ilen, olen;
  void *data, *idata, *odata, *bdata;
  napi_value ab;
  CHECK(napi_get_typedarray_info(env, argv[0], &type, &length, &data, &ab, &offset));
  napi_typedarray_type itype, otype;
  CHECK(napi_get_typedarray_info(env, argv[3], &itype, &ilen, &idata, &ab, &offset));
  double posd;
  int32_t little;
  uint32_t nifaces, slots;
  CHECK(napi_get_value_double(env, argv[1], &posd));
  CHECK(napi_get_value_int32(env, argv[2], &little));
  CHECK(napi_get_value_uint32(env, argv[4], &nifaces));
  size_t blen;
  CHECK(napi_get_arraybuffer_info(env, argv[5], &bdata, &blen));
  CHECK(napi_get_value_uint32(env, argv[6], &slots));
  CHECK(napi_get_typedarray_info(env, argv[7], &otype, &olen, &odata, &ab, &offset));
  if (type != napi_uint8_array || itype != napi_float64_array || otype != napi_float64_array || olen < 7 || nifaces > NG_MAX_IFACES ||
      ilen < (size_t)nifaces * 4 || blen < (size_t)slots * BYTES_PER_SLOT || posd < 0 || posd > (double)length) {
    napi_throw_range_error(env, NULL, "scanNg: bad arguments");
    return NULL;
  }
  const uint8_t *bytes = (const uint8_t *)data;
  const double *ifaces = (const double *)idata;
  batch_t b;
  batch_at(&b, (uint8_t *)bdata, slots);
  double *out = (double *)odata;
  hi_cache_t cache[NG_MAX_IFACES];
  for (uint32_t k = 0; k < nifaces; k++) cache[k].valid = 0;
  int64_t len = (int64_t)length;
  int64_t pos = (int64_t)posd;
  tally_t t;
  tally_init(&t);
  while (t.n < slots && len - pos >= 12) {
    const uint8_t *h = bytes + pos;
    if (rd32(h, 0) == PCAPNG_SHB) break;
    uint32_t btype = rd32(h, little), blk = rd32(h + 4, little);
    if (btype != 6 || blk < 32 || blk % 4 != 0 || blk > MAX_RECORD || len - pos < (int64_t)blk) break;
    if (rd32(h + blk - 4, little) != blk) break;
    int64_t body = pos + 8, body_end = pos + blk - 4;
    uint32_t id = rd32(bytes + body, little);
    if (id >= nifaces) break;
    uint32_t hi = rd32(bytes + body + 4, little), lo = rd32(bytes + body + 8, little);
    uint32_t caplen = rd32(bytes + body + 12, little), orig = rd32(bytes + body + 16, little);
    int64_t start = body + 20;
    if (start + (int64_t)caplen > body_end) break;
    const double *iface = ifaces + 4 * (size_t)id;
    put_record(&b, &t, (uint32_t)iface[0], bytes, start, start + caplen, orig > caplen ? orig : caplen, ng_timestamp(iface, &cache[id], hi, lo), (uint16_t)id);
    pos += blk;
  }
  return tally_out(env, &t, out, pos);
}

static napi_value init(napi_env env, napi_value exports) {
  napi_value fn;
  CHECK(napi_create_function(env, "scan", NAPI_AUTO_LENGTH, scan, NULL, &fn));
  CHECK(napi_set_named_property(env, exports, "scan", fn));
  CHECK(napi_create_function(env, "scanNg", NAPI_AUTO_LENGTH, scan_ng, NULL, &fn));
  CHECK(napi_set_named_property(env, exports, "scanNg", fn));
  napi_value bytes, abi;
  CHECK(napi_create_uint32(env, BYTES_PER_SLOT, &bytes));
  CHECK(napi_set_named_property(env, exports, "bytesPerSlot", bytes));
  CHECK(napi_create_uint32(env, NATIVE_ABI, &abi));
  CHECK(napi_set_named_property(env, exports, "abi", abi));
  if (!flow_engine_init(env, exports)) return NULL;
  return exports;
}

NAPI_MODULE(NODE_GYP_MODULE_NAME, init)
