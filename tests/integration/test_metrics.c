/*
 * test_metrics.c - every daemon counts the requests it answers (README "Every daemon", metrics)
 *
 * The `metrics` request of a real daemon, read before and after a known set of requests: each
 * reply counts once under its (type, result) — "ok" or the error code of the reply — and in the
 * latency histogram of its type; unknown types and unreadable requests all count under the one
 * label "_unknown", so a client cannot make new labels (the reply stays bounded by the daemon's
 * route table); the histogram's cumulative buckets end at its count, which is the number of
 * replies of the type; a long-poll shows its wait. dispatch's checks are answered by its front
 * thread and its other requests by the write loop: both are counted. A `metrics` reply does not
 * count itself (it is counted when it has been sent): the next one does.
 */
#include "../tap.h"
#include "harness.h"
#include "proto.h"
#include <math.h>
#include <string.h>
#include <zmq.h>

static harness H;

#define J(svc, in, e, ...) h_json(&H, (svc), (in), (e), __VA_ARGS__)

/* a metrics reply, kept for looking things up */
typedef struct snap {
	msg_in in;
	bool ok;
} snap;

static void take(int svc, snap *s)
{
	jrp_error e;
	s->ok = J(svc, &s->in, &e, "{\"v\":1,\"type\":\"metrics\",\"id\":1}") == 0;
	if (!s->ok)
		printf("# metrics refused: [%s] %s: %s\n", e.code, e.field, e.message);
}

static void drop(snap *s)
{
	msg_in_free(&s->in);
}

/* count - requests of (type, result) in s; 0 if absent */
static uint64_t count(const snap *s, const char *type, const char *result)
{
	const msgpack_object *rq = s->ok ? obj_get(s->in.root, "requests") : NULL;
	for (uint32_t i = 0; rq && i < rq->via.array.size; i++) {
		const msgpack_object *x = &rq->via.array.ptr[i];
		if (obj_str_eq(obj_get(x, "type"), type) && obj_str_eq(obj_get(x, "result"), result))
			return obj_u64(x, "count");
	}
	return 0;
}

/* total - every request counted in s but the log.fetch of the daemon pulling the log (it runs
 * on its own, long-polling) */
static uint64_t total(const snap *s)
{
	const msgpack_object *rq = s->ok ? obj_get(s->in.root, "requests") : NULL;
	uint64_t n = 0;
	for (uint32_t i = 0; rq && i < rq->via.array.size; i++)
		if (!obj_str_eq(obj_get(&rq->via.array.ptr[i], "type"), T_LOG_FETCH))
			n += obj_u64(&rq->via.array.ptr[i], "count");
	return n;
}

/* type_total - requests of type in s, every result */
static uint64_t type_total(const snap *s, const char *type)
{
	const msgpack_object *rq = s->ok ? obj_get(s->in.root, "requests") : NULL;
	uint64_t n = 0;
	for (uint32_t i = 0; rq && i < rq->via.array.size; i++)
		if (obj_str_eq(obj_get(&rq->via.array.ptr[i], "type"), type))
			n += obj_u64(&rq->via.array.ptr[i], "count");
	return n;
}

static const msgpack_object *latency(const snap *s, const char *type)
{
	const msgpack_object *l = s->ok ? obj_get(s->in.root, "latency") : NULL;
	for (uint32_t i = 0; l && i < l->via.array.size; i++)
		if (obj_str_eq(obj_get(&l->via.array.ptr[i], "type"), type))
			return &l->via.array.ptr[i];
	return NULL;
}

/* bucket - the cumulative count of type's latencies at most le seconds */
static uint64_t bucket(const snap *s, const char *type, double le)
{
	const msgpack_object *x = latency(s, type), *b = obj_get(x, "buckets"), *l = obj_get(x, "le");
	for (uint32_t i = 0; b && l && i < l->via.array.size; i++)
		if (l->via.array.ptr[i].via.f64 == le)
			return b->via.array.ptr[i].via.u64;
	return UINT64_MAX;
}

static double seconds(const snap *s, const char *type)
{
	const msgpack_object *x = obj_get(latency(s, type), "sum_seconds");
	return x && x->type == MSGPACK_OBJECT_FLOAT64 ? x->via.f64 : -1;
}

/* consistent - every latency element of s: 15 cumulative buckets ending at its count, bounds
 * rising to +Inf, and its count the number of requests of its type */
