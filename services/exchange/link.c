/*
 * link.c - jrp-exchange's calls to its own region's daemons, from the loop (xc.h)
 *
 * The forward queue: one record in flight to ingest at a time, in queue order; it leaves the queue
 * when ingest answered ok (a resend after a kill or a lost reply is answered duplicate: ok too). A
 * record ingest refuses is moved to the refused database with ingest's reason and logged
 * (event=forward_refused): exchange.status counts them, exchange.list shows the record as received;
 * nothing is dropped silently. No answer in time: the socket is made anew and the record sent again.
 *
 * The report: every report interval (JRP_EXCHANGE_REPORT_MS, default 30 s) feedback is asked, for each
 * peer region, what this region's agencies did about that region's entries (foreign.report); a report
 * that differs from the last one sent goes into that region's stream.
 */
#include "xc.h"
#include "clock.h"
#include "proto.h"
#include "store.h"
#include "zloop.h"
#include "util/log.h"
#include "util/str.h"
#include "util/xalloc.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zmq.h>

#define CALL_TIMEOUT_MS 5000
#define RETRY_MS 1000
#define REPORT_MS 30000
#ifndef T_FOREIGN_REPORT
#define T_FOREIGN_REPORT "foreign.report"
#endif

typedef struct call {
	const char *name;                 /* "ingest", "feedback" */
	const char *endpoint;
	char pub[CONFIG_KEY_Z85];
	void *sock;
	zwatch *w;
	uv_timer_t timer;                 /* the answer's deadline, or the pause before the next try */
	uint64_t want, next_id;
	void (*on_reply)(struct call *c, const msgpack_object *root);
	void (*on_timeout)(struct call *c);
} call;

static call fwd = { .name = "ingest" }, rep = { .name = "feedback" };
static uint64_t fwd_q;                    /* the queue entry in flight, 0 if none */
static uv_timer_t report_timer;
static size_t report_peer;                /* the peer asked for, while rep.want */
static int64_t report_ms = REPORT_MS;
static uint64_t forwarded, reports_sent;
static bool stopping;

static MDB_dbi db(int i)
{
	return daemon_dbi(X.d, i);
}

static void on_answer(zwatch *w, void *sock, void *arg)
{
	call *c = arg;
	zmq_msg_t m;
	msg_in in;
	jrp_error e;
	(void)w;
	zmq_msg_init(&m);
	if (zmq_msg_recv(&m, sock, ZMQ_DONTWAIT) < 0) {
		zmq_msg_close(&m);
		return;
	}
	if (msg_parse_ref(zmq_msg_data(&m), zmq_msg_size(&m), 1u << 30, &in, &e) == 0) {
		if (c->want && obj_u64(in.root, "id") == c->want) {
			c->want = 0;
			uv_timer_stop(&c->timer);
			c->on_reply(c, in.root);
		}
		msg_in_free(&in);
	}
	zmq_msg_close(&m);
}

static void open_call(call *c)
{
	int lin = 0;
	c->sock = zmq_socket(daemon_zctx(X.d), ZMQ_DEALER);
	zmq_setsockopt(c->sock, ZMQ_LINGER, &lin, sizeof lin);
	if (c->pub[0])
		daemon_curve_client(X.d, c->sock, c->pub);
	zmq_connect(c->sock, c->endpoint);
	c->w = zwatch_new(daemon_loop(X.d), c->sock, on_answer, c);
}

static void close_call(call *c)
{
	zwatch_free(&c->w);
	if (c->sock)
		zmq_close(c->sock);
	c->sock = NULL;
}

static void on_call_timer(uv_timer_t *t)
{
	call *c = t->data;
	if (c->want) {   /* no answer in time: a fresh socket, and the caller tries again */
		log_warn("event=daemon_silent daemon=%s endpoint=%s", c->name, c->endpoint);
		c->want = 0;
		close_call(c);
		open_call(c);
	}
	c->on_timeout(c);
}

/* send - {v, type, id, party, ...body's fields}: body is an encoded map's fields (written by fill) */
static void send_call(call *c, const char *type, void (*fill)(mw *w, void *arg), void *arg)
{
	mw w;
	mw_init(&w);
	mw_map(&w);
	mw_ku64(&w, "v", JRP_PROTO_VERSION);
	mw_kstr(&w, "type", type);
	c->want = ++c->next_id;
	mw_ku64(&w, "id", c->want);
	mw_kstr(&w, "party", "exchange");
	fill(&w, arg);
	mw_end(&w);
	zmq_send(c->sock, mw_data(&w), mw_len(&w), ZMQ_DONTWAIT);
	mw_free(&w);
	zwatch_kick(c->w);
	uv_timer_start(&c->timer, on_call_timer, CALL_TIMEOUT_MS, 0);
}

/* ---- the forward queue ---- */

typedef struct head {
	uint64_t q;
	mw rec;
} head;

