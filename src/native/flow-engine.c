// The native flow engine: flows.ts's FlowTracker and the per-segment part of the four capture analyses
// (analyses/closes.ts, keepalive.ts, heartbeat.ts, congestion.ts) in C, fed the scanner's batches
// (src/capture/native-flows.ts drives it). The JavaScript code is the reference and stays the only code for
// everything that is not per segment: a flow's opening and closing, its verdicts, rows and results. The engine
// writes each flow's state into a record of the caller's buffer and tells the caller what happened in events, in
// order: a flow opened, a flow closed (its record is read then), a segment a keepalive analysis must see (RSTs,
// probes and their answers: rare), a heartbeat message's start, an RTT sample (the sketches stay in JavaScript).
// The differential tests (test/unit/capture/native-flows.test.ts) hold every result to the JavaScript tracker's.
// trackAsync runs a call on a thread of its own (join waits for it): nothing in a call touches V8, and the caller
// reads only the last call's events and records meanwhile, which stay until two calls later.
//
// Every comparison and every operation on numbers is the JavaScript one, in the same order: doubles throughout,
// sequence arithmetic as uint32, `| 0` as ToInt32, NaN compared as JavaScript compares it, and the tracker's
// two-level Map kept in insertion order (a sweep, a shed and the end close flows in that order).
#include <math.h>
#include <node_api.h>
#include <stdint.h>
#include <stdlib.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>

#include "flow-engine.h"

#define SYN 0x02
#define FIN 0x01
#define RST 0x04
#define ACK 0x10

/** flows.ts MIN_PROBE_GAP */
#define MIN_PROBE_GAP 0.5
/** heartbeat.ts BURST_GAP */
#define BURST_GAP 0.05
/** congestion.ts RTO_MIN, REORDER_SECONDS */
#define RTO_MIN 0.2
#define REORDER_SECONDS 0.003

// JavaScript's ToInt32 and ToUint32 of a double
static inline int32_t js_int32(double d) {
  // truncated toward zero, then modulo 2^32 (sequence differences lie within ±2^32)
  if (d > -9.0e18 && d < 9.0e18) return (int32_t)(uint32_t)(uint64_t)(int64_t)d;
  if (!isfinite(d)) return 0;
  double m = fmod(trunc(d), 4294967296.0);
  if (m < 0) m += 4294967296.0;
  return (int32_t)(uint32_t)m;
}
// Sequence numbers (a segment's, and every field that only ever holds one: a side's next, ack, ISN, unjudged
// sequence; congestion.ts's HI, ACK_PREV, TIMED_END, HOLE_START, HOLE_END, SYN_ACK_SEQ) are integers in
// [0, 2^32) held as doubles: their `>>> 0` sums and `| 0` differences are exact in uint32 arithmetic, without
// js_int32's range tests.
static inline uint32_t u32(double d) { return (uint32_t)(int64_t)d; }
/** seqAfter on two sequence numbers */
static inline int after(uint32_t a, uint32_t b) { return (int32_t)(a - b) > 0; }

/** Math.max of two numbers, NaN as JavaScript has it */
static inline double js_max(double a, double b) {
  if (isnan(a) || isnan(b)) return NAN;
  return a > b ? a : (b > a ? b : (a == 0 && signbit(a) ? b : a));
}
static inline double ms_of(double seconds) { return js_max(0, seconds * 1000); }

// ---- the engine's private state: the Map, the free slots

typedef struct {
  uint64_t lo;
  int32_t head, tail, prev, next, count, hnext;
} group_t;

/** a slot's Map key (lo, hi) and its client's endpoint */
typedef struct {
  uint64_t lo, hi, client;
} fkey_t;

typedef struct {
  // options
  double closed_quiet, handshake_quiet, idle, max_live;
  int parts;
  // tracker
  double now, ts, last_sweep;
  int64_t since_sweep, live, next_id;
  double segments, flows, peak, evicted, shed;
  // flow slots: capacity (the caller's records), in-group links, hash chains, the free list and those closed since
  // the caller last read the events (freed at the next call)
  // cap: the records of this call's buffer; alloc: the slots' private arrays (never less than cap)
  int32_t cap, alloc, used;
  int32_t *fprev, *fnext, *fhnext, *fgroup;
  // each slot's endpoints as integers (address id * 65536 + port, as the record's doubles hold them): the lookup and
  // a segment's direction compare these, without converting the record's doubles
  fkey_t *keys;
  // whether a slot's flow meets common_segment's per-flow conditions (settled): set after each segment of the
  // general path, the only one that changes them
  uint8_t *settled;
  int32_t *free_list, nfree;
  // closed since the caller's last two calls: a flow closed in call N is freed at the start of call N + 2, so its
  // record stays readable while the caller reads N's events, even with call N + 1 running (trackAsync)
  int32_t *pending, npending, *pending_old, npending_old;
  // hash of (lo, hi) → slot, chained through fhnext
  int32_t *fheads;
  uint32_t fmask;
  // groups: lo → group, in insertion order
  group_t *groups;
  int32_t gcap, gused, *gfree, ngfree;
  int32_t *gheads;
  uint32_t gmask;
  int32_t ghead, gtail;
  // the call's buffers
  flow_t *rec;
  double *ev;
  int64_t nev, evcap;
  int order;  // the caller's answer to NEED_ORDER for the current slot: -1 none
  int32_t last;  // the previous segment's flow (a bulk stream's segments come in runs), -1 none
  // the call in flight on its own thread (trackAsync), joined by join()
  struct {
    batch_t b;
    const double *ids;
    double *out;
    uint32_t from, to, next;
    int32_t order;
    int status;
    int running;
    pthread_t thread;
    // the buffers the thread reads and writes (records, events, out, batch, ids), held from the garbage collector
    // until the job is joined, whatever becomes of the caller (an error that drops the tracker mid-capture)
    napi_ref refs[5];
  } job;
} engine_t;

static inline uint32_t hash2(uint64_t a, uint64_t b) {
  uint64_t h = a * 0x9e3779b97f4a7c15ull ^ (b + 0x632be59bd9b4e019ull + (a << 6) + (a >> 2));
  h ^= h >> 29;
  h *= 0xbf58476d1ce4e5b9ull;
  return (uint32_t)(h ^ (h >> 32));
}
static inline uint32_t hash1(uint64_t a) { return hash2(a, 0x51ed270b27a31fd1ull); }

static int grow_ptr(void **p, size_t elem, int32_t n) {
  void *q = realloc(*p, elem * (size_t)(n > 0 ? n : 1));
  if (!q) return 0;
  *p = q;
  return 1;
}

/** the slots' private arrays to the caller's capacity */
static int ensure_capacity(engine_t *e, int32_t cap) {
  // a caller's buffer may be smaller than one before (still holding every used record): the records are bounded by
  // this call's, the private arrays keep their size
  if (cap <= e->alloc) {
    e->cap = cap;
    return 1;
  }
  if (!grow_ptr((void **)&e->fprev, 4, cap) || !grow_ptr((void **)&e->fnext, 4, cap) || !grow_ptr((void **)&e->fhnext, 4, cap) ||
      !grow_ptr((void **)&e->fgroup, 4, cap) || !grow_ptr((void **)&e->free_list, 4, cap) || !grow_ptr((void **)&e->pending, 4, cap) ||
      !grow_ptr((void **)&e->pending_old, 4, cap) || !grow_ptr((void **)&e->keys, sizeof(fkey_t), cap) ||
      !grow_ptr((void **)&e->settled, 1, cap))
    return 0;
  e->cap = e->alloc = cap;
  return 1;
}

