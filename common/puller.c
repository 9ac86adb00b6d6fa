/*
 * puller.c - pull the upstream daemon's log after our cursor (see puller.h)
 *
 * The log's identity: log.fetch answers with the log's id and format, the
 * CRC-32C of the record at `after` and of the last record it returns. The
 * puller keeps the id and the last CRC with its cursor ("upstream_log",
 * "upstream_crc" in meta, same transaction), so that a log that is not the one
 * its cursor belongs to is refused, whatever its seqs say.
 *
 * A refused record: apply_fn stops at it and the whole batch is redone with it
 * marked, so that the refused record leaves no partial writes behind (no
 * nested transaction per record, which costs LMDB a page-list copy each).
 * Over tcp:// the socket is a CURVE client with this daemon's key pair, so the
 * upstream's ZAP handler knows it as the daemon's party (DESIGN.md Security).
 */
#include "puller.h"
#include "clock.h"
#include "proto.h"
#include "store.h"
#include "zloop.h"
#include "util/log.h"
#include "util/str.h"
#include "util/vec.h"
#include "util/xalloc.h"
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zmq.h>

#define FETCH_MAX 1024
#define FETCH_WAIT_MS 1000
#define REPLY_TIMEOUT_MS (FETCH_WAIT_MS + 4000)
#define STOPPED_RECHECK_MS 5000   /* JRP_PULL_RECHECK_MS overrides it (tests) */
#define LOG_ID_LEN 32
#define REDO (-100)            /* apply_fn: a record was refused; redo the batch without it */
#define REDO_STOP (-101)       /* apply_fn (raw): a record this build cannot read; redo the batch up to it */
#define META_LOG "upstream_log"
#define META_CRC "upstream_crc"
#define META_PENDING PULLER_PENDING_KEY

typedef struct refused {
	uint64_t seq;
	jrp_error e;
} refused;

struct puller {
	puller_host h;
	char *party, *endpoint;
	/* its keys in meta: the host's prefix + "cursor", "upstream_crc", "upstream_log", "rejected_pending" */
	char k_cursor[80], k_crc[80], k_log[80], k_pending[80];
	void *sock, *mon;
	zwatch *w, *mw;
	uv_timer_t timer;       /* reply timeout, or the pause before asking again */
	uint64_t cursor;        /* as of the last commit */
	uint64_t crc;           /* CRC-32C of the record at the cursor, 0 if not known */
	char log_id[LOG_ID_LEN + 1];   /* the upstream log the cursor belongs to ("" before the first) */
	uint64_t want_id, next_id;
	bool disconnected;      /* the upstream went away since the request was sent */
	char stopped[400];      /* why it takes no records, "" while it does */
	jrp_rec *rec;           /* one decoded record (large: allocated once) */
	refused *ref;           /* records the apply hook refused in the batch being applied */
	size_t nref, capref;
	int mon_n;
	uint64_t recheck_ms;    /* stopped: how often to ask again */
	bool closing;
};

static void send_fetch(puller *p);
static void on_reply(zwatch *w, void *sock, void *arg);
static void on_monitor(zwatch *w, void *sock, void *arg);

/* ---- the socket ---- */

static void open_socket(puller *p)
{
	char mon[64];
	int lin = 0;
	p->sock = zmq_socket(p->h.zctx, ZMQ_DEALER);
	zmq_setsockopt(p->sock, ZMQ_LINGER, &lin, sizeof lin);
	if (p->h.curve)
		p->h.curve(p->h.arg, p->sock);   /* tcp://: authenticate as this daemon's party */
	/* the upstream's comings and goings: a reconnection means it restarted and forgot what it
	 * was asked, so the request goes again at once */
	snprintf(mon, sizeof mon, "inproc://jrp-puller-%p-%d", (void *)p, p->mon_n++);
	zmq_socket_monitor(p->sock, mon, ZMQ_EVENT_CONNECTED | ZMQ_EVENT_DISCONNECTED);
	p->mon = zmq_socket(p->h.zctx, ZMQ_PAIR);
	zmq_setsockopt(p->mon, ZMQ_LINGER, &lin, sizeof lin);
	zmq_connect(p->mon, mon);
	zmq_connect(p->sock, p->endpoint);
	p->w = zwatch_new(p->h.loop, p->sock, on_reply, p);
	p->mw = zwatch_new(p->h.loop, p->mon, on_monitor, p);
}