static int read_head(void *arg, MDB_txn *txn)
{
	head *h = arg;
	MDB_cursor *c;
	MDB_val k, v;
	int rc;
	h->q = 0;
	if ((rc = mdb_cursor_open(txn, db(XDB_FWD), &c)) != 0)
		return store_rc(rc);
	rc = mdb_cursor_get(c, &k, &v, MDB_FIRST);
	if (rc == 0 && k.mv_size == 8) {
		h->q = be64_get(k.mv_data);
		mw_raw(&h->rec, v.mv_data, v.mv_size);
	}
	mdb_cursor_close(c);
	return rc == 0 || rc == MDB_NOTFOUND ? 0 : store_rc(rc);
}

static void fill_record(mw *w, void *arg)
{
	head *h = arg;
	mw_str(w, "record");
	mw_raw(w, mw_data(&h->rec), mw_len(&h->rec));
}

static void forward_next(void)
{
	head h;
	if (stopping || fwd.want)
		return;
	mw_init(&h.rec);
	if (daemon_write(X.d, read_head, &h) >= 0 && h.q) {
		fwd_q = h.q;
		send_call(&fwd, T_RECORD_SUBMIT, fill_record, &h);
	}
	mw_free(&h.rec);
}

static void on_kick(uv_timer_t *t)
{
	(void)t;
	forward_next();
}

static uv_timer_t kick_timer;

void link_kick(void)
{
	/* called inside the transaction that queued: look after its commit, on the next turn */
	if (!stopping && kick_timer.data)
		uv_timer_start(&kick_timer, on_kick, 0, 0);
}

typedef struct done_arg {
	uint64_t q;
	const msgpack_object *err;    /* ingest's refusal, NULL: accepted */
} done_arg;

static int done_fn(void *arg, MDB_txn *txn)
{
	done_arg *a = arg;
	unsigned char k[8];
	MDB_val v;
	int rc;
	be64_put(k, a->q);
	if ((rc = kv_get(txn, db(XDB_FWD), k, 8, &v)) == JRP_ENOTFOUND)
		return 0;
	if (rc)
		return rc;
	if (a->err) {
		mw w;
		mw_init(&w);
		mw_map(&w);
		mw_ki64(&w, "at", clock_now_ms());
		mw_str(&w, "record");
		mw_raw(&w, v.mv_data, v.mv_size);
		mw_str(&w, "error");
		mw_obj(&w, a->err);
		mw_end(&w);
		rc = kv_put(txn, db(XDB_FWDREF), k, 8, mw_data(&w), mw_len(&w), 0);
		mw_free(&w);
		if (rc)
			return rc;
	}
	return kv_del(txn, db(XDB_FWD), k, 8);
}

static void fwd_reply(call *c, const msgpack_object *root)
{
	done_arg a = { .q = fwd_q };
	(void)c;
	if (!obj_bool(root, "ok")) {
		const msgpack_object *err = obj_get(root, "error");
		char code[32] = "", field[64] = "", msg[300] = "";
		obj_cstr(err, "code", code, sizeof code);
		obj_cstr(err, "field", field, sizeof field);
		obj_cstr(err, "message", msg, sizeof msg);
		if (strcmp(code, JRP_ERR_BUSY) == 0 || strcmp(code, JRP_ERR_STORAGE) == 0) {
			uv_timer_start(&fwd.timer, on_call_timer, RETRY_MS, 0);   /* the same record again */
			return;
		}
		log_error("event=forward_refused queue=%llu code=%s field=%s message=\"%s\" hint=\"jrpctl exchange status; "
			  "the record stays in the refused list\"", (unsigned long long)fwd_q, code, field, msg);
		a.err = err;
	} else {
		forwarded++;
	}
	if (daemon_write(X.d, done_fn, &a) < 0) {
		uv_timer_start(&fwd.timer, on_call_timer, RETRY_MS, 0);
		return;
	}
	fwd_q = 0;
	forward_next();
}

static void fwd_timeout(call *c)
{
	(void)c;
	fwd_q = 0;
	forward_next();
}

/* ---- the report home ---- */

static void fill_region(mw *w, void *arg)
{
	mw_kstr(w, "region", arg);
	mw_ku64(w, "max", X_REPORT_MAX);
}

static void report_ask(void)
{
	if (stopping || rep.want || report_peer >= X.npeers)
		return;
	send_call(&rep, T_FOREIGN_REPORT, fill_region, X.peers[report_peer].region);
}

static void on_report_timer(uv_timer_t *t)
{
	(void)t;
	report_peer = 0;
	report_ask();
}

/* item_from - one entry of feedback's foreign.report (or its totals): done is every feedback given */
static void item_from(const msgpack_object *o, x_report_item *it, bool totals)
{
	char st[16] = "";
	memset(it, 0, sizeof *it);
	it->entry = obj_u64(o, "entry");
	it->in_force = totals ? obj_u64(o, "in_force") > 0 : strcmp(obj_cstr(o, "state", st, sizeof st), "in_force") == 0;
	it->tasks = obj_u64(o, "tasks");
	it->done = obj_u64(o, "applied") + obj_u64(o, "not_applied") + obj_u64(o, "not_applicable") + obj_u64(o, "failed");
	it->awaiting = obj_u64(o, "awaiting");
	it->overdue = obj_u64(o, "overdue");
}