static int rehash_flows(engine_t *e, uint32_t size) {
  int32_t *heads = malloc(sizeof(int32_t) * size);
  if (!heads) return 0;
  for (uint32_t i = 0; i < size; i++) heads[i] = -1;
  uint32_t old = e->fheads ? e->fmask + 1 : 0;
  for (uint32_t i = 0; i < old; i++) {
    for (int32_t s = e->fheads[i]; s >= 0;) {
      int32_t n = e->fhnext[s];
      uint32_t h = hash2(e->keys[s].lo, e->keys[s].hi) & (size - 1);
      e->fhnext[s] = heads[h];
      heads[h] = s;
      s = n;
    }
  }
  free(e->fheads);
  e->fheads = heads;
  e->fmask = size - 1;
  return 1;
}

static int rehash_groups(engine_t *e, uint32_t size) {
  int32_t *heads = malloc(sizeof(int32_t) * size);
  if (!heads) return 0;
  for (uint32_t i = 0; i < size; i++) heads[i] = -1;
  uint32_t old = e->gheads ? e->gmask + 1 : 0;
  for (uint32_t i = 0; i < old; i++) {
    for (int32_t g = e->gheads[i]; g >= 0;) {
      int32_t n = e->groups[g].hnext;
      uint32_t h = hash1(e->groups[g].lo) & (size - 1);
      e->groups[g].hnext = heads[h];
      heads[h] = g;
      g = n;
    }
  }
  free(e->gheads);
  e->gheads = heads;
  e->gmask = size - 1;
  return 1;
}

static int32_t find_flow(engine_t *e, uint64_t lo, uint64_t hi) {
  for (int32_t s = e->fheads[hash2(lo, hi) & e->fmask]; s >= 0; s = e->fhnext[s])
    if (e->keys[s].lo == lo && e->keys[s].hi == hi) return s;
  return -1;
}

static int32_t find_group(engine_t *e, uint64_t lo) {
  for (int32_t g = e->gheads[hash1(lo) & e->gmask]; g >= 0; g = e->groups[g].hnext)
    if (e->groups[g].lo == lo) return g;
  return -1;
}

static inline void emit(engine_t *e, double kind, double slot, double a, double b, double c) {
  double *p = e->ev + EVENT_SIZE * e->nev++;
  p[0] = kind;
  p[1] = slot;
  p[2] = a;
  p[3] = b;
  p[4] = c;
}

// ---- the Map: insert at the end of its group (a new group at the end), remove

static int map_insert(engine_t *e, int32_t s) {
  uint64_t lo = e->keys[s].lo, hi = e->keys[s].hi;
  int32_t g = find_group(e, lo);
  if (g < 0) {
    if (e->ngfree > 0) g = e->gfree[--e->ngfree];
    else {
      if (e->gused == e->gcap) {
        int32_t n = e->gcap ? 2 * e->gcap : 256;
        if (!grow_ptr((void **)&e->groups, sizeof(group_t), n) || !grow_ptr((void **)&e->gfree, 4, n)) return 0;
        e->gcap = n;
      }
      g = e->gused++;
    }
    group_t *G = &e->groups[g];
    G->lo = lo;
    G->head = G->tail = -1;
    G->count = 0;
    G->next = -1;
    G->prev = e->gtail;
    if (e->gtail >= 0) e->groups[e->gtail].next = g;
    else e->ghead = g;
    e->gtail = g;
    uint32_t h = hash1(lo) & e->gmask;
    G->hnext = e->gheads[h];
    e->gheads[h] = g;
    if ((uint32_t)(e->gused - e->ngfree) * 2 > e->gmask + 1 && !rehash_groups(e, 2 * (e->gmask + 1))) return 0;
  }
  group_t *G = &e->groups[g];
  e->fgroup[s] = g;
  e->fnext[s] = -1;
  e->fprev[s] = G->tail;
  if (G->tail >= 0) e->fnext[G->tail] = s;
  else G->head = s;
  G->tail = s;
  G->count++;
  uint32_t h = hash2(lo, hi) & e->fmask;
  e->fhnext[s] = e->fheads[h];
  e->fheads[h] = s;
  return 1;
}

static void map_remove(engine_t *e, int32_t s) {
  uint64_t lo = e->keys[s].lo, hi = e->keys[s].hi;
  int32_t *p = &e->fheads[hash2(lo, hi) & e->fmask];
  while (*p != s) p = &e->fhnext[*p];
  *p = e->fhnext[s];
  int32_t g = e->fgroup[s];
  group_t *G = &e->groups[g];
  if (e->fprev[s] >= 0) e->fnext[e->fprev[s]] = e->fnext[s];
  else G->head = e->fnext[s];
  if (e->fnext[s] >= 0) e->fprev[e->fnext[s]] = e->fprev[s];
  else G->tail = e->fprev[s];
  if (--G->count > 0) return;
  int32_t *q = &e->gheads[hash1(G->lo) & e->gmask];
  while (*q != g) q = &e->groups[*q].hnext;
  *q = G->hnext;
  if (G->prev >= 0) e->groups[G->prev].next = G->next;
  else e->ghead = G->next;
  if (G->next >= 0) e->groups[G->next].prev = G->prev;
  else e->gtail = G->prev;
  e->gfree[e->ngfree++] = g;
}

// ---- the tracker (flows.ts)

static void end_flow(engine_t *e, int32_t s, int reason) {
  if (e->last == s) e->last = -1;
  map_remove(e, s);
  e->live--;
  e->pending[e->npending++] = s;
  emit(e, EV_CLOSE, s, reason, 0, 0);
}

/** congestion.ts endZeroWindow is run by the caller (rowOf); nothing else is needed at a flow's end */

static void fresh_side(side_t *d, double ts) {
  memset(d, 0, sizeof *d);
  d->first_seen = ts;
  d->last_seen = ts;
}

static void fresh_congestion(double *F) {
  memset(F, 0, sizeof(double) * CONG_FLOW);
  static const int none[] = {C_LAST_TS, C_LAST_DATA_TS, C_RWND, C_SKETCH, C_ZW_START, C_WS_OPTION, C_RTT_MIN};
  for (int k = 0; k < 7; k++) {
    F[none[k]] = -1;
    F[C_SIDE + none[k]] = -1;
  }
}

typedef struct {
  double ts;      // the segment's own time (NaN for a pcapng simple packet block)
  double src, dst;  // address ids
  uint64_t a, b;  // the endpoints: id * 65536 + port
  uint32_t sport, dport, seq, ack, len, window, flags;
  int32_t wscale;
} seg_t;

typedef struct {
  int dir, keepalive, keepalive_ack, retransmission;
  int late;  // a late probe: its dir, time, answered
  int late_dir, late_answered;
  double late_ts;
} info_t;

/** flows.ts open(); -1 when out of memory */
static int32_t open_flow(engine_t *e, uint64_t lo, uint64_t hi, const seg_t *g, double ts, int src_greater) {
  int synack = (g->flags & (SYN | ACK)) == (SYN | ACK);
  int syn = (g->flags & (SYN | ACK)) == SYN;
  int server_by = SERVER_BY_HANDSHAKE;
  int src_is_client = syn;
  if (!syn && !synack) {
    server_by = SERVER_BY_PORT;
    src_is_client = g->sport > g->dport || (g->sport == g->dport && src_greater);
  }
  int32_t s = e->nfree > 0 ? e->free_list[--e->nfree] : e->used++;
  flow_t *f = &e->rec[s];
  memset(f, 0, sizeof *f);
  f->id = (double)e->next_id++;
  f->client_id = src_is_client ? g->src : g->dst;
  f->client_port = src_is_client ? g->sport : g->dport;
  f->server_id = src_is_client ? g->dst : g->src;
  f->server_port = src_is_client ? g->dport : g->sport;
  f->first_seen = ts;
  f->last_seen = ts;
  f->midstream = !syn && !synack;
  f->server_by = server_by;
  f->guessing = 1;
  fresh_side(&f->side[0], ts);
  fresh_side(&f->side[1], ts);
  uint64_t client = src_is_client ? g->a : g->a == lo ? hi : lo;
  e->keys[s] = (fkey_t){lo, hi, client};
  e->settled[s] = 0;
  f->lo = (double)lo;
  f->hi = (double)hi;
  f->client_ep = (double)client;
  // the analyses' fresh state (closes.ts, heartbeat.ts, congestion.ts open())
  f->rst_by = f->fin_by = f->unanswered = -1;
  f->last_data[0] = f->last_data[1] = -1;
  f->hb_last[0] = f->hb_last[1] = -INFINITY;
  fresh_congestion(f->cong);
  if (!map_insert(e, s)) return -1;
  if ((uint32_t)(e->live + 1) * 2 > e->fmask + 1 && !rehash_flows(e, 2 * (e->fmask + 1))) return -1;
  e->live++;
  e->flows++;
  if (e->live > e->peak) e->peak = (double)e->live;
  emit(e, EV_OPEN, s, 0, 0, 0);
  return s;
}

