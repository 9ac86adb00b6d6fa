/*
 * daemon.c - the daemon skeleton: config, store, socket, batches, long-poll,
 * deadlines, signals (see daemon.h). Every service's main() calls daemon_main.
 *
 * Authentication (DESIGN.md Security; DOMAIN.md Publication and privacy
 * [004 ch.3], access control): a tcp:// endpoint is a CURVE server with the
 * daemon's key pair (KEYS_DIR/<daemon>.key). The ZAP handler (inproc, in this
 * daemon's zmq context, polled from the loop) maps a client's public key to
 * its party of the registry and refuses unknown keys; the party is the
 * User-Id of every message of that connection, and a request may speak only
 * as that party. ipc:// sockets (NULL mechanism) are trusted by file
 * permission (0600 socket in a 0700 run dir): the declared party stands.
 */
#include "daemon.h"
#include "clock.h"
#include "proto.h"
#include "puller.h"
#include "zloop.h"
#include "util/fsutil.h"
#include "util/log.h"
#include "util/str.h"
#include "util/xalloc.h"
#include "journal.h"
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <malloc.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zmq.h>

#define HARD_MAX_MESSAGE (16 * 1024 * 1024)  /* larger: libzmq drops the peer */
#define TICK_MAX_MS 60000
#define MAX_PARKED 4096     /* long-polls waiting at once; more get "busy" */
#define ZAP_ENDPOINT "inproc://zeromq.zap.01"
#define ZAP_DOMAIN "jrp"
#define ZAP_FRAMES 8                 /* version, id, domain, address, identity, mechanism, credentials */
#define ZAP_LOG_QUIET_MS 60000       /* the same refused key is logged once a minute (clients retry every 100 ms) */
#define FRONT_ENDPOINT "inproc://jrp-front"
#define JOURNAL_APPLY_MAX 4096       /* journal frames moved into the outbound log per transaction */
#define JOURNAL_APPLY_DELAY_MS 10    /* gather the front's batches for a while: fewer commits (fsyncs) */

typedef struct job {
	unsigned char rid[256];
	size_t rid_len;
	bool delim;
	char user[40];          /* ZAP User-Id of the connection: its party over CURVE, "" over ipc */
	char *body;
	size_t len;
	jrp_error frame_err;    /* set when the frames themselves are wrong */
	bool frame_bad;
	int parsed;             /* job_parse: 0 not yet, 1 in is the body, -1 perr says why not */
	msg_in in;              /* the body, parsed once (points into body) */
	jrp_error perr;
	int64_t until;          /* long-poll deadline, 0 = not parked */
	bool final;
	bool park;              /* result: keep it */
	bool ok;                /* result: the handler succeeded (needs the commit) */
	bool refused;           /* result: the reply is already a complete error reply */
	mw reply;
} job;

typedef struct parked {
	struct parked *next;
	job *j;
} parked;

struct jrp_daemon {
	const jrp_service *svc;
	jrp_config *cfg;
	jrp_parties *parties;
	jrp_catalog *cat;
	jrp_catalog *prev_cat;   /* replaced by catalog.reload in the batch being run; freed after its commit */
	store *st;
	uv_loop_t *loop;
	void *zctx, *router, *zap;
	zwatch *rw, *zw;
	bool curve;                       /* the endpoint is tcp://: CURVE server */
	char pub[CONFIG_KEY_Z85], sec[CONFIG_KEY_Z85];   /* own key pair (tcp endpoint or tcp upstream) */
	char up_pub[CONFIG_KEY_Z85];      /* the upstream's public key, "" unless it is tcp:// */
	char refused[CONFIG_KEY_Z85];     /* the last key refused by ZAP, for quiet logs */
	int64_t refused_ms;
	unsigned refused_repeats;
	uv_signal_t sigterm, sigint;
	uv_timer_t tick_timer, park_timer;
	puller *pull;
	parked *parked;
	size_t nparked;
	bool woke;           /* the outbound log grew in the transaction just run */
	bool stopping;
	void *ctx;
	int lockfd;
	job *batch[JRP_MAX_BATCH];
	/* the front thread: services with ROUTE_READ routes ("the front thread" below).
	 * It owns the ROUTER socket, answers ROUTE_READ requests from a read transaction and
	 * passes every other request (a job pointer) to the write loop over an inproc PAIR. */
	bool front;
	pthread_t front_tid;
	void *inner, *outer;              /* the PAIR: write loop's end, front's end */
	pthread_rwlock_t front_lock;      /* front: read (its transaction, front_cat); loop: write
	                                   * (growing the map, replacing front_cat) */
	jrp_catalog *front_cat;           /* the catalogue the front answers with: the committed one */
	MDB_txn *rtxn;                    /* front's read transaction, reset between batches */
	journal *jw;                      /* front's journal writer */
	char jdir[4096];
	uv_async_t jasync;                /* front -> loop: the journal grew */
	bool jsignalled;                  /* (atomic) the front has said so since the loop last looked */
	uv_timer_t jtimer;
};

static __thread bool on_front;        /* this thread is the front */

static const jrp_route *find_route(const jrp_daemon *d, const char *type);

const jrp_config *daemon_config(jrp_daemon *d) { return d->cfg; }
const jrp_catalog *daemon_catalog(jrp_daemon *d) { return on_front ? d->front_cat : d->cat; }
const jrp_parties *daemon_parties(jrp_daemon *d) { return d->parties; }
store *daemon_store(jrp_daemon *d) { return d->st; }
MDB_dbi daemon_dbi(jrp_daemon *d, int idx) { return store_dbi(d->st, idx); }
uv_loop_t *daemon_loop(jrp_daemon *d) { return d->loop; }
const char *daemon_name(jrp_daemon *d) { return d->svc->name; }
void *daemon_ctx(jrp_daemon *d) { return d->ctx; }
void daemon_set_ctx(jrp_daemon *d, void *ctx) { d->ctx = ctx; }
void *daemon_zctx(jrp_daemon *d) { return d->zctx; }

int req_fail_forbidden(jrp_req *r, jrp_error *e, const char *fmt, ...)
{
	va_list ap;
	snprintf(e->code, sizeof e->code, "%s", JRP_ERR_FORBIDDEN);
	snprintf(e->field, sizeof e->field, "party");
	va_start(ap, fmt);
	vsnprintf(e->message, sizeof e->message, fmt, ap);
	va_end(ap);
	return JRP_EFORBIDDEN;
}

/* ---- outbound log ---- */

int daemon_next_seq(jrp_daemon *d, MDB_txn *txn, uint64_t *seq)
{
	int rc = log_last(txn, store_dbi(d->st, d->svc->outlog), seq);
	(*seq)++;
	return rc;
}

int daemon_append(jrp_daemon *d, MDB_txn *txn, const mw *rec, uint64_t *seq)
{
	uint64_t s;
	int rc = daemon_next_seq(d, txn, &s);
	if (rc)
		return rc;
	if ((rc = log_append(txn, store_dbi(d->st, d->svc->outlog), s, mw_data(rec), mw_len(rec))) != 0)
		return rc;
	if (seq)
		*seq = s;
	return 0;
}

/* out_last - the outbound log's last seq (0 without one): a transaction that moved it wakes the
 * parked long-polls after its commit, whoever appended */
static uint64_t out_last(jrp_daemon *d, MDB_txn *txn)
{
	uint64_t last = 0;
	if (d->svc->outlog >= 0)
		log_last(txn, store_dbi(d->st, d->svc->outlog), &last);
	return last;
}

/* ---- replies ---- */

static void send_reply(void *router, job *j)
{
	zmq_send(router, j->rid, j->rid_len, ZMQ_SNDMORE | ZMQ_DONTWAIT);
	if (j->delim)
		zmq_send(router, "", 0, ZMQ_SNDMORE | ZMQ_DONTWAIT);
	if (zmq_send(router, mw_data(&j->reply), mw_len(&j->reply), ZMQ_DONTWAIT) < 0)
		log_warn("event=reply_dropped error=\"%s\"", zmq_strerror(zmq_errno()));
}

static void write_error(mw *w, const jrp_error *e)
{
	mw_kbool(w, "ok", false);
	mw_str(w, "error");
	mw_map(w);
	mw_kstr(w, "code", e->code[0] ? e->code : "internal");
	mw_kstr(w, "field", e->field);
	mw_kstr(w, "message", e->message[0] ? e->message : "internal error");
	mw_end(w);
}

