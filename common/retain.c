/*
 * retain.c - log retention and archives in the daemon skeleton (retain.h)
 *
 * The skeleton's "archive" database holds, per retained log (keys start with the log's database
 * name and a NUL):
 *   NAME \0 'b' seq(8)  -> a block: file, offset, first/last seq, count, zlen, crc, raw_len,
 *                          min_at, max_at, through_at (the greatest `at` of this block and every
 *                          block before it: it only grows, so a time is found by bisection)
 *   NAME \0 's'         -> the log's archive state: archived through seq, current file, its
 *                          committed size, archive bytes, files, records archived
 * and the service's meta holds "consumer.<party>": the registered consumer's cursor as its
 * log.fetch requests said it (only ever raised).
 *
 * Crash safety. The pass writes a block to the current file at its committed size (cutting off
 * whatever lies beyond first), fdatasyncs it, and only then commits the transaction that indexes
 * the block, deletes its records from LMDB and moves the state. A crash before that commit leaves
 * bytes beyond the committed size, or a file the state does not name yet: retain_open cuts the
 * first and removes the second. After the commit both agree. So every record is in exactly one
 * place, whenever the daemon dies.
 */
#include "retain.h"
#include "archive.h"
#include "skel.h"
#include "clock.h"
#include "util/crc32c.h"
#include "util/fsutil.h"
#include "util/log.h"
#include "util/str.h"
#include "util/xalloc.h"
#include <errno.h>
#include <stdarg.h>
#include <msgpack.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define ZSTD_LEVEL 3
#define BLOCK_VAL 88
#define NLOGS 2

/* the registered consumer of each daemon's outbound log: the daemon whose upstream it is */
static const int consumer_of[SVC__ALL] = { SVC_ADJUDICATE, SVC_DISPATCH, SVC_FEEDBACK, -1, -1 };

typedef struct rlog {
	int db;                          /* the service's database index */
	MDB_dbi dbi;
	char name[ARCHIVE_NAME_MAX];     /* the database's name: events, changes, out, publication */
	const char *consumer;            /* the registered consumer's party; NULL: by period only */
	uint64_t seen;                   /* the highest `after` the consumer asked (log.fetch) */
	char stopped[400];               /* why the pass does not move this log now, "" */
} rlog;

typedef retain_state rstate;

typedef struct rblock {
	archive_block b;
	int64_t through_at;
} rblock;

struct retain {
	jrp_daemon *d;
	char dir[4200];
	int64_t retention_ms;
	int test_delay_ms;               /* JRP_RETAIN_TEST_DELAY_MS (test clock only): a pause between a
	                                  * block's write and its commit, for the kill tests */
	rlog logs[NLOGS];
	int nlogs;
	uv_timer_t timer;
	bool timer_init;
	archive_builder build;
	abuf block;
	msgpack_unpacked up;
	/* one block kept decompressed for readers; the write loop and the front thread both read */
	pthread_mutex_t mu;
	int cache_log;                   /* -1: nothing cached */
	archive_block cache_meta;
	abuf cache_raw;
};

/* ---- keys and values ---- */

static size_t key_of(unsigned char *k, const rlog *l, char what, uint64_t seq)
{
	size_t n = strlen(l->name);
	memcpy(k, l->name, n);
	k[n] = 0;
	k[n + 1] = (unsigned char)what;
	if (what == 's')
		return n + 2;
	be64_put(k + n + 2, seq);
	return n + 10;
}

static void block_put(unsigned char *v, const rblock *r)
{
	const archive_block *b = &r->b;
	be64_put(v, b->file);
	be64_put(v + 8, b->offset);
	be64_put(v + 16, b->first_seq);
	be64_put(v + 24, b->last_seq);
	be64_put(v + 32, b->count);
	be64_put(v + 40, (uint64_t)b->zlen << 32 | b->crc);
	be64_put(v + 48, b->raw_len);
	be64_put(v + 56, (uint64_t)b->min_at);
	be64_put(v + 64, (uint64_t)b->max_at);
	be64_put(v + 72, (uint64_t)r->through_at);
	be64_put(v + 80, 0);
}