static int shed_drop(const engine_t *e, const flow_t *f, int pass, double q) {
  if (pass == 0) return f->side[0].rst || f->side[1].rst || (f->side[0].fin && f->side[1].fin) || (!f->midstream && f->side[1].packets == 0);
  if (pass == 1) return e->now - f->last_seen >= q;
  return 1;
}

/** flows.ts shed(): closed and never-answered flows first, then the quietest, down to 90 % of the cap */
static void shed_flows(engine_t *e, int32_t keep) {
  // doubles as in flows.ts: a cap of 4.5 sheds at 5 live flows down to 4
  double target = floor(e->max_live * 0.9);
  // the passes: one, then one per quietness (idle, idle/4, ... while above 1 ms: as many as that takes), then all.
  // An infinite idle time has endless passes in flows.ts (none ends a flow): here it has one.
  double q = e->idle;
  for (int pass = 0; pass < 3;) {
    for (int32_t g = e->ghead; g >= 0;) {
      int32_t gnext = e->groups[g].next;
      for (int32_t s = e->groups[g].head; s >= 0;) {
        int32_t snext = e->fnext[s];
        if ((double)e->live <= target) return;
        if (s != keep && shed_drop(e, &e->rec[s], pass, q)) {
          e->shed++;
          end_flow(e, s, REASON_IDLE);
        }
        s = snext;
      }
      g = gnext;
    }
    if (pass == 0) pass = q > 0.001 ? 1 : 2;
    else if (pass == 1) {
      q = isinf(q) ? 0 : q / 4;
      if (!(q > 0.001)) pass = 2;
    } else pass = 3;
  }
}

static void sweep(engine_t *e) {
  e->last_sweep = e->now;
  e->since_sweep = 0;
  for (int32_t g = e->ghead; g >= 0;) {
    int32_t gnext = e->groups[g].next;
    for (int32_t s = e->groups[g].head; s >= 0;) {
      int32_t snext = e->fnext[s];
      const flow_t *f = &e->rec[s];
      double quiet = e->now - f->last_seen;
      const side_t *c = &f->side[0], *sv = &f->side[1];
      if (c->rst || sv->rst || (c->fin && sv->fin)) {
        if (quiet >= e->closed_quiet) {
          e->evicted++;
          end_flow(e, s, REASON_CLOSED);
        }
      } else if ((!f->midstream && sv->packets == 0) ? quiet >= e->handshake_quiet : quiet >= e->idle) {
        e->evicted++;
        end_flow(e, s, REASON_IDLE);
      }
      s = snext;
    }
    g = gnext;
  }
}

static inline int is_pure_ack(const seg_t *g) { return g->len == 0 && (g->flags & (SYN | FIN | RST | ACK)) == ACK; }

/** flows.ts judgeMidstream */
static void judge_midstream(int dir, side_t *me, side_t *peer, const seg_t *g, double ts, info_t *in) {
  if (!peer->seq_known && (g->flags & ACK)) {
    if (peer->unjudged) {
      if (g->ack == u32(peer->unjudged_seq) + 1u) {
        in->late = 1;
        in->late_dir = dir ^ 1;
        in->late_ts = peer->unjudged_ts;
        in->late_answered = 1;
      }
      if (in->late || (double)g->ack == peer->unjudged_seq) peer->unjudged = 0;
    }
    if (((int)peer->has & 2) && !after(u32(peer->next), g->ack)) {
      peer->next = g->ack;
      peer->seq_known = 1;
    }
  }
  if (me->unjudged && is_pure_ack(g) && (double)g->seq == me->unjudged_seq && ((int)me->has & 4) && (double)g->ack == me->ack &&
      ts - me->unjudged_ts >= MIN_PROBE_GAP && !(peer->packets > 0 && peer->last_seen >= me->unjudged_ts)) {
    in->late = 1;
    in->late_dir = dir;
    in->late_ts = me->unjudged_ts;
    in->late_answered = 0;
    me->next = (uint32_t)(g->seq + 1u);
    me->has = (double)((int)me->has | 2);
    me->seq_known = 1;
    me->unjudged = 0;
  }
}

/** flows.ts learnSeq */
static void learn_seq(side_t *me, const seg_t *g, double ts, int keepalive) {
  if (g->len > 0 || (g->flags & SYN)) {
    me->seq_known = 1;
    me->unjudged = 0;
  } else if (!keepalive && !me->unjudged && is_pure_ack(g)) {
    me->unjudged = 1;
    me->unjudged_seq = g->seq;
    me->unjudged_ts = ts;
  }
}

/** flows.ts update() */
static void update(engine_t *e, flow_t *flow, int dir, const seg_t *g, info_t *in) {
  double ts = e->ts;
  side_t *me = &flow->side[dir], *peer = &flow->side[dir ^ 1];
  uint32_t f = g->flags, len = g->len;
  int control = (f & (SYN | FIN | RST)) != 0;
  in->late = in->late_dir = in->late_answered = 0;
  in->late_ts = 0;
  if (flow->guessing) judge_midstream(dir, me, peer, g, e->ts, in);
  int has_next = ((int)me->has & 2) != 0;
  double next = me->next;
  int peer_shut = peer->packets > 0 && peer->window == 0;
  int keepalive = !control && len <= 1 && has_next && g->seq == u32(next) - 1u && !peer_shut;
  int keepalive_ack = !control && len == 0 && (f & ACK) != 0 && (peer->probe_out || (in->late && in->late_answered));
  int retransmission = !keepalive && len > 0 && has_next && !after(g->seq + len, u32(next));
  if (keepalive) me->probe_out = 1;
  else if (len > 0 || control) me->probe_out = 0;
  if (keepalive_ack || control) peer->probe_out = 0;
  if (f & SYN) {
    me->syn = 1;
    if (!((int)me->has & 1)) {
      me->isn = g->seq;
      me->has = (double)((int)me->has | 1);
    }
  }
  if (f & FIN) me->fin = 1;
  if (f & RST) me->rst = 1;
  if (!(f & RST)) {
    uint32_t end = g->seq + len + (f & SYN ? 1u : 0u) + (f & FIN ? 1u : 0u);
    if (!has_next || after(end, u32(next))) {
      me->next = end;
      me->has = (double)((int)me->has | 2);
    }
  }
  if (flow->guessing) {
    if (!me->seq_known) learn_seq(me, g, e->ts, keepalive);
    flow->guessing = !me->seq_known || !peer->seq_known || me->unjudged || peer->unjudged;
  }
  if (f & ACK) {
    me->ack = g->ack;
    me->has = (double)((int)me->has | 4);
  }
  me->window = g->window;
  me->packets++;
  me->payload_bytes += len;
  me->last_seen = ts;
  flow->packets++;
  if (ts > flow->last_seen) flow->last_seen = ts;
  in->dir = dir;
  in->keepalive = keepalive;
  in->keepalive_ack = keepalive_ack;
  in->retransmission = retransmission;
}

// ---- the analyses' per-segment parts