/* ---- running one request ---- */

/* run_job - parse, authorise and handle one request inside the batch txn;
 * returns JRP_EFULL if the whole batch must be redone after growing the map */
static int job_parse(job *j)
{
	if (!j->parsed)
		j->parsed = msg_parse_ref(j->body, j->len, JRP_MAX_MESSAGE, &j->in, &j->perr) < 0 ? -1 : 1;
	return j->parsed;
}

static int run_job(jrp_daemon *d, MDB_txn *txn, job *j)
{
	jrp_error e;
	jrp_req r;
	mr top;
	uint64_t v = 0;
	char type[40] = "", party[40] = "";
	const msgpack_object *id = NULL;
	const jrp_route *route;
	size_t hdr_len;
	uint32_t hdr_cnt;
	MDB_txn *child = NULL;
	int rc;

	memset(&r, 0, sizeof r);
	jrp_error_clear(&e);
	j->ok = j->park = j->refused = false;
	mw_reset(&j->reply);
	mw_map(&j->reply);
	mw_ku64(&j->reply, "v", JRP_PROTO_VERSION);
	if (j->frame_bad) {
		write_error(&j->reply, &j->frame_err);
		mw_end(&j->reply);
		j->refused = true;
		return 0;
	}
	if (job_parse(j) < 0) {
		write_error(&j->reply, &j->perr);
		mw_end(&j->reply);
		j->refused = true;
		return 0;
	}
	rc = mr_init(&top, j->in.root, "", &e);
	if (rc == 0 && (rc = mr_cstr(&top, "type", MR_REQ, 32, type)) > 0)
		mw_kstr(&j->reply, "type", type);
	if (rc >= 0 && (rc = mr_any(&top, "id", MR_REQ, &id)) > 0) {
		if (!((id->type == MSGPACK_OBJECT_STR && id->via.str.size <= 64) ||
		      id->type == MSGPACK_OBJECT_POSITIVE_INTEGER)) {
			rc = mr_fail(&top, JRP_ERR_WRONG_TYPE, "id", "must be an unsigned integer or a string of at most 64 bytes");
			id = NULL;
		} else {
			mw_kobj(&j->reply, "id", id);
		}
	}
	if (rc >= 0 && (rc = mr_u64(&top, "v", MR_REQ, &v)) > 0 && v != JRP_PROTO_VERSION)
		rc = mr_fail(&top, JRP_ERR_BAD_VERSION, "v", "protocol version %llu is not served; this daemon speaks %d",
			     (unsigned long long)v, JRP_PROTO_VERSION);
	if (rc < 0)
		goto error;
	if (!(route = find_route(d, type))) {
		jrp_fail(&e, JRP_ERR_UNKNOWN_TYPE, "type", "\"%s\" is not served by jrp-%s", type, d->svc->name);
		goto error;
	}
	/* over CURVE the key says who is speaking: "party" may only repeat it
	 * (DESIGN.md Security); over ipc the declared party stands */
	if (d->curve && !j->user[0]) {
		jrp_fail(&e, JRP_ERR_FORBIDDEN, "party", "this connection has no authenticated key");
		goto error;
	}
	if ((rc = mr_cstr(&top, "party", route->roles && !j->user[0] ? MR_REQ : MR_OPT, 32, party)) < 0)
		goto error;
	if (j->user[0]) {
		if (!party[0]) {
			snprintf(party, sizeof party, "%s", j->user);
		} else if (strcmp(party, j->user) != 0) {
			jrp_fail(&e, JRP_ERR_FORBIDDEN, "party", "this connection's key belongs to party \"%s\"; "
				 "it may not speak as \"%s\"", j->user, party);
			log_warn("event=forbidden key_party=%s party=%s type=%s", j->user, party, type);
			goto error;
		}
	}
	if (party[0]) {
		if (!(r.party = parties_find(d->parties, party))) {
			jrp_fail(&e, JRP_ERR_UNKNOWN_PARTY, "party", "\"%s\" is not in the parties registry", party);
			goto error;
		}
		if (route->roles && !(r.party->roles & route->roles)) {
			jrp_fail(&e, JRP_ERR_FORBIDDEN, "party", "party \"%s\" may not send %s", party, type);
			log_warn("event=forbidden party=%s type=%s", party, type);
			goto error;
		}
	}
	r.type = type;
	r.body = top;
	r.final = j->final;
	r.wait_until = j->until;
	hdr_len = mw_len(&j->reply);
	hdr_cnt = j->reply.cnt[0];
	mw_kbool(&j->reply, "ok", true);
	if (route->flags & ROUTE_ATOMIC) {
		if ((rc = mdb_txn_begin(store_env(d->st), txn, 0, &child)) != 0) {
			rc = store_rc(rc);
			goto handler_error;
		}
		rc = route->fn(d, &r, child, &j->reply, &e);
	} else {
		rc = route->fn(d, &r, txn, &j->reply, &e);
		/* a storage failure after writes: the batch cannot commit as it is */
		if (rc == JRP_EFULL || rc == JRP_ESTORE) {
			return rc;
		}
	}
	if (rc == 0)
		rc = mr_end(&r.body);
	if (rc == DAEMON_PARK) {
		if (child)
			mdb_txn_abort(child);
		j->park = true;
		j->until = r.wait_until ? r.wait_until : clock_real_ms() + 1000;
		return 0;
	}
	if (rc == 0) {
		if (child) {
			rc = store_rc(mdb_txn_commit(child));
			child = NULL;
		}
		if (rc == 0) {
			mw_end(&j->reply);
			j->ok = true;
			return 0;
		}
	}
handler_error:
	if (child)
		mdb_txn_abort(child);
	if (rc == JRP_EFULL)
		return JRP_EFULL;
	if (!e.code[0])
		jrp_fail(&e, rc == JRP_EBUSY ? JRP_ERR_BUSY : JRP_ERR_STORAGE, "", "%s", jrp_strerror(rc));
	/* drop what the handler wrote, keep v/type/id */
	j->reply.sb.size = hdr_len;
	j->reply.cnt[0] = hdr_cnt;
	j->reply.depth = 1;
	write_error(&j->reply, &e);
	mw_end(&j->reply);
	j->refused = true;
	return 0;
error:
	write_error(&j->reply, &e);
	mw_end(&j->reply);
	j->refused = true;
	return 0;
}

static void park(jrp_daemon *d, job *j)
{
	parked *p = xmalloc(sizeof *p);
	p->j = j;
	p->next = d->parked;
	d->parked = p;
	d->nparked++;
}

static void job_free(job *j)
{
	if (j->parsed)
		msg_in_free(&j->in);
	mw_free(&j->reply);
	free(j->body);
	free(j);
}

/* finish - the write loop is done with j: send its reply (through the front, which owns
 * the socket and then frees j, when there is one) */
static void finish(jrp_daemon *d, job *j)
{
	if (d->front) {
		zmq_send(d->inner, &j, sizeof j, 0);
		return;
	}
	send_reply(d->router, j);
	job_free(j);
}

/* grow - double the map; the front's read transaction must not be open meanwhile */
static int grow(jrp_daemon *d)
{
	int rc;
	if (d->front)
		pthread_rwlock_wrlock(&d->front_lock);
	rc = store_grow(d->st);
	if (d->front)
		pthread_rwlock_unlock(&d->front_lock);
	return rc;
}

static void wake_parked(jrp_daemon *d, bool only_expired);

/* write_failure - the reply of a request whose batch did not commit: its type and id (so
 * the client can match it) and the error */
static void write_failure(job *j, const jrp_error *e)
{
	msg_in in;
	jrp_error pe;
	mw_reset(&j->reply);
	mw_map(&j->reply);
	mw_ku64(&j->reply, "v", JRP_PROTO_VERSION);
	if (msg_parse(j->body, j->len, JRP_MAX_MESSAGE, &in, &pe) == 0) {
		const msgpack_object *t = obj_get(in.root, "type"), *id = obj_get(in.root, "id");
		if (t && t->type == MSGPACK_OBJECT_STR)
			mw_kobj(&j->reply, "type", t);
		if (id && (id->type == MSGPACK_OBJECT_POSITIVE_INTEGER || id->type == MSGPACK_OBJECT_STR))
			mw_kobj(&j->reply, "id", id);
	}
	msg_in_free(&in);
	write_error(&j->reply, e);
	mw_end(&j->reply);
}

