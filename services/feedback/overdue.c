/*
 * overdue.c - what is past its deadline (DOMAIN.md "Monitoring by the office" [001 四(三)]
 * [003 六]; issue 10 item 8)
 *
 * A mandatory measure's feedback and a department's duty with a deadline wait in "due" (due time,
 * task). When the time passes, the tick moves them, a bounded batch at a time, to "overdue"
 * (party NUL due date, task) and counts them (overdue, overdue.<party>): stats.get reads counters,
 * never the tasks, so it costs the same with a million overdue; overdue.list reads the index in
 * party order, page by page. When an overdue task is done at last it leaves the index and is
 * counted late for its party, with how many working days late (late.<party>, late_workdays.<party>).
 */
#include "feedback.h"
#include "clock.h"
#include "store.h"
#include "util/str.h"
#include "util/xalloc.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void fb_due_key(unsigned char k[16], jrp_date due, uint64_t task)
{
	/* overdue from the start of the day after the last working day allowed */
	be64_put(k, (uint64_t)ms_of_date(due + 1));
	be64_put(k + 8, task);
}

/* overdue_key - party NUL due date (4 bytes, big-endian, offset) task seq */
static size_t overdue_key(unsigned char *k, const char *party, jrp_date due, uint64_t task)
{
	size_t n = strlen(party);
	uint32_t d = (uint32_t)(due + 0x80000000u);
	memcpy(k, party, n);
	k[n] = 0;
	k[n + 1] = (unsigned char)(d >> 24);
	k[n + 2] = (unsigned char)(d >> 16);
	k[n + 3] = (unsigned char)(d >> 8);
	k[n + 4] = (unsigned char)d;
	be64_put(k + n + 5, task);
	return n + 13;
}

static jrp_date key_due(const unsigned char *p)
{
	uint32_t d = ((uint32_t)p[0] << 24) | ((uint32_t)p[1] << 16) | ((uint32_t)p[2] << 8) | p[3];
	return (jrp_date)(int32_t)(d - 0x80000000u);
}

/* due_of - the due date whose overdue time (the start of the day after it) is at */
static jrp_date due_of(int64_t at)
{
	return date_of_ms(at) - 1;
}

int fb_overdue_tick(fbk *f, size_t max, int64_t *next)
{
	MDB_cursor *c;
	MDB_val k, v;
	size_t n = 0;
	int rc;

	*next = INT64_MAX;
	if ((rc = mdb_cursor_open(f->txn, f->db[FDB_DUE], &c)) != 0)
		return store_rc(rc);
	while ((rc = mdb_cursor_get(c, &k, &v, MDB_FIRST)) == 0) {
		unsigned char ok[JRP_ID_MAX + 16];
		char party[JRP_ID_MAX + 1];
		int64_t at;
		if (k.mv_size != 16 || v.mv_size == 0 || v.mv_size > JRP_ID_MAX) {
			mdb_cursor_del(c, 0);   /* not a deadline this daemon wrote */
			continue;
		}
		at = (int64_t)be64_get(k.mv_data);
		if (at > f->now) {
			*next = at;
			break;
		}
		if (n == max) {
			*next = at;
			mdb_cursor_close(c);
			return 1;
		}
		memcpy(party, v.mv_data, v.mv_size);
		party[v.mv_size] = 0;
		if ((rc = kv_put(f->txn, f->db[FDB_OVERDUE], ok, overdue_key(ok, party, due_of(at), be64_get((unsigned char *)k.mv_data + 8)),
				 "", 0, 0)) != 0 ||
		    (rc = fb_stat_add(f, 1, "overdue%s%s", "", "")) != 0 || (rc = fb_stat_add(f, 1, "overdue.%s%s", party, "")) != 0 ||
		    (rc = fb_foreign_overdue(f, be64_get((unsigned char *)k.mv_data + 8), NULL, 1)) != 0)
			break;
		if ((rc = mdb_cursor_del(c, 0)) != 0) {
			rc = store_rc(rc);
			break;
		}
		n++;
	}
	mdb_cursor_close(c);
	return rc == 0 || rc == MDB_NOTFOUND ? 0 : rc;
}

bool fb_task_overdue(fbk *f, const jrp_task *t)
{
	unsigned char k[JRP_ID_MAX + 16];
	MDB_val v;
	if (!t->feedback_due || !(t->cls == CLASS_MANDATORY || t->cls == CLASS_DUTY))
		return false;
	return kv_get(f->txn, f->db[FDB_OVERDUE], k, overdue_key(k, t->agency, t->feedback_due, t->seq), &v) == 0;
}