static void close_socket(puller *p)
{
	zwatch_free(&p->w);
	zwatch_free(&p->mw);
	zmq_socket_monitor(p->sock, NULL, 0);
	zmq_close(p->mon);
	zmq_close(p->sock);
}

static void on_monitor(zwatch *w, void *sock, void *arg)
{
	puller *p = arg;
	zmq_msg_t m;
	for (;;) {
		uint16_t ev = 0;
		int more;
		zmq_msg_init(&m);
		if (zmq_msg_recv(&m, sock, ZMQ_DONTWAIT) < 0) {
			zmq_msg_close(&m);
			return;
		}
		if (zmq_msg_size(&m) >= 2)
			memcpy(&ev, zmq_msg_data(&m), 2);
		more = zmq_msg_more(&m);
		zmq_msg_close(&m);
		while (more) {   /* the endpoint frame */
			zmq_msg_init(&m);
			if (zmq_msg_recv(&m, sock, 0) < 0)
				more = 0;
			else
				more = zmq_msg_more(&m);
			zmq_msg_close(&m);
		}
		if (ev == ZMQ_EVENT_DISCONNECTED) {
			p->disconnected = true;
		} else if (ev == ZMQ_EVENT_CONNECTED && p->disconnected) {
			p->disconnected = false;
			if (p->want_id && !p->closing) {
				log_info("event=upstream_back endpoint=%s action=asking_again", p->endpoint);
				send_fetch(p);
			}
		}
	}
}

/* ---- stopping ---- */

