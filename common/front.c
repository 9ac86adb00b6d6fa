/*
 * front.c - the front thread and its journal (services with ROUTE_READ routes;
 * skel.h)
 *
 * The write loop is single-threaded and waits for every commit's fsync; a read-only request
 * that only needs committed state (dispatch's check) should not wait behind it. The front
 * thread owns the ROUTER socket: it answers ROUTE_READ requests itself from an LMDB read
 * transaction (renewed per batch: it sees every commit before it), journals what they must
 * leave behind (daemon_journal, journal.h) with one write(2) per batch before the replies go,
 * and hands every other request to the write loop as a job pointer over an inproc PAIR; the
 * loop's replies come back the same way and the front sends them. The loop moves journal
 * frames into the outbound log (journal_apply), keeping (segment, offset) in its meta in the
 * same transaction: each frame once, also after a crash.
 */
#include "skel.h"
#include "proto.h"
#include "util/log.h"
#include "util/tsan.h"
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <zmq.h>

#define FRONT_ENDPOINT "inproc://jrp-front"
#define JOURNAL_APPLY_MAX 4096       /* journal frames moved into the outbound log per transaction */
#define JOURNAL_APPLY_DELAY_MS 10    /* gather the front's batches for a while: fewer commits (fsyncs) */

__thread bool front_thread;

static bool is_read_route(const jrp_daemon *d, job *j)
{
	const msgpack_object *t;
	char type[40];
	const jrp_route *route = NULL;
	if (j->frame_bad || request_parse(j) < 0)
		return false;
	t = obj_get(j->in.root, "type");
	if (t && t->type == MSGPACK_OBJECT_STR && t->via.str.size < sizeof type) {
		memcpy(type, t->via.str.ptr, t->via.str.size);
		type[t->via.str.size] = 0;
		route = request_route(d, type);
	}
	return route && (route->flags & ROUTE_READ);
}

void daemon_journal_ref(jrp_daemon *d, char ref[JOURNAL_REF_MAX])
{
	if (front_thread && d->jw)
		journal_ref(d->jw, ref);
	else
		snprintf(ref, JOURNAL_REF_MAX, "none");
}

int daemon_journal(jrp_daemon *d, const mw *rec)
{
	if (!front_thread || !d->jw)
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
			request_fail(jobs[i], &e);
	} else {
		for (size_t i = 0; i < n; i++) {
			if ((rc = request_run(d, d->rtxn, jobs[i])) < 0 || jobs[i]->park) {
				jrp_fail(&e, JRP_ERR_STORAGE, "", "%s", rc < 0 ? jrp_strerror(rc) : "this request cannot wait here");
				request_fail(jobs[i], &e);
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
					request_fail(jobs[i], &e);
		} else {
			journaled = true;
		}
	}
	{
		uint64_t now = metrics_now();   /* one reading for the batch's replies, sent together */
		for (size_t i = 0; i < n; i++) {
			request_send(d, jobs[i], now);
			request_free(jobs[i]);
		}
	}
	if (journaled && !__atomic_exchange_n(&d->jsignalled, true, __ATOMIC_ACQ_REL))
		uv_async_send(&d->jasync);   /* once per apply period, not once per batch */
}

static void *front_main(void *arg)
{
	jrp_daemon *d = arg;
	zmq_pollitem_t it[2] = { { d->router, 0, ZMQ_POLLIN, 0 }, { d->outer, 0, ZMQ_POLLIN, 0 } };
	job *reads[JRP_MAX_BATCH], *j;
	uint64_t now;

	front_thread = true;
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
		now = 0;
		while (zmq_recv(d->outer, &j, sizeof j, ZMQ_DONTWAIT) == (int)sizeof j) {
			if (!j)
				goto out;   /* the loop is stopping; everything it sent before is sent */
			TSAN_ACQUIRE(j);
			if (!now)
				now = metrics_now();   /* one reading for the replies sent together */
			request_send(d, j, now);
			request_free(j);
		}
		if (it[0].revents & ZMQ_POLLIN) {
			size_t n = 0;
			now = metrics_now();   /* one reading for the requests taken off the socket together */
			for (int k = 0; k < JRP_MAX_BATCH && (j = request_recv(d->router, now)); k++) {
				if (is_read_route(d, j))
					reads[n++] = j;
				else {
					TSAN_RELEASE(j);
					zmq_send(d->outer, &j, sizeof j, 0);
				}
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
static int journal_apply_fn(void *arg, MDB_txn *txn)
{
	japply *c = arg;
	jrp_daemon *d = c->d;
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
		rc = batch_write(d, journal_apply_fn, &c);
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

typedef struct jstart {
	jrp_daemon *d;
	uint64_t seg;
} jstart;

static int journal_start_fn(void *arg, MDB_txn *txn)
{
	const jstart *js = arg;
	const uint64_t *seg = &js->seg;
	MDB_dbi meta = store_dbi(js->d->st, DB_META);
	int rc;
	if ((rc = meta_put_u64(txn, meta, "journal_seg", *seg)) != 0)
		return rc;
	return meta_put_u64(txn, meta, "journal_off", 0);
}

/* front_recover - at start-up, before the front runs: move what a previous run journaled
 * and did not move, drop a torn tail, and give the front a new segment of its own */
int front_recover(jrp_daemon *d, jrp_error *e)
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
	if (batch_write(d, journal_start_fn, &(jstart){ d, fresh }) < 0)
		return jrp_fail(e, JRP_ERR_STORAGE, "", "the journal position could not be stored");
	if (any)
		for (uint64_t s = lo; s <= hi && s < fresh; s++)
			journal_remove(d->jdir, s);
	return journal_open(d->jdir, fresh, &d->jw, e);
}

/* front_start - after the ROUTER is bound: the PAIR, the journal, the thread */
int front_start(jrp_daemon *d, jrp_error *e)
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
void front_stop(jrp_daemon *d)
{
	job *none = NULL;
	job *j;
	zmq_send(d->inner, &none, sizeof none, 0);
	pthread_join(d->front_tid, NULL);
	/* requests the front passed on that the loop never took: dropped unanswered, like those
	 * still unread on the socket (the client's timeout and retry cover both) */
	while (zmq_recv(d->inner, &j, sizeof j, ZMQ_DONTWAIT) == (int)sizeof j)
		if (j) {
			TSAN_ACQUIRE(j);
			request_free(j);
		}
	journal_close(&d->jw);
	journal_apply(d);
	uv_close((uv_handle_t *)&d->jasync, NULL);
	uv_close((uv_handle_t *)&d->jtimer, NULL);
}


uint64_t front_journal_behind(jrp_daemon *d, MDB_txn *txn)
{
	uint64_t seg = 0, off = 0, lo = 0, hi = 0, behind = 0;
	meta_get_u64(txn, store_dbi(d->st, DB_META), "journal_seg", &seg);
	meta_get_u64(txn, store_dbi(d->st, DB_META), "journal_off", &off);
	if (journal_segments(d->jdir, &lo, &hi))
		for (uint64_t sg = seg; sg <= hi; sg++)
			behind += journal_size(d->jdir, sg);
	return behind > off ? behind - off : 0;
}