int fb_deadline_close(fbk *f, const jrp_task *t)
{
	unsigned char k[JRP_ID_MAX + 16];
	size_t kn;
	MDB_val key, v;
	int rc;
	if (!t->feedback_due || !(t->cls == CLASS_MANDATORY || t->cls == CLASS_DUTY))
		return 0;
	/* still waiting: out of the due index (mdb_del says whether it was there) */
	fb_due_key(k, t->feedback_due, t->seq);
	key.mv_data = k;
	key.mv_size = 16;
	if ((rc = mdb_del(f->txn, f->db[FDB_DUE], &key, NULL)) != MDB_NOTFOUND)
		return store_rc(rc);
	/* past its deadline: out of the overdue list, counted late */
	kn = overdue_key(k, t->agency, t->feedback_due, t->seq);
	if ((rc = kv_get(f->txn, f->db[FDB_OVERDUE], k, kn, &v)) == JRP_ENOTFOUND)
		return 0;
	if (rc || (rc = kv_del(f->txn, f->db[FDB_OVERDUE], k, kn)) != 0 ||
	    (rc = fb_stat_add(f, -1, "overdue%s%s", "", "")) != 0 || (rc = fb_stat_add(f, -1, "overdue.%s%s", t->agency, "")) != 0 ||
	    (t->origin.region[0] && (rc = fb_foreign_overdue(f, t->seq, t->origin.region, -1)) != 0))
		return rc;
	{
		jrp_date done = f->day ? f->day : f->today;
		int late = calendar_workdays_between(f->cat->cal, t->feedback_due, done);
		if ((rc = fb_stat_add(f, 1, "late.%s%s", t->agency, "")) != 0)
			return rc;
		return fb_stat_add(f, late > 0 ? late : 0, "late_workdays.%s%s", t->agency, "");
	}
}

typedef struct list_arg {
	fbk *f;
	mw *out;
	size_t max, n;
	char *next;
	jrp_rec *r;
} list_arg;

static void item(list_arg *a, const char *party, jrp_date due, uint64_t task)
{
	unsigned char k[8];
	MDB_val v;
	jrp_error e;
	const jrp_task *t = NULL;
	int late = calendar_workdays_between(a->f->cat->cal, due, a->f->today);
	be64_put(k, task);
	if (kv_get(a->f->txn, a->f->db[FDB_TASKS], k, 8, &v) == 0 && v.mv_size > 1 &&
	    rec_decode_bytes((unsigned char *)v.mv_data + 1, v.mv_size - 1, 1u << REC_TASK, false, a->r, &e) == 0)
		t = &a->r->u.task;
	mw_map(a->out);
	mw_ku64(a->out, "task", task);
	mw_kstr(a->out, "party", party);
	if (t) {
		mw_kstr(a->out, "class", names_get(&task_class_names, t->cls));
		mw_kstr(a->out, "what", task_what(t));
		if (t->measure[0])
			mw_kstr(a->out, "measure", t->measure);
		mw_ku64(a->out, "entry", t->entry);
		mw_kenum(a->out, "list", &list_names, t->list);
		mw_kstr(a->out, "subject", t->subject.code);
		mw_kstr(a->out, "subject_name", t->subject.name);
	}
	mw_kdate(a->out, "due", due);
	mw_ki64(a->out, "late_workdays", late);
	mw_end(a->out);
}

int fb_overdue_list(fbk *f, const char *party, const char *after, size_t max, mw *out, char next[160])
{
	unsigned char k[JRP_ID_MAX + 16];
	size_t klen = 0, plen = party ? strlen(party) : 0;
	MDB_cursor *c;
	MDB_val key, val;
	list_arg a = { f, out, max, 0, next, xmalloc(sizeof(jrp_rec)) };
	int rc;

	next[0] = 0;
	if (after && after[0]) {
		/* the cursor: "party/YYYY-MM-DD/task" of the last item of the page before */
		char ap[JRP_ID_MAX + 1];
		char ds[11];
		unsigned long long task;
		jrp_date d;
		if (sscanf(after, "%32[^/]/%10[^/]/%llu", ap, ds, &task) != 3 || date_parse(ds, strlen(ds), &d) != 0) {
			free(a.r);
			return JRP_EINVAL;
		}
		klen = overdue_key(k, ap, d, task);
	} else if (party) {
		memcpy(k, party, plen);
		k[plen] = 0;
		klen = plen + 1;
	}
	if ((rc = mdb_cursor_open(f->txn, f->db[FDB_OVERDUE], &c)) != 0) {
		free(a.r);
		return store_rc(rc);
	}
	key.mv_data = k;
	key.mv_size = klen;
	rc = klen ? mdb_cursor_get(c, &key, &val, MDB_SET_RANGE) : mdb_cursor_get(c, &key, &val, MDB_FIRST);
	if (rc == 0 && after && after[0] && key.mv_size == klen && memcmp(key.mv_data, k, klen) == 0)
		rc = mdb_cursor_get(c, &key, &val, MDB_NEXT);
	for (; rc == 0; rc = mdb_cursor_get(c, &key, &val, MDB_NEXT)) {
		const unsigned char *p = key.mv_data;
		size_t n = strnlen((const char *)p, key.mv_size);
		char kp[JRP_ID_MAX + 1], ds[11];
		jrp_date due;
		uint64_t task;
		if (key.mv_size != n + 13 || n > JRP_ID_MAX)
			continue;
		if (party && (n != plen || memcmp(p, party, plen) != 0))
			break;
		if (a.n == max)
			break;
		memcpy(kp, p, n);
		kp[n] = 0;
		due = key_due(p + n + 1);
		task = be64_get(p + n + 5);
		item(&a, kp, due, task);
		a.n++;
		date_format(due, ds);
		snprintf(next, 160, "%s/%s/%llu", kp, ds, (unsigned long long)task);
	}
	mdb_cursor_close(c);
	free(a.r);
	if (rc == MDB_NOTFOUND || (rc == 0 && a.n < max))
		next[0] = 0;   /* the list ended */
	return rc == 0 || rc == MDB_NOTFOUND ? 0 : store_rc(rc);
}

