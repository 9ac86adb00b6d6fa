/*
 * foreign.c - what became of other regions' entries here, by region (federation, issue 14)
 *
 * A region that shares an entry wants to know what its partners did with it [001 §(五)2]
 * (发起—响应—反馈 across regions): this region's jrp-exchange asks foreign.report {region}
 * and sends the answer home; the office sees the same by region in stats.get ("foreign").
 * Only records that carry an origin reach this file (a field test in accounts.c and
 * report.c): the figures of this region's own entries cost what they did.
 *
 * The "foreign" database:
 *   'r' region                        -> ""     the regions seen (stats.get lists them)
 *   'e' region NUL home entry (8)     -> {local_entry, subject, state, suspended?}
 *   't' task seq (8)                  -> region  a foreign task with a deadline, so that the
 *                                                overdue tick counts it by region
 * and counters in "stats" (no day buckets: these are figures as of now, in all):
 * foreign.active.R (entries in force), foreign.tasks.R, foreign.awaiting.R, foreign.overdue.R,
 * foreign.applied.R, foreign.not_applicable.R, foreign.failed.R.
 */
#include "feedback.h"
#include "store.h"
#include "util/str.h"
#include "util/xalloc.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int fx_add(fbk *f, int64_t delta, const char *what, const char *region)
{
	char key[96];
	snprintf(key, sizeof key, "foreign.%s.%s", what, region);
	return meta_add(f->txn, f->db[FDB_STATS], key, delta, NULL);
}

static uint64_t fx_get(fbk *f, const char *what, const char *region)
{
	char key[96];
	uint64_t v = 0;
	snprintf(key, sizeof key, "foreign.%s.%s", what, region);
	meta_get_u64(f->txn, f->db[FDB_STATS], key, &v);
	return v;
}

/* ekey - 'e' region NUL home entry */
static size_t ekey(unsigned char *k, const char *region, uint64_t entry)
{
	size_t n;
	k[0] = 'e';
	n = 1 + str_copy((char *)k + 1, JRP_ID_MAX + 1, region) + 1;
	be64_put(k + n, entry);
	return n + 8;
}

/* the states foreign.report names: in_force, exited (or revoked here as at home), refused (no
 * receiving standard took it) */
static const char *const fx_states[] = { "in_force", "exited", "refused" };

static int put_entry(fbk *f, const jrp_change *ch, int state, bool suspended)
{
	unsigned char k[JRP_ID_MAX + 11], r[JRP_ID_MAX + 2];
	size_t rn;
	mw w;
	int rc;
	mw_init(&w);
	mw_map(&w);
	mw_ku64(&w, "local_entry", ch->entry);
	subject_write(&w, "subject", &ch->subject);
	mw_kstr(&w, "state", fx_states[state]);
	if (suspended)
		mw_kbool(&w, "suspended", true);
	mw_end(&w);
	rc = kv_put(f->txn, f->db[FDB_FOREIGN], k, ekey(k, ch->origin.region, ch->origin.entry), mw_data(&w), mw_len(&w), 0);
	mw_free(&w);
	r[0] = 'r';
	rn = 1 + str_copy((char *)r + 1, JRP_ID_MAX + 1, ch->origin.region);
	return rc ? rc : kv_put(f->txn, f->db[FDB_FOREIGN], r, rn, "", 0, 0);
}

int fb_foreign_change(fbk *f, const jrp_change *ch, bool was_in_force)
{
	switch (ch->action) {
	case CH_EFFECTIVE: {
		int rc = put_entry(f, ch, 0, ch->suspended);
		return rc ? rc : fx_add(f, 1, "active", ch->origin.region);
	}
	case CH_SUSPENDED:
	case CH_RESUMED:
	case CH_EXTENDED:
		return put_entry(f, ch, 0, ch->suspended);
	case CH_EXITED:
	case CH_REVOKED: {
		int rc = put_entry(f, ch, 1, false);
		return rc || !was_in_force ? rc : fx_add(f, -1, "active", ch->origin.region);
	}
	case CH_REFUSED:
		return put_entry(f, ch, 2, false);
	default:
		return 0;
	}
}