static bool block_get(const MDB_val *v, rblock *r)
{
	const unsigned char *p = v->mv_data;
	archive_block *b = &r->b;
	uint64_t zc;
	if (v->mv_size != BLOCK_VAL)
		return false;
	memset(r, 0, sizeof *r);
	b->file = be64_get(p);
	b->offset = be64_get(p + 8);
	b->first_seq = be64_get(p + 16);
	b->last_seq = be64_get(p + 24);
	b->count = (uint32_t)be64_get(p + 32);
	zc = be64_get(p + 40);
	b->zlen = (uint32_t)(zc >> 32);
	b->crc = (uint32_t)zc;
	b->raw_len = (uint32_t)be64_get(p + 48);
	b->min_at = (int64_t)be64_get(p + 56);
	b->max_at = (int64_t)be64_get(p + 64);
	r->through_at = (int64_t)be64_get(p + 72);
	return true;
}

static int state_load(retain *r, MDB_txn *txn, const rlog *l, rstate *st)
{
	unsigned char k[ARCHIVE_NAME_MAX + 2];
	MDB_val v;
	int rc = kv_get(txn, skel_dbi(r->d, SKEL_DB_ARCHIVE), k, key_of(k, l, 's', 0), &v);
	memset(st, 0, sizeof *st);
	if (rc == JRP_ENOTFOUND)
		return 0;
	if (rc)
		return rc;
	return retain_state_decode(v.mv_data, v.mv_size, st) ? 0 : JRP_ESTORE;
}

static int state_store(retain *r, MDB_txn *txn, const rlog *l, const rstate *st)
{
	unsigned char k[ARCHIVE_NAME_MAX + 2], v[RETAIN_STATE_VAL];
	be64_put(v, st->through);
	be64_put(v + 8, st->file);
	be64_put(v + 16, st->size);
	be64_put(v + 24, st->bytes);
	be64_put(v + 32, st->files);
	be64_put(v + 40, st->records);
	return kv_put(txn, skel_dbi(r->d, SKEL_DB_ARCHIVE), k, key_of(k, l, 's', 0), v, sizeof v, 0);
}

static rlog *log_of(retain *r, MDB_dbi dbi)
{
	for (int i = 0; r && i < r->nlogs; i++)
		if (r->logs[i].dbi == dbi)
			return &r->logs[i];
	return NULL;
}

static void consumer_key(char *k, size_t n, const rlog *l)
{
	snprintf(k, n, "consumer.%s", l->consumer);
}

/* block_find - the block of log l that holds seq (seq <= the state's `through`) */
static int block_find(retain *r, MDB_txn *txn, const rlog *l, uint64_t seq, rblock *out)
{
	unsigned char k[ARCHIVE_NAME_MAX + 10];
	size_t kn = key_of(k, l, 'b', seq), pn = kn - 8;
	MDB_cursor *c;
	MDB_val key = { kn, k }, val;
	int rc;
	if ((rc = mdb_cursor_open(txn, skel_dbi(r->d, SKEL_DB_ARCHIVE), &c)) != 0)
		return store_rc(rc);
	rc = mdb_cursor_get(c, &key, &val, MDB_SET_RANGE);
	if (rc == 0 && !(key.mv_size == kn && memcmp(key.mv_data, k, pn) == 0 && be64_get((unsigned char *)key.mv_data + pn) == seq))
		rc = mdb_cursor_get(c, &key, &val, MDB_PREV);
	else if (rc == MDB_NOTFOUND)
		rc = mdb_cursor_get(c, &key, &val, MDB_LAST);
	/* step back over this log's state key (it sorts after its blocks) */
	while (rc == 0 && !(key.mv_size == kn && memcmp(key.mv_data, k, pn) == 0) && key.mv_size >= pn - 1 &&
	       memcmp(key.mv_data, k, pn - 1) == 0)
		rc = mdb_cursor_get(c, &key, &val, MDB_PREV);
	if (rc == 0 && key.mv_size == kn && memcmp(key.mv_data, k, pn) == 0 && block_get(&val, out) &&
	    out->b.first_seq <= seq && out->b.last_seq >= seq)
		rc = 0;
	else
		rc = rc == 0 || rc == MDB_NOTFOUND ? JRP_ENOTFOUND : store_rc(rc);
	mdb_cursor_close(c);
	return rc;
}

/* ---- reading a block (cached) ---- */