static bool consistent(const snap *s)
{
	static const double le[] = { 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10 };
	const msgpack_object *l = s->ok ? obj_get(s->in.root, "latency") : NULL;
	bool good = l && l->type == MSGPACK_OBJECT_ARRAY && l->via.array.size > 0;
	for (uint32_t i = 0; good && i < l->via.array.size; i++) {
		const msgpack_object *x = &l->via.array.ptr[i], *b = obj_get(x, "buckets"), *bl = obj_get(x, "le");
		char type[64];
		uint64_t prev = 0;
		obj_cstr(x, "type", type, sizeof type);
		if (!b || !bl || b->via.array.size != 15 || bl->via.array.size != 15) {
			printf("# %s: %u buckets, %u bounds\n", type, b ? b->via.array.size : 0, bl ? bl->via.array.size : 0);
			return false;
		}
		for (uint32_t k = 0; k < 15; k++) {
			const msgpack_object *bound = &bl->via.array.ptr[k];
			if (bound->type != MSGPACK_OBJECT_FLOAT64 || (k < 14 ? bound->via.f64 != le[k] : !isinf(bound->via.f64)) ||
			    b->via.array.ptr[k].via.u64 < prev) {
				printf("# %s: bucket %u wrong\n", type, k);
				return false;
			}
			prev = b->via.array.ptr[k].via.u64;
		}
		if (prev != obj_u64(x, "count") || prev != type_total(s, type)) {
			printf("# %s: +Inf bucket %llu, count %llu, requests %llu\n", type, (unsigned long long)prev,
			       (unsigned long long)obj_u64(x, "count"), (unsigned long long)type_total(s, type));
			return false;
		}
	}
	return good;
}

/* raw - send bytes that are no request at all to svc; the reply's error code into code */
static void raw(int svc, const void *body, size_t n, char code[32])
{
	void *ctx = zmq_ctx_new(), *s = zmq_socket(ctx, ZMQ_DEALER);
	int lin = 0, tmo = 10000, got;
	char buf[2048];
	msg_in in;
	jrp_error e;
	code[0] = 0;
	zmq_setsockopt(s, ZMQ_LINGER, &lin, sizeof lin);
	zmq_setsockopt(s, ZMQ_RCVTIMEO, &tmo, sizeof tmo);
	zmq_connect(s, H.cfg->endpoint[svc]);
	zmq_send(s, body, n, 0);
	if ((got = zmq_recv(s, buf, sizeof buf, 0)) > 0 && msg_parse(buf, (size_t)got, sizeof buf, &in, &e) == 0) {
		obj_cstr(obj_get(in.root, "error"), "code", code, 32);
		msg_in_free(&in);
	}
	zmq_close(s);
	zmq_ctx_term(ctx);
}

static int submit(int i, jrp_error *e)
{
	mw w;
	msg_in in;
	char code[19], rid[24];
	int rc;
	h_uscc("91350100MM", i, code);
	snprintf(rid, sizeof rid, "MET-%d", i);
	h_tax_penalty(&w, rid, code, "计数测试企业", NULL, -1, NULL, "2026-11-20");
	rc = h_call(&H, SVC_INGEST, &w, &in, e);
	if (rc == 0 || rc == JRP_EREPLY)
		msg_in_free(&in);
	mw_free(&w);
	return rc;
}

/* ok / refused - a JSON request that must succeed / be refused with code */
static bool ok(int svc, const char *json)
{
	msg_in in;
	jrp_error e;
	int rc = J(svc, &in, &e, "%s", json);
	msg_in_free(&in);
	if (rc != 0)
		printf("# refused: [%s] %s: %s\n#   %s\n", e.code, e.field, e.message, json);
	return rc == 0;
}

static bool refused(int svc, const char *code, const char *json)
{
	msg_in in;
	jrp_error e;
	int rc = J(svc, &in, &e, "%s", json);
	msg_in_free(&in);
	if (rc != JRP_EREPLY || strcmp(e.code, code) != 0) {
		printf("# expected %s, got rc %d [%s] %s\n#   %s\n", code, rc, e.code, e.message, json);
		return false;
	}
	return true;
}

