// The native flow engine's record, events and statuses (flow-engine.c; src/capture/native-flows.ts reads the
// record through the offsets the module exports as flowLayout, so the two cannot disagree on them).
#ifndef NETDOC_FLOW_ENGINE_H
#define NETDOC_FLOW_ENGINE_H
#include <node_api.h>

#include "batch.h"

// congestion.ts's per-flow block, the same offsets: per side (at 0 and C_SIDE), then the connection's own
enum {
  C_HI, C_HI_KNOWN, C_LAST_TS, C_LAST_DATA_TS, C_ACK_PREV, C_WIN_PREV, C_ACK_KNOWN, C_RWND, C_TIMING, C_TIMED_END, C_TIMED_TS,
  C_DUP_RUN, C_LAST_DUP_TS, C_ZW_START, C_DATA, C_BYTES, C_RTT_MIN, C_SKETCH, C_HOLE, C_HOLE_START, C_HOLE_END, C_HOLE_TS,
  C_RETRANS, C_RETRANS_BYTES, C_SPURIOUS, C_SPURIOUS_BYTES, C_FAST, C_TIMEOUT, C_OOO, C_WINDOW_FULL, C_IDLE_GAPS,
  C_IDLE_SECONDS, C_DUP_ACKS_SENT, C_ZW_COUNT, C_ZW_SECONDS, C_WS_OPTION, C_SIDE
};
enum {
  C_TS = 2 * C_SIDE, C_SYN_TS, C_SYNS, C_SYN_ACK_TS, C_SYN_ACKS, C_SYN_ACK_SEQ, C_HANDSHAKE_DONE, C_HANDSHAKE, C_SYN_TO_SYN_ACK,
  C_SYN_ACK_TO_ACK, C_SCALE_KNOWN, C_SCALE, C_SCALE_1, C_SETTLED, C_COMMON, CONG_FLOW
};

/** flows.ts FlowSide, every field a double (flags 0/1; `has`: bit 1 isn, 2 next, 4 ack are set) */
typedef struct {
  double isn, next, ack, has, window, packets, payload_bytes, syn, fin, rst, probe_out, seq_known, unjudged, unjudged_seq,
      unjudged_ts, first_seen, last_seen;
} side_t;

/** One flow: the tracker's fields, then each analysis's per-segment state (-1 is "none" where a field can be). */
typedef struct {
  double id, lo, hi, client_ep;
  double client_id, client_port, server_id, server_port;
  double first_seen, last_seen, packets, midstream, server_by, guessing;
  side_t side[2];
  // closes.ts
  double rst_by, unanswered, fin_by, last_data[2], index, syns;
  // heartbeat.ts: the side made (a data segment seen), and per direction its last data and the bytes of its message
  double hb_sides, hb_last[2], hb_current[2];
  // congestion.ts
  double cong[CONG_FLOW];
} flow_t;

#define SERVER_BY_HANDSHAKE 0
#define SERVER_BY_PORT 2

#define REASON_CLOSED 0
#define REASON_IDLE 1
#define REASON_REUSED 2
#define REASON_END 3

/** an event: kind, the flow's record, three numbers */
#define EVENT_SIZE 5
#define EV_OPEN 1
/** reason */
#define EV_CLOSE 2
/** the segment's time, bits (dir 1, keepalive 2, keepalive ACK 4, late probe 8, its dir 16, answered 32, flags << 8), the late probe's time */
#define EV_KEEPALIVE 3
/** time, dir, the bytes of the message it ends */
#define EV_MESSAGE 4
/** the direction whose sketch takes it, ms */
#define EV_RTT 5

#define PART_HEARTBEAT 1
#define PART_KEEPALIVE 2
#define PART_CLOSES 4
#define PART_CONGESTION 8

#define STATUS_DONE 0
#define STATUS_NEED_ROOM 1
#define STATUS_NEED_EVENTS 2
#define STATUS_NEED_ORDER 3
/** the engine's own: join/track throw */
#define STATUS_OUT_OF_MEMORY 9

/** out[]: events, status, segments, flows, peak live, evicted, shed, live, records used, (NEED_ORDER) source id, destination id */
#define OUT_FIELDS 11

int flow_engine_init(napi_env env, napi_value exports);

#endif