/* fail_read - e for a block that cannot be read: which seqs of which log, which file, why */
static int fail_read(retain *r, const rlog *l, const archive_block *b, int rc, jrp_error *e)
{
	char path[4400], why[sizeof e->message];
	archive_path(path, sizeof path, r->dir, l->name, b->file);
	str_copy(why, sizeof why, e->message);
	jrp_fail(e, rc == JRP_ENOTFOUND ? JRP_ERR_NOT_FOUND : JRP_ERR_STORAGE, "",
		 "records %llu..%llu of jrp-%s's %s log are archived in %s, which %s", (unsigned long long)b->first_seq,
		 (unsigned long long)b->last_seq, r->d->svc->name, l->name, path, why);
	log_error("event=archive_unreadable log=%s file=%s seqs=%llu..%llu error=\"%s\"", l->name, path,
		  (unsigned long long)b->first_seq, (unsigned long long)b->last_seq, why);
	return rc == JRP_ENOTFOUND ? JRP_ENOTFOUND : JRP_EIO;
}

/* unindexed - a seq at or below "archived through" that no block of the index holds (never so:
 * the index and the state move in one transaction) */
static int unindexed(retain *r, const rlog *l, uint64_t seq, jrp_error *e)
{
	jrp_fail(e, JRP_ERR_STORAGE, "", "record %llu of jrp-%s's %s log is archived, but no block of the archive "
		 "index holds it", (unsigned long long)seq, r->d->svc->name, l->name);
	log_error("event=archive_index_gap log=%s seq=%llu", l->name, (unsigned long long)seq);
	return JRP_EIO;
}

/* cached - the block's records, decompressed (r->mu held) */
static int cached(retain *r, const rlog *l, const archive_block *b, jrp_error *e)
{
	archive_block meta;
	int rc;
	if (r->cache_log == (int)(l - r->logs) && r->cache_meta.file == b->file && r->cache_meta.offset == b->offset)
		return 0;
	r->cache_log = -1;
	if ((rc = archive_read(r->dir, l->name, b->file, b->offset, b, &meta, &r->cache_raw, e)) != 0)
		return fail_read(r, l, b, rc, e);
	r->cache_meta = *b;
	r->cache_log = (int)(l - r->logs);
	return 0;
}

/* ---- reads ---- */

int retain_scan(jrp_daemon *d, MDB_txn *txn, MDB_dbi dbi, uint64_t after, size_t max, size_t max_bytes,
		int (*fn)(void *arg, uint64_t seq, const MDB_val *val), void *arg, jrp_error *e)
{
	retain *r = d->ret;
	rlog *l = log_of(r, dbi);
	rstate st;
	size_t n = 0, bytes = 0;
	uint64_t seq = after;
	bool stop = false;
	MDB_cursor *c;
	unsigned char kb[8];
	MDB_val k = { 8, kb }, v;
	int rc = 0;

	if (!l || after == UINT64_MAX)
		return store_log_scan(txn, dbi, after, max, max_bytes, fn, arg);
	jrp_error_clear(e);
	if ((rc = state_load(r, txn, l, &st)) != 0)
		return rc;
	if (after < st.through) {
		rblock rb;
		pthread_mutex_lock(&r->mu);
		while (!stop && n < max && seq < st.through) {
			size_t pos = 0, len;
			const unsigned char *p;
			uint64_t s;
			if ((rc = block_find(r, txn, l, seq + 1, &rb)) != 0 || (rc = cached(r, l, &rb.b, e)) != 0)
				break;
			for (s = rb.b.first_seq; !stop && n < max && archive_next(&r->cache_raw, &pos, &p, &len) == 1; s++) {
				MDB_val rv = { len, (void *)p };
				if (s <= seq)
					continue;
				if (n > 0 && bytes + len > max_bytes) {
					stop = true;
					break;
				}
				n++;
				bytes += len;
				seq = s;
				if (fn(arg, s, &rv))
					stop = true;
			}
			if (!stop && n < max && seq < rb.b.last_seq) {
				snprintf(e->message, sizeof e->message, "holds fewer records in a block than its header says: it is damaged");
				rc = fail_read(r, l, &rb.b, JRP_EIO, e);
				break;
			}
		}
		pthread_mutex_unlock(&r->mu);
		if (rc == JRP_ENOTFOUND && !e->code[0])
			return unindexed(r, l, seq + 1, e);
		if (rc != 0)
			return rc;
		if (stop || n >= max)
			return 0;
	}
	/* the rest from LMDB, within what is left of the limits */
	if ((rc = mdb_cursor_open(txn, dbi, &c)) != 0)
		return store_rc(rc);
	be64_put(kb, seq + 1);
	rc = mdb_cursor_get(c, &k, &v, MDB_SET_RANGE);
	while (rc == 0 && n < max && (n == 0 || bytes + v.mv_size <= max_bytes)) {
		if (k.mv_size != 8)
			break;
		n++;
		bytes += v.mv_size;
		if (fn(arg, be64_get(k.mv_data), &v))
			break;
		rc = mdb_cursor_get(c, &k, &v, MDB_NEXT);
	}
	mdb_cursor_close(c);
	return rc == 0 || rc == MDB_NOTFOUND ? 0 : store_rc(rc);
}