/* README "Every daemon", metrics: each reply once, under its type and result, ok or the error code */
static void counts_by_type_and_result(void)
{
	snap a, b;
	jrp_error e;
	char code[32];
	size_t labels;
	take(SVC_INGEST, &a);
	CHECK(a.ok);
	CHECK(obj_str_eq(obj_get(a.in.root, "daemon"), "ingest"));
	CHECK(obj_i64(a.in.root, "started_at") > 1700000000000LL);
	labels = obj_get(a.in.root, "latency")->via.array.size;
	for (int i = 0; i < 3; i++)
		CHECK(ok(SVC_INGEST, "{\"v\":1,\"type\":\"ping\",\"id\":1}"));
	CHECK_INT(submit(1, &e), 0);
	CHECK_INT(submit(2, &e), 0);
	/* the office may not submit records (README ingest: record.submit is a department's) */
	CHECK(refused(SVC_INGEST, "forbidden", "{\"v\":1,\"type\":\"record.submit\",\"id\":1,\"party\":\"office\","
		      "\"record\":{}}"));
	CHECK(refused(SVC_INGEST, "missing_field", "{\"v\":1,\"type\":\"record.submit\",\"id\":1,\"party\":\"tax_bureau\"}"));
	/* two types ingest does not serve, one label; a request that is no msgpack map, the same */
	CHECK(refused(SVC_INGEST, "unknown_type", "{\"v\":1,\"type\":\"no.such.type\",\"id\":1}"));
	CHECK(refused(SVC_INGEST, "unknown_type", "{\"v\":1,\"type\":\"check\",\"id\":1,\"party\":\"land_office\"}"));
	raw(SVC_INGEST, "\xc1", 1, code);
	CHECK_STR(code, "bad_message");
	/* a served type with a refused envelope counts under its type */
	CHECK(refused(SVC_INGEST, "bad_version", "{\"v\":2,\"type\":\"ping\",\"id\":1}"));
	CHECK(refused(SVC_INGEST, "unknown_field", "{\"v\":1,\"type\":\"metrics\",\"id\":1,\"detail\":true}"));
	take(SVC_INGEST, &b);
	CHECK(b.ok);
	CHECK_INT(count(&b, "ping", "ok") - count(&a, "ping", "ok"), 3);
	CHECK_INT(count(&b, "ping", "bad_version") - count(&a, "ping", "bad_version"), 1);
	CHECK_INT(count(&b, T_RECORD_SUBMIT, "ok") - count(&a, T_RECORD_SUBMIT, "ok"), 2);
	CHECK_INT(count(&b, T_RECORD_SUBMIT, "forbidden") - count(&a, T_RECORD_SUBMIT, "forbidden"), 1);
	CHECK_INT(count(&b, T_RECORD_SUBMIT, "missing_field") - count(&a, T_RECORD_SUBMIT, "missing_field"), 1);
	CHECK_INT(count(&b, "_unknown", "unknown_type") - count(&a, "_unknown", "unknown_type"), 2);
	CHECK_INT(count(&b, "_unknown", "bad_message") - count(&a, "_unknown", "bad_message"), 1);
	/* the first metrics (counted once sent) and the refused one */
	CHECK_INT(count(&b, "metrics", "ok") - count(&a, "metrics", "ok"), 1);
	CHECK_INT(count(&b, "metrics", "unknown_field") - count(&a, "metrics", "unknown_field"), 1);
	/* nothing else was counted */
	CHECK_INT(total(&b) - total(&a), 3 + 1 + 2 + 1 + 1 + 2 + 1 + 1 + 1);
	/* bounded: the client's type strings made no label; latency has every type of the route table */
	CHECK_INT(obj_get(b.in.root, "latency")->via.array.size, labels);
	CHECK(latency(&b, "no.such.type") == NULL && count(&b, "no.such.type", "unknown_type") == 0);
	CHECK(latency(&b, T_RECORD_SUBMIT) != NULL && latency(&b, "clock.set") != NULL && latency(&b, "_unknown") != NULL);
	CHECK(latency(&b, T_CHECK) == NULL);   /* not ingest's */
	/* the histogram: its count is the number of requests of the type */
	CHECK(consistent(&a));
	CHECK(consistent(&b));
	CHECK_INT(obj_u64(latency(&b, "ping"), "count") - obj_u64(latency(&a, "ping"), "count"), 4);
	CHECK(seconds(&b, T_RECORD_SUBMIT) > seconds(&a, T_RECORD_SUBMIT));
	drop(&a);
	drop(&b);
}