/* restore_catalog - a batch that replaced the catalogue did not commit: the old one stays */
static void restore_catalog(jrp_daemon *d)
{
	if (!d->prev_cat)
		return;
	catalog_free(&d->cat);
	d->cat = d->prev_cat;
	d->prev_cat = NULL;
	log_warn("event=catalog_reload_undone version=%s", d->cat->version);
}

/* run_batch - all jobs in one write txn, one commit, then the replies */
static void run_batch(jrp_daemon *d, job **jobs, size_t n)
{
	MDB_txn *txn;
	int rc = 0;

	for (int attempt = 0;; attempt++) {
		uint64_t last0;
		d->woke = false;
		restore_catalog(d);
		if ((rc = store_begin(d->st, true, &txn)) != 0)
			break;
		last0 = out_last(d, txn);
		for (size_t i = 0; i < n && rc == 0; i++)
			rc = run_job(d, txn, jobs[i]);
		d->woke = out_last(d, txn) != last0;
		if (rc < 0) {
			mdb_txn_abort(txn);
		} else {
			rc = store_commit(d->st, txn);
		}
		if (rc != JRP_EFULL || grow(d) != 0)
			break;
	}
	if (rc != 0) {
		jrp_error e;
		restore_catalog(d);
		jrp_fail(&e, JRP_ERR_STORAGE, "", rc == JRP_EFULL ?
			 "storage is full (the LMDB map reached map_max_mb); nothing was stored" :
			 "the commit failed; nothing was stored");
		d->woke = false;
		/* everything but a definite refusal becomes "nothing was stored": that includes
		 * the job that hit the full map and those never run after it */
		for (size_t i = 0; i < n; i++)
			if (!jobs[i]->refused) {
				write_failure(jobs[i], &e);
				jobs[i]->park = false;
			}
	}
	if (d->prev_cat) {
		log_info("event=catalog_reloaded from=%s to=%s", d->prev_cat->version, d->cat->version);
		if (d->front)
			pthread_rwlock_wrlock(&d->front_lock);
		d->front_cat = d->cat;   /* committed: the front answers with it from now on */
		catalog_free(&d->prev_cat);
		if (d->front)
			pthread_rwlock_unlock(&d->front_lock);
	}
	for (size_t i = 0; i < n; i++) {
		if (jobs[i]->park && d->nparked >= MAX_PARKED) {
			/* bounded: an explicit busy rather than an unbounded list of waiting requests */
			jrp_error e;
			jrp_fail(&e, JRP_ERR_BUSY, "wait_ms", "%zu requests are already waiting here; try again without wait_ms or later",
				 d->nparked);
			write_failure(jobs[i], &e);
			jobs[i]->park = false;
		}
		if (jobs[i]->park) {
			park(d, jobs[i]);
			continue;
		}
		finish(d, jobs[i]);
	}
	zwatch_kick(d->rw);
	if (d->woke && d->parked)
		wake_parked(d, false);
}

/* wake_parked - run parked requests again: all of them, or only those whose wait ran out */
static void wake_parked(jrp_daemon *d, bool only_expired)
{
	parked **pp = &d->parked, *p;
	job *jobs[JRP_MAX_BATCH];
	size_t n = 0;
	int64_t now = clock_real_ms();

	while ((p = *pp) && n < JRP_MAX_BATCH) {
		bool expired = p->j->until <= now;
		if (only_expired && !expired) {
			pp = &p->next;
			continue;
		}
		*pp = p->next;
		p->j->final = expired;
		jobs[n++] = p->j;
		free(p);
		d->nparked--;
	}
	if (n)
		run_batch(d, jobs, n);
}

static void on_park_timer(uv_timer_t *t)
{
	jrp_daemon *d = t->data;
	if (d->parked)
		wake_parked(d, true);
}

/* ---- receiving ---- */

static job *recv_job(void *router)
{
	zmq_msg_t m;
	job *j;
	int frames = 0, more;
	size_t sz = sizeof more;

	zmq_msg_init(&m);
	if (zmq_msg_recv(&m, router, ZMQ_DONTWAIT) < 0) {
		zmq_msg_close(&m);
		return NULL;
	}
	j = xcalloc(1, sizeof *j);
	mw_init(&j->reply);
	j->rid_len = zmq_msg_size(&m) < sizeof j->rid ? zmq_msg_size(&m) : sizeof j->rid;
	memcpy(j->rid, zmq_msg_data(&m), j->rid_len);
	for (;;) {
		zmq_getsockopt(router, ZMQ_RCVMORE, &more, &sz);
		if (!more)
			break;
		zmq_msg_close(&m);
		zmq_msg_init(&m);
		if (zmq_msg_recv(&m, router, 0) < 0)
			break;
		frames++;
		if (frames == 1 && zmq_msg_size(&m) == 0) {
			j->delim = true;
		} else if (!j->body && !j->frame_bad) {
			if (zmq_msg_size(&m) > JRP_MAX_MESSAGE) {
				j->frame_bad = true;
				jrp_fail(&j->frame_err, JRP_ERR_TOO_LARGE, "", "message of %zu bytes is over the limit of %d",
					 zmq_msg_size(&m), JRP_MAX_MESSAGE);
			} else {
				const char *uid = zmq_msg_gets(&m, "User-Id");
				if (uid)
					str_copy(j->user, sizeof j->user, uid);
				j->len = zmq_msg_size(&m);
				j->body = xmalloc(j->len ? j->len : 1);
				memcpy(j->body, zmq_msg_data(&m), j->len);
			}
		} else if (!j->frame_bad) {
			j->frame_bad = true;
			jrp_fail(&j->frame_err, JRP_ERR_BAD_MESSAGE, "", "a request is one frame (after an optional empty delimiter); got more");
		}
	}
	zmq_msg_close(&m);
	if (!j->body && !j->frame_bad) {
		j->frame_bad = true;
		jrp_fail(&j->frame_err, JRP_ERR_BAD_MESSAGE, "", "no message body frame");
	}
	return j;
}

static void on_router(zwatch *w, void *sock, void *arg)
{
	jrp_daemon *d = arg;
	size_t n = 0;
	job *j;
	if (d->front) {
		/* job pointers from the front */
		while (n < JRP_MAX_BATCH && zmq_recv(sock, &j, sizeof j, ZMQ_DONTWAIT) == (int)sizeof j)
			d->batch[n++] = j;
	} else {
		while (n < JRP_MAX_BATCH && (j = recv_job(sock)))
			d->batch[n++] = j;
	}
	if (n)
		run_batch(d, d->batch, n);
}

/* ---- writes outside requests (puller, ticks) ---- */

int daemon_write(jrp_daemon *d, int (*fn)(jrp_daemon *d, MDB_txn *txn, void *arg), void *arg)
{
	MDB_txn *txn;
	int rc, res;
	for (;;) {
		uint64_t last0;
		if ((rc = store_begin(d->st, true, &txn)) != 0)
			return rc;
		last0 = out_last(d, txn);
		res = fn(d, txn, arg);
		d->woke = out_last(d, txn) != last0;
		if (res < 0) {
			mdb_txn_abort(txn);
			rc = res;
		} else {
			rc = store_commit(d->st, txn);
		}
		if (rc != JRP_EFULL || grow(d) != 0)
			break;
	}
	if (rc < 0) {
		d->woke = false;
		return rc;
	}
	if (d->woke && d->parked)
		wake_parked(d, false);
	return res;
}

int daemon_apply(jrp_daemon *d, MDB_txn *txn, const jrp_rec *rec, const msgpack_object *raw, jrp_error *e)
{
	return d->svc->apply ? d->svc->apply(d, txn, rec, raw, e) : 0;
}