int daemon_log_read(jrp_daemon *d, MDB_txn *txn, MDB_dbi dbi, uint64_t seq, MDB_val *v, void **owned, jrp_error *e)
{
	retain *r = d->ret;
	rlog *l = log_of(r, dbi);
	rstate st;
	rblock rb;
	int rc = store_log_get(txn, dbi, seq, v);
	*owned = NULL;
	if (rc != JRP_ENOTFOUND || !l)
		return rc;
	if ((rc = state_load(r, txn, l, &st)) != 0)
		return rc;
	if (seq == 0 || seq > st.through)
		return JRP_ENOTFOUND;
	if ((rc = block_find(r, txn, l, seq, &rb)) != 0)
		return rc == JRP_ENOTFOUND ? unindexed(r, l, seq, e) : rc;
	pthread_mutex_lock(&r->mu);
	if ((rc = cached(r, l, &rb.b, e)) == 0) {
		size_t pos = 0, len;
		const unsigned char *p;
		uint64_t s = rb.b.first_seq;
		rc = JRP_EIO;
		while (archive_next(&r->cache_raw, &pos, &p, &len) == 1) {
			if (s++ == seq) {
				*owned = xmalloc(len ? len : 1);
				memcpy(*owned, p, len);
				v->mv_data = *owned;
				v->mv_size = len;
				rc = 0;
				break;
			}
		}
		if (rc) {
			snprintf(e->message, sizeof e->message, "does not hold record %llu: it is damaged", (unsigned long long)seq);
			rc = fail_read(r, l, &rb.b, JRP_EIO, e);
		}
	}
	pthread_mutex_unlock(&r->mu);
	return rc;
}

uint64_t daemon_archived_through(jrp_daemon *d, MDB_txn *txn, MDB_dbi dbi)
{
	rlog *l = log_of(d->ret, dbi);
	rstate st;
	if (!l || state_load(d->ret, txn, l, &st) != 0)
		return 0;
	return st.through;
}

int64_t daemon_retention_ms(jrp_daemon *d)
{
	return d->ret ? d->ret->retention_ms : 0;
}

int retain_seek(jrp_daemon *d, MDB_txn *txn, MDB_dbi dbi, int64_t at_ms, uint64_t *after)
{
	retain *r = d->ret;
	rlog *l = log_of(r, dbi);
	rstate st;
	uint64_t lo, hi;
	int rc;
	*after = 0;
	if (!l || (rc = state_load(r, txn, l, &st)) != 0 || st.through == 0)
		return 0;
	/* the first block whose through_at (the greatest `at` up to it) reaches at_ms: every record of
	 * the blocks before it is older. through_at only grows with seq, so bisect on seq */
	lo = 1;
	hi = st.through + 1;   /* hi: no block at or after it has been seen to reach at_ms yet */
	while (lo < hi) {
		uint64_t mid = lo + (hi - lo) / 2;
		rblock rb;
		if ((rc = block_find(r, txn, l, mid, &rb)) != 0)
			return rc == JRP_ENOTFOUND ? 0 : rc;
		if (rb.through_at >= at_ms)
			hi = rb.b.first_seq;
		else
			lo = rb.b.last_seq + 1;
	}
	*after = lo - 1;
	return 0;
}

/* ---- the pass ---- */

/* rec_at - the `at` of a stored record (every record kind has one) */
static bool rec_at(retain *r, const void *p, size_t n, int64_t *at)
{
	const msgpack_object *o;
	if (msgpack_unpack_next(&r->up, p, n, NULL) != MSGPACK_UNPACK_SUCCESS || r->up.data.type != MSGPACK_OBJECT_MAP)
		return false;
	o = obj_get(&r->up.data, "at");
	if (!o || (o->type != MSGPACK_OBJECT_POSITIVE_INTEGER && o->type != MSGPACK_OBJECT_NEGATIVE_INTEGER))
		return false;
	*at = o->via.i64;
	return true;
}