/** closes.ts segment() */
static void closes_segment(flow_t *fl, const seg_t *g, const info_t *in) {
  double i = fl->index++;
  int dir = in->dir;
  if (dir == 0 && (g->flags & (SYN | ACK)) == SYN) fl->syns++;
  if ((g->flags & FIN) && fl->fin_by < 0) fl->fin_by = dir;
  if (g->flags & RST) {
    if (fl->rst_by < 0) {
      fl->rst_by = dir;
      const side_t *me = &fl->side[dir], *peer = &fl->side[dir ^ 1];
      int peer_spoke = fl->last_data[dir ^ 1] > fl->last_data[dir];
      int acked = ((int)me->has & 4) && ((int)peer->has & 2) && !after(u32(peer->next), u32(me->ack));
      fl->unanswered = peer_spoke && acked;
    }
  } else if (g->len > 0 && !in->keepalive) fl->last_data[dir] = i;
}

/** keepalive.ts segment() reads RSTs, probes and their answers: those go to it as events */
static void keepalive_segment(engine_t *e, int32_t s, const seg_t *g, const info_t *in) {
  if (!((g->flags & RST) || in->late || in->keepalive || in->keepalive_ack)) return;
  double bits = in->dir | in->keepalive << 1 | in->keepalive_ack << 2 | in->late << 3 | in->late_dir << 4 | in->late_answered << 5 | (int)g->flags << 8;
  emit(e, EV_KEEPALIVE, s, g->ts, bits, in->late ? in->late_ts : 0);
}

/** heartbeat.ts segment(): a message's start goes to it as an event, with the byte count it flushes */
static void heartbeat_segment(engine_t *e, int32_t s, flow_t *fl, const seg_t *g, const info_t *in) {
  if (g->len == 0 || in->keepalive || in->retransmission) return;
  int dir = in->dir;
  fl->hb_sides = 1;
  if (g->ts - fl->hb_last[dir] > BURST_GAP) {
    emit(e, EV_MESSAGE, s, g->ts, dir, fl->hb_current[dir]);
    fl->hb_current[dir] = 0;
  }
  fl->hb_current[dir] += g->len;
  fl->hb_last[dir] = g->ts;
}

// congestion.ts, on the same layout (C_ offsets, flow-engine.h): anySegment and its helpers

static void rtt_sample(engine_t *e, int32_t s, double *F, int c, int peer, int peer_dir) {
  F[peer + C_TIMING] = 0;
  double sample = F[c + C_TS] - F[peer + C_TIMED_TS];
  if (sample < 0) return;
  emit(e, EV_RTT, s, peer_dir, ms_of(sample), 0);
  if (F[peer + C_RTT_MIN] < 0 || sample < F[peer + C_RTT_MIN]) F[peer + C_RTT_MIN] = sample;
}

static void sync_next(double *F, int side, const side_t *t) {
  if (!((int)t->has & 2)) return;
  F[side + C_HI] = t->next;
  F[side + C_HI_KNOWN] = 1;
}

static void handshake_syn(double *F, int c, int dir, const seg_t *g) {
  double ts = F[c + C_TS];
  F[c + dir * C_SIDE + C_WS_OPTION] = g->wscale;
  if (dir == 0 && !(g->flags & ACK)) {
    if (F[c + C_SYNS]++ == 0) F[c + C_SYN_TS] = ts;
  } else if (dir == 1 && (g->flags & ACK)) {
    if (F[c + C_SYN_ACKS]++ == 0) {
      F[c + C_SYN_ACK_TS] = ts;
      F[c + C_SYN_ACK_SEQ] = g->seq;
    }
    if (F[c + C_SYNS] > 0) {
      int both = F[c + C_WS_OPTION] >= 0 && F[c + C_SIDE + C_WS_OPTION] >= 0;
      // `1 << x` shifts by x & 31, as an int32
      F[c + C_SCALE] = both ? (double)(int32_t)(1u << (js_int32(F[c + C_WS_OPTION]) & 31)) : 1;
      F[c + C_SCALE + 1] = both ? (double)(int32_t)(1u << (js_int32(F[c + C_SIDE + C_WS_OPTION]) & 31)) : 1;
      F[c + C_SCALE_KNOWN] = 1;
    }
  }
}

static void resent(double *F, int c, int me, const side_t *tpeer, const seg_t *g) {
  double ts = F[c + C_TS];
  double len = g->len, seq = g->seq;
  double end = (uint32_t)(g->seq + g->len);
  F[me + C_DATA]++;
  F[me + C_BYTES] += len;
  double rtts = F[me + C_RTT_MIN];
  int in_hole = F[me + C_HOLE] != 0 && !after(u32(F[me + C_HOLE_START]), g->seq) && after(u32(F[me + C_HOLE_END]), g->seq);
  if (in_hole) {
    if (seq == F[me + C_HOLE_START]) F[me + C_HOLE_START] = end;
    if (!after(u32(F[me + C_HOLE_END]), u32(F[me + C_HOLE_START]))) F[me + C_HOLE] = 0;
  }
  if (in_hole && ts - F[me + C_HOLE_TS] < js_max(REORDER_SECONDS, rtts / 2)) {
    F[me + C_OOO]++;
    return;
  }
  F[me + C_RETRANS]++;
  F[me + C_RETRANS_BYTES] += len;
  double dup_run = F[me + C_DUP_RUN];
  if (((int)tpeer->has & 4) && !after((uint32_t)end, u32(tpeer->ack))) {
    F[me + C_SPURIOUS]++;
    F[me + C_SPURIOUS_BYTES] += len;
  } else if (dup_run >= 3 || (dup_run > 0 && ts - F[me + C_LAST_DUP_TS] <= js_max(0.01, 2 * (rtts >= 0 ? rtts : RTO_MIN))))
    F[me + C_FAST]++;
  else if (F[me + C_LAST_TS] >= 0 && ts - F[me + C_LAST_TS] >= RTO_MIN)
    F[me + C_TIMEOUT]++;
  if (F[me + C_TIMING] != 0 && after(u32(F[me + C_TIMED_END]), g->seq)) F[me + C_TIMING] = 0;
}

static void new_data(double *F, int c, int me, int peer, const side_t *tpeer, const seg_t *g) {
  double ts = F[c + C_TS];
  int acked = ((int)tpeer->has & 4) != 0;
  double len = g->len, seq = g->seq;
  double end = (uint32_t)(g->seq + g->len);
  F[me + C_DATA]++;
  F[me + C_BYTES] += len;
  if (F[me + C_HI_KNOWN] != 0) {
    double hi = F[me + C_HI];
    if (after(g->seq, u32(hi))) {
      F[me + C_HOLE] = 1;
      F[me + C_HOLE_START] = hi;
      F[me + C_HOLE_END] = seq;
      F[me + C_HOLE_TS] = ts;
    }
    if (F[me + C_LAST_DATA_TS] >= 0 && acked && tpeer->ack == hi) {
      double gap = ts - F[me + C_LAST_DATA_TS];
      if (gap >= js_max(RTO_MIN, 2 * F[me + C_RTT_MIN])) {
        F[me + C_IDLE_GAPS]++;
        F[me + C_IDLE_SECONDS] += gap;
      }
    }
  }
  if (F[me + C_TIMING] == 0) {
    F[me + C_TIMING] = 1;
    F[me + C_TIMED_END] = end;
    F[me + C_TIMED_TS] = ts;
  }
  double rwnd = F[peer + C_RWND];
  if (F[c + C_SCALE_KNOWN] != 0 && acked && rwnd > 0) {
    double in_flight = (uint32_t)((uint32_t)end - u32(tpeer->ack));
    if (in_flight < 0x40000000 && in_flight >= rwnd) F[me + C_WINDOW_FULL]++;
  }
}