/* ---- the front thread and its journal (services with ROUTE_READ routes) ----
 *
 * The write loop is single-threaded and waits for every commit's fsync; a read-only request
 * that only needs committed state (dispatch's check) should not wait behind it. The front
 * thread owns the ROUTER socket: it answers ROUTE_READ requests itself from an LMDB read
 * transaction (renewed per batch: it sees every commit before it), journals what they must
 * leave behind (daemon_journal, journal.h) with one write(2) per batch before the replies go,
 * and hands every other request to the write loop as a job pointer over an inproc PAIR; the
 * loop's replies come back the same way and the front sends them. The loop moves journal
 * frames into the outbound log (journal_apply), keeping (segment, offset) in its meta in the
 * same transaction: each frame once, also after a crash. */

static bool is_read_route(const jrp_daemon *d, job *j)
{
	const msgpack_object *t;
	char type[40];
	const jrp_route *route = NULL;
	if (j->frame_bad || job_parse(j) < 0)
		return false;
	t = obj_get(j->in.root, "type");
	if (t && t->type == MSGPACK_OBJECT_STR && t->via.str.size < sizeof type) {
		memcpy(type, t->via.str.ptr, t->via.str.size);
		type[t->via.str.size] = 0;
		route = find_route(d, type);
	}
	return route && (route->flags & ROUTE_READ);
}

void daemon_journal_ref(jrp_daemon *d, char ref[JOURNAL_REF_MAX])
{
	if (on_front && d->jw)
		journal_ref(d->jw, ref);
	else
		snprintf(ref, JOURNAL_REF_MAX, "none");
}

int daemon_journal(jrp_daemon *d, const mw *rec)
{
	if (!on_front || !d->jw)
		return JRP_EINVAL;
	journal_add(d->jw, mw_data(rec), mw_len(rec));
	return 0;
}

/* front_batch - ROUTE_READ jobs in one read transaction, one journal write, then the replies */
static void front_batch(jrp_daemon *d, job **jobs, size_t n)
{
	jrp_error e;
	int rc;
	bool journaled = false;

	jrp_error_clear(&e);
	pthread_rwlock_rdlock(&d->front_lock);
	rc = d->rtxn ? mdb_txn_renew(d->rtxn) : mdb_txn_begin(store_env(d->st), NULL, MDB_RDONLY, &d->rtxn);
	if (rc != 0) {
		if (d->rtxn)
			mdb_txn_abort(d->rtxn);
		d->rtxn = NULL;
		log_error("event=read_txn_failed error=\"%s\"", mdb_strerror(rc));
		jrp_fail(&e, JRP_ERR_STORAGE, "", "the database could not be read: %s", mdb_strerror(rc));
		for (size_t i = 0; i < n; i++)
			write_failure(jobs[i], &e);
	} else {
		for (size_t i = 0; i < n; i++) {
			if ((rc = run_job(d, d->rtxn, jobs[i])) < 0 || jobs[i]->park) {
				jrp_fail(&e, JRP_ERR_STORAGE, "", "%s", rc < 0 ? jrp_strerror(rc) : "this request cannot wait here");
				write_failure(jobs[i], &e);
			}
		}
		mdb_txn_reset(d->rtxn);
	}
	pthread_rwlock_unlock(&d->front_lock);
	if (d->jw && journal_pending(d->jw)) {
		if (journal_flush(d->jw, &e) < 0) {
			/* not recorded, so not answered: a check without its record does not happen */
			log_error("event=journal_write_failed error=\"%s\"", e.message);
			for (size_t i = 0; i < n; i++)
				if (jobs[i]->ok)
					write_failure(jobs[i], &e);
		} else {
			journaled = true;
		}
	}
	for (size_t i = 0; i < n; i++) {
		send_reply(d->router, jobs[i]);
		job_free(jobs[i]);
	}
	if (journaled && !__atomic_exchange_n(&d->jsignalled, true, __ATOMIC_ACQ_REL))
		uv_async_send(&d->jasync);   /* once per apply period, not once per batch */
}

static void *front_main(void *arg)
{
	jrp_daemon *d = arg;
	zmq_pollitem_t it[2] = { { d->router, 0, ZMQ_POLLIN, 0 }, { d->outer, 0, ZMQ_POLLIN, 0 } };
	job *reads[JRP_MAX_BATCH], *j;

	on_front = true;
	pthread_setname_np(pthread_self(), "jrp-front");
	for (;;) {
		if (zmq_poll(it, 2, -1) < 0) {
			if (zmq_errno() == EINTR)
				continue;
			/* nothing can be answered any more: stop the daemon (gracefully, through its
			 * loop) so that whatever supervises it starts it again */
			log_error("event=front_poll_failed error=\"%s\" action=stopping", zmq_strerror(zmq_errno()));
			kill(getpid(), SIGTERM);
			break;
		}
		/* the loop's replies first: they have waited longest */
		while (zmq_recv(d->outer, &j, sizeof j, ZMQ_DONTWAIT) == (int)sizeof j) {
			if (!j)
				goto out;   /* the loop is stopping; everything it sent before is sent */
			send_reply(d->router, j);
			job_free(j);
		}
		if (it[0].revents & ZMQ_POLLIN) {
			size_t n = 0;
			for (int k = 0; k < JRP_MAX_BATCH && (j = recv_job(d->router)); k++) {
				if (is_read_route(d, j))
					reads[n++] = j;
				else
					zmq_send(d->outer, &j, sizeof j, 0);
			}
			if (n)
				front_batch(d, reads, n);
		}
	}
out:
	if (d->rtxn)
		mdb_txn_abort(d->rtxn);
	d->rtxn = NULL;
	return NULL;
}

typedef struct japply {
	jrp_daemon *d;
	MDB_txn *txn;
	size_t n;            /* frames moved in this transaction */
	uint64_t drop_below; /* after the commit: segments below this are done */
	uint64_t drop_from;
	bool startup;        /* the front is not running: a bad frame is a torn tail */
} japply;

static int japply_frame(void *arg, const void *payload, size_t n, uint64_t at)
{
	japply *c = arg;
	msg_in in;
	jrp_error e;
	uint64_t seq;
	mw rec;
	int rc;
	if (msg_parse_ref(payload, n, JOURNAL_FRAME_MAX, &in, &e) < 0 || in.root->type != MSGPACK_OBJECT_MAP) {
		/* the CRC matched, so this daemon wrote it: a bug, not a torn write; skipped, not fatal */
		log_error("event=journal_frame_unreadable at=%llu", (unsigned long long)at);
		msg_in_free(&in);
		return 0;
	}
	if ((rc = daemon_next_seq(c->d, c->txn, &seq)) != 0) {
		msg_in_free(&in);
		return rc;
	}
	mw_init(&rec);
	mw_map(&rec);
	mw_ku64(&rec, "seq", seq);
	for (uint32_t i = 0; i < in.root->via.map.size; i++) {
		const msgpack_object_kv *kv = &in.root->via.map.ptr[i];
		if (kv->key.type != MSGPACK_OBJECT_STR || obj_str_eq(&kv->key, "seq"))
			continue;
		mw_strn(&rec, kv->key.via.str.ptr, kv->key.via.str.size);
		mw_obj(&rec, &kv->val);
	}
	mw_end(&rec);
	rc = daemon_append(c->d, c->txn, &rec, NULL);
	mw_free(&rec);
	msg_in_free(&in);
	if (rc == 0)
		c->n++;
	return rc;
}

/* journal_apply_fn - move journal frames into the outbound log: at most JOURNAL_APPLY_MAX;
 * returns 1 if more may be waiting */
static int journal_apply_fn(jrp_daemon *d, MDB_txn *txn, void *arg)
{
	japply *c = arg;
	MDB_dbi meta = store_dbi(d->st, DB_META);
	uint64_t seg = 0, off = 0, next;
	bool clean;
	int rc;

	c->txn = txn;
	c->n = 0;
	c->drop_below = 0;
	if ((rc = meta_get_u64(txn, meta, "journal_seg", &seg)) != 0 ||
	    (rc = meta_get_u64(txn, meta, "journal_off", &off)) != 0)
		return rc;
	c->drop_from = seg;
	for (;;) {
		/* look for the next segment first: if it exists, this one is finished */
		bool newer = journal_exists(d->jdir, seg + 1);
		if ((rc = journal_read(d->jdir, seg, off, JOURNAL_APPLY_MAX - c->n, japply_frame, c, &next, &clean)) < 0)
			return rc;
		off = next;
		if (c->n >= JOURNAL_APPLY_MAX)
			break;
		if (!newer)
			break;
		if (!clean)
			log_warn("event=journal_segment_tail_skipped seg=%llu at=%llu", (unsigned long long)seg,
				 (unsigned long long)off);
		seg++;
		off = 0;
		c->drop_below = seg;
	}
	if ((rc = meta_put_u64(txn, meta, "journal_seg", seg)) != 0 ||
	    (rc = meta_put_u64(txn, meta, "journal_off", off)) != 0)
		return rc;
	return c->n >= JOURNAL_APPLY_MAX ? 1 : 0;
}