typedef struct okey {
	unsigned char k[JRP_ID_MAX + 16];
	size_t n;
} okey;

int fb_overdue_recalendar(fbk *f, const jrp_calendar *old, const jrp_calendar *cal,
			  void (*fn)(void *arg, const jrp_task *t, jrp_date from, jrp_date to), void *arg, size_t *moved)
{
	MDB_cursor *c;
	MDB_val key, val;
	okey *v = NULL;
	size_t n = 0, cap = 0;
	jrp_rec *r;
	int rc;
	/* a reload: every overdue item (each read once) */
	if ((rc = mdb_cursor_open(f->txn, f->db[FDB_OVERDUE], &c)) != 0)
		return store_rc(rc);
	for (rc = mdb_cursor_get(c, &key, &val, MDB_FIRST); rc == 0; rc = mdb_cursor_get(c, &key, &val, MDB_NEXT)) {
		if (key.mv_size > sizeof v[0].k)
			continue;
		if (n == cap)
			v = xrealloc(v, (cap = cap ? cap * 2 : 64) * sizeof *v);
		memcpy(v[n].k, key.mv_data, key.mv_size);
		v[n++].n = key.mv_size;
	}
	mdb_cursor_close(c);
	if (rc != 0 && rc != MDB_NOTFOUND) {
		free(v);
		return store_rc(rc);
	}
	rc = 0;
	r = xmalloc(sizeof *r);
	for (size_t i = 0; rc == 0 && i < n; i++) {
		const unsigned char *p = v[i].k;
		size_t pl = strnlen((const char *)p, v[i].n);
		unsigned char tk[8], nk[JRP_ID_MAX + 16];
		char party[JRP_ID_MAX + 1];
		MDB_val tv;
		jrp_error e;
		jrp_date from, to, was;
		if (v[i].n != pl + 13 || pl > JRP_ID_MAX)
			continue;
		memcpy(party, p, pl);
		party[pl] = 0;
		memcpy(tk, p + pl + 5, 8);
		if ((rc = kv_get(f->txn, f->db[FDB_TASKS], tk, 8, &tv)) != 0) {
			rc = rc == JRP_ENOTFOUND ? 0 : rc;
			continue;
		}
		if (tv.mv_size < 2 ||
		    rec_decode_bytes((unsigned char *)tv.mv_data + 1, tv.mv_size - 1, 1u << REC_TASK, false, r, &e) != 0)
			continue;
		from = date_of_ms(r->u.task.at);
		was = r->u.task.feedback_due;
		to = calendar_move(old, cal, from, was);
		if (to == was)
			continue;
		rc = fb_task_set_due(f, ((unsigned char *)tv.mv_data)[0], &r->u.task, to);
		if (rc || (rc = kv_del(f->txn, f->db[FDB_OVERDUE], v[i].k, v[i].n)) != 0)
			break;
		if (ms_of_date(to + 1) > f->now) {
			/* not past its deadline after all */
			fb_due_key(nk, to, r->u.task.seq);
			if ((rc = kv_put(f->txn, f->db[FDB_DUE], nk, 16, party, strlen(party), 0)) != 0 ||
			    (rc = fb_stat_add(f, -1, "overdue%s%s", "", "")) != 0 || (rc = fb_stat_add(f, -1, "overdue.%s%s", party, "")) != 0 ||
			    (r->u.task.origin.region[0] &&
			     (rc = fb_foreign_overdue(f, r->u.task.seq, r->u.task.origin.region, -1)) != 0))
				break;
		} else if ((rc = kv_put(f->txn, f->db[FDB_OVERDUE], nk, overdue_key(nk, party, to, r->u.task.seq), "", 0, 0)) != 0) {
			break;
		}
		++*moved;
		fn(arg, &r->u.task, was, to);
	}
	free(r);
	free(v);
	return rc;
}

