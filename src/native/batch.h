// The scanner's batch (pcap-scan.c fills it, flow-engine.c reads it): one ArrayBuffer of N slots, one array per
// field (native-scan.ts NativeBatch has the same layout).
#ifndef NETDOC_BATCH_H
#define NETDOC_BATCH_H
#include <stdint.h>
#include <stddef.h>

// The batch: one ArrayBuffer of N slots, one array per field (native-scan.ts NativeBatch has the same layout).
typedef struct {
  double *ts;
  uint32_t *src, *dst, *seq, *ack, *len;
  uint16_t *sport, *dport, *window;
  uint8_t *flags, *kind;
  int8_t *wscale;
} batch_t;

#define BYTES_PER_SLOT 37 /* ts 8, five uint32 fields, three uint16, flags, kind, wscale: each array aligned to its width */

static inline void batch_at(batch_t *b, uint8_t *base, uint32_t n) {
  b->ts = (double *)base;
  b->src = (uint32_t *)(base + 8 * (size_t)n);
  b->dst = (uint32_t *)(base + 12 * (size_t)n);
  b->seq = (uint32_t *)(base + 16 * (size_t)n);
  b->ack = (uint32_t *)(base + 20 * (size_t)n);
  b->len = (uint32_t *)(base + 24 * (size_t)n);
  b->sport = (uint16_t *)(base + 28 * (size_t)n);
  b->dport = (uint16_t *)(base + 30 * (size_t)n);
  b->window = (uint16_t *)(base + 32 * (size_t)n);
  b->flags = base + 34 * (size_t)n;
  b->kind = base + 35 * (size_t)n;
  b->wscale = (int8_t *)(base + 36 * (size_t)n);
}

#endif