/* journal_apply - move everything the journal has now; false if a commit failed */
static bool journal_apply(jrp_daemon *d)
{
	japply c = { .d = d };
	int rc;
	do {
		rc = daemon_write(d, journal_apply_fn, &c);
		if (rc < 0) {
			log_error("event=journal_apply_failed error=\"%s\"", jrp_strerror(rc));
			return false;
		}
		for (uint64_t s = c.drop_from; s < c.drop_below; s++)
			journal_remove(d->jdir, s);
	} while (rc > 0);
	return true;
}

static void on_journal_timer(uv_timer_t *t)
{
	jrp_daemon *d = t->data;
	__atomic_store_n(&d->jsignalled, false, __ATOMIC_RELEASE);   /* before reading: nothing later is missed */
	if (!journal_apply(d))
		uv_timer_start(&d->jtimer, on_journal_timer, 1000, 0);   /* e.g. storage full: try again */
}

static void on_journal(uv_async_t *a)
{
	jrp_daemon *d = a->data;
	if (!uv_is_active((uv_handle_t *)&d->jtimer))
		uv_timer_start(&d->jtimer, on_journal_timer, JOURNAL_APPLY_DELAY_MS, 0);
}

static int journal_start_fn(jrp_daemon *d, MDB_txn *txn, void *arg)
{
	const uint64_t *seg = arg;
	MDB_dbi meta = store_dbi(d->st, DB_META);
	int rc;
	if ((rc = meta_put_u64(txn, meta, "journal_seg", *seg)) != 0)
		return rc;
	return meta_put_u64(txn, meta, "journal_off", 0);
}

/* journal_recover - at start-up, before the front runs: move what a previous run journaled
 * and did not move, drop a torn tail, and give the front a new segment of its own */
static int journal_recover(jrp_daemon *d, jrp_error *e)
{
	MDB_txn *txn;
	uint64_t seg = 0, off = 0, lo = 0, hi = 0, fresh;
	bool any;
	if (!journal_apply(d))
		return jrp_fail(e, JRP_ERR_STORAGE, "", "the journal could not be moved into the log");
	if (store_begin(d->st, false, &txn) != 0)
		return jrp_fail(e, JRP_ERR_STORAGE, "", "the database could not be read");
	meta_get_u64(txn, store_dbi(d->st, DB_META), "journal_seg", &seg);
	meta_get_u64(txn, store_dbi(d->st, DB_META), "journal_off", &off);
	mdb_txn_abort(txn);
	any = journal_segments(d->jdir, &lo, &hi);
	if (any && journal_size(d->jdir, seg) > off)
		log_warn("event=journal_tail_dropped seg=%llu at=%llu bytes=%llu reason=\"a frame cut short by a crash; "
			 "it was never answered\"", (unsigned long long)seg, (unsigned long long)off,
			 (unsigned long long)(journal_size(d->jdir, seg) - off));
	fresh = (any && hi > seg ? hi : seg) + 1;
	if (daemon_write(d, journal_start_fn, &fresh) < 0)
		return jrp_fail(e, JRP_ERR_STORAGE, "", "the journal position could not be stored");
	if (any)
		for (uint64_t s = lo; s <= hi && s < fresh; s++)
			journal_remove(d->jdir, s);
	return journal_open(d->jdir, fresh, &d->jw, e);
}

/* front_start - after the ROUTER is bound: the PAIR, the journal, the thread */
static int front_start(jrp_daemon *d, jrp_error *e)
{
	int zero = 0;
	sigset_t all, old;
	d->inner = zmq_socket(d->zctx, ZMQ_PAIR);
	d->outer = zmq_socket(d->zctx, ZMQ_PAIR);
	/* no high-water mark between the threads: a job pointer is never dropped or blocked on */
	zmq_setsockopt(d->inner, ZMQ_SNDHWM, &zero, sizeof zero);
	zmq_setsockopt(d->inner, ZMQ_RCVHWM, &zero, sizeof zero);
	zmq_setsockopt(d->outer, ZMQ_SNDHWM, &zero, sizeof zero);
	zmq_setsockopt(d->outer, ZMQ_RCVHWM, &zero, sizeof zero);
	if (zmq_bind(d->inner, FRONT_ENDPOINT) != 0 || zmq_connect(d->outer, FRONT_ENDPOINT) != 0)
		return jrp_fail(e, JRP_ERR_STORAGE, "", "the front's inproc pair: %s", zmq_strerror(zmq_errno()));
	uv_async_init(d->loop, &d->jasync, on_journal);
	uv_timer_init(d->loop, &d->jtimer);
	d->jasync.data = d->jtimer.data = d;
	/* signals are the loop's (libuv): the front never takes one */
	sigfillset(&all);
	pthread_sigmask(SIG_BLOCK, &all, &old);
	if (pthread_create(&d->front_tid, NULL, front_main, d) != 0) {
		pthread_sigmask(SIG_SETMASK, &old, NULL);
		return jrp_fail(e, JRP_ERR_STORAGE, "", "the front thread could not start");
	}
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	return 0;
}

/* front_stop - after the loop's last replies: the front sends them, stops; the journal is moved */
static void front_stop(jrp_daemon *d)
{
	job *none = NULL;
	job *j;
	zmq_send(d->inner, &none, sizeof none, 0);
	pthread_join(d->front_tid, NULL);
	/* requests the front passed on that the loop never took: dropped unanswered, like those
	 * still unread on the socket (the client's timeout and retry cover both) */
	while (zmq_recv(d->inner, &j, sizeof j, ZMQ_DONTWAIT) == (int)sizeof j)
		if (j)
			job_free(j);
	journal_close(&d->jw);
	journal_apply(d);
	uv_close((uv_handle_t *)&d->jasync, NULL);
	uv_close((uv_handle_t *)&d->jtimer, NULL);
}

/* ---- deadlines ---- */

typedef struct tick_arg {
	int64_t next;
} tick_arg;

static int tick_fn(jrp_daemon *d, MDB_txn *txn, void *arg)
{
	tick_arg *t = arg;
	return d->svc->tick(d, txn, clock_now_ms(), &t->next);
}

static void on_tick(uv_timer_t *h)
{
	jrp_daemon *d = h->data;
	tick_arg t = { INT64_MAX };
	int rc;
	if (!d->svc->tick || d->stopping)
		return;
	rc = daemon_write(d, tick_fn, &t);
	if (rc < 0) {
		log_error("event=tick_failed error=\"%s\"", jrp_strerror(rc));
		uv_timer_start(&d->tick_timer, on_tick, 1000, 0);
	} else if (rc > 0) {
		uv_timer_start(&d->tick_timer, on_tick, 0, 0);   /* more due: next bounded batch */
	} else {
		int64_t delay = t.next == INT64_MAX ? TICK_MAX_MS : t.next - clock_now_ms();
		if (delay < 0)
			delay = 0;
		if (delay > TICK_MAX_MS)
			delay = TICK_MAX_MS;
		uv_timer_start(&d->tick_timer, on_tick, (uint64_t)delay, 0);
	}
}

void daemon_retick(jrp_daemon *d)
{
	if (d->svc->tick && !d->stopping)
		uv_timer_start(&d->tick_timer, on_tick, 0, 0);
}

/* ---- built-in routes ---- */

static int h_ping(jrp_daemon *d, jrp_req *r, MDB_txn *txn, mw *out, jrp_error *e)
{
	mw_kstr(out, "daemon", d->svc->name);
	return 0;
}