/* dispatch answers checks on its front thread and the rest on its write loop: both count */
static void both_threads_count(void)
{
	snap a, b;
	take(SVC_DISPATCH, &a);
	CHECK(a.ok);
	CHECK(obj_str_eq(obj_get(a.in.root, "daemon"), "dispatch"));
	for (int i = 0; i < 5; i++)
		CHECK(ok(SVC_DISPATCH, "{\"v\":1,\"type\":\"check\",\"id\":1,\"party\":\"land_office\","
			 "\"subject\":\"91350100M000100Y43\",\"matter\":\"land_transfer\"}"));
	/* README dispatch, check: a code that fails its check is refused, never "not listed" */
	CHECK(refused(SVC_DISPATCH, "bad_code", "{\"v\":1,\"type\":\"check\",\"id\":1,\"party\":\"land_office\","
		      "\"subject\":\"91350100M000100Y44\",\"matter\":\"land_transfer\"}"));
	CHECK(refused(SVC_DISPATCH, "unknown_party", "{\"v\":1,\"type\":\"check\",\"id\":1,\"party\":\"nobody\","
		      "\"subject\":\"91350100M000100Y43\",\"matter\":\"land_transfer\"}"));
	CHECK(ok(SVC_DISPATCH, "{\"v\":1,\"type\":\"ping\",\"id\":1}"));
	CHECK(ok(SVC_DISPATCH, "{\"v\":1,\"type\":\"tasks.ack\",\"id\":1,\"party\":\"land_office\",\"upto\":0}"));
	take(SVC_DISPATCH, &b);
	CHECK_INT(count(&b, T_CHECK, "ok") - count(&a, T_CHECK, "ok"), 5);
	CHECK_INT(count(&b, T_CHECK, "bad_code") - count(&a, T_CHECK, "bad_code"), 1);
	CHECK_INT(count(&b, T_CHECK, "unknown_party") - count(&a, T_CHECK, "unknown_party"), 1);
	CHECK_INT(count(&b, "ping", "ok") - count(&a, "ping", "ok"), 1);
	CHECK_INT(count(&b, T_TASKS_ACK, "ok") - count(&a, T_TASKS_ACK, "ok"), 1);
	CHECK_INT(count(&b, "metrics", "ok") - count(&a, "metrics", "ok"), 1);
	CHECK_INT(total(&b) - total(&a), 5 + 1 + 1 + 1 + 1 + 1);
	CHECK(consistent(&b));
	CHECK_INT(obj_u64(latency(&b, T_CHECK), "count") - obj_u64(latency(&a, T_CHECK), "count"), 7);
	drop(&a);
	drop(&b);
}

/* README "Every daemon", metrics: a long-poll's latency is its wait (tasks.fetch: no daemon polls
 * it, and it parks on dispatch's write loop) */
static void long_poll_shows_its_wait(void)
{
	snap a, b;
	take(SVC_DISPATCH, &a);
	CHECK(ok(SVC_DISPATCH, "{\"v\":1,\"type\":\"tasks.fetch\",\"id\":1,\"party\":\"land_office\",\"after\":1000000,"
		 "\"wait_ms\":400}"));
	take(SVC_DISPATCH, &b);
	CHECK_INT(count(&b, T_TASKS_FETCH, "ok") - count(&a, T_TASKS_FETCH, "ok"), 1);
	/* not within 0.25 s: in a bucket above it */
	CHECK_INT(bucket(&b, T_TASKS_FETCH, 0.25) - bucket(&a, T_TASKS_FETCH, 0.25), 0);
	CHECK_INT(obj_u64(latency(&b, T_TASKS_FETCH), "count") - obj_u64(latency(&a, T_TASKS_FETCH), "count"), 1);
	CHECK(seconds(&b, T_TASKS_FETCH) - seconds(&a, T_TASKS_FETCH) >= 0.39);
	drop(&a);
	drop(&b);
}

/* every daemon serves metrics, without a party (like status) */
static void every_daemon(void)
{
	static const char *const names[SVC__N] = { "ingest", "adjudicate", "dispatch", "feedback" };
	for (int s = 0; s < SVC__N; s++) {
		snap x;
		take(s, &x);
		CHECK(x.ok);
		CHECK(obj_str_eq(obj_get(x.in.root, "daemon"), names[s]));
		CHECK(consistent(&x));
		CHECK(count(&x, "ping", "ok") >= 1);   /* the harness waits for each daemon's ping */
		drop(&x);
	}
}

int main(void)
{
	if (h_start(&H) != 0) {
		printf("Bail out! daemons did not start\n");
		return 1;
	}
	RUN(counts_by_type_and_result);
	RUN(both_threads_count);
	RUN(long_poll_shows_its_wait);
	RUN(every_daemon);
	CHECK_INT(h_stop(&H), 0);
	TAP_DONE();
}
