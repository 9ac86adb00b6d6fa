/*
 * puller.c - pull the upstream daemon's log after our cursor (see puller.h)
 *
 * Over tcp:// the socket is a CURVE client with this daemon's key pair, so the
 * upstream's ZAP handler knows it as the daemon's party (DESIGN.md Security).
 */
#include "puller.h"
#include "records.h"
#include "clock.h"
#include "daemon.h"
#include "proto.h"
#include "zloop.h"
#include "util/log.h"
#include "util/xalloc.h"
#include <string.h>
#include <zmq.h>

#define FETCH_MAX 1024
#define FETCH_WAIT_MS 1000
#define REPLY_TIMEOUT_MS (FETCH_WAIT_MS + 4000)

struct puller {
	jrp_daemon *d;
	char *endpoint;
	void *sock;
	zwatch *w;
	uv_timer_t timer;       /* reply timeout, or the pause before a retry */
	uint64_t cursor;
	uint64_t want_id, next_id;
	int coalesce_ms;
	unsigned kinds;         /* record kinds applied (records.h) */
	bool copies;            /* changes in the upstream log are dispatch's copies */
	jrp_rec *rec;           /* one decoded record (large: allocated once) */
	bool closing;
};

static void send_fetch(puller *p);
static void on_reply(zwatch *w, void *sock, void *arg);

static void open_socket(puller *p)
{
	int lin = 0;
	p->sock = zmq_socket(daemon_zctx(p->d), ZMQ_DEALER);
	zmq_setsockopt(p->sock, ZMQ_LINGER, &lin, sizeof lin);
	daemon_upstream_curve(p->d, p->sock);   /* tcp://: authenticate as this daemon's party */
	zmq_connect(p->sock, p->endpoint);
}

typedef struct apply_arg {
	puller *p;
	const msgpack_object_array *recs;
	uint64_t cursor;
	size_t applied;
} apply_arg;

static int apply_fn(jrp_daemon *d, MDB_txn *txn, void *arg)
{
	apply_arg *a = arg;
	MDB_dbi meta = daemon_dbi(d, DB_META);
	uint64_t cursor;
	int rc;

	if ((rc = meta_get_u64(txn, meta, PULLER_CURSOR_KEY, &cursor)) != 0)
		return rc;
	a->applied = 0;
	for (uint32_t i = 0; i < a->recs->size; i++) {
		const msgpack_object *rec = &a->recs->ptr[i];
		uint64_t seq = obj_u64(rec, "seq");
		jrp_error e;
		if (seq <= cursor)
			continue;   /* already applied (a reply to a resent request) */
		jrp_error_clear(&e);
		rc = rec_decode(rec, a->p->kinds, a->p->copies, a->p->rec, &e);
		if (rc == 0)
			rc = daemon_apply(d, txn, a->p->rec, rec, &e);
		if (rc == JRP_EFULL || rc == JRP_ESTORE)
			return rc;
		if (rc < 0)
			log_error("event=record_rejected seq=%llu code=%s field=%s message=\"%s\"",
				  (unsigned long long)seq, e.code, e.field, e.message);
		cursor = seq;
		a->applied++;
	}
	a->cursor = cursor;
	return meta_put_u64(txn, meta, PULLER_CURSOR_KEY, cursor);
}

static void on_timer(uv_timer_t *t)
{
	puller *p = t->data;
	if (p->want_id) {
		log_warn("event=upstream_silent endpoint=%s", p->endpoint);
		zwatch_free(&p->w);
		zmq_close(p->sock);
		open_socket(p);
		p->w = zwatch_new(daemon_loop(p->d), p->sock, on_reply, p);
	}
	send_fetch(p);
}