static int h_status(jrp_daemon *d, jrp_req *r, MDB_txn *txn, mw *out, jrp_error *e)
{
	char now[32];
	jrp_date today = clock_today();
	int y, m, dd;
	uint64_t last = 0, cursor = 0;

	ms_format(clock_now_ms(), now, sizeof now);
	mw_kstr(out, "daemon", d->svc->name);
	mw_ku64(out, "pid", (uint64_t)getpid());
	mw_kstr(out, "catalog_version", d->cat->version);
	mw_kbool(out, "test_clock", clock_is_test());
	mw_kstr(out, "now", now);
	mw_ku64(out, "map_size_mb", store_map_size(d->st) >> 20);
	if (d->svc->outlog >= 0 && log_last(txn, store_dbi(d->st, d->svc->outlog), &last) == 0)
		mw_ku64(out, "log_last", last);
	if (d->svc->upstream >= 0 && meta_get_u64(txn, store_dbi(d->st, DB_META), PULLER_CURSOR_KEY, &cursor) == 0)
		mw_ku64(out, "cursor", cursor);
	if (d->front) {
		/* journaled (checks answered) and not yet in the outbound log */
		uint64_t seg = 0, off = 0, lo = 0, hi = 0, behind = 0;
		meta_get_u64(txn, store_dbi(d->st, DB_META), "journal_seg", &seg);
		meta_get_u64(txn, store_dbi(d->st, DB_META), "journal_off", &off);
		if (journal_segments(d->jdir, &lo, &hi))
			for (uint64_t sg = seg; sg <= hi; sg++)
				behind += journal_size(d->jdir, sg);
		mw_ku64(out, "journal_behind_bytes", behind > off ? behind - off : 0);
	}
	/* calendar years that deadlines may reach and are not official */
	mw_str(out, "warnings");
	mw_arr(out);
	date_to_ymd(today, &y, &m, &dd);
	for (int yr = y; yr <= y + 1; yr++) {
		const char *st = calendar_year_status(d->cat->cal, yr);
		if (strcmp(st, "official") != 0) {
			char w[200];
			snprintf(w, sizeof w, "calendar %d is %s: %s; working-day deadlines in %d may be off until the office loads the State Council schedule",
				 yr, st, strcmp(st, "missing") == 0 ? "weekends only" : "statutory holidays only, no make-up working days", yr);
			mw_str(out, w);
		}
	}
	mw_end(out);
	if (d->svc->status)
		d->svc->status(d, txn, out);
	return 0;
}

static int h_clock_set(jrp_daemon *d, jrp_req *r, MDB_txn *txn, mw *out, jrp_error *e)
{
	char s[40];
	int64_t ms;
	int rc;
	if (!clock_is_test())
		return jrp_fail(e, JRP_ERR_NOT_TEST_MODE, "type", "clock.set is only served when the daemon runs with test_clock: true");
	if ((rc = mr_cstr(&r->body, "now", MR_REQ, 32, s)) < 0 || (rc = mr_end(&r->body)) < 0)
		return rc;
	if (ms_parse(s, &ms) < 0)
		return mr_fail_value(&r->body, "now", "must be YYYY-MM-DD or YYYY-MM-DDTHH:MM:SS+08:00");
	if ((rc = meta_put_u64(txn, store_dbi(d->st, DB_META), "test_clock_ms", (uint64_t)ms)) != 0)
		return rc;
	clock_set_ms(ms);
	daemon_retick(d);
	ms_format(ms, s, sizeof s);
	mw_kstr(out, "now", s);
	return 0;
}

typedef struct fetch_ctx {
	mw *out;
	size_t n;
} fetch_ctx;

static int fetch_one(void *arg, uint64_t seq, const MDB_val *v)
{
	fetch_ctx *f = arg;
	mw_raw(f->out, v->mv_data, v->mv_size);
	f->n++;
	return 0;
}

int daemon_fetch_log(jrp_daemon *d, jrp_req *r, MDB_txn *txn, MDB_dbi dbi, int after_opt, mw *out)
{
	uint64_t after = 0, max = 256, wait = 0, last = 0;
	fetch_ctx f = { out, 0 };
	int rc;

	if ((rc = mr_u64(&r->body, "after", after_opt, &after)) < 0 ||
	    (rc = mr_u64(&r->body, "max", MR_OPT, &max)) < 0 ||
	    (rc = mr_u64(&r->body, "wait_ms", MR_OPT, &wait)) < 0)
		return rc;
	if (max < 1 || max > JRP_MAX_FETCH)
		return mr_fail_value(&r->body, "max", "must be 1..%d", JRP_MAX_FETCH);
	if (wait > JRP_MAX_WAIT_MS)
		return mr_fail_value(&r->body, "wait_ms", "must be at most %d", JRP_MAX_WAIT_MS);
	if ((rc = log_last(txn, dbi, &last)) != 0)
		return rc;
	if (last <= after && wait > 0 && !r->final) {
		if (!r->wait_until)
			r->wait_until = clock_real_ms() + (int64_t)wait;
		return DAEMON_PARK;
	}
	mw_str(out, "records");
	mw_arr(out);
	if ((rc = log_scan(txn, dbi, after, max, JRP_MAX_MESSAGE * 4, fetch_one, &f)) != 0)
		return rc;
	mw_end(out);
	mw_ku64(out, "last", last);
	return 0;
}

static int h_log_fetch(jrp_daemon *d, jrp_req *r, MDB_txn *txn, mw *out, jrp_error *e)
{
	return daemon_fetch_log(d, r, txn, store_dbi(d->st, d->svc->outlog), MR_REQ, out);
}

/* h_catalog_reload - the office puts the catalogue of the rules directory in force without a
 * restart (DESIGN.md "Rules as data"): validated completely first (a bad one changes nothing and
 * the error names file:line:col), a new version required, then the service re-evaluates */
static int h_catalog_reload(jrp_daemon *d, jrp_req *r, MDB_txn *txn, mw *out, jrp_error *e)
{
	jrp_catalog *next = NULL, *old = d->cat;
	int rc;
	if (d->prev_cat)
		return jrp_fail(e, JRP_ERR_BUSY, "", "a reload is already in this batch; try again");
	if ((rc = catalog_load(d->cfg->rules_dir, d->parties, &next, e)) < 0)
		return rc;
	if (strcmp(next->version, old->version) == 0) {
		jrp_fail(e, JRP_ERR_CONFLICT, "version", "catalogue version %s is already in force; give the changed catalogue a new version in catalog.yaml",
			 old->version);
		catalog_free(&next);
		return JRP_ECONFLICT;
	}
	d->cat = next;
	mw_kstr(out, "previous_version", old->version);
	mw_kstr(out, "catalog_version", next->version);
	if (d->svc->reload && (rc = d->svc->reload(d, txn, old, out, e)) < 0) {
		d->cat = old;
		catalog_free(&next);
		return rc;
	}
	d->prev_cat = old;
	return 0;
}

static const jrp_route builtin_routes[] = {
	{ T_PING, h_ping, 0, 0 },
	{ T_STATUS, h_status, 0, 0 },
	{ T_CLOCK_SET, h_clock_set, 0, 0 },
	{ T_CATALOG_RELOAD, h_catalog_reload, ROLE_OFFICE, ROUTE_ATOMIC },
	{ T_LOG_FETCH, h_log_fetch, ROLE_DAEMON | ROLE_OFFICE, 0 },
	{ NULL, NULL, 0, 0 },
};

static const jrp_route *find_route(const jrp_daemon *d, const char *type)
{
	for (const jrp_route *r = d->svc->routes; r && r->type; r++)
		if (strcmp(r->type, type) == 0)
			return r;
	for (const jrp_route *r = builtin_routes; r->type; r++)
		if (strcmp(r->type, type) == 0 && (r->fn != h_log_fetch || d->svc->outlog >= 0))
			return r;
	return NULL;
}

/* ---- authentication: keys and the ZAP handler (DESIGN.md Security) ---- */

/* daemon_keys - load the keys a tcp:// deployment needs: the own key pair (the
 * server key of a tcp endpoint, the client key towards a tcp upstream) and the
 * upstream's public key; nothing for ipc:// */