typedef struct send_report {
	x_rec x;
	uint64_t crc;
} send_report;

static int report_fn(void *arg, MDB_txn *txn)
{
	send_report *s = arg;
	char mk[64];
	uint64_t last = 0;
	int rc;
	snprintf(mk, sizeof mk, "rsent.%s", s->x.to);
	if ((rc = meta_get_u64(txn, db(XDB_META), mk, &last)) != 0)
		return rc;
	if (last == s->crc + 1)
		return 0;   /* nothing new since the last report */
	if ((rc = xc_send(txn, &s->x)) != 0)
		return rc;
	reports_sent++;
	return meta_put_u64(txn, db(XDB_META), mk, s->crc + 1);
}

static void rep_reply(call *c, const msgpack_object *root)
{
	(void)c;
	if (!obj_bool(root, "ok")) {
		char code[32] = "", msg[300] = "";
		const msgpack_object *err = obj_get(root, "error");
		log_error("event=report_failed region=%s code=%s message=\"%s\"", X.peers[report_peer].region,
			  obj_cstr(err, "code", code, sizeof code), obj_cstr(err, "message", msg, sizeof msg));
	} else {
		send_report s = { .x = { .kind = XK_REPORT } };
		const msgpack_object *en = obj_get(root, "entries"), *tot = obj_get(root, "totals");
		x_report *r = &s.x.u.report;
		mw w;
		str_copy(s.x.to, sizeof s.x.to, X.peers[report_peer].region);
		if (tot)
			item_from(tot, &r->totals, true);
		if (en && en->type == MSGPACK_OBJECT_ARRAY) {
			r->n = en->via.array.size > X_REPORT_MAX ? X_REPORT_MAX : en->via.array.size;
			r->truncated = en->via.array.size > X_REPORT_MAX || obj_get(root, "next") != NULL;
			r->entries = r->n ? xcalloc(r->n, sizeof *r->entries) : NULL;
			for (size_t i = 0; i < r->n; i++)
				item_from(&en->via.array.ptr[i], &r->entries[i], false);
		}
		/* what the report says, without its seq and time: sent again only when it changed */
		mw_init(&w);
		x_encode(&w, &s.x);
		s.crc = crc32c(0, mw_data(&w), mw_len(&w));
		mw_free(&w);
		if (r->n || r->totals.tasks || r->totals.in_force)
			daemon_write(X.d, report_fn, &s);
		x_free(&s.x);
	}
	report_peer++;
	if (report_peer < X.npeers)
		report_ask();
}

static void rep_timeout(call *c)
{
	(void)c;
	report_peer = X.npeers;   /* the next round asks again */
}

/* ---- life ---- */

static void call_init(call *c, int svc, void (*on_reply)(call *, const msgpack_object *), void (*on_timeout)(call *))
{
	const jrp_config *cfg = daemon_config(X.d);
	jrp_error e;
	c->endpoint = cfg->endpoint[svc];
	c->on_reply = on_reply;
	c->on_timeout = on_timeout;
	if (config_is_tcp(c->endpoint) && config_peer_key(cfg, svc_names[svc], c->pub, &e) < 0)
		log_error("event=key_missing daemon=%s error=\"%s\"", svc_names[svc], e.message);
	uv_timer_init(daemon_loop(X.d), &c->timer);
	c->timer.data = c;
	open_call(c);
}

void link_start(void)
{
	const char *env = getenv("JRP_EXCHANGE_REPORT_MS");
	if (env && atoll(env) > 0)
		report_ms = atoll(env);
	call_init(&fwd, SVC_INGEST, fwd_reply, fwd_timeout);
	call_init(&rep, SVC_FEEDBACK, rep_reply, rep_timeout);
	uv_timer_init(daemon_loop(X.d), &kick_timer);
	kick_timer.data = &kick_timer;
	uv_timer_init(daemon_loop(X.d), &report_timer);
	uv_timer_start(&report_timer, on_report_timer, (uint64_t)report_ms, (uint64_t)report_ms);
	forward_next();
}

void link_stop(void)
{
	stopping = true;
	uv_timer_stop(&report_timer);
	uv_close((uv_handle_t *)&report_timer, NULL);
	uv_close((uv_handle_t *)&kick_timer, NULL);
	uv_close((uv_handle_t *)&fwd.timer, NULL);
	uv_close((uv_handle_t *)&rep.timer, NULL);
	close_call(&fwd);
	close_call(&rep);
}

void link_status(MDB_txn *txn, mw *out)
{
	MDB_stat st;
	mw_str(out, "forward");
	mw_map(out);
	mw_ku64(out, "queued", mdb_stat(txn, db(XDB_FWD), &st) == 0 ? st.ms_entries : 0);
	mw_ku64(out, "refused", mdb_stat(txn, db(XDB_FWDREF), &st) == 0 ? st.ms_entries : 0);
	mw_ku64(out, "forwarded", forwarded);     /* since this daemon started */
	mw_end(out);
	mw_ku64(out, "reports_sent", reports_sent);   /* since this daemon started */
}