static void stop_log(rlog *l, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void stop_log(rlog *l, const char *fmt, ...)
{
	char why[sizeof l->stopped];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(why, sizeof why, fmt, ap);
	va_end(ap);
	if (strcmp(why, l->stopped) != 0)
		log_error("event=archive_stopped log=%s reason=\"%s\"", l->name, why);
	str_copy(l->stopped, sizeof l->stopped, why);
}

/* step_log - archive the next batch of log l, if any is due; *more: another may be due at once */
static int step_log(retain *r, MDB_txn *txn, rlog *l, int64_t now, bool *more)
{
	MDB_dbi meta = store_dbi(r->d->st, DB_META);
	rstate st;
	uint64_t last, limit, stored = 0, expect;
	int64_t cutoff = now - r->retention_ms;
	size_t bytes = 0;
	MDB_cursor *c;
	MDB_val k, v;
	archive_block meta_b;
	rblock rb;
	jrp_error e;
	bool new_file;
	uint64_t off, file;
	int rc;
	char ck[80];

	*more = false;
	if ((rc = state_load(r, txn, l, &st)) != 0 || (rc = store_log_last(txn, l->dbi, &last)) != 0)
		return rc;
	if (l->consumer) {
		consumer_key(ck, sizeof ck, l);
		if ((rc = meta_get_u64(txn, meta, ck, &stored)) != 0)
			return rc;
		if (l->seen > stored && l->seen <= last) {
			if ((rc = meta_put_u64(txn, meta, ck, l->seen)) != 0)
				return rc;
			stored = l->seen;
		}
	}
	limit = last ? last - 1 : 0;          /* the last record stays: it gives the next seq */
	if (l->consumer && stored < limit)
		limit = stored;
	if (limit <= st.through)
		return 0;
	archive_builder_reset(&r->build);
	if ((rc = mdb_cursor_open(txn, l->dbi, &c)) != 0)
		return store_rc(rc);
	expect = st.through + 1;
	for (rc = mdb_cursor_get(c, &k, &v, MDB_FIRST); rc == 0; rc = mdb_cursor_get(c, &k, &v, MDB_NEXT)) {
		uint64_t seq = k.mv_size == 8 ? be64_get(k.mv_data) : 0;
		int64_t at;
		if (seq > limit || r->build.count >= RETAIN_BATCH || (r->build.count && bytes + v.mv_size > RETAIN_BATCH_BYTES))
			break;
		if (seq != expect) {
			mdb_cursor_close(c);
			stop_log(l, "the log's record after seq %llu is %llu: it does not follow what is archived",
				 (unsigned long long)(expect - 1), (unsigned long long)seq);
			return 0;
		}
		if (!rec_at(r, v.mv_data, v.mv_size, &at)) {
			mdb_cursor_close(c);
			stop_log(l, "record %llu has no `at`: it cannot be told when it is old enough", (unsigned long long)seq);
			return 0;
		}
		if (at > cutoff)
			break;   /* not old enough; nor, as a rule, anything after it */
		archive_builder_add(&r->build, seq, at, v.mv_data, v.mv_size);
		bytes += v.mv_size;
		expect++;
	}
	mdb_cursor_close(c);
	if (rc != 0 && rc != MDB_NOTFOUND)
		return store_rc(rc);
	if (!r->build.count)
		return 0;
	jrp_error_clear(&e);
	if ((rc = archive_builder_finish(&r->build, ZSTD_LEVEL, &r->block, &meta_b, &e)) != 0) {
		stop_log(l, "%s", e.message);
		return 0;
	}
	new_file = st.file == 0 || (st.size > 0 && st.size + r->block.n > RETAIN_FILE_MAX);
	file = new_file ? meta_b.first_seq : st.file;
	off = new_file ? 0 : st.size;
	if (!new_file) {
		/* the current file must be there with what was committed in it: never a new file with a hole
		 * where moved-away blocks were */
		uint64_t size;
		if (!archive_size(r->dir, l->name, file, &size) || size < off) {
			char path[4400];
			archive_path(path, sizeof path, r->dir, l->name, file);
			stop_log(l, "the current archive file %s is %s (%llu bytes are committed in it): put it back; until then "
				 "nothing more is archived", path, archive_size(r->dir, l->name, file, &size) ? "shorter than that" :
				 "missing", (unsigned long long)off);
			return 0;
		}
	}
	if ((rc = archive_write(r->dir, l->name, file, off, r->block.p, r->block.n, &e)) != 0) {
		stop_log(l, "%s: %s", e.field, e.message);
		return 0;
	}
	if (r->test_delay_ms)
		usleep((useconds_t)r->test_delay_ms * 1000);   /* tests: widen the window a kill must not harm */
	/* the block is on disk; now index it and take its records out, in this one transaction */
	meta_b.file = file;
	meta_b.offset = off;
	memset(&rb, 0, sizeof rb);
	rb.b = meta_b;
	rb.through_at = meta_b.max_at;
	if (st.through) {
		rblock prev;
		if (block_find(r, txn, l, st.through, &prev) == 0 && prev.through_at > rb.through_at)
			rb.through_at = prev.through_at;
	}
	{
		unsigned char bk[ARCHIVE_NAME_MAX + 10], bv[BLOCK_VAL];
		block_put(bv, &rb);
		if ((rc = kv_put(txn, skel_dbi(r->d, SKEL_DB_ARCHIVE), bk, key_of(bk, l, 'b', meta_b.first_seq), bv, sizeof bv,
				 MDB_NOOVERWRITE)) != 0)
			return rc;
	}
	for (uint64_t s = meta_b.first_seq; s <= meta_b.last_seq; s++) {
		unsigned char kb[8];
		MDB_val dk = { 8, kb };
		be64_put(kb, s);
		if ((rc = mdb_del(txn, l->dbi, &dk, NULL)) != 0)
			return store_rc(rc);
	}
	st.through = meta_b.last_seq;
	st.file = file;
	st.size = off + r->block.n;
	st.bytes += r->block.n;
	st.files += new_file;
	st.records += meta_b.count;
	if ((rc = state_store(r, txn, l, &st)) != 0)
		return rc;
	l->stopped[0] = 0;
	log_debug("event=archived log=%s seqs=%llu..%llu file=%llu offset=%llu bytes=%zu raw=%u", l->name,
		  (unsigned long long)meta_b.first_seq, (unsigned long long)meta_b.last_seq, (unsigned long long)file,
		  (unsigned long long)off, r->block.n, meta_b.raw_len);
	*more = st.through < limit;
	return 1;
}

typedef struct step_arg {
	retain *r;
	bool more;
	int moved;
} step_arg;

static int step_fn(void *arg, MDB_txn *txn)
{
	step_arg *a = arg;
	int64_t now = clock_now_ms();
	a->more = false;
	a->moved = 0;
	/* one log's batch per transaction: each transaction stays short */
	for (int i = 0; i < a->r->nlogs; i++) {
		bool more;
		int rc = step_log(a->r, txn, &a->r->logs[i], now, &more);
		if (rc < 0)
			return rc;
		a->more |= more;
		if (rc > 0) {
			a->moved = 1;
			break;
		}
	}
	return 0;
}

static void on_timer(uv_timer_t *t)
{
	retain *r = t->data;
	step_arg a = { r, false, 0 };
	int rc;
	if (r->d->stopping)
		return;
	rc = batch_write(r->d, step_fn, &a);
	if (rc < 0)
		log_error("event=archive_failed error=\"%s\"", jrp_strerror(rc));
	/* after a batch, the next one soon: 1 ms, not 0, because libuv (1.44) runs a timer re-armed with
	 * 0 from its own callback again before it polls, and requests would wait for the whole pass */
	uv_timer_start(&r->timer, on_timer, rc == 0 && (a.moved || a.more) ? 1 : RETAIN_POLL_MS, 0);
}

void retain_fetched(jrp_daemon *d, const char *party, uint64_t after, uint64_t last)
{
	rlog *l = d->ret && d->svc->outlog >= 0 ? log_of(d->ret, store_dbi(d->st, d->svc->outlog)) : NULL;
	if (l && l->consumer && party && strcmp(party, l->consumer) == 0 && after <= last && after > l->seen)
		l->seen = after;
}

/* ---- start and stop ---- */

/* recover - the archive files of l agree with its committed state: bytes beyond the committed size
 * of the current file are a block whose transaction never committed (or a torn one), cut off; a
 * later file was never committed, removed. A file the state names that is missing or short is
 * reported (reads that need it will say so) and stops the pass for this log. */
static int recover(retain *r, MDB_txn *txn, rlog *l, jrp_error *e)
{
	rstate st;
	uint64_t *files = NULL, size;
	size_t n = 0;
	int rc;
	if ((rc = state_load(r, txn, l, &st)) != 0)
		return jrp_fail(e, JRP_ERR_STORAGE, r->dir, "the archive state of log %s cannot be read", l->name), rc;
	if ((rc = archive_files(r->dir, l->name, &files, &n)) != 0)
		return jrp_fail(e, JRP_ERR_STORAGE, r->dir, "cannot be listed: %s", strerror(errno)), rc;
	for (size_t i = 0; i < n; i++) {
		if (st.file && files[i] <= st.file)
			continue;
		log_warn("event=archive_uncommitted_removed log=%s file=%llu", l->name, (unsigned long long)files[i]);
		if (archive_remove(r->dir, l->name, files[i]) != 0) {
			free(files);
			return jrp_fail(e, JRP_ERR_STORAGE, r->dir, "an uncommitted archive file of log %s cannot be removed: %s",
					l->name, strerror(errno));
		}
	}
	free(files);
	if (!st.file)
		return 0;
	if (!archive_size(r->dir, l->name, st.file, &size) || size < st.size) {
		char path[4400];
		archive_path(path, sizeof path, r->dir, l->name, st.file);
		stop_log(l, "the current archive file %s is %s (%llu bytes are committed in it): put it back; until then "
			 "nothing more is archived", path, size ? "shorter than that" : "missing", (unsigned long long)st.size);
		return 0;
	}
	if (size > st.size) {
		log_warn("event=archive_tail_cut log=%s file=%llu size=%llu committed=%llu", l->name,
			 (unsigned long long)st.file, (unsigned long long)size, (unsigned long long)st.size);
		if (archive_cut(r->dir, l->name, st.file, st.size) != 0)
			return jrp_fail(e, JRP_ERR_STORAGE, r->dir, "the torn tail of an archive file of log %s cannot be cut: %s",
					l->name, strerror(errno));
	}
	return 0;
}

static void add_log(retain *r, int db, const char *consumer)
{
	rlog *l = &r->logs[r->nlogs++];
	memset(l, 0, sizeof *l);
	l->db = db;
	l->dbi = store_dbi(r->d->st, db);
	str_copy(l->name, sizeof l->name, r->d->svc->dbs[db]);
	l->consumer = consumer;
}

typedef struct open_arg {
	retain *r;
	jrp_error *e;
} open_arg;

static int open_fn(void *arg, MDB_txn *txn)
{
	open_arg *a = arg;
	retain *r = a->r;
	int rc;
	for (int i = 0; i < r->nlogs; i++) {
		rlog *l = &r->logs[i];
		if (l->consumer) {
			char ck[80];
			consumer_key(ck, sizeof ck, l);
			if ((rc = meta_get_u64(txn, store_dbi(r->d->st, DB_META), ck, &l->seen)) != 0)
				return rc;
		}
		if ((rc = recover(r, txn, l, a->e)) != 0)
			return rc;
	}
	return 0;
}

int retain_open(jrp_daemon *d, jrp_error *e)
{
	retain *r;
	open_arg a;
	int rc;
	if (d->svc->outlog < 0 && d->svc->public_log <= 0)
		return 0;
	r = xcalloc(1, sizeof *r);
	r->d = d;
	r->cache_log = -1;
	r->retention_ms = (int64_t)d->cfg->retention_days * 86400000;
	if (d->cfg->test_clock && getenv("JRP_RETAIN_TEST_DELAY_MS"))
		r->test_delay_ms = atoi(getenv("JRP_RETAIN_TEST_DELAY_MS"));
	pthread_mutex_init(&r->mu, NULL);
	msgpack_unpacked_init(&r->up);
	snprintf(r->dir, sizeof r->dir, "%s/%s/archive", d->cfg->data_dir, d->svc->name);
	if (d->svc->outlog >= 0)
		add_log(r, d->svc->outlog, consumer_of[d->svc->svc] >= 0 ? svc_names[consumer_of[d->svc->svc]] : NULL);
	if (d->svc->public_log > 0)
		add_log(r, d->svc->public_log, NULL);
	d->ret = r;
	if (mkdir_p(r->dir, 0700) < 0) {
		jrp_fail(e, JRP_ERR_STORAGE, r->dir, "cannot create the archive directory: %s", strerror(errno));
		return JRP_EIO;
	}
	a.r = r;
	a.e = e;
	if ((rc = batch_write(d, open_fn, &a)) < 0) {
		if (!e->message[0])
			jrp_fail(e, JRP_ERR_STORAGE, r->dir, "%s", jrp_strerror(rc));
		return rc;
	}
	log_info("event=retention log_retention_days=%d archive_dir=%s", d->cfg->retention_days, r->dir);
	return 0;
}

void retain_start(jrp_daemon *d)
{
	retain *r = d->ret;
	if (!r)
		return;
	uv_timer_init(d->loop, &r->timer);
	r->timer.data = r;
	r->timer_init = true;
	uv_timer_start(&r->timer, on_timer, RETAIN_POLL_MS / 10, 0);
}

/* persist_fn - the consumers' cursors as they asked, into meta (a clean stop keeps them) */
static int persist_fn(void *arg, MDB_txn *txn)
{
	retain *r = arg;
	for (int i = 0; i < r->nlogs; i++) {
		rlog *l = &r->logs[i];
		char ck[80];
		uint64_t stored, last;
		int rc;
		if (!l->consumer)
			continue;
		consumer_key(ck, sizeof ck, l);
		if ((rc = meta_get_u64(txn, store_dbi(r->d->st, DB_META), ck, &stored)) != 0 ||
		    (rc = store_log_last(txn, l->dbi, &last)) != 0)
			return rc;
		if (l->seen > stored && l->seen <= last && (rc = meta_put_u64(txn, store_dbi(r->d->st, DB_META), ck, l->seen)) != 0)
			return rc;
	}
	return 0;
}

void retain_kick(jrp_daemon *d)
{
	retain *r = d->ret;
	if (r && r->timer_init && !d->stopping)
		uv_timer_start(&r->timer, on_timer, 1, 0);
}

void retain_stop(jrp_daemon *d)
{
	retain *r = d->ret;
	if (!r || !r->timer_init)
		return;
	batch_write(d, persist_fn, r);
	uv_timer_stop(&r->timer);
	uv_close((uv_handle_t *)&r->timer, NULL);
	r->timer_init = false;
}

void retain_free(jrp_daemon *d)
{
	retain *r = d->ret;
	if (!r)
		return;
	archive_builder_free(&r->build);
	abuf_free(&r->block);
	abuf_free(&r->cache_raw);
	msgpack_unpacked_destroy(&r->up);
	pthread_mutex_destroy(&r->mu);
	free(r);
	d->ret = NULL;
}

/* ---- status ---- */

void retain_status(jrp_daemon *d, MDB_txn *txn, mw *out)
{
	retain *r = d->ret;
	int64_t now = clock_now_ms();
	if (!r)
		return;
	mw_ku64(out, "retention_days", (uint64_t)d->cfg->retention_days);
	mw_str(out, "logs");
	mw_arr(out);
	for (int i = 0; i < r->nlogs; i++) {
		rlog *l = &r->logs[i];
		rstate st;
		uint64_t first = 0, last = 0;
		MDB_val v;
		int64_t at;
		char ts[40];
		if (state_load(r, txn, l, &st) != 0)
			continue;
		store_log_first(txn, l->dbi, &first);
		store_log_last(txn, l->dbi, &last);
		mw_map(out);
		mw_kstr(out, "log", l->name);
		mw_ku64(out, "first", first);
		mw_ku64(out, "last", last);
		mw_ku64(out, "archived_through", st.through);
		mw_ku64(out, "archive_files", st.files);
		mw_ku64(out, "archive_bytes", st.bytes);
		mw_ku64(out, "archived_records", st.records);
		if (first && store_log_get(txn, l->dbi, first, &v) == 0 && rec_at(r, v.mv_data, v.mv_size, &at)) {
			ms_format(at, ts, sizeof ts);
			mw_kstr(out, "oldest_at", ts);
			mw_ku64(out, "oldest_age_days", now > at ? (uint64_t)((now - at) / 86400000) : 0);
		}
		if (l->consumer) {
			char ck[80];
			uint64_t stored = 0;
			consumer_key(ck, sizeof ck, l);
			meta_get_u64(txn, store_dbi(d->st, DB_META), ck, &stored);
			mw_kstr(out, "consumer", l->consumer);
			mw_ku64(out, "consumer_cursor", stored > l->seen ? stored : l->seen);
		}
		if (l->stopped[0])
			mw_kstr(out, "archive_stopped", l->stopped);
		mw_end(out);
	}
	mw_end(out);
}