static int daemon_keys(jrp_daemon *d, jrp_error *e)
{
	const jrp_config *c = d->cfg;
	bool up = d->svc->upstream >= 0 && config_is_tcp(c->endpoint[d->svc->upstream]);
	char *path = NULL;
	int rc;

	d->curve = config_is_tcp(c->endpoint[d->svc->svc]);
	if (!d->curve && !up)
		return 0;
	if (!zmq_has("curve"))
		return jrp_fail(e, JRP_ERR_CONFIG, "endpoints", "tcp:// endpoints need CURVE, and this libzmq has no CURVE support");
	path = config_key_path(c, d->svc->name, ".key");
	if ((rc = config_key_read(path, true, d->pub, d->sec, e)) < 0)
		goto out;
	if (up && (rc = config_peer_key(c, svc_names[d->svc->upstream], d->up_pub, e)) < 0)
		goto out;
	if (up) {
		const jrp_party *me = parties_find(d->parties, d->svc->name);
		if (!me || !me->pubkey || strcmp(me->pubkey, d->pub) != 0)
			log_warn("event=key_not_registered party=%s pubkey=%s hint=\"the upstream refuses this daemon "
				 "unless parties.yaml gives party %s this pubkey\"", d->svc->name, d->pub, d->svc->name);
	}
out:
	free(path);
	return rc;
}

void daemon_upstream_curve(jrp_daemon *d, void *sock)
{
	if (!d->up_pub[0])
		return;
	zmq_setsockopt(sock, ZMQ_CURVE_SERVERKEY, d->up_pub, CONFIG_KEY_Z85);
	zmq_setsockopt(sock, ZMQ_CURVE_PUBLICKEY, d->pub, CONFIG_KEY_Z85);
	zmq_setsockopt(sock, ZMQ_CURVE_SECRETKEY, d->sec, CONFIG_KEY_Z85);
}

/* zap_party - the party whose registered pubkey is this 32-byte key, or NULL; z85 gets the key */
static const jrp_party *zap_party(jrp_daemon *d, const zmq_msg_t *key, char z85[CONFIG_KEY_Z85])
{
	z85[0] = 0;
	if (zmq_msg_size(key) != 32 || !zmq_z85_encode(z85, zmq_msg_data((zmq_msg_t *)key), 32))
		return NULL;
	for (size_t i = 0; i < d->parties->n; i++)
		if (d->parties->v[i].pubkey && strcmp(d->parties->v[i].pubkey, z85) == 0)
			return &d->parties->v[i];
	return NULL;
}

static bool frame_is(zmq_msg_t *m, const char *s)
{
	return zmq_msg_size(m) == strlen(s) && memcmp(zmq_msg_data(m), s, zmq_msg_size(m)) == 0;
}

/* zap_refused_log - one line per refused key and address, then quiet for a while */
static void zap_refused_log(jrp_daemon *d, const char *z85, zmq_msg_t *addr)
{
	int64_t now = clock_real_ms();
	char a[64];
	size_t n = zmq_msg_size(addr) < sizeof a - 1 ? zmq_msg_size(addr) : sizeof a - 1;

	if (strcmp(z85, d->refused) == 0 && now - d->refused_ms < ZAP_LOG_QUIET_MS) {
		d->refused_repeats++;
		return;
	}
	memcpy(a, zmq_msg_data(addr), n);
	a[n] = 0;
	for (size_t i = 0; i < n; i++)
		if (a[i] <= ' ' || a[i] == '"' || a[i] > '~')
			a[i] = '?';
	if (strcmp(z85, d->refused) == 0 && d->refused_repeats)
		log_warn("event=zap_refused key=%s address=%s repeats=%u", z85[0] ? z85 : "-", a, d->refused_repeats);
	else
		log_warn("event=zap_refused key=%s address=%s", z85[0] ? z85 : "-", a);
	snprintf(d->refused, sizeof d->refused, "%s", z85);
	d->refused_ms = now;
	d->refused_repeats = 0;
}

/* on_zap - one ZAP request (RFC 27): CURVE key of a registered party -> 200 with
 * the party id as User-Id; NULL (ipc://) -> 200 with an empty User-Id; else 400 */
static void on_zap(zwatch *w, void *sock, void *arg)
{
	jrp_daemon *d = arg;
	zmq_msg_t f[ZAP_FRAMES];
	int n = 0, more = 1;
	const char *status = "400", *text = "unknown key", *user = "";
	const jrp_party *p;
	char z85[CONFIG_KEY_Z85] = "";

	while (more) {
		zmq_msg_t m;
		zmq_msg_init(&m);
		if (zmq_msg_recv(&m, sock, n == 0 ? ZMQ_DONTWAIT : 0) < 0) {
			zmq_msg_close(&m);
			if (n == 0)
				return;
			break;
		}
		more = zmq_msg_more(&m);
		if (n < ZAP_FRAMES)
			f[n++] = m;
		else
			zmq_msg_close(&m);
	}
	if (n < 6 || !frame_is(&f[0], "1.0")) {
		text = "malformed ZAP request";
		log_warn("event=zap_malformed frames=%d", n);
	} else if (frame_is(&f[5], "NULL")) {
		status = "200";
		text = "OK";
	} else if (frame_is(&f[5], "CURVE") && n >= 7 && (p = zap_party(d, &f[6], z85))) {
		status = "200";
		text = "OK";
		user = p->id;
		log_debug("event=zap_accepted party=%s", p->id);
	} else {
		zap_refused_log(d, z85, &f[3]);
	}
	zmq_send(sock, "1.0", 3, ZMQ_SNDMORE);
	if (n >= 2)
		zmq_send(sock, zmq_msg_data(&f[1]), zmq_msg_size(&f[1]), ZMQ_SNDMORE);
	else
		zmq_send(sock, "", 0, ZMQ_SNDMORE);
	zmq_send(sock, status, strlen(status), ZMQ_SNDMORE);
	zmq_send(sock, text, strlen(text), ZMQ_SNDMORE);
	zmq_send(sock, user, strlen(user), ZMQ_SNDMORE);
	zmq_send(sock, "", 0, 0);
	for (int i = 0; i < n; i++)
		zmq_msg_close(&f[i]);
}

/* ---- start and stop ---- */

static void stop(jrp_daemon *d, const char *why)
{
	if (d->stopping)
		return;
	d->stopping = true;
	log_info("event=stopping reason=%s", why);
	uv_stop(d->loop);
}

static void on_signal(uv_signal_t *h, int signum)
{
	stop(h->data, signum == SIGTERM ? "SIGTERM" : "SIGINT");
}

static int init_fn(jrp_daemon *d, MDB_txn *txn, void *arg)
{
	jrp_error *e = arg;
	uint64_t ms = 0;
	if (clock_is_test()) {
		meta_get_u64(txn, store_dbi(d->st, DB_META), "test_clock_ms", &ms);
		if (ms)
			clock_set_ms((int64_t)ms);
	}
	return d->svc->init ? d->svc->init(d, txn, e) : 0;
}

static void usage(const char *name)
{
	fprintf(stderr, "usage: jrp-%s [-c CONFIG] [-n]\n"
		"  -c CONFIG  deployment configuration (default deploy/local.yaml)\n"
		"  -n         check the configuration, parties and catalogue, print the result and exit\n", name);
}

