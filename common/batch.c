/*
 * batch.c - the write loop: requests in batches, one transaction, one commit
 * (skel.h)
 *
 * Everything waiting on the socket (up to JRP_MAX_BATCH) runs in one LMDB
 * write transaction, then one commit (one fsync), and only then the replies:
 * a reply that says ok is durable. If the map is full the whole batch is
 * redone after growing the map; if it cannot be, or the disk is full, every
 * request in it is answered "storage" (nothing stored), the message saying
 * which. Long-polls park here and are woken
 * when the outbound log grows or their wait runs out. Writes outside requests
 * (pulled records, deadlines, the journal) go through batch_write, with the
 * same growth and wake-ups.
 */
#include "skel.h"
#include "clock.h"
#include "proto.h"
#include "util/log.h"
#include "util/tsan.h"
#include "util/xalloc.h"
#include <string.h>
#include <zmq.h>

#define TICK_MAX_MS 60000

/* ---- outbound log ---- */

int daemon_next_seq(jrp_daemon *d, MDB_txn *txn, uint64_t *seq)
{
	int rc = store_log_last(txn, store_dbi(d->st, d->svc->outlog), seq);
	(*seq)++;
	return rc;
}

int daemon_append(jrp_daemon *d, MDB_txn *txn, const mw *rec, uint64_t *seq)
{
	uint64_t s;
	int rc = daemon_next_seq(d, txn, &s);
	if (rc)
		return rc;
	if ((rc = store_log_append(txn, store_dbi(d->st, d->svc->outlog), s, mw_data(rec), mw_len(rec))) != 0)
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
		store_log_last(txn, store_dbi(d->st, d->svc->outlog), &last);
	return last;
}

static void park(jrp_daemon *d, job *j)
{
	parked *p = xmalloc(sizeof *p);
	p->j = j;
	p->next = d->parked;
	d->parked = p;
	d->nparked++;
}

/* finish - the write loop is done with j: send its reply (through the front, which owns
 * the socket, counts and then frees j, when there is one); now: metrics_now(), or 0 */
static void finish(jrp_daemon *d, job *j, uint64_t *now)
{
	if (d->front) {
		TSAN_RELEASE(j);
		zmq_send(d->inner, &j, sizeof j, 0);
		return;
	}
	if (!*now)
		*now = metrics_now();   /* one reading for the batch's replies, sent together */
	request_send(d, j, *now);
	request_free(j);
}