static void on_reply(zwatch *w, void *sock, void *arg)
{
	puller *p = arg;
	zmq_msg_t m;
	msg_in in;
	jrp_error e;

	zmq_msg_init(&m);
	if (zmq_msg_recv(&m, sock, ZMQ_DONTWAIT) < 0) {
		zmq_msg_close(&m);
		return;
	}
	if (msg_parse_ref(zmq_msg_data(&m), zmq_msg_size(&m), 1u << 30, &in, &e) < 0 ||
	    obj_u64(in.root, "id") != p->want_id) {
		zmq_msg_close(&m);
		msg_in_free(&in);
		return;   /* not the answer we wait for */
	}
	p->want_id = 0;
	uv_timer_stop(&p->timer);
	if (!obj_bool(in.root, "ok")) {
		const msgpack_object *err = obj_get(in.root, "error");
		char code[32], msg[256];
		log_error("event=fetch_refused endpoint=%s code=%s message=\"%s\"", p->endpoint,
			  obj_cstr(err, "code", code, sizeof code), obj_cstr(err, "message", msg, sizeof msg));
		uv_timer_start(&p->timer, on_timer, 1000, 0);
	} else {
		const msgpack_object *recs = obj_get(in.root, "records");
		if (recs && recs->type == MSGPACK_OBJECT_ARRAY && recs->via.array.size > 0) {
			apply_arg a = { p, &recs->via.array, p->cursor, 0 };
			int rc = daemon_write(p->d, apply_fn, &a);
			if (rc < 0) {
				log_error("event=apply_failed error=\"%s\"", jrp_strerror(rc));
				uv_timer_start(&p->timer, on_timer, 1000, 0);
			} else {
				p->cursor = a.cursor;
				if (p->coalesce_ms > 0 && recs->via.array.size < FETCH_MAX)
					uv_timer_start(&p->timer, on_timer, (uint64_t)p->coalesce_ms, 0);
				else
					send_fetch(p);
			}
		} else {
			send_fetch(p);
		}
	}
	zmq_msg_close(&m);
	msg_in_free(&in);
}

static void send_fetch(puller *p)
{
	mw w;
	if (p->closing)
		return;
	mw_init(&w);
	mw_map(&w);
	mw_ku64(&w, "v", JRP_PROTO_VERSION);
	mw_kstr(&w, "type", T_LOG_FETCH);
	p->want_id = ++p->next_id;
	mw_ku64(&w, "id", p->want_id);
	mw_kstr(&w, "party", daemon_name(p->d));
	mw_ku64(&w, "after", p->cursor);
	mw_ku64(&w, "max", FETCH_MAX);
	mw_ku64(&w, "wait_ms", FETCH_WAIT_MS);
	mw_end(&w);
	zmq_send(p->sock, mw_data(&w), mw_len(&w), ZMQ_DONTWAIT);
	mw_free(&w);
	zwatch_kick(p->w);
	uv_timer_start(&p->timer, on_timer, REPLY_TIMEOUT_MS, 0);
}

static int read_cursor(jrp_daemon *d, MDB_txn *txn, void *arg)
{
	return meta_get_u64(txn, daemon_dbi(d, DB_META), PULLER_CURSOR_KEY, arg);
}

puller *puller_new(jrp_daemon *d, const char *endpoint, int coalesce_ms, unsigned kinds, bool copies)
{
	puller *p = xcalloc(1, sizeof *p);
	p->kinds = kinds;
	p->copies = copies;
	p->rec = xmalloc(sizeof *p->rec);
	p->d = d;
	p->coalesce_ms = coalesce_ms;
	p->endpoint = xstrdup(endpoint);
	daemon_write(d, read_cursor, &p->cursor);
	open_socket(p);
	p->w = zwatch_new(daemon_loop(d), p->sock, on_reply, p);
	uv_timer_init(daemon_loop(d), &p->timer);
	p->timer.data = p;
	send_fetch(p);
	return p;
}

uint64_t puller_cursor(const puller *p) { return p->cursor; }

static void on_timer_closed(uv_handle_t *h)
{
	puller *p = h->data;
	free(p->endpoint);
	free(p->rec);
	free(p);
}

void puller_free(puller **pp)
{
	puller *p = *pp;
	if (!p)
		return;
	p->closing = true;
	zwatch_free(&p->w);
	zmq_close(p->sock);
	uv_timer_stop(&p->timer);
	uv_close((uv_handle_t *)&p->timer, on_timer_closed);
	*pp = NULL;
}