int daemon_main(int argc, char **argv, const jrp_service *svc)
{
	jrp_daemon dd, *d = &dd;
	const char *cfgpath = "deploy/local.yaml";
	bool check_only = false;
	jrp_error e;
	char path[4096];
	int opt, rc = 1, hwm = 10000, lin = 1000, maxmsg = HARD_MAX_MESSAGE;

	memset(d, 0, sizeof *d);
	d->svc = svc;
	d->lockfd = -1;
	/* keep freed memory in the heap: LMDB's per-transaction page lists (megabytes, above
	 * glibc's default mmap threshold) would otherwise be mapped and faulted in every batch */
	mallopt(M_MMAP_THRESHOLD, 64 << 20);
	mallopt(M_TRIM_THRESHOLD, 256 << 20);
	log_init(svc->name, LOG_INFO);
	while ((opt = getopt(argc, argv, "c:nh")) != -1) {
		switch (opt) {
		case 'c': cfgpath = optarg; break;
		case 'n': check_only = true; break;
		default: usage(svc->name); return 2;
		}
	}
	jrp_error_clear(&e);
	if (config_load(cfgpath, &d->cfg, &e) < 0 ||
	    parties_load(d->cfg->parties_path, &d->parties, &e) < 0 ||
	    catalog_load(d->cfg->rules_dir, d->parties, &d->cat, &e) < 0) {
		fprintf(stderr, "jrp-%s: %s: %s\n", svc->name, e.field, e.message);
		goto out;
	}
	if (daemon_keys(d, &e) < 0) {
		fprintf(stderr, "jrp-%s: %s: %s\n", svc->name, e.field, e.message);
		goto out;
	}
	if (check_only) {
		printf("configuration OK: %s (catalogue %s, %zu parties)\n", cfgpath, d->cat->version, d->parties->n);
		rc = 0;
		goto out;
	}
	log_level = d->cfg->log_level;
	if (mkdir_p(d->cfg->run_dir, 0700) < 0 || mkdir_p(d->cfg->data_dir, 0700) < 0) {
		log_error("event=mkdir_failed run_dir=%s data_dir=%s error=\"%s\"", d->cfg->run_dir, d->cfg->data_dir,
			  strerror(errno));
		goto out;
	}
	chmod(d->cfg->run_dir, 0700);
	snprintf(path, sizeof path, "%s/%s.pid", d->cfg->run_dir, svc->name);
	d->lockfd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
	if (d->lockfd < 0 || flock(d->lockfd, LOCK_EX | LOCK_NB) < 0) {
		log_error("event=already_running pidfile=%s", path);
		goto out;
	}
	if (ftruncate(d->lockfd, 0) == 0) {
		char pid[24];
		int n = snprintf(pid, sizeof pid, "%d\n", (int)getpid());
		if (write(d->lockfd, pid, (size_t)n) != n)
			log_warn("event=pidfile_write_failed");
	}
	if (d->cfg->test_clock)
		clock_enable_test();
	snprintf(path, sizeof path, "%s/%s", d->cfg->data_dir, svc->name);
	if (store_open(path, d->cfg->map_size, d->cfg->map_max, svc->dbs, svc->ndbs, &d->st, &e) < 0) {
		log_error("event=store_open_failed dir=%s error=\"%s\"", path, e.message);
		goto out;
	}
	if ((rc = daemon_write(d, init_fn, &e)) < 0) {
		log_error("event=init_failed error=\"%s %s\"", e.field, e.message[0] ? e.message : jrp_strerror(rc));
		rc = 1;
		goto out;
	}
	for (const jrp_route *r = svc->routes; r && r->type; r++)
		if (r->flags & ROUTE_READ)
			d->front = true;
	if (d->front) {
		pthread_rwlock_init(&d->front_lock, NULL);
		d->front_cat = d->cat;
		snprintf(d->jdir, sizeof d->jdir, "%s", path);
		if (journal_recover(d, &e) < 0) {
			log_error("event=journal_recover_failed error=\"%s\"", e.message);
			rc = 1;
			goto out;
		}
	}
	rc = 1;
	d->loop = xmalloc(sizeof *d->loop);
	uv_loop_init(d->loop);
	d->zctx = zmq_ctx_new();
	/* the ZAP handler first: a CURVE server without one would let every key in */
	d->zap = zmq_socket(d->zctx, ZMQ_REP);
	zmq_setsockopt(d->zap, ZMQ_LINGER, &(int){ 0 }, sizeof(int));
	if (zmq_bind(d->zap, ZAP_ENDPOINT) != 0) {
		log_error("event=zap_bind_failed endpoint=%s error=\"%s\"", ZAP_ENDPOINT, zmq_strerror(zmq_errno()));
		goto loop_close;
	}
	d->router = zmq_socket(d->zctx, ZMQ_ROUTER);
	zmq_setsockopt(d->router, ZMQ_RCVHWM, &hwm, sizeof hwm);
	zmq_setsockopt(d->router, ZMQ_SNDHWM, &hwm, sizeof hwm);
	zmq_setsockopt(d->router, ZMQ_LINGER, &lin, sizeof lin);
	{
		/* a reply that cannot be delivered (client gone, or its queue at the high-water
		 * mark) is reported and logged, never dropped silently */
		int mandatory = 1;
		zmq_setsockopt(d->router, ZMQ_ROUTER_MANDATORY, &mandatory, sizeof mandatory);
	}
	{
		int64_t mm = maxmsg;
		zmq_setsockopt(d->router, ZMQ_MAXMSGSIZE, &mm, sizeof mm);
	}
	zmq_setsockopt(d->router, ZMQ_ZAP_DOMAIN, ZAP_DOMAIN, strlen(ZAP_DOMAIN));
	if (d->curve) {
		int one = 1;
		zmq_setsockopt(d->router, ZMQ_CURVE_SERVER, &one, sizeof one);
		zmq_setsockopt(d->router, ZMQ_CURVE_SECRETKEY, d->sec, CONFIG_KEY_Z85);
	}
	if (zmq_bind(d->router, d->cfg->endpoint[svc->svc]) != 0) {
		log_error("event=bind_failed endpoint=%s error=\"%s\"", d->cfg->endpoint[svc->svc],
			  zmq_strerror(zmq_errno()));
		goto loop_close;
	}
	if (strncmp(d->cfg->endpoint[svc->svc], "ipc://", 6) == 0)
		chmod(d->cfg->endpoint[svc->svc] + 6, 0600);
	d->zw = zwatch_new(d->loop, d->zap, on_zap, d);
	if (d->front && front_start(d, &e) < 0) {
		log_error("event=front_failed error=\"%s\"", e.message);
		goto loop_close;
	}
	d->rw = zwatch_new(d->loop, d->front ? d->inner : d->router, on_router, d);
	uv_signal_init(d->loop, &d->sigterm);
	uv_signal_init(d->loop, &d->sigint);
	d->sigterm.data = d->sigint.data = d;
	uv_signal_start(&d->sigterm, on_signal, SIGTERM);
	uv_signal_start(&d->sigint, on_signal, SIGINT);
	signal(SIGPIPE, SIG_IGN);
	uv_timer_init(d->loop, &d->tick_timer);
	uv_timer_init(d->loop, &d->park_timer);
	d->tick_timer.data = d->park_timer.data = d;
	uv_timer_start(&d->park_timer, on_park_timer, 50, 50);
	if (svc->upstream >= 0)
		d->pull = puller_new(d, d->cfg->endpoint[svc->upstream], svc->pull_coalesce_ms, svc->pull_kinds,
				     svc->upstream == SVC_DISPATCH);
	daemon_retick(d);
	log_info("event=started endpoint=%s auth=%s catalog=%s test_clock=%s", d->cfg->endpoint[svc->svc],
		 d->curve ? "curve" : "ipc", d->cat->version, d->cfg->test_clock ? "true" : "false");
	uv_run(d->loop, UV_RUN_DEFAULT);
	rc = 0;
	/* graceful: the batch in flight has committed (single thread); answer parked fetches empty */
	if (d->parked) {
		for (parked *p = d->parked; p; p = p->next)
			p->j->until = 0;
		wake_parked(d, true);
	}
	if (d->front)
		front_stop(d);
	puller_free(&d->pull);
	zwatch_free(&d->rw);
	zwatch_free(&d->zw);
	uv_close((uv_handle_t *)&d->sigterm, NULL);
	uv_close((uv_handle_t *)&d->sigint, NULL);
	uv_close((uv_handle_t *)&d->tick_timer, NULL);
	uv_close((uv_handle_t *)&d->park_timer, NULL);
	uv_run(d->loop, UV_RUN_DEFAULT);
	if (svc->fini)
		svc->fini(d);
	log_info("event=stopped");
loop_close:
	if (d->inner)
		zmq_close(d->inner);
	if (d->outer)
		zmq_close(d->outer);
	if (d->router)
		zmq_close(d->router);
	if (d->zap)
		zmq_close(d->zap);
	zmq_ctx_term(d->zctx);
	uv_loop_close(d->loop);
	free(d->loop);
out:
	while (d->parked) {
		parked *p = d->parked;
		d->parked = p->next;
		job_free(p->j);
		free(p);
	}
	journal_close(&d->jw);
	store_close(&d->st);
	catalog_free(&d->cat);
	parties_free(&d->parties);
	config_free(&d->cfg);
	if (d->lockfd >= 0)
		close(d->lockfd);
	memset(d->sec, 0, sizeof d->sec);
	return rc;
}