/* batch_grow - double the map; the front's read transaction must not be open meanwhile */
int batch_grow(jrp_daemon *d)
{
	int rc;
	if (d->front)
		pthread_rwlock_wrlock(&d->front_lock);
	rc = store_grow(d->st);
	if (d->front)
		pthread_rwlock_unlock(&d->front_lock);
	return rc;
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

/* restore_parties - a batch that replaced the parties registry did not commit: the old one stays */
static void restore_parties(jrp_daemon *d)
{
	if (!d->prev_parties)
		return;
	parties_free(&d->parties);
	d->parties = d->prev_parties;
	d->prev_parties = NULL;
	log_warn("event=parties_reload_undone");
}

/* batch_run - all jobs in one write txn, one commit, then the replies */
void batch_run(jrp_daemon *d, job **jobs, size_t n)
{
	MDB_txn *txn;
	uint64_t now = 0;   /* when the replies go (metrics.h), read once */
	int rc = 0;

	for (int attempt = 0;; attempt++) {
		uint64_t last0;
		d->woke = false;
		restore_catalog(d);
		restore_parties(d);
		if ((rc = store_begin(d->st, true, &txn)) != 0)
			break;
		last0 = out_last(d, txn);
		for (size_t i = 0; i < n && rc == 0; i++)
			rc = request_run(d, txn, jobs[i]);
		d->woke = out_last(d, txn) != last0;
		if (rc < 0) {
			mdb_txn_abort(txn);
		} else {
			rc = store_commit(d->st, txn);
		}
		if (rc != JRP_EFULL || batch_grow(d) != 0)
			break;
	}
	if (rc != 0) {
		jrp_error e;
		restore_catalog(d);
		restore_parties(d);
		if (rc == JRP_EFULL)
			jrp_fail(&e, JRP_ERR_STORAGE, "", "storage is full (the LMDB map reached map_max_mb); nothing was stored");
		else if (rc == JRP_ENOSPACE)
			jrp_fail(&e, JRP_ERR_STORAGE, "", "the disk of jrp-%s's data is full; nothing was stored (try again "
				 "when an operator has made room)", d->svc->name);
		else
			jrp_fail(&e, JRP_ERR_STORAGE, "", "the commit failed; nothing was stored");
		d->woke = false;
		/* everything but a definite refusal becomes "nothing was stored": that includes
		 * the job that hit the full map and those never run after it */
		for (size_t i = 0; i < n; i++)
			if (!jobs[i]->refused) {
				request_fail(jobs[i], &e);
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
	if (d->prev_parties) {
		log_info("event=parties_reloaded parties=%zu path=%s", d->parties->n, d->parties->path);
		if (d->front)
			pthread_rwlock_wrlock(&d->front_lock);
		d->front_parties = d->parties;   /* committed: the front reads it from now on */
		parties_free(&d->prev_parties);
		if (d->front)
			pthread_rwlock_unlock(&d->front_lock);
	}
	for (size_t i = 0; i < n; i++) {
		if (jobs[i]->park && d->nparked >= MAX_PARKED) {
			/* bounded: an explicit busy rather than an unbounded list of waiting requests */
			jrp_error e;
			jrp_fail(&e, JRP_ERR_BUSY, "wait_ms", "%zu requests are already waiting here; try again without wait_ms or later",
				 d->nparked);
			request_fail(jobs[i], &e);
			jobs[i]->park = false;
		}
		if (jobs[i]->park) {
			park(d, jobs[i]);
			continue;
		}
		finish(d, jobs[i], &now);
	}
	zwatch_kick(d->rw);
	if (d->woke && d->parked)
		batch_wake(d, false);
}

/* batch_wake - run parked requests again: all of them, or only those whose wait ran out */
void batch_wake(jrp_daemon *d, bool only_expired)
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
		batch_run(d, jobs, n);
}

void batch_on_park_timer(uv_timer_t *t)
{
	jrp_daemon *d = t->data;
	if (d->parked)
		batch_wake(d, true);
}

void batch_on_router(zwatch *w, void *sock, void *arg)
{
	jrp_daemon *d = arg;
	size_t n = 0;
	job *j;
	if (d->front) {
		/* job pointers from the front */
		while (n < JRP_MAX_BATCH && zmq_recv(sock, &j, sizeof j, ZMQ_DONTWAIT) == (int)sizeof j) {
			TSAN_ACQUIRE(j);
			d->batch[n++] = j;
		}
	} else {
		uint64_t now = metrics_now();   /* one reading for the requests taken off the socket together */
		while (n < JRP_MAX_BATCH && (j = request_recv(sock, now)))
			d->batch[n++] = j;
	}
	if (n)
		batch_run(d, d->batch, n);
}

/* ---- writes outside requests (puller, ticks) ---- */

int batch_write(jrp_daemon *d, int (*fn)(void *arg, MDB_txn *txn), void *arg)
{
	MDB_txn *txn;
	int rc, res;
	for (;;) {
		uint64_t last0;
		if ((rc = store_begin(d->st, true, &txn)) != 0)
			return rc;
		last0 = out_last(d, txn);
		res = fn(arg, txn);
		d->woke = out_last(d, txn) != last0;
		if (res < 0) {
			mdb_txn_abort(txn);
			rc = res;
		} else {
			rc = store_commit(d->st, txn);
		}
		if (rc != JRP_EFULL || batch_grow(d) != 0)
			break;
	}
	if (rc < 0) {
		d->woke = false;
		return rc;
	}
	if (d->woke && d->parked)
		batch_wake(d, false);
	return res;
}



/* ---- deadlines ---- */

typedef struct tick_arg {
	jrp_daemon *d;
	int64_t next;
} tick_arg;

static int tick_fn(void *arg, MDB_txn *txn)
{
	tick_arg *t = arg;
	return t->d->svc->tick(t->d, txn, clock_now_ms(), &t->next);
}

static void on_tick(uv_timer_t *h)
{
	jrp_daemon *d = h->data;
	tick_arg t = { d, INT64_MAX };
	int rc;
	if (!d->svc->tick || d->stopping)
		return;
	rc = batch_write(d, tick_fn, &t);
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

