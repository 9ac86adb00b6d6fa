/*
 * metrics.h - what a daemon counts about the requests it answers, for the `metrics` request
 *
 * Every reply a daemon sends is counted by (type, result) — result "ok" or the error code of the
 * reply — and its latency, from taking the request off the socket to sending the reply, goes into
 * a histogram of the type with fixed bounds (METRICS_LE, Prometheus-style). Types are the
 * daemon's own route table plus METRICS_UNKNOWN, under which every request of a type it does not
 * serve, or too broken to read, is counted: a client never makes a new label.
 *
 * The counters live in memory from the daemon's start. Each thread that counts (the write loop,
 * the front thread) gets its own table, claimed the first time it counts, and is its only
 * writer: a count is a relaxed atomic load and store, no lock and no locked instruction. The
 * reader (metrics_write, on whichever thread answers `metrics`) sums the tables with relaxed
 * atomic loads, while they may still change: a reply is a consistent count of each (type,
 * result) and each bucket, not a snapshot of all of them at one instant. Threads beyond
 * METRICS_TABLES - 1 share the last table with atomic adds.
 */
#ifndef JRP_METRICS_H
#define JRP_METRICS_H
#include <stddef.h>
#include <stdint.h>
#include <time.h>
#include "msg.h"

#define METRICS_UNKNOWN "_unknown"   /* the type label of every request not of a served type */
/* latency buckets: at most 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5,
 * 5, 10 seconds, and +Inf */
#define METRICS_BUCKETS 15
#define METRICS_TABLES 4

typedef struct metrics metrics;

/* metrics_new - counters for types[0..ntypes-1] (the strings are kept, not copied: static
 * route names) and METRICS_UNKNOWN at index ntypes; started_at is now (real time, ms) */
metrics *metrics_new(const char *const *types, size_t ntypes);
void metrics_free(metrics **m);

/* metrics_now - the clock of latencies: CLOCK_MONOTONIC in ns */
static inline uint64_t metrics_now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

/* metrics_result - the result index of a reply's error code (0 is "ok"; a code not in the
 * table counts as "internal") */
unsigned metrics_result(const char *code);
/* metrics_result_name - the label of result index i (NULL past the last) */
const char *metrics_result_name(unsigned i);

/* metrics_count - one reply of type (index into the types, ntypes for METRICS_UNKNOWN: at most
 * ntypes) with result (of metrics_result), ns after its request came in; the hot path, so neither
 * is checked */
void metrics_count(metrics *m, unsigned type, unsigned result, uint64_t ns);

/* metrics_write - started_at, requests: [{type, result, count}] (the non-zero ones) and
 * latency: [{type, buckets (cumulative), le, sum_seconds, count}] (every type) into the open
 * reply map out */
void metrics_write(metrics *m, mw *out);

#endif