/** congestion.ts anySegment */
static void congestion_any(engine_t *e, int32_t s, flow_t *fl, const seg_t *g, const info_t *in) {
  double *F = fl->cong;
  const int c = 0;
  int dir = in->dir;
  int me = dir * C_SIDE, peer = (dir ^ 1) * C_SIDE;
  const side_t *tme = &fl->side[dir], *tpeer = &fl->side[dir ^ 1];
  uint32_t f = g->flags;
  double len = g->len;
  double ts = isnan(g->ts) ? fl->last_seen : g->ts;
  F[c + C_TS] = ts;
  if (f & SYN) handshake_syn(F, c, dir, g);
  else if (dir == 0 && F[c + C_HANDSHAKE_DONE] == 0 && F[c + C_SYN_ACKS] > 0 && (f & ACK)) {
    F[c + C_HANDSHAKE_DONE] = 1;
    if (F[c + C_SYNS] == 1 && F[c + C_SYN_ACKS] == 1 && g->ack == u32(F[c + C_SYN_ACK_SEQ]) + 1u) {
      F[c + C_HANDSHAKE] = 1;
      F[c + C_SYN_TO_SYN_ACK] = ms_of(F[c + C_SYN_ACK_TS] - F[c + C_SYN_TS]);
      F[c + C_SYN_ACK_TO_ACK] = ms_of(ts - F[c + C_SYN_ACK_TS]);
    }
  }
  if ((f & ACK) && !(f & RST)) {
    double ack = g->ack;
    if (F[peer + C_TIMING] != 0 && !after(u32(F[peer + C_TIMED_END]), g->ack)) rtt_sample(e, s, F, c, peer, dir ^ 1);
    int pure = len == 0 && !(f & (SYN | FIN));
    if (pure && F[me + C_ACK_KNOWN] != 0 && ack == F[me + C_ACK_PREV] && g->window != 0 && !in->keepalive_ack && ((int)tpeer->has & 2) && after(u32(tpeer->next), g->ack)) {
      if (g->window == F[me + C_WIN_PREV]) F[me + C_DUP_ACKS_SENT]++;
      F[peer + C_DUP_RUN]++;
      F[peer + C_LAST_DUP_TS] = ts;
    } else if (F[me + C_ACK_KNOWN] == 0 || after(g->ack, u32(F[me + C_ACK_PREV])))
      F[peer + C_DUP_RUN] = 0;
    F[me + C_ACK_PREV] = ack;
    F[me + C_WIN_PREV] = g->window;
    F[me + C_ACK_KNOWN] = 1;
  }
  if (!(f & RST)) {
    if (g->window == 0 && !(f & SYN)) {
      if (F[me + C_ZW_START] < 0) {
        F[me + C_ZW_START] = ts;
        F[me + C_ZW_COUNT]++;
      }
    } else if (F[me + C_ZW_START] >= 0) {
      F[me + C_ZW_SECONDS] += ts - F[me + C_ZW_START];
      F[me + C_ZW_START] = -1;
    }
    F[me + C_RWND] = (f & SYN) ? g->window : F[c + C_SCALE_KNOWN] != 0 ? g->window * F[c + C_SCALE + dir] : -1;
  }
  if (len > 0 && !in->keepalive) {
    if (in->retransmission) resent(F, c, me, tpeer, g);
    else new_data(F, c, me, peer, tpeer, g);
    F[me + C_LAST_DATA_TS] = ts;
  }
  F[me + C_LAST_TS] = ts;
  if (len > 0 || (f & (SYN | FIN)) || F[c + C_SETTLED] == 0) {
    sync_next(F, me, tme);
    sync_next(F, peer, tpeer);
    F[c + C_SETTLED] = fl->guessing ? 0 : 1;
  }
  F[c + C_COMMON] = F[c + C_SETTLED] != 0 && (F[c + C_HANDSHAKE_DONE] != 0 || F[c + C_SYN_ACKS] == 0) ? 1 : 0;
}

/**
 * congestion.ts onSegment's short sequence: an ACK without SYN, FIN or RST, not a keepalive probe, its answer or a
 * retransmission, on a settled flow (COMMON) outside a zero window, with a window and its time
 */
static inline void congestion_common(engine_t *e, int32_t s, flow_t *fl, int dir, const seg_t *g, double ts) {
  double *F = fl->cong;
  const int c = 0;
  int me = dir * C_SIDE;
  double window = g->window;
  int peer = (dir ^ 1) * C_SIDE;
  const side_t *tpeer = &fl->side[dir ^ 1];
  F[c + C_TS] = ts;
  uint32_t ack = g->ack;
  if (F[peer + C_TIMING] != 0 && !after(u32(F[peer + C_TIMED_END]), ack)) rtt_sample(e, s, F, c, peer, dir ^ 1);
  double ack_prev = F[me + C_ACK_PREV];
  if (g->len == 0 && (double)ack == ack_prev && F[me + C_ACK_KNOWN] != 0 && ((int)tpeer->has & 2) && after(u32(tpeer->next), ack)) {
    if (window == F[me + C_WIN_PREV]) F[me + C_DUP_ACKS_SENT]++;
    F[peer + C_DUP_RUN]++;
    F[peer + C_LAST_DUP_TS] = ts;
  } else if (F[me + C_ACK_KNOWN] == 0 || after(ack, u32(ack_prev)))
    F[peer + C_DUP_RUN] = 0;
  F[me + C_ACK_PREV] = ack;
  F[me + C_WIN_PREV] = window;
  F[me + C_ACK_KNOWN] = 1;
  F[me + C_RWND] = F[c + C_SCALE_KNOWN] != 0 ? window * F[c + C_SCALE + dir] : -1;
  F[me + C_LAST_TS] = ts;
  if (g->len > 0) {
    new_data(F, c, me, peer, tpeer, g);
    F[me + C_LAST_DATA_TS] = ts;
    // settled stays so: the tracker never guesses again. sync_next on this side: update() has just set its next to
    // the segment's end (a data segment that is neither a probe nor a retransmission, without RST, moves it there)
    F[me + C_HI] = (uint32_t)(g->seq + g->len);
    F[me + C_HI_KNOWN] = 1;
    sync_next(F, peer, tpeer);
  }
}

/** congestion.ts onSegment: the common case in one short sequence, every other segment through congestion_any */
static void congestion_segment(engine_t *e, int32_t s, flow_t *fl, const seg_t *g, const info_t *in) {
  double *F = fl->cong;
  int me = in->dir * C_SIDE;
  if ((g->flags & (SYN | FIN | RST | ACK)) != ACK || F[C_COMMON] == 0 || g->window == 0 || F[me + C_ZW_START] >= 0 || in->keepalive || in->keepalive_ack || in->retransmission) {
    congestion_any(e, s, fl, g, in);
    return;
  }
  congestion_common(e, s, fl, in->dir, g, isnan(g->ts) ? fl->last_seen : g->ts);
}

#define PART_ALL (PART_HEARTBEAT | PART_KEEPALIVE | PART_CLOSES | PART_CONGESTION)

/**
 * common_segment's conditions on the flow, which only the general path changes (common_segment leaves guessing,
 * COMMON, the zero windows and each side's next known as they are): every analysis attached, the tracker no longer
 * guessing, congestion.ts settled and neither side in a zero window, both sides' next known
 */
static inline int settled_flow(const engine_t *e, const flow_t *fl) {
  const double *F = fl->cong;
  return e->parts == PART_ALL && fl->guessing == 0 && F[C_COMMON] != 0 && F[C_ZW_START] < 0 && F[C_SIDE + C_ZW_START] < 0 &&
         ((int)fl->side[0].has & 2) && ((int)fl->side[1].has & 2);
}

/**
 * Most segments of a capture in one pass: an ACK without SYN, FIN or RST, with its time and a window, on a settled
 * flow (settled_flow, cached in e->settled), that is neither a keepalive probe (nor at next - 1 with at most a
 * byte), its answer nor a retransmission: congestion.ts takes its short sequence for it. There update() and the
 * analyses' segment() reduce to what is below (no late probe, no keepalive event, none of closes.ts's flag cases),
 * in their order. 0, nothing changed, for any other segment: update() and the observers take it.
 */