int fb_foreign_task(fbk *f, const jrp_task *t)
{
	int rc;
	if ((rc = fx_add(f, 1, "tasks", t->origin.region)) != 0 || (rc = fx_add(f, 1, "awaiting", t->origin.region)) != 0)
		return rc;
	if ((t->cls == CLASS_MANDATORY || t->cls == CLASS_DUTY) && t->feedback_due) {
		unsigned char k[9];
		k[0] = 't';
		be64_put(k + 1, t->seq);
		return kv_put(f->txn, f->db[FDB_FOREIGN], k, 9, t->origin.region, strlen(t->origin.region), 0);
	}
	return 0;
}

int fb_foreign_done(fbk *f, const jrp_task *t, bool was_pending, jrp_task_state result)
{
	int rc = 0;
	if (was_pending) {
		/* no longer awaited: the tick will not meet it, its 't' key goes */
		unsigned char k[9];
		k[0] = 't';
		be64_put(k + 1, t->seq);
		if ((rc = kv_del(f->txn, f->db[FDB_FOREIGN], k, 9)) != 0 && rc != JRP_ENOTFOUND)
			return rc;
		if ((rc = fx_add(f, -1, "awaiting", t->origin.region)) != 0)
			return rc;
	}
	if (result == TS_APPLIED || result == TS_NOT_APPLICABLE || result == TS_FAILED)
		rc = fx_add(f, 1, names_get(&task_state_names, result), t->origin.region);
	return rc;
}

int fb_foreign_overdue(fbk *f, uint64_t task, const char *region, int delta)
{
	unsigned char k[9];
	char r[JRP_ID_MAX + 1];
	MDB_val v;
	int rc;
	if (!region) {
		/* the tick knows the task's seq only: a foreign one with a deadline is indexed by it */
		k[0] = 't';
		be64_put(k + 1, task);
		if ((rc = kv_get(f->txn, f->db[FDB_FOREIGN], k, 9, &v)) != 0)
			return rc == JRP_ENOTFOUND ? 0 : rc;
		if (v.mv_size == 0 || v.mv_size > JRP_ID_MAX)
			return 0;
		memcpy(r, v.mv_data, v.mv_size);
		r[v.mv_size] = 0;
		region = r;
	}
	return fx_add(f, delta, "overdue", region);
}

/* ---- stats.get's "foreign" ---- */

/* region_figures - a region's counters as one map: its entries in force (under `active_key`: stats.get says
 * "entries", foreign.report's totals "in_force"), tasks, feedback by result, awaiting, overdue */
static void region_figures(fbk *f, const char *region, const char *active_key, mw *out)
{
	mw_map(out);
	mw_ku64(out, active_key, fx_get(f, "active", region));
	mw_ku64(out, "tasks", fx_get(f, "tasks", region));
	mw_ku64(out, "applied", fx_get(f, "applied", region));
	mw_ku64(out, "not_applicable", fx_get(f, "not_applicable", region));
	mw_ku64(out, "failed", fx_get(f, "failed", region));
	mw_ku64(out, "awaiting", fx_get(f, "awaiting", region));
	mw_ku64(out, "overdue", fx_get(f, "overdue", region));
	mw_end(out);
}

static int region_one(void *arg, const unsigned char *rest, size_t n, const MDB_val *val)
{
	fbk *f = ((void **)arg)[0];
	mw *out = ((void **)arg)[1];
	char region[JRP_ID_MAX + 1];
	(void)val;
	if (n == 0 || n > JRP_ID_MAX)
		return 0;
	memcpy(region, rest, n);
	region[n] = 0;
	mw_str(out, region);
	region_figures(f, region, "entries", out);
	return 0;
}

void fb_foreign_stats(fbk *f, mw *out)
{
	void *arg[2] = { f, out };
	mw_str(out, "foreign");
	mw_map(out);
	kv_prefix_each(f->txn, f->db[FDB_FOREIGN], "r", 1, 64, region_one, arg);
	mw_end(out);
}

/* ---- foreign.report ---- */

typedef struct report_arg {
	fbk *f;
	mw *out;
	size_t n, max;
	uint64_t last;
	bool more;
} report_arg;

typedef struct counts {
	uint64_t tasks, applied, not_applied, awaiting, overdue;
} counts;

