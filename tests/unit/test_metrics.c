/*
 * test_metrics.c - the request counters of common/metrics.c: every error code a daemon sends has
 * its own result label, bucket bounds are "at most" (Prometheus' le), two threads counting at once
 * lose nothing while a third reads, and the reply says what was counted
 */
#include "../tap.h"
#include "err.h"
#include "metrics.h"
#include <math.h>
#include <pthread.h>

static const char *const types[] = { "ping", "check" };

/* every wire code of err.h's table is a label of its own ("timeout" is the client's alone) */
static void every_code_has_a_label(void)
{
	static const char *const wire[] = {
#define W(name, rc, code, what) code,
		ERRORS(W)
#undef W
	};
	CHECK_STR(metrics_result_name(0), "ok");
	CHECK_INT(metrics_result("ok"), metrics_result("internal"));   /* "ok" is no error code */
	for (size_t i = 0; i < sizeof wire / sizeof wire[0]; i++) {
		unsigned r;
		if (!wire[i] || strcmp(wire[i], "timeout") == 0)
			continue;
		r = metrics_result(wire[i]);
		CHECK(r != 0);
		CHECK(r != metrics_result("internal"));
		CHECK_STR(metrics_result_name(r), wire[i]);
	}
	CHECK_STR(metrics_result_name(metrics_result("no_such_code")), "internal");
	CHECK_STR(metrics_result_name(metrics_result("")), "internal");
	CHECK(metrics_result_name(1000) == NULL);
}

/* the reply of m: field lookups */
static const msgpack_object *lat(const msg_in *in, const char *type)
{
	const msgpack_object *l = obj_get(in->root, "latency");
	for (uint32_t i = 0; l && i < l->via.array.size; i++)
		if (obj_str_eq(obj_get(&l->via.array.ptr[i], "type"), type))
			return &l->via.array.ptr[i];
	return NULL;
}

static uint64_t req(const msg_in *in, const char *type, const char *result)
{
	const msgpack_object *r = obj_get(in->root, "requests");
	for (uint32_t i = 0; r && i < r->via.array.size; i++)
		if (obj_str_eq(obj_get(&r->via.array.ptr[i], "type"), type) &&
		    obj_str_eq(obj_get(&r->via.array.ptr[i], "result"), result))
			return obj_u64(&r->via.array.ptr[i], "count");
	return 0;
}

static void reply_of(metrics *m, msg_in *in)
{
	mw w;
	jrp_error e;
	mw_init(&w);
	mw_map(&w);
	metrics_write(m, &w);
	mw_end(&w);
	CHECK_INT(msg_parse(mw_data(&w), mw_len(&w), 1 << 20, in, &e), 0);
	mw_free(&w);
}