static inline int common_segment(engine_t *e, int32_t s, flow_t *fl, int dir, const seg_t *g) {
  side_t *me = &fl->side[dir], *peer = &fl->side[dir ^ 1];
  uint32_t len = g->len, seq = g->seq;
  double ts = g->ts;
  if ((g->flags & (SYN | FIN | RST | ACK)) != ACK || !e->settled[s] || isnan(ts) || g->window == 0) return 0;
  uint32_t next = u32(me->next);
  if ((len <= 1 && seq == next - 1u) || (len > 0 && !after(seq + len, next)) || (len == 0 && peer->probe_out != 0)) return 0;
  // update(): next known (has & 2 stays), the ACK's bit (has | 4, the same double when set)
  if (len > 0) me->probe_out = 0;
  uint32_t end = seq + len;
  if (after(end, next)) me->next = end;
  me->ack = g->ack;
  if (!((int)me->has & 4)) me->has = (double)((int)me->has | 4);
  me->window = g->window;
  me->packets++;
  me->payload_bytes += len;
  me->last_seen = ts;
  fl->packets++;
  if (ts > fl->last_seen) fl->last_seen = ts;
  // heartbeat.ts, keepalive.ts (nothing: no RST, probe or answer), closes.ts, congestion.ts
  double i = fl->index++;
  if (len > 0) {
    fl->hb_sides = 1;
    if (ts - fl->hb_last[dir] > BURST_GAP) {
      emit(e, EV_MESSAGE, s, ts, dir, fl->hb_current[dir]);
      fl->hb_current[dir] = 0;
    }
    fl->hb_current[dir] += len;
    fl->hb_last[dir] = ts;
    fl->last_data[dir] = i;
  }
  congestion_common(e, s, fl, dir, g, ts);
  return 1;
}

/** flows.ts segment(), then the observers in registration order (analyses/index.ts ANALYSES) */
static int track_segment(engine_t *e, const seg_t *g) {
  e->segments++;
  if (g->ts > e->now) e->now = g->ts;
  e->ts = isnan(g->ts) ? e->now : g->ts;
  uint64_t a = g->a, b = g->b;
  int a_first = g->sport < g->dport || (g->sport == g->dport && a < b);
  uint64_t lo = a_first ? a : b, hi = a_first ? b : a;
  int32_t s = e->last >= 0 && e->keys[e->last].lo == lo && e->keys[e->last].hi == hi ? e->last : find_flow(e, lo, hi);
  if (s >= 0 && (g->flags & (SYN | ACK)) == SYN) {
    const flow_t *f = &e->rec[s];
    int dir = e->keys[s].client == a ? 0 : 1;
    if (dir == 1 || !((int)f->side[dir].has & 1) || f->side[dir].isn != g->seq) {
      end_flow(e, s, REASON_REUSED);
      s = -1;
    }
  }
  if (s < 0) {
    int greater = e->order > 0;
    s = open_flow(e, lo, hi, g, e->ts, greater);
    if (s < 0) return 0;
    if ((double)e->live > e->max_live) shed_flows(e, s);
  }
  e->last = s;
  flow_t *fl = &e->rec[s];
  int dir = e->keys[s].client == a ? 0 : 1;
  if (!common_segment(e, s, fl, dir, g)) {
    info_t in;
    update(e, fl, dir, g, &in);
    if (e->parts & PART_HEARTBEAT) heartbeat_segment(e, s, fl, g, &in);
    if (e->parts & PART_KEEPALIVE) keepalive_segment(e, s, g, &in);
    if (e->parts & PART_CLOSES) closes_segment(fl, g, &in);
    if (e->parts & PART_CONGESTION) congestion_segment(e, s, fl, g, &in);
    e->settled[s] = (uint8_t)settled_flow(e, fl);
  }
  if (++e->since_sweep >= e->live && e->now - e->last_sweep >= 1) sweep(e);
  return 1;
}

static void v4_text(double id, char *out) {
  uint32_t v = (uint32_t)id;
  sprintf(out, "%u.%u.%u.%u", v >> 24, (v >> 16) & 255, (v >> 8) & 255, v & 255);
}

/**
 * Whether the segment would open a flow whose roles the addresses' text decides (same ports, no handshake: flows.ts
 * compares seg.src > seg.dst): 1 with `*greater` for IPv4 (written out here), 2 when the caller must say (IPv6)
 */
static int needs_order(engine_t *e, const seg_t *g, int *greater) {
  uint32_t syn_ack = g->flags & (SYN | ACK);
  if (g->sport != g->dport || syn_ack == SYN || syn_ack == (SYN | ACK)) return 0;
  uint64_t lo = g->a < g->b ? g->a : g->b, hi = g->a < g->b ? g->b : g->a;
  if (find_flow(e, lo, hi) >= 0) return 0;
  if (g->src < 4294967296.0 && g->dst < 4294967296.0) {
    char x[16], y[16];
    v4_text(g->src, x);
    v4_text(g->dst, y);
    *greater = strcmp(x, y) > 0;
    return 1;
  }
  return 2;
}

// ---- Node-API

/** the job's buffers let go (after its thread is joined) */
static void release_job(napi_env env, engine_t *e) {
  for (int k = 0; k < 5; k++) {
    if (e->job.refs[k]) napi_delete_reference(env, e->job.refs[k]);
    e->job.refs[k] = NULL;
  }
}

static void engine_free(napi_env env, void *data, void *hint) {
  (void)hint;
  engine_t *e = data;
  if (e->job.running) {
    pthread_join(e->job.thread, NULL);
    release_job(env, e);
  }
  free(e->fprev);
  free(e->fnext);
  free(e->fhnext);
  free(e->fgroup);
  free(e->keys);
  free(e->settled);
  free(e->free_list);
  free(e->pending);
  free(e->pending_old);
  free(e->fheads);
  free(e->groups);
  free(e->gfree);
  free(e->gheads);
  free(e);
}

#define CHECK(call) \
  if ((call) != napi_ok) return NULL