static int count_task(void *arg, const unsigned char *rest, size_t n, const MDB_val *val)
{
	void **a = arg;
	fbk *f = a[0];
	counts *c = a[1];
	jrp_rec *r = a[2];
	unsigned char k[8];
	MDB_val v;
	jrp_error e;
	int state;
	(void)val;
	if (n != 8)
		return 0;
	memcpy(k, rest, 8);
	if (kv_get(f->txn, f->db[FDB_TASKS], k, 8, &v) != 0 || v.mv_size < 2)
		return 0;
	state = ((const unsigned char *)v.mv_data)[0];
	c->tasks++;
	if (state == TS_APPLIED)
		c->applied++;
	else if (state == TS_NOT_APPLICABLE || state == TS_FAILED)
		c->not_applied++;
	else if (state == TS_PENDING) {
		c->awaiting++;
		if (rec_decode_bytes((const char *)v.mv_data + 1, v.mv_size - 1, 1u << REC_TASK, false, r, &e) == 0 &&
		    fb_task_overdue(f, &r->u.task))
			c->overdue++;
	}
	return 0;
}

static int report_one(void *arg, const unsigned char *rest, size_t n, const MDB_val *val)
{
	report_arg *x = arg;
	msg_in in;
	jrp_error e;
	const msgpack_object *subj;
	counts c = { 0, 0, 0, 0, 0 };
	uint64_t local;
	unsigned char k[8];
	char state[16] = "";
	if (n != 8)
		return 0;
	if (x->n == x->max) {
		x->more = true;
		return 1;
	}
	if (msg_parse_ref(val->mv_data, val->mv_size, SIZE_MAX, &in, &e) < 0)
		return 0;
	local = (uint64_t)obj_i64(in.root, "local_entry");
	obj_cstr(in.root, "state", state, sizeof state);
	subj = obj_get(in.root, "subject");
	{
		void *a[3] = { x->f, &c, xmalloc(sizeof(jrp_rec)) };
		be64_put(k, local);
		kv_prefix_each(x->f->txn, x->f->db[FDB_ETASKS], k, 8, SIZE_MAX, count_task, a);
		free(a[2]);
	}
	x->last = be64_get(rest);
	mw_map(x->out);
	mw_ku64(x->out, "entry", x->last);
	mw_ku64(x->out, "local_entry", local);
	if (subj)
		mw_kobj(x->out, "subject", subj);
	mw_kstr(x->out, "state", state);
	if (obj_bool(in.root, "suspended"))
		mw_kbool(x->out, "suspended", true);
	mw_ku64(x->out, "tasks", c.tasks);
	mw_ku64(x->out, "applied", c.applied);
	mw_ku64(x->out, "not_applied", c.not_applied);
	mw_ku64(x->out, "awaiting", c.awaiting);
	mw_ku64(x->out, "overdue", c.overdue);
	mw_end(x->out);
	msg_in_free(&in);
	x->n++;
	return 0;
}

int fb_foreign_report(fbk *f, const char *region, uint64_t after, size_t max, mw *out)
{
	unsigned char k[JRP_ID_MAX + 11];
	size_t pn = ekey(k, region, 0) - 8;
	report_arg x = { f, out, 0, max, 0, false };
	MDB_cursor *c;
	MDB_val key, val;
	int rc;

	mw_kstr(out, "region", region);
	mw_str(out, "entries");
	mw_arr(out);
	/* from the first home entry after `after`, in home entry order */
	be64_put(k + pn, after + 1);
	if ((rc = mdb_cursor_open(f->txn, f->db[FDB_FOREIGN], &c)) != 0)
		return store_rc(rc);
	key.mv_data = k;
	key.mv_size = pn + 8;
	for (rc = after == UINT64_MAX ? MDB_NOTFOUND : mdb_cursor_get(c, &key, &val, MDB_SET_RANGE); rc == 0;
	     rc = mdb_cursor_get(c, &key, &val, MDB_NEXT)) {
		if (key.mv_size != pn + 8 || memcmp(key.mv_data, k, pn) != 0)
			break;
		if (report_one(&x, (const unsigned char *)key.mv_data + pn, 8, &val))
			break;
	}
	mdb_cursor_close(c);
	mw_end(out);
	if (x.more)
		mw_ku64(out, "next", x.last);
	/* the region's totals, as stats.get counts them: every entry, not only this page's */
	mw_str(out, "totals");
	region_figures(f, region, "in_force", out);
	return 0;
}