/* ---- the calendar changed ---- */

int fb_task_set_due(fbk *f, int state, jrp_task *t, jrp_date due)
{
	unsigned char k[8], *v;
	mw w;
	int rc;
	t->feedback_due = due;
	mw_init(&w);
	task_encode(&w, t);
	v = xmalloc(mw_len(&w) + 1);
	v[0] = (unsigned char)state;
	memcpy(v + 1, mw_data(&w), mw_len(&w));
	be64_put(k, t->seq);
	rc = fb_task_put(f, k, v, mw_len(&w) + 1);
	free(v);
	mw_free(&w);
	return rc;
}

typedef struct due_item {
	unsigned char k[16];
} due_item;

int fb_recalendar(fbk *f, const jrp_calendar *old, const jrp_calendar *cal,
		  void (*fn)(void *arg, const jrp_task *t, jrp_date from, jrp_date to), void *arg, size_t *moved)
{
	int y0, y1, rc;
	unsigned char start[16];
	due_item *v = NULL;
	size_t n = 0, cap = 0;
	MDB_cursor *c;
	MDB_val k, val;
	jrp_rec *r;
	int64_t hi;

	*moved = 0;
	if (!calendar_changed(old, cal, &y0, &y1))
		return 0;
	memset(start, 0, sizeof start);
	be64_put(start, (uint64_t)ms_of_date(date_from_ymd(y0, 1, 1)));
	hi = ms_of_date(date_from_ymd(y1, 12, 31) + 120);
	if ((rc = mdb_cursor_open(f->txn, f->db[FDB_DUE], &c)) != 0)
		return store_rc(rc);
	k.mv_data = start;
	k.mv_size = 16;
	for (rc = mdb_cursor_get(c, &k, &val, MDB_SET_RANGE); rc == 0; rc = mdb_cursor_get(c, &k, &val, MDB_NEXT)) {
		if (k.mv_size != 16)
			continue;
		if ((int64_t)be64_get(k.mv_data) >= hi)
			break;
		if (n == cap)
			v = xrealloc(v, (cap = cap ? cap * 2 : 64) * sizeof *v);
		memcpy(v[n++].k, k.mv_data, 16);
	}
	mdb_cursor_close(c);
	if (rc != 0 && rc != MDB_NOTFOUND) {
		free(v);
		return store_rc(rc);
	}
	rc = 0;
	r = xmalloc(sizeof *r);
	for (size_t i = 0; rc == 0 && i < n; i++) {
		unsigned char tk[8], nk[16];
		MDB_val due, tv;
		jrp_error e;
		jrp_date from, to, was;
		char party[JRP_ID_MAX + 1];
		memcpy(tk, v[i].k + 8, 8);
		if ((rc = kv_get(f->txn, f->db[FDB_DUE], v[i].k, 16, &due)) != 0 ||
		    (rc = kv_get(f->txn, f->db[FDB_TASKS], tk, 8, &tv)) != 0)
			break;
		snprintf(party, sizeof party, "%.*s", (int)due.mv_size, (const char *)due.mv_data);
		if (tv.mv_size < 2 || rec_decode_bytes((unsigned char *)tv.mv_data + 1, tv.mv_size - 1, 1u << REC_TASK, false, r,
							&e) != 0)
			continue;   /* a task that does not read back keeps its deadline */
		from = date_of_ms(r->u.task.at);
		to = calendar_move(old, cal, from, r->u.task.feedback_due);
		if (to == r->u.task.feedback_due)
			continue;
		/* the stored task says the new deadline, and the index is keyed by it */
		was = r->u.task.feedback_due;
		rc = fb_task_set_due(f, ((unsigned char *)tv.mv_data)[0], &r->u.task, to);
		fb_due_key(nk, to, r->u.task.seq);
		if (rc || (rc = kv_del(f->txn, f->db[FDB_DUE], v[i].k, 16)) != 0 ||
		    (rc = kv_put(f->txn, f->db[FDB_DUE], nk, 16, party, strlen(party), 0)) != 0)
			break;
		++*moved;
		fn(arg, &r->u.task, was, to);
	}
	free(r);
	free(v);
	return rc == 0 ? fb_overdue_recalendar(f, old, cal, fn, arg, moved) : rc;
}