/** createEngine(closedQuietSeconds, handshakeQuietSeconds, idleSeconds, maxLiveFlows, parts) → engine */
static napi_value create_engine(napi_env env, napi_callback_info info) {
  size_t argc = 5;
  napi_value argv[5];
  CHECK(napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  if (argc < 5) {
    napi_throw_type_error(env, NULL, "createEngine: 5 arguments");
    return NULL;
  }
  engine_t *e = calloc(1, sizeof *e);
  if (!e) {
    napi_throw_error(env, NULL, "createEngine: out of memory");
    return NULL;
  }
  int32_t parts;
  napi_get_value_double(env, argv[0], &e->closed_quiet);
  napi_get_value_double(env, argv[1], &e->handshake_quiet);
  napi_get_value_double(env, argv[2], &e->idle);
  napi_get_value_double(env, argv[3], &e->max_live);
  napi_get_value_int32(env, argv[4], &parts);
  e->parts = parts;
  e->next_id = 1;
  e->ghead = e->gtail = -1;
  e->order = -1;
  e->last = -1;
  if (!rehash_flows(e, 1024) || !rehash_groups(e, 1024)) {
    engine_free(env, e, NULL);
    napi_throw_error(env, NULL, "createEngine: out of memory");
    return NULL;
  }
  napi_value ext;
  if (napi_create_external(env, e, engine_free, NULL, &ext) != napi_ok) {
    engine_free(env, e, NULL);
    return NULL;
  }
  return ext;
}

/** the engine, its records and events from arguments 0, 1, 2; the closed slots freed (the caller has read them) */
static engine_t *call_buffers(napi_env env, napi_value *argv, double **out) {
  engine_t *e;
  void *rdata, *edata, *odata;
  size_t rlen, elen, olen, offset;
  napi_typedarray_type type;
  napi_value ab;
  if (napi_get_value_external(env, argv[0], (void **)&e) != napi_ok) return NULL;
  if (napi_get_arraybuffer_info(env, argv[1], &rdata, &rlen) != napi_ok) return NULL;
  if (napi_get_typedarray_info(env, argv[2], &type, &elen, &edata, &ab, &offset) != napi_ok || type != napi_float64_array) return NULL;
  if (napi_get_typedarray_info(env, argv[3], &type, &olen, &odata, &ab, &offset) != napi_ok || type != napi_float64_array || olen < OUT_FIELDS) return NULL;
  int32_t cap = (int32_t)(rlen / sizeof(flow_t));
  if (cap < e->used || !ensure_capacity(e, cap)) return NULL;
  e->rec = rdata;
  e->ev = edata;
  e->evcap = (int64_t)(elen / EVENT_SIZE);
  e->nev = 0;
  for (int32_t k = 0; k < e->npending_old; k++) e->free_list[e->nfree++] = e->pending_old[k];
  int32_t *t = e->pending_old;
  e->pending_old = e->pending;
  e->npending_old = e->npending;
  e->pending = t;
  e->npending = 0;
  *out = odata;
  return e;
}

static napi_value finish_call(napi_env env, engine_t *e, double *out, int status, double next) {
  out[0] = (double)e->nev;
  out[1] = status;
  out[2] = e->segments;
  out[3] = e->flows;
  out[4] = e->peak;
  out[5] = e->evicted;
  out[6] = e->shed;
  out[7] = (double)e->live;
  out[8] = (double)e->used;
  napi_value r;
  CHECK(napi_create_double(env, next, &r));
  return r;
}

/** The job's segments [from, to): its status and the next slot (a status but DONE stops before that slot). */
static void run_job(engine_t *e) {
  batch_t *b = &e->job.b;
  const double *ids = e->job.ids;
  double *out = e->job.out;
  uint32_t from = e->job.from, to = e->job.to, i = from;
  int32_t order = e->job.order;
  e->job.status = STATUS_DONE;
  for (; i < to; i++) {
    uint8_t kind = b->kind[i];
    if (kind == 0) continue;
    if (e->nev + 2 * e->live + 16 > e->evcap) {
      e->job.status = STATUS_NEED_EVENTS;
      break;
    }
    if (e->nfree == 0 && e->used >= e->cap) {
      e->job.status = STATUS_NEED_ROOM;
      break;
    }
    seg_t g;
    g.ts = b->ts[i];
    g.sport = b->sport[i];
    g.dport = b->dport[i];
    if (kind == 4) {
      uint32_t src = b->src[i], dst = b->dst[i];
      g.src = src;
      g.dst = dst;
      g.a = (uint64_t)src << 16 | g.sport;
      g.b = (uint64_t)dst << 16 | g.dport;
    } else {
      // the ids are integers below 2^37 (IPv4's, then IPv6's interned from 2^32): the double sum is exact
      g.src = ids[2 * i];
      g.dst = ids[2 * i + 1];
      g.a = (uint64_t)(g.src * 65536 + g.sport);
      g.b = (uint64_t)(g.dst * 65536 + g.dport);
    }
    g.seq = b->seq[i];
    g.ack = b->ack[i];
    g.len = b->len[i];
    g.window = b->window[i];
    g.flags = b->flags[i];
    g.wscale = b->wscale[i];
    e->order = -1;
    int greater = 0;
    int need = needs_order(e, &g, &greater);
    if (need == 1) e->order = greater;
    else if (need == 2) {
      if (i != from || order < 0) {
        out[9] = g.src;
        out[10] = g.dst;
        e->job.status = STATUS_NEED_ORDER;
        break;
      }
      e->order = order;
    }
    order = -1;
    if (!track_segment(e, &g)) {
      e->job.status = STATUS_OUT_OF_MEMORY;
      break;
    }
  }
  e->job.next = i;
}

static void *run_job_thread(void *arg) {
  run_job(arg);
  return NULL;
}

/** track's and trackAsync's arguments into the engine's job; NULL (an exception pending) when they are wrong */
static engine_t *job_of(napi_env env, napi_callback_info info, napi_value *argv) {
  size_t argc = 10;
  if (napi_get_cb_info(env, info, &argc, argv, NULL, NULL) != napi_ok) return NULL;
  engine_t *e0;
  if (argc >= 1 && napi_get_value_external(env, argv[0], (void **)&e0) == napi_ok && e0->job.running) {
    napi_throw_error(env, NULL, "track: a call is in flight (join it first)");
    return NULL;
  }
  double *out;
  engine_t *e = argc >= 10 ? call_buffers(env, argv, &out) : NULL;
  void *bdata, *idata;
  size_t blen, ilen, offset;
  uint32_t slots, from, to;
  int32_t order;
  napi_typedarray_type type;
  napi_value ab;
  if (!e || napi_get_arraybuffer_info(env, argv[4], &bdata, &blen) != napi_ok || napi_get_value_uint32(env, argv[5], &slots) != napi_ok ||
      napi_get_value_uint32(env, argv[6], &from) != napi_ok || napi_get_value_uint32(env, argv[7], &to) != napi_ok ||
      napi_get_typedarray_info(env, argv[8], &type, &ilen, &idata, &ab, &offset) != napi_ok || type != napi_float64_array ||
      napi_get_value_int32(env, argv[9], &order) != napi_ok || blen < (size_t)slots * BYTES_PER_SLOT || to > slots || from > to || ilen < 2 * (size_t)slots) {
    napi_throw_range_error(env, NULL, "track: bad arguments");
    return NULL;
  }
  batch_at(&e->job.b, bdata, slots);
  e->job.ids = idata;
  e->job.out = out;
  e->job.from = from;
  e->job.to = to;
  e->job.order = order;
  return e;
}

static napi_value job_done(napi_env env, engine_t *e) {
  if (e->job.status == STATUS_OUT_OF_MEMORY) {
    napi_throw_error(env, NULL, "track: out of memory");
    return NULL;
  }
  return finish_call(env, e, e->job.out, e->job.status, e->job.next);
}

/**
 * track(engine, records: ArrayBuffer, events: Float64Array, out: Float64Array, batch: ArrayBuffer, slots, from,
 * to, ids: Float64Array, order) → the next slot
 * Tracks the batch's segments [from, to): kind 4 with its IPv4 addresses in src/dst, any other non-zero kind with
 * its address ids in ids[2i], ids[2i + 1]; kind 0 is skipped (not a segment). Stops early, before a segment, with
 * out[1] = NEED_ROOM (no free record), NEED_EVENTS (the events may not hold what the segment can make) or
 * NEED_ORDER (its flow's roles depend on the addresses' text: the caller calls again with `order` 1 when the
 * source's text is the greater, else 0).
 */
static napi_value track(napi_env env, napi_callback_info info) {
  napi_value argv[10];
  engine_t *e = job_of(env, info, argv);
  if (!e) return NULL;
  run_job(e);
  return job_done(env, e);
}

/**
 * trackAsync(the same arguments): the same on a thread of its own, while the caller reads the last call's events;
 * join(engine) waits for it and returns what track would. Until then the caller leaves the engine, the batch, ids,
 * records, events and out alone (it reads only the last call's events and the records they name).
 */
static napi_value track_async(napi_env env, napi_callback_info info) {
  napi_value argv[10];
  engine_t *e = job_of(env, info, argv);
  if (!e) return NULL;
  const int held[5] = {1, 2, 3, 4, 8};
  for (int k = 0; k < 5; k++)
    if (napi_create_reference(env, argv[held[k]], 1, &e->job.refs[k]) != napi_ok) e->job.refs[k] = NULL;
  if (pthread_create(&e->job.thread, NULL, run_job_thread, e) != 0) {
    run_job(e);
    release_job(env, e);
  } else
    e->job.running = 1;
  napi_value undefined;
  CHECK(napi_get_undefined(env, &undefined));
  return undefined;
}

static napi_value join(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value argv[1];
  CHECK(napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  engine_t *e;
  if (argc < 1 || napi_get_value_external(env, argv[0], (void **)&e) != napi_ok) {
    napi_throw_type_error(env, NULL, "join: an engine");
    return NULL;
  }
  if (e->job.running) {
    pthread_join(e->job.thread, NULL);
    e->job.running = 0;
    release_job(env, e);
  }
  return job_done(env, e);
}

/** finish(engine, records, events, out): every live flow closed with reason 'end', in the Map's order */
static napi_value finish(napi_env env, napi_callback_info info) {
  size_t argc = 4;
  napi_value argv[4];
  CHECK(napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  double *out;
  engine_t *e0;
  if (argc >= 1 && napi_get_value_external(env, argv[0], (void **)&e0) == napi_ok && e0->job.running) {
    napi_throw_error(env, NULL, "finish: a call is in flight (join it first)");
    return NULL;
  }
  engine_t *e = argc >= 4 ? call_buffers(env, argv, &out) : NULL;
  if (!e || e->evcap < e->live) {
    napi_throw_range_error(env, NULL, "finish: bad arguments");
    return NULL;
  }
  for (int32_t g = e->ghead; g >= 0;) {
    int32_t gnext = e->groups[g].next;
    for (int32_t s = e->groups[g].head; s >= 0;) {
      int32_t snext = e->fnext[s];
      end_flow(e, s, REASON_END);
      s = snext;
    }
    g = gnext;
  }
  return finish_call(env, e, out, STATUS_DONE, 0);
}

static int set_u32(napi_env env, napi_value obj, const char *name, uint32_t v) {
  napi_value x;
  return napi_create_uint32(env, v, &x) == napi_ok && napi_set_named_property(env, obj, name, x) == napi_ok;
}

#define FIELD(name, member) ok = ok && set_u32(env, layout, name, (uint32_t)(offsetof(flow_t, member) / sizeof(double)))

/** the engine's functions and its record layout (offsets in doubles) on `exports` */
int flow_engine_init(napi_env env, napi_value exports) {
  napi_value fn, layout;
  if (napi_create_function(env, "createEngine", NAPI_AUTO_LENGTH, create_engine, NULL, &fn) != napi_ok || napi_set_named_property(env, exports, "createEngine", fn) != napi_ok) return 0;
  if (napi_create_function(env, "track", NAPI_AUTO_LENGTH, track, NULL, &fn) != napi_ok || napi_set_named_property(env, exports, "track", fn) != napi_ok) return 0;
  if (napi_create_function(env, "finish", NAPI_AUTO_LENGTH, finish, NULL, &fn) != napi_ok || napi_set_named_property(env, exports, "finish", fn) != napi_ok) return 0;
  if (napi_create_function(env, "trackAsync", NAPI_AUTO_LENGTH, track_async, NULL, &fn) != napi_ok || napi_set_named_property(env, exports, "trackAsync", fn) != napi_ok) return 0;
  if (napi_create_function(env, "join", NAPI_AUTO_LENGTH, join, NULL, &fn) != napi_ok || napi_set_named_property(env, exports, "join", fn) != napi_ok) return 0;
  if (napi_create_object(env, &layout) != napi_ok) return 0;
  int ok = set_u32(env, layout, "stride", (uint32_t)(sizeof(flow_t) / sizeof(double)));
  ok = ok && set_u32(env, layout, "side", (uint32_t)(sizeof(side_t) / sizeof(double)));
  ok = ok && set_u32(env, layout, "eventSize", EVENT_SIZE);
  ok = ok && set_u32(env, layout, "outFields", OUT_FIELDS);
  FIELD("id", id);
  FIELD("clientId", client_id);
  FIELD("clientPort", client_port);
  FIELD("serverId", server_id);
  FIELD("serverPort", server_port);
  FIELD("firstSeen", first_seen);
  FIELD("lastSeen", last_seen);
  FIELD("packets", packets);
  FIELD("midstream", midstream);
  FIELD("serverBy", server_by);
  FIELD("guessing", guessing);
  FIELD("sides", side);
  FIELD("rstBy", rst_by);
  FIELD("unanswered", unanswered);
  FIELD("finBy", fin_by);
  FIELD("syns", syns);
  FIELD("hbSides", hb_sides);
  FIELD("hbCurrent", hb_current);
  FIELD("congestion", cong);
  // a side's fields, from its start
  ok = ok && set_u32(env, layout, "sideIsn", offsetof(side_t, isn) / 8) && set_u32(env, layout, "sideNext", offsetof(side_t, next) / 8) &&
       set_u32(env, layout, "sideAck", offsetof(side_t, ack) / 8) && set_u32(env, layout, "sideHas", offsetof(side_t, has) / 8) &&
       set_u32(env, layout, "sideWindow", offsetof(side_t, window) / 8) && set_u32(env, layout, "sidePackets", offsetof(side_t, packets) / 8) &&
       set_u32(env, layout, "sidePayloadBytes", offsetof(side_t, payload_bytes) / 8) && set_u32(env, layout, "sideSyn", offsetof(side_t, syn) / 8) &&
       set_u32(env, layout, "sideFin", offsetof(side_t, fin) / 8) && set_u32(env, layout, "sideRst", offsetof(side_t, rst) / 8) &&
       set_u32(env, layout, "sideProbeOutstanding", offsetof(side_t, probe_out) / 8) && set_u32(env, layout, "sideSeqKnown", offsetof(side_t, seq_known) / 8) &&
       set_u32(env, layout, "sideUnjudged", offsetof(side_t, unjudged) / 8) && set_u32(env, layout, "sideUnjudgedSeq", offsetof(side_t, unjudged_seq) / 8) &&
       set_u32(env, layout, "sideUnjudgedTs", offsetof(side_t, unjudged_ts) / 8) && set_u32(env, layout, "sideFirstSeen", offsetof(side_t, first_seen) / 8) &&
       set_u32(env, layout, "sideLastSeen", offsetof(side_t, last_seen) / 8) && set_u32(env, layout, "congestionFields", CONG_FLOW) &&
       set_u32(env, layout, "congestionSketch", C_SKETCH) && set_u32(env, layout, "congestionSide", C_SIDE);
  // the numbers of the interface: parts, events, statuses, reasons
  ok = ok && set_u32(env, layout, "partHeartbeat", PART_HEARTBEAT) && set_u32(env, layout, "partKeepalive", PART_KEEPALIVE) &&
       set_u32(env, layout, "partCloses", PART_CLOSES) && set_u32(env, layout, "partCongestion", PART_CONGESTION) &&
       set_u32(env, layout, "evOpen", EV_OPEN) && set_u32(env, layout, "evClose", EV_CLOSE) && set_u32(env, layout, "evKeepalive", EV_KEEPALIVE) &&
       set_u32(env, layout, "evMessage", EV_MESSAGE) && set_u32(env, layout, "evRtt", EV_RTT) && set_u32(env, layout, "statusDone", STATUS_DONE) &&
       set_u32(env, layout, "statusNeedRoom", STATUS_NEED_ROOM) && set_u32(env, layout, "statusNeedEvents", STATUS_NEED_EVENTS) &&
       set_u32(env, layout, "statusNeedOrder", STATUS_NEED_ORDER) && set_u32(env, layout, "reasonClosed", REASON_CLOSED) &&
       set_u32(env, layout, "reasonIdle", REASON_IDLE) && set_u32(env, layout, "reasonReused", REASON_REUSED) && set_u32(env, layout, "reasonEnd", REASON_END);
  return ok && napi_set_named_property(env, exports, "flowLayout", layout) == napi_ok;
}