/* le is "at most": 0.5 ms exactly is in the first bucket, a ns more in the second */
static void buckets_are_at_most(void)
{
	metrics *m = metrics_new(types, 2);
	msg_in in;
	const msgpack_object *x, *b, *le;
	metrics_count(m, 0, 0, 500000);
	metrics_count(m, 0, 0, 500001);
	metrics_count(m, 0, 0, 10000000000ULL);
	metrics_count(m, 0, 0, 10000000001ULL);
	metrics_count(m, 1, metrics_result("bad_code"), 0);
	metrics_count(m, 2, metrics_result("unknown_type"), 3000);   /* after the types: _unknown */
	reply_of(m, &in);
	x = lat(&in, "ping");
	b = obj_get(x, "buckets");
	le = obj_get(x, "le");
	CHECK(b && le && b->via.array.size == METRICS_BUCKETS && le->via.array.size == METRICS_BUCKETS);
	if (b && le && b->via.array.size == METRICS_BUCKETS && le->via.array.size == METRICS_BUCKETS) {
		CHECK(le->via.array.ptr[0].via.f64 == 0.0005 && le->via.array.ptr[13].via.f64 == 10.0);
		CHECK(isinf(le->via.array.ptr[14].via.f64));
		CHECK_INT(b->via.array.ptr[0].via.u64, 1);   /* cumulative */
		CHECK_INT(b->via.array.ptr[1].via.u64, 2);
		CHECK_INT(b->via.array.ptr[12].via.u64, 2);
		CHECK_INT(b->via.array.ptr[13].via.u64, 3);
		CHECK_INT(b->via.array.ptr[14].via.u64, 4);
	}
	CHECK_INT(obj_u64(x, "count"), 4);
	CHECK(fabs(obj_get(x, "sum_seconds")->via.f64 - 20.001000002) < 1e-9);
	CHECK_INT(req(&in, "ping", "ok"), 4);
	CHECK_INT(req(&in, "check", "bad_code"), 1);
	CHECK_INT(req(&in, "_unknown", "unknown_type"), 1);
	CHECK_INT(obj_get(in.root, "requests")->via.array.size, 3);   /* only what was counted */
	CHECK_INT(obj_get(in.root, "latency")->via.array.size, 3);    /* every type, and _unknown */
	CHECK(obj_i64(in.root, "started_at") > 1700000000000LL);
	msg_in_free(&in);
	metrics_free(&m);
	CHECK(m == NULL);
}

#define PER_THREAD 200000

static void *counter(void *arg)
{
	metrics *m = arg;
	for (unsigned i = 0; i < PER_THREAD; i++)
		metrics_count(m, i % 2, i % 3 == 0 ? metrics_result("forbidden") : 0, i);
	return NULL;
}

static void *reader(void *arg)
{
	metrics *m = arg;
	for (int i = 0; i < 50; i++) {
		mw w;
		mw_init(&w);
		mw_map(&w);
		metrics_write(m, &w);
		mw_end(&w);
		mw_free(&w);
	}
	return NULL;
}

/* each thread counts into its own table (the sixth and later share the last one, with atomic
 * adds): nothing is lost, and a reader meanwhile is no race (the TSan build runs this too) */
static void threads_lose_nothing(void)
{
	enum { N = 6 };
	metrics *m = metrics_new(types, 2);
	pthread_t t[N], r;
	msg_in in;
	uint64_t forbidden = 0;
	for (unsigned i = 0; i < PER_THREAD; i++)
		forbidden += i % 3 == 0;
	pthread_create(&r, NULL, reader, m);
	for (int i = 0; i < N; i++)
		pthread_create(&t[i], NULL, counter, m);
	for (int i = 0; i < N; i++)
		pthread_join(t[i], NULL);
	pthread_join(r, NULL);
	reply_of(m, &in);
	CHECK_INT(req(&in, "ping", "ok") + req(&in, "check", "ok"), (uint64_t)N * (PER_THREAD - forbidden));
	CHECK_INT(req(&in, "ping", "forbidden") + req(&in, "check", "forbidden"), (uint64_t)N * forbidden);
	CHECK_INT(obj_u64(lat(&in, "ping"), "count") + obj_u64(lat(&in, "check"), "count"), (uint64_t)N * PER_THREAD);
	msg_in_free(&in);
	metrics_free(&m);
}

/* a new metrics in the same thread starts from zero, even at a freed one's address */
static void a_new_one_starts_at_zero(void)
{
	metrics *m = metrics_new(types, 2);
	msg_in in;
	metrics_count(m, 0, 0, 1);
	metrics_free(&m);
	m = metrics_new(types, 2);
	metrics_count(m, 1, 0, 1);
	reply_of(m, &in);
	CHECK_INT(req(&in, "ping", "ok"), 0);
	CHECK_INT(req(&in, "check", "ok"), 1);
	msg_in_free(&in);
	metrics_free(&m);
}

int main(void)
{
	RUN(every_code_has_a_label);
	RUN(buckets_are_at_most);
	RUN(threads_lose_nothing);
	RUN(a_new_one_starts_at_zero);
	TAP_DONE();
}
