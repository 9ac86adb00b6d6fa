/*
 * metrics.c - request counts and latency histograms of one daemon (see metrics.h)
 */
#include "metrics.h"
#include "err.h"
#include "util/xalloc.h"
#include <math.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

/* the results a reply can have: ok, every error code a daemon sends (README "Envelope"), and
 * "internal" for a reply without one (request.c writes "internal" then too) */
static const char *const results[] = {
	"ok", JRP_ERR_BAD_MESSAGE, JRP_ERR_TOO_LARGE, JRP_ERR_MISSING_FIELD, JRP_ERR_WRONG_TYPE,
	JRP_ERR_UNKNOWN_FIELD, JRP_ERR_BAD_VALUE, JRP_ERR_BAD_CODE, JRP_ERR_UNKNOWN_TYPE, JRP_ERR_BAD_VERSION,
	JRP_ERR_UNKNOWN_PARTY, JRP_ERR_FORBIDDEN, JRP_ERR_UNKNOWN_DOMAIN, JRP_ERR_UNKNOWN_STANDARD,
	JRP_ERR_UNKNOWN_MATTER, JRP_ERR_NOT_FOUND, JRP_ERR_CONFLICT, JRP_ERR_BUSY, JRP_ERR_STORAGE,
	JRP_ERR_NOT_TEST_MODE, JRP_ERR_CONFIG, "internal",
};
#define NRESULTS (sizeof results / sizeof results[0])
#define INTERNAL (NRESULTS - 1)

/* the bucket bounds (README "Every daemon", metrics) in ns; +Inf is the last bucket */
static const uint64_t le_ns[METRICS_BUCKETS - 1] = {
	500000, 1000000, 2500000, 5000000, 10000000, 25000000, 50000000, 100000000, 250000000, 500000000,
	1000000000, 2500000000, 5000000000, 10000000000,
};

/* one type's counters in one table */
typedef struct row {
	uint64_t count[NRESULTS];
	uint64_t bucket[METRICS_BUCKETS];   /* not cumulative here: each observation in one */
	uint64_t sum_ns;
} row;

typedef struct table {
	row *rows;          /* ntypes + 1 */
	bool shared;        /* more than one thread counts into it: atomic adds */
} table;

struct metrics {
	uint64_t id;        /* which metrics a thread's cached table belongs to */
	const char *const *types;
	size_t ntypes;
	int64_t started_at;
	unsigned claimed;   /* (atomic) tables handed to threads */
	table t[METRICS_TABLES];
};

/* the table this thread counts into, and the id of the metrics it was claimed from (an id, not
 * the pointer: a metrics freed and another made at the same address is another) */
static uint64_t next_id = 1;
/* initial-exec: libjrp is linked into executables, so the thread's copy is at a fixed offset
 * from its thread pointer, without a call to __tls_get_addr on every count */
static __thread struct {
	uint64_t id;
	table *t;
} tl __attribute__((tls_model("initial-exec")));

metrics *metrics_new(const char *const *types, size_t ntypes)
{
	metrics *m = xcalloc(1, sizeof *m);
	struct timespec ts;
	m->id = __atomic_fetch_add(&next_id, 1, __ATOMIC_RELAXED);
	m->types = types;
	m->ntypes = ntypes;
	clock_gettime(CLOCK_REALTIME, &ts);
	m->started_at = (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
	for (int i = 0; i < METRICS_TABLES; i++)
		m->t[i].rows = xcalloc(ntypes + 1, sizeof(row));
	m->t[METRICS_TABLES - 1].shared = true;   /* the last one may be claimed more than once */
	return m;
}

void metrics_free(metrics **m)
{
	if (!*m)
		return;
	for (int i = 0; i < METRICS_TABLES; i++)
		free((*m)->t[i].rows);
	free(*m);
	*m = NULL;
}

unsigned metrics_result(const char *code)
{
	if (!code || !code[0])
		return INTERNAL;
	for (unsigned i = 1; i < NRESULTS; i++)
		if (strcmp(results[i], code) == 0)
			return i;
	return INTERNAL;
}

const char *metrics_result_name(unsigned i)
{
	return i < NRESULTS ? results[i] : NULL;
}

/* claim - this thread's table: its own while there are some, then the shared last one */
static table *claim(metrics *m)
{
	unsigned i = __atomic_fetch_add(&m->claimed, 1, __ATOMIC_RELAXED);
	tl.id = m->id;
	tl.t = &m->t[i < METRICS_TABLES ? i : METRICS_TABLES - 1];
	return tl.t;
}

static inline void add(uint64_t *p, uint64_t v, bool shared)
{
	if (shared)
		__atomic_fetch_add(p, v, __ATOMIC_RELAXED);
	else   /* the only writer: no locked instruction, only a load and a store the reader cannot tear */
		__atomic_store_n(p, __atomic_load_n(p, __ATOMIC_RELAXED) + v, __ATOMIC_RELAXED);
}

void metrics_count(metrics *m, unsigned type, unsigned result, uint64_t ns)
{
	table *t = tl.id == m->id ? tl.t : claim(m);
	row *r = &t->rows[type];
	bool shared = t->shared;
	unsigned b = 0;
	/* the fast replies, most of them, stop at the first bound */
	while (b < METRICS_BUCKETS - 1 && ns > le_ns[b])
		b++;
	add(&r->count[result], 1, shared);
	add(&r->bucket[b], 1, shared);
	add(&r->sum_ns, ns, shared);
}

static uint64_t get(const uint64_t *p)
{
	return __atomic_load_n(p, __ATOMIC_RELAXED);
}

static const char *type_name(const metrics *m, size_t i)
{
	return i < m->ntypes ? m->types[i] : METRICS_UNKNOWN;
}

void metrics_write(metrics *m, mw *out)
{
	mw_ki64(out, "started_at", m->started_at);
	mw_str(out, "requests");
	mw_arr(out);
	for (size_t i = 0; i <= m->ntypes; i++)
		for (unsigned res = 0; res < NRESULTS; res++) {
			uint64_t n = 0;
			for (int k = 0; k < METRICS_TABLES; k++)
				n += get(&m->t[k].rows[i].count[res]);
			if (!n)
				continue;
			mw_map(out);
			mw_kstr(out, "type", type_name(m, i));
			mw_kstr(out, "result", results[res]);
			mw_ku64(out, "count", n);
			mw_end(out);
		}
	mw_end(out);
	mw_str(out, "latency");
	mw_arr(out);
	for (size_t i = 0; i <= m->ntypes; i++) {
		uint64_t cum = 0, sum_ns = 0;
		mw_map(out);
		mw_kstr(out, "type", type_name(m, i));
		mw_str(out, "buckets");
		mw_arr(out);
		for (unsigned b = 0; b < METRICS_BUCKETS; b++) {
			for (int k = 0; k < METRICS_TABLES; k++)
				cum += get(&m->t[k].rows[i].bucket[b]);
			mw_u64(out, cum);
		}
		mw_end(out);
		mw_str(out, "le");
		mw_arr(out);
		for (unsigned b = 0; b < METRICS_BUCKETS - 1; b++)
			mw_double(out, (double)le_ns[b] / 1e9);
		mw_double(out, INFINITY);
		mw_end(out);
		for (int k = 0; k < METRICS_TABLES; k++)
			sum_ns += get(&m->t[k].rows[i].sum_ns);
		mw_str(out, "sum_seconds");
		mw_double(out, (double)sum_ns / 1e9);
		mw_ku64(out, "count", cum);   /* the +Inf bucket: the same observations as the buckets */
		mw_end(out);
	}
	mw_end(out);
}