/* stop_pulling - take no records until the cause goes away; say so once per cause */
static void stop_pulling(puller *p, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void stop_pulling(puller *p, const char *fmt, ...)
{
	char why[sizeof p->stopped];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(why, sizeof why, fmt, ap);
	va_end(ap);
	if (strcmp(why, p->stopped) != 0)
		log_error("event=pull_stopped upstream=%s cursor=%llu reason=\"%s\"", p->endpoint,
			  (unsigned long long)p->cursor, why);
	str_copy(p->stopped, sizeof p->stopped, why);
}

/* ---- the rejected database ---- */

/* kept - write one rejected record: the reason, the key it holds (or is held behind), the record */
static int kept(puller *p, MDB_txn *txn, uint64_t seq, const msgpack_object *raw, const jrp_error *e, const char *key,
		uint64_t held_by, const char *state, const char *by, int64_t applied_at)
{
	unsigned char k[8];
	mw w;
	int rc;
	mw_init(&w);
	mw_map(&w);
	mw_ku64(&w, "seq", seq);
	mw_ki64(&w, "at", clock_now_ms());
	mw_kstr(&w, "code", e->code[0] ? e->code : "internal");
	mw_kstr(&w, "field", e->field);
	mw_kstr(&w, "message", e->message);
	mw_kstr(&w, "key", key);
	if (held_by)
		mw_ku64(&w, "held_by", held_by);
	mw_kstr(&w, "state", state);
	if (by) {
		mw_kstr(&w, "applied_by", by);
		mw_ki64(&w, "applied_at", applied_at);
	}
	mw_kobj(&w, "record", raw);
	mw_end(&w);
	be64_put(k, seq);
	rc = kv_put(txn, p->h.rejected, k, 8, mw_data(&w), mw_len(&w), 0);
	mw_free(&w);
	return rc;
}

/* held_behind - the seq of the pending rejected record that key is held behind, 0 if none */
static int held_behind(puller *p, MDB_txn *txn, const char *key, uint64_t *head)
{
	MDB_val v;
	int rc;
	*head = 0;
	if (!key[0])
		return 0;
	rc = kv_get(txn, p->h.rejected_keys, key, strlen(key), &v);
	if (rc == JRP_ENOTFOUND)
		return 0;
	if (rc == 0 && v.mv_size == 8)
		*head = be64_get(v.mv_data);
	return rc;
}

/* reject - keep a record this daemon could not apply: the head of its key, or held behind one */
static int reject(puller *p, MDB_txn *txn, uint64_t seq, const msgpack_object *raw, const jrp_error *e,
		  const char *key, uint64_t head)
{
	unsigned char v[8];
	int rc;
	if (head) {
		jrp_error h;
		jrp_fail(&h, "held", "", "held behind record %llu about the same %s, which was rejected: records about "
			 "one subject or entry apply in order", (unsigned long long)head, key);
		log_warn("event=record_held seq=%llu behind=%llu key=%s", (unsigned long long)seq, (unsigned long long)head,
			 key);
		rc = kept(p, txn, seq, raw, &h, key, head, "pending", NULL, 0);
	} else {
		log_error("event=record_rejected seq=%llu key=%s code=%s field=%s message=\"%s\" hint=\"jrpctl rejected "
			  "list; after a fix, jrpctl rejected retry %llu\"", (unsigned long long)seq, key[0] ? key : "-",
			  e->code, e->field, e->message, (unsigned long long)seq);
		rc = kept(p, txn, seq, raw, e, key, 0, "pending", NULL, 0);
		be64_put(v, seq);
		if (rc == 0 && key[0])
			rc = kv_put(txn, p->h.rejected_keys, key, strlen(key), v, 8, 0);
	}
	return rc ? rc : meta_add(txn, p->h.meta, p->k_pending, 1, NULL);
}

/* ---- applying a batch ---- */

typedef struct apply_arg {
	puller *p;
	const msgpack_object_array *recs;
	uint64_t cursor, crc;
	const char *log_id;
	uint64_t end_crc;        /* of the last record of the reply */
	jrp_error refusal;       /* REDO: why */
	uint64_t refused_seq;
	bool stop;               /* a record this build cannot read: the batch ends before it */
	jrp_error stop_e;
	uint64_t stop_seq;
	uint64_t limit;          /* REDO_STOP: the record the batch ends before (raw hosts), 0 = none */
	jrp_error limit_e;
} apply_arg;

static const refused *was_refused(const puller *p, uint64_t seq)
{
	for (size_t i = 0; i < p->nref; i++)
		if (p->ref[i].seq == seq)
			return &p->ref[i];
	return NULL;
}

static int apply_fn(void *arg, MDB_txn *txn)
{
	apply_arg *a = arg;
	puller *p = a->p;
	uint64_t cursor = p->cursor, crc = p->crc;
	int rc;

	for (uint32_t i = 0; i < a->recs->size; i++) {
		const msgpack_object *raw = &a->recs->ptr[i];
		const msgpack_object *s = raw->type == MSGPACK_OBJECT_MAP ? obj_get(raw, "seq") : NULL;
		uint64_t seq = s && s->type == MSGPACK_OBJECT_POSITIVE_INTEGER ? s->via.u64 : 0;
		const refused *rf;
		char key[64];
		uint64_t head;
		jrp_error e;

		if (seq && seq <= cursor)
			continue;   /* already applied (a reply to a resent request) */
		if (seq != cursor + 1) {
			/* a record without its seq, or a log that jumps: records would be missed */
			a->stop = true;
			a->stop_seq = cursor + 1;
			jrp_fail(&a->stop_e, JRP_ERR_BAD_MESSAGE, "seq", seq ? "the log jumps from seq %llu to %llu" :
				 "the record after seq %llu has no seq", (unsigned long long)cursor, (unsigned long long)seq);
			break;
		}
		if (a->limit && seq == a->limit) {
			a->stop = true;
			a->stop_seq = seq;
			a->stop_e = a->limit_e;
			break;
		}
		rec_key(raw, key, sizeof key);
		if ((rc = held_behind(p, txn, key, &head)) != 0)
			return rc;
		jrp_error_clear(&e);
		if (head) {
			rc = reject(p, txn, seq, raw, &e, key, head);
		} else if ((rc = p->h.raw ? 0 : rec_decode(raw, p->h.kinds, p->h.copies, p->rec, &e)) == JRP_EUNKNOWN) {
			a->stop = true;
			a->stop_seq = seq;
			a->stop_e = e;
			break;
		} else if (rc < 0) {
			rc = reject(p, txn, seq, raw, &e, key, 0);
		} else if ((rf = was_refused(p, seq))) {
			rc = reject(p, txn, seq, raw, &rf->e, key, 0);
		} else {
			rc = p->h.apply(p->h.arg, txn, p->h.raw ? NULL : p->rec, raw, &e);
			if (rc == JRP_EFULL || rc == JRP_ESTORE)
				return rc;
			if (rc == JRP_EUNKNOWN && p->h.raw) {   /* a kind or format the raw decoder does not know */
				a->stop = true;
				a->stop_seq = seq;
				a->stop_e = e;
				return REDO_STOP;
			}
			if (rc < 0) {
				a->refused_seq = seq;
				a->refusal = e;
				return REDO;
			}
		}
		if (rc)
			return rc;
		cursor = seq;
		crc = i + 1 == a->recs->size ? a->end_crc : 0;
	}
	a->cursor = cursor;
	a->crc = crc;
	if ((rc = meta_put_u64(txn, p->h.meta, p->k_cursor, cursor)) != 0 ||
	    (rc = meta_put_u64(txn, p->h.meta, p->k_crc, crc)) != 0)
		return rc;
	if (!p->log_id[0] && a->log_id && cursor > 0)
		rc = kv_put(txn, p->h.meta, p->k_log, strlen(p->k_log), a->log_id, strlen(a->log_id), 0);
	return rc;
}

/* apply_batch - every record of the reply, refused ones kept aside; 0 or the storage failure */
static int apply_batch(puller *p, apply_arg *a)
{
	int rc;
	p->nref = 0;
	for (;;) {
		a->stop = false;
		rc = p->h.write(p->h.arg, apply_fn, a);
		if (rc == REDO_STOP) {   /* the transaction is gone: redo it up to that record */
			a->limit = a->stop_seq;
			a->limit_e = a->stop_e;
			continue;
		}
		if (rc != REDO)
			break;
		/* the transaction is gone: redo it with this record kept instead of applied */
		if (p->nref == p->capref)
			p->ref = xrealloc(p->ref, (p->capref = p->capref ? p->capref * 2 : 8) * sizeof *p->ref);
		p->ref[p->nref].seq = a->refused_seq;
		p->ref[p->nref++].e = a->refusal;
	}
	p->nref = 0;
	return rc;
}

/* ---- talking to the upstream ---- */

static void on_timer(uv_timer_t *t)
{
	puller *p = t->data;
	if (p->want_id) {
		log_warn("event=upstream_silent endpoint=%s", p->endpoint);
		close_socket(p);
		open_socket(p);
	}
	send_fetch(p);
}

/* check_identity - the reply is from the log the cursor belongs to, in a format this build reads;
 * otherwise the puller stops (and says why) */
static bool check_identity(puller *p, const msgpack_object *root, uint64_t last, const char **log_id)
{
	const msgpack_object *id = obj_get(root, "log_id"), *ac = obj_get(root, "after_crc");
	uint64_t format = obj_u64(root, "format");
	static char idbuf[LOG_ID_LEN + 1];

	*log_id = NULL;
	if (!id || id->type != MSGPACK_OBJECT_STR || id->via.str.size != LOG_ID_LEN || format == 0) {
		stop_pulling(p, "the upstream's log.fetch says no log id and format: it is not a jrp of this version");
		return false;
	}
	memcpy(idbuf, id->via.str.ptr, LOG_ID_LEN);
	idbuf[LOG_ID_LEN] = 0;
	*log_id = idbuf;
	unsigned fmin = p->h.format_max ? p->h.format_min : JRP_LOG_FORMAT_MIN;
	unsigned fmax = p->h.format_max ? p->h.format_max : JRP_LOG_FORMAT;
	if (format < fmin || format > fmax) {
		stop_pulling(p, "the upstream log %s has format %llu; this build reads formats %u to %u (upgrade this daemon)",
			     idbuf, (unsigned long long)format, fmin, fmax);
		return false;
	}
	if (p->log_id[0] && strcmp(p->log_id, idbuf) != 0) {
		stop_pulling(p, "the upstream log is %s, but my cursor %llu belongs to log %s (another data directory, "
			     "a wiped one, or a wrong endpoint)", idbuf, (unsigned long long)p->cursor, p->log_id);
		return false;
	}
	if (p->cursor > last) {
		stop_pulling(p, "the upstream log %s ends at seq %llu, below my cursor %llu (restored from an earlier copy?); "
			     "records it takes from now on would reuse seqs I applied", idbuf, (unsigned long long)last,
			     (unsigned long long)p->cursor);
		return false;
	}
	if (p->cursor && p->crc && ac && ac->type == MSGPACK_OBJECT_POSITIVE_INTEGER && ac->via.u64 != p->crc) {
		stop_pulling(p, "the record at my cursor %llu in upstream log %s is not the one I applied (CRC %08llx, "
			     "applied %08llx): its history was replaced", (unsigned long long)p->cursor, idbuf,
			     (unsigned long long)ac->via.u64, (unsigned long long)p->crc);
		return false;
	}
	if (p->stopped[0]) {
		log_info("event=pull_resumed upstream=%s cursor=%llu", p->endpoint, (unsigned long long)p->cursor);
		p->stopped[0] = 0;
	}
	return true;
}

static void on_reply(zwatch *w, void *sock, void *arg)
{
	puller *p = arg;
	zmq_msg_t m;
	msg_in in;
	jrp_error e;
	const msgpack_object *recs;
	const char *log_id;
	uint64_t delay = 0;

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
	recs = obj_get(in.root, "records");
	if (!obj_bool(in.root, "ok")) {
		const msgpack_object *err = obj_get(in.root, "error");
		char code[32], msg[256];
		log_error("event=fetch_refused endpoint=%s code=%s message=\"%s\"", p->endpoint,
			  obj_cstr(err, "code", code, sizeof code), obj_cstr(err, "message", msg, sizeof msg));
		delay = 1000;
	} else if (!check_identity(p, in.root, obj_u64(in.root, "last"), &log_id)) {
		delay = p->recheck_ms;
	} else if (recs && recs->type == MSGPACK_OBJECT_ARRAY && recs->via.array.size > 0) {
		apply_arg a = { .p = p, .recs = &recs->via.array, .log_id = log_id, .end_crc = obj_u64(in.root, "end_crc") };
		int rc = apply_batch(p, &a);
		if (rc < 0) {
			log_error("event=apply_failed error=\"%s\"", jrp_strerror(rc));
			delay = 1000;
		} else {
			p->cursor = a.cursor;
			p->crc = a.crc;
			if (!p->log_id[0] && p->cursor)
				str_copy(p->log_id, sizeof p->log_id, log_id);
			if (a.stop) {
				stop_pulling(p, "record %llu of upstream log %s cannot be read by this build: %s %s: %s (upgrade "
					     "this daemon; records before it are applied)", (unsigned long long)a.stop_seq, log_id,
					     a.stop_e.code, a.stop_e.field, a.stop_e.message);
				delay = p->recheck_ms;
			} else if (p->h.coalesce_ms > 0 && recs->via.array.size < FETCH_MAX) {
				delay = (uint64_t)p->h.coalesce_ms;
			}
		}
	}
	zmq_msg_close(&m);
	msg_in_free(&in);
	if (delay)
		uv_timer_start(&p->timer, on_timer, delay, 0);
	else
		send_fetch(p);
}

static void send_fetch(puller *p)
{
	mw w;
	if (p->closing)
		return;
	mw_init(&w);
	mw_map(&w);
	mw_ku64(&w, "v", JRP_PROTO_VERSION);
	mw_kstr(&w, "type", p->h.request ? p->h.request : T_LOG_FETCH);
	p->want_id = ++p->next_id;
	mw_ku64(&w, "id", p->want_id);
	mw_kstr(&w, "party", p->party);
	mw_ku64(&w, "after", p->cursor);
	mw_ku64(&w, "max", FETCH_MAX);
	mw_ku64(&w, "wait_ms", p->stopped[0] ? 0 : FETCH_WAIT_MS);
	mw_end(&w);
	zmq_send(p->sock, mw_data(&w), mw_len(&w), ZMQ_DONTWAIT);
	mw_free(&w);
	zwatch_kick(p->w);
	uv_timer_start(&p->timer, on_timer, REPLY_TIMEOUT_MS, 0);
}

/* ---- life ---- */

static int read_state(void *arg, MDB_txn *txn)
{
	puller *p = arg;
	MDB_val v;
	int rc;
	if ((rc = meta_get_u64(txn, p->h.meta, p->k_cursor, &p->cursor)) != 0 ||
	    (rc = meta_get_u64(txn, p->h.meta, p->k_crc, &p->crc)) != 0)
		return rc;
	rc = kv_get(txn, p->h.meta, p->k_log, strlen(p->k_log), &v);
	if (rc == 0 && v.mv_size == LOG_ID_LEN) {
		memcpy(p->log_id, v.mv_data, LOG_ID_LEN);
		p->log_id[LOG_ID_LEN] = 0;
	}
	return rc == JRP_ENOTFOUND ? 0 : rc;
}

puller *puller_new(const puller_host *host)
{
	puller *p = xcalloc(1, sizeof *p);
	p->h = *host;
	p->party = xstrdup(host->party);
	p->endpoint = xstrdup(host->endpoint);
	snprintf(p->k_cursor, sizeof p->k_cursor, "%s%s", host->prefix ? host->prefix : "", PULLER_CURSOR_KEY);
	snprintf(p->k_crc, sizeof p->k_crc, "%s%s", host->prefix ? host->prefix : "", META_CRC);
	snprintf(p->k_log, sizeof p->k_log, "%s%s", host->prefix ? host->prefix : "", META_LOG);
	snprintf(p->k_pending, sizeof p->k_pending, "%s%s", host->prefix ? host->prefix : "", META_PENDING);
	p->rec = xmalloc(sizeof *p->rec);
	p->recheck_ms = getenv("JRP_PULL_RECHECK_MS") ? strtoull(getenv("JRP_PULL_RECHECK_MS"), NULL, 10) : 0;
	if (!p->recheck_ms)
		p->recheck_ms = STOPPED_RECHECK_MS;
	p->h.write(p->h.arg, read_state, p);
	uv_timer_init(p->h.loop, &p->timer);
	p->timer.data = p;
	open_socket(p);
	send_fetch(p);
	return p;
}

static void on_timer_closed(uv_handle_t *h)
{
	puller *p = h->data;
	free(p->party);
	free(p->endpoint);
	free(p->rec);
	free(p->ref);
	free(p);
}

void puller_free(puller **pp)
{
	puller *p = *pp;
	if (!p)
		return;
	p->closing = true;
	close_socket(p);
	uv_timer_stop(&p->timer);
	uv_close((uv_handle_t *)&p->timer, on_timer_closed);
	*pp = NULL;
}

/* ---- what operators see and do ---- */

void puller_status(puller *p, MDB_txn *txn, mw *out)
{
	uint64_t cursor = 0, pending = 0;
	meta_get_u64(txn, p->h.meta, p->k_cursor, &cursor);
	meta_get_u64(txn, p->h.meta, p->k_pending, &pending);
	mw_ku64(out, "cursor", cursor);
	if (p->log_id[0])
		mw_kstr(out, "upstream_log", p->log_id);
	mw_ku64(out, "rejected", pending);
	if (p->stopped[0])
		mw_kstr(out, "stopped", p->stopped);
}

/* one stored rejected record, read back */
typedef struct kept_rec {
	msg_in in;
	uint64_t seq, held_by;
	char key[64], state[16], code[32], field[128], message[384];
	const msgpack_object *record;
} kept_rec;

/* text - a string field that may be empty (what kept() wrote) */
static int text(mr *r, const char *key, char *buf, size_t n)
{
	const char *s;
	size_t len;
	int rc = mr_str(r, key, MR_REQ, n - 1, &s, &len);
	if (rc < 0)
		return rc;
	memcpy(buf, s, len);
	buf[len] = 0;
	return 0;
}

static int kept_read(const MDB_val *v, kept_rec *k)
{
	jrp_error e;
	uint64_t at;
	mr r;
	k->held_by = 0;
	if (msg_parse_ref(v->mv_data, v->mv_size, SIZE_MAX, &k->in, &e) < 0 || mr_init(&r, k->in.root, "rejected", &e) < 0 ||
	    mr_u64(&r, "seq", MR_REQ, &k->seq) < 0 || mr_u64(&r, "at", MR_REQ, &at) < 0 ||
	    text(&r, "code", k->code, sizeof k->code) < 0 || text(&r, "field", k->field, sizeof k->field) < 0 ||
	    text(&r, "message", k->message, sizeof k->message) < 0 || text(&r, "key", k->key, sizeof k->key) < 0 ||
	    mr_u64(&r, "held_by", MR_OPT, &k->held_by) < 0 || text(&r, "state", k->state, sizeof k->state) < 0 ||
	    mr_any(&r, "record", MR_REQ, &k->record) < 0)
		return JRP_ESTORE;
	return 0;
}

int puller_rejected_list(puller *p, MDB_txn *txn, bool all, uint64_t after, uint64_t max, mw *out)
{
	MDB_cursor *c;
	MDB_val k, v;
	unsigned char kb[8];
	uint64_t pending = 0, n = 0;
	int rc;

	meta_get_u64(txn, p->h.meta, p->k_pending, &pending);
	mw_str(out, "records");
	mw_arr(out);
	if ((rc = mdb_cursor_open(txn, p->h.rejected, &c)) != 0)
		return store_rc(rc);
	be64_put(kb, after + 1);
	k.mv_data = kb;
	k.mv_size = 8;
	for (rc = mdb_cursor_get(c, &k, &v, MDB_SET_RANGE); rc == 0 && n < max; rc = mdb_cursor_get(c, &k, &v, MDB_NEXT)) {
		kept_rec r;
		int bad = kept_read(&v, &r);
		if (!bad && (all || strcmp(r.state, "pending") == 0)) {
			mw_raw(out, v.mv_data, v.mv_size);
			n++;
		}
		msg_in_free(&r.in);
	}
	mdb_cursor_close(c);
	mw_end(out);
	mw_ku64(out, "pending", pending);
	return rc == 0 || rc == MDB_NOTFOUND ? 0 : store_rc(rc);
}

/* try_one - decode and apply one kept record in its own nested transaction; 0 applied, or the
 * refusal in e (nothing of it written); storage failures are returned as they are */
static int try_one(puller *p, MDB_txn *txn, const msgpack_object *raw, jrp_error *e)
{
	MDB_txn *child;
	int rc;
	jrp_error_clear(e);
	if ((rc = mdb_txn_begin(p->h.env, txn, 0, &child)) != 0)
		return store_rc(rc);
	if ((rc = p->h.raw ? 0 : rec_decode(raw, p->h.kinds, p->h.copies, p->rec, e)) < 0 ||
	    (rc = p->h.apply(p->h.arg, child, p->h.raw ? NULL : p->rec, raw, e)) < 0) {
		mdb_txn_abort(child);
		if (rc == JRP_EUNKNOWN)
			return JRP_EINVAL;   /* this build cannot read it: it stays kept */
		return rc;
	}
	return store_rc(mdb_txn_commit(child));
}

/* mark - a kept record's new state (applied, or the head of its key with a new reason) */
static int mark(puller *p, MDB_txn *txn, const kept_rec *k, const jrp_error *e, uint64_t held_by, bool applied,
		const char *by, int64_t now)
{
	jrp_error same;
	if (!e) {
		jrp_fail(&same, k->code, k->field, "%s", k->message);
		e = &same;
	}
	return kept(p, txn, k->seq, k->record, e, k->key, held_by, applied ? "applied" : "pending", applied ? by : NULL, now);
}

int puller_retry(puller *p, MDB_txn *txn, uint64_t seq, const char *by, int64_t now, mw *out, jrp_error *e)
{
	unsigned char kb[8];
	MDB_val v;
	kept_rec head;
	MDB_cursor *c;
	uint64_t new_head = 0;
	int rc;

	be64_put(kb, seq);
	if ((rc = kv_get(txn, p->h.rejected, kb, 8, &v)) == JRP_ENOTFOUND)
		return jrp_fail(e, JRP_ERR_NOT_FOUND, "seq", "no record %llu was rejected here", (unsigned long long)seq);
	if (rc)
		return rc;
	if ((rc = kept_read(&v, &head)) != 0) {
		msg_in_free(&head.in);
		return rc;
	}
	if (strcmp(head.state, "pending") != 0) {
		msg_in_free(&head.in);
		jrp_fail(e, JRP_ERR_CONFLICT, "seq", "record %llu was already applied again; a record applies once",
			 (unsigned long long)seq);
		return JRP_ECONFLICT;
	}
	if (head.held_by) {
		jrp_fail(e, JRP_ERR_CONFLICT, "seq", "record %llu is held behind record %llu about the same %s: retry %llu",
			 (unsigned long long)seq, (unsigned long long)head.held_by, head.key, (unsigned long long)head.held_by);
		msg_in_free(&head.in);
		return JRP_ECONFLICT;
	}
	if ((rc = try_one(p, txn, head.record, e)) != 0) {
		msg_in_free(&head.in);
		if (rc == JRP_EFULL || rc == JRP_ESTORE)
			return rc;
		if (!e->code[0])
			jrp_fail(e, JRP_ERR_CONFLICT, "seq", "record %llu is still refused", (unsigned long long)seq);
		return JRP_ECONFLICT;
	}
	if ((rc = mark(p, txn, &head, NULL, 0, true, by, now)) != 0 || (rc = meta_add(txn, p->h.meta, p->k_pending, -1, NULL)) != 0)
		goto out;
	log_info("event=record_retried seq=%llu by=%s", (unsigned long long)seq, by);
	mw_ku64(out, "seq", seq);
	mw_str(out, "applied");
	mw_arr(out);
	mw_u64(out, seq);
	/* what was held behind it, in order: applied until one is refused, which becomes the head */
	if (head.key[0] && (rc = mdb_cursor_open(txn, p->h.rejected, &c)) == 0) {
		MDB_val k;
		unsigned char from[8];
		u64vec held = { 0 };
		be64_put(from, seq + 1);
		k.mv_data = from;
		k.mv_size = 8;
		for (rc = mdb_cursor_get(c, &k, &v, MDB_SET_RANGE); rc == 0; rc = mdb_cursor_get(c, &k, &v, MDB_NEXT)) {
			kept_rec h;
			if (kept_read(&v, &h) == 0 && h.held_by == seq && strcmp(h.state, "pending") == 0 &&
			    strcmp(h.key, head.key) == 0)
				u64vec_push(&held, h.seq);
			msg_in_free(&h.in);
		}
		mdb_cursor_close(c);
		rc = 0;
		for (size_t i = 0; rc == 0 && i < held.n; i++) {
			kept_rec h;
			jrp_error he;
			be64_put(kb, held.v[i]);
			if ((rc = kv_get(txn, p->h.rejected, kb, 8, &v)) != 0 || (rc = kept_read(&v, &h)) != 0) {
				msg_in_free(&h.in);
				break;
			}
			if (new_head) {
				rc = mark(p, txn, &h, NULL, new_head, false, NULL, 0);
			} else if ((rc = try_one(p, txn, h.record, &he)) == 0) {
				if ((rc = mark(p, txn, &h, NULL, 0, true, by, now)) == 0)
					rc = meta_add(txn, p->h.meta, p->k_pending, -1, NULL);
				mw_u64(out, h.seq);
			} else if (rc != JRP_EFULL && rc != JRP_ESTORE) {
				new_head = h.seq;
				rc = mark(p, txn, &h, &he, 0, false, NULL, 0);
				if (rc == 0) {
					unsigned char hv[8];
					be64_put(hv, new_head);
					rc = kv_put(txn, p->h.rejected_keys, head.key, strlen(head.key), hv, 8, 0);
				}
			}
			msg_in_free(&h.in);
		}
		u64vec_free(&held);
	}
	mw_end(out);
	if (rc == 0 && head.key[0] && !new_head)
		rc = kv_del(txn, p->h.rejected_keys, head.key, strlen(head.key));
	if (rc == JRP_ENOTFOUND)
		rc = 0;
	if (rc == 0 && new_head)
		mw_ku64(out, "rejected_again", new_head);
out:
	msg_in_free(&head.in);
	return rc;
}
