/*
 * figures.c - what the office reads (DOMAIN.md "Monitoring by the office"
 * [001 四(三)] [003 六]): lists in force, measures pushed, applied and
 * overdue by agency, departments' duties, checks; and a subject's tasks with
 * what came of them (DOMAIN.md Lists [001 §(二)3]: what followed an entry);
 * and what happened day by day, for trends (stats.daily)
 */
#include "feedback.h"
#include "clock.h"
#include "puller.h"
#include "store.h"
#include "util/xalloc.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

uint64_t fb_overdue(fbk *f, const char *party)
{
	return party ? fb_stat_get(f, "overdue.%s", party) : fb_stat_get(f, "overdue%s", "");
}

/* the period a figure covers: running totals, or the sum of days from..to */
typedef struct span {
	bool on;
	jrp_date from, to;
} span;

static uint64_t flow(fbk *f, const span *p, const char *fmt, const char *a, const char *b)
{
	char key[160];
	snprintf(key, sizeof key, fmt, a, b);
	if (!p->on)
		return fb_stat_get(f, "%s", key);
	return fb_stat_period(f, key, p->from, p->to);
}

/* durations - the histogram of how long objections or repairs took (working days): how many were
 * decided, the median and the longest */
static void durations(fbk *f, const span *p, const char *what, mw *out)
{
	char lo[96], hi[96];
	uint64_t hist[10000], n = 0, seen = 0;
	int longest = -1, median = -1;
	MDB_cursor *c;
	MDB_val k, v;
	int rc;
	memset(hist, 0, sizeof hist);
	if (p->on) {
		char df[11], dt[11];
		date_format(p->from, df);
		date_format(p->to, dt);
		snprintf(lo, sizeof lo, "dur.%s@%s#", what, df);
		snprintf(hi, sizeof hi, "dur.%s@%s#9999", what, dt);
	} else {
		snprintf(lo, sizeof lo, "dur.%s#", what);
		snprintf(hi, sizeof hi, "dur.%s#9999", what);
	}
	if (mdb_cursor_open(f->txn, f->db[FDB_STATS], &c) == 0) {
		k.mv_data = lo;
		k.mv_size = strlen(lo);
		for (rc = mdb_cursor_get(c, &k, &v, MDB_SET_RANGE); rc == 0; rc = mdb_cursor_get(c, &k, &v, MDB_NEXT)) {
			const char *key = k.mv_data, *hash;
			int d;
			if (k.mv_size > strlen(hi) || memcmp(key, hi, k.mv_size < strlen(hi) ? k.mv_size : strlen(hi)) > 0)
				break;
			if (k.mv_size < 5 || !(hash = memchr(key, '#', k.mv_size)) || v.mv_size != 8)
				continue;
			d = atoi(hash + 1);
			if (d >= 0 && d < 10000) {
				hist[d] += be64_get(v.mv_data);
				n += be64_get(v.mv_data);
			}
		}
		mdb_cursor_close(c);
	}
	for (int d = 0; d < 10000; d++) {
		if (!hist[d])
			continue;
		seen += hist[d];
		if (median < 0 && seen * 2 >= n)
			median = d;
		longest = d;
	}
	mw_str(out, what);
	mw_map(out);
	mw_ku64(out, "decided", n);
	if (n) {
		mw_ku64(out, "median_workdays", (uint64_t)median);
		mw_ku64(out, "longest_workdays", (uint64_t)longest);
	}
	mw_end(out);
}

/* party_figures - what every party (agency or department) has to do and how it does */
static void party_figures(fbk *f, const span *p, const jrp_party *pt, mw *out)
{
	mw_ku64(out, "awaiting", fb_stat_get(f, "awaiting.%s", pt->id));
	mw_ku64(out, "overdue", fb_overdue(f, pt->id));
	mw_ku64(out, "late", flow(f, p, "late.%s%s", pt->id, ""));
	mw_ku64(out, "late_workdays", flow(f, p, "late_workdays.%s%s", pt->id, ""));
}

/* entries - the lists in force (as of now) and what happened to entries */
static void entries(fbk *f, const span *p, mw *out)
{
	mw_str(out, "entries");
	mw_map(out);
	for (int l = 0; l < LIST__N; l++)
		mw_ku64(out, list_name((jrp_list)l), fb_stat_get(f, "active.%s", list_name((jrp_list)l)));
	{
		static const struct { const char *key; jrp_change_action a; } totals[] = {
			{ "proposed_total", CH_PROPOSED }, { "refused_total", CH_REFUSED },
			{ "revoked_total", CH_REVOKED }, { "extended_total", CH_EXTENDED }, { "objections_filed", CH_OBJECTION_FILED },
			{ "objections_decided", CH_OBJECTION_DECIDED }, { "repairs_applied", CH_REPAIR_APPLIED },
			{ "repairs_decided", CH_REPAIR_DECIDED },
		};
		for (size_t i = 0; i < sizeof totals / sizeof totals[0]; i++)
			mw_ku64(out, totals[i].key, flow(f, p, "changes.%s%s", names_get(&change_action_names, totals[i].a), ""));
		/* every exit counts as an exit, a wrong entry's (revoked) too */
		mw_ku64(out, "exited_total", flow(f, p, "changes.%s%s", "exited", "") + flow(f, p, "changes.%s%s", "revoked", ""));
		mw_str(out, "exits_by_reason");
		mw_map(out);
		for (int r = 1; r < EXIT__N; r++) {
			uint64_t n = flow(f, p, "exits.%s%s", names_get(&exit_reason_names, r), "");
			if (n)
				mw_ku64(out, names_get(&exit_reason_names, r), n);
		}
		mw_end(out);
	}
	mw_end(out);
}

/* by_domain - by list and domain (the counters, never the entries) */
static void by_domain(fbk *f, const span *p, mw *out)
{
	/* by list and domain (the counters, never the entries) */
	mw_str(out, "by_domain");
	mw_arr(out);
	for (int l = 0; f->cat && l < LIST__N; l++)
		for (size_t d = 0; d <= f->cat->ndomains; d++) {
			const char *dom = d < f->cat->ndomains ? f->cat->domains[d].id : "-";
			char ld[80];
			uint64_t in_force, proposed, effective, exited, revoked;
			snprintf(ld, sizeof ld, "%s.%s", list_name((jrp_list)l), dom);
			in_force = fb_stat_get(f, "active.%s", ld);
			proposed = flow(f, p, "changes.proposed.%s%s", ld, "");
			effective = flow(f, p, "changes.effective.%s%s", ld, "");
			exited = flow(f, p, "changes.exited.%s%s", ld, "");
			revoked = flow(f, p, "changes.revoked.%s%s", ld, "");
			if (!in_force && !proposed && !effective && !exited && !revoked)
				continue;
			mw_map(out);
			mw_kenum(out, "list", &list_names, l);
			if (d < f->cat->ndomains) {
				mw_kstr(out, "domain", dom);
				mw_kstr(out, "domain_name", f->cat->domains[d].name);
			}
			mw_ku64(out, "in_force", in_force);
			mw_ku64(out, "proposed", proposed);
			mw_ku64(out, "effective", effective);
			mw_ku64(out, "exited", exited + revoked);
			mw_end(out);
		}
	mw_end(out);
}

/* lagging - who lags: every party with something overdue now or done late in the period, most overdue first */
static void lagging(fbk *f, const span *p, mw *out)
{
	const jrp_parties *ps = f->parties;
	/* who lags: every party with something overdue now or done late in the period, most overdue first */
	mw_str(out, "lagging");
	mw_arr(out);
	{
		size_t n = 0, *idx = xmalloc((ps->n + 1) * sizeof *idx);
		uint64_t *od = xmalloc((ps->n + 1) * sizeof *od);
		for (size_t i = 0; i < ps->n; i++) {
			uint64_t o = fb_overdue(f, ps->v[i].id), l = flow(f, p, "late.%s%s", ps->v[i].id, "");
			if (!o && !l)
				continue;
			od[i] = o * 1000000 + l;
			idx[n++] = i;
		}
		for (size_t i = 1; i < n; i++)   /* a few dozen parties: insertion sort */
			for (size_t j = i; j > 0 && od[idx[j]] > od[idx[j - 1]]; j--) {
				size_t t = idx[j];
				idx[j] = idx[j - 1];
				idx[j - 1] = t;
			}
		for (size_t i = 0; i < n; i++) {
			const jrp_party *pt = &ps->v[idx[i]];
			mw_map(out);
			mw_kstr(out, "party", pt->id);
			mw_kstr(out, "name", pt->name);
			mw_ku64(out, "overdue", fb_overdue(f, pt->id));
			mw_ku64(out, "late", flow(f, p, "late.%s%s", pt->id, ""));
			mw_ku64(out, "late_workdays", flow(f, p, "late_workdays.%s%s", pt->id, ""));
			mw_end(out);
		}
		free(idx);
		free(od);
	}
	mw_end(out);
}

void fb_stats(fbk *f, mw *out, jrp_date from, jrp_date to)
{
	const jrp_parties *ps = f->parties;
	span p = { from && to, from, to };
	char now[32];
	ms_format(f->now, now, sizeof now);
	mw_kstr(out, "as_of", now);
	if (p.on) {
		/* what happened from..to; what is in force, awaiting and overdue is as of now */
		mw_str(out, "period");
		mw_map(out);
		mw_kdate(out, "from", from);
		mw_kdate(out, "to", to);
		mw_end(out);
	}
	entries(f, &p, out);
	by_domain(f, &p, out);
	mw_str(out, "durations");
	mw_map(out);
	durations(f, &p, "objection", out);
	durations(f, &p, "repair", out);
	mw_end(out);
	mw_str(out, "tasks");
	mw_map(out);
	for (int a = 0; a < TA__N; a++)
		mw_ku64(out, names_get(&task_action_names, a), flow(f, &p, "tasks.%s%s", names_get(&task_action_names, a), ""));
	mw_ku64(out, "superseded", flow(f, &p, "state.%s%s", names_get(&task_state_names, TS_SUPERSEDED), ""));
	mw_end(out);
	mw_str(out, "feedback");
	mw_map(out);
	for (int s = TS_APPLIED; s <= TS_FAILED; s++)
		mw_ku64(out, names_get(&task_state_names, s), flow(f, &p, "feedback.%s%s", names_get(&task_state_names, s), ""));
	mw_ku64(out, "awaiting", fb_stat_get(f, "awaiting%s", ""));
	mw_ku64(out, "overdue", fb_overdue(f, NULL));
	mw_ku64(out, "cases", flow(f, &p, "cases%s%s", "", ""));
	mw_end(out);
	mw_str(out, "checks");
	mw_map(out);
	mw_ku64(out, "total", flow(f, &p, "checks%s%s", "", ""));
	mw_ku64(out, "listed", flow(f, &p, "checks_listed%s%s", "", ""));
	mw_end(out);
	{
		/* records of dispatch's log feedback kept unapplied (puller.h): the figures above miss them */
		uint64_t kept = 0;
		meta_get_u64(f->txn, f->db[FDB_META], PULLER_PENDING_KEY, &kept);
		mw_ku64(out, "rejected", kept);
	}
	mw_str(out, "agencies");
	mw_arr(out);
	for (size_t i = 0; i < ps->n; i++) {
		const jrp_party *pt = &ps->v[i];
		if (!(pt->roles & ROLE_AGENCY))
			continue;
		mw_map(out);
		mw_kstr(out, "agency", pt->id);
		mw_kstr(out, "name", pt->name);
		for (int a = 0; a < TA__N; a++)
			mw_ku64(out, names_get(&task_action_names, a), flow(f, &p, "tasks.%s.%s", names_get(&task_action_names, a), pt->id));
		for (int s = TS_APPLIED; s <= TS_FAILED; s++)
			mw_ku64(out, names_get(&task_state_names, s), flow(f, &p, "feedback.%s.%s", names_get(&task_state_names, s), pt->id));
		party_figures(f, &p, pt, out);
		mw_ku64(out, "checks", flow(f, &p, "checks.%s%s", pt->id, ""));
		mw_end(out);
	}
	mw_end(out);
	/* departments' duties: notices, objections to verify, repairs to decide, interviews */
	mw_str(out, "departments");
	mw_arr(out);
	for (size_t i = 0; i < ps->n; i++) {
		const jrp_party *pt = &ps->v[i];
		if (!(pt->roles & ROLE_DEPARTMENT))
			continue;
		mw_map(out);
		mw_kstr(out, "department", pt->id);
		mw_kstr(out, "name", pt->name);
		for (int j = 0; j < DUTY__N; j++)
			mw_ku64(out, names_get(&duty_names, j), flow(f, &p, "tasks.%s.%s", names_get(&duty_names, j), pt->id));
		party_figures(f, &p, pt, out);
		mw_end(out);
	}
	mw_end(out);
	lagging(f, &p, out);
	fb_foreign_stats(f, out);
}

/* the figures of a day (stats.daily), each the sum of the day counters of what happened that the
 * flows of stats.get read (accounts.c, report.c): its name in the reply, its counters */
static const struct {
	const char *name;
	const char *keys[2];
} day_figures[] = {
	{ "proposed", { "changes.proposed" } },                        /* entries.proposed_total */
	{ "exited", { "changes.exited", "changes.revoked" } },         /* entries.exited_total */
	{ "objections_filed", { "changes.objection_filed" } },
	{ "objections_decided", { "changes.objection_decided" } },
	{ "repairs_applied", { "changes.repair_applied" } },
	{ "repairs_decided", { "changes.repair_decided" } },
	{ "tasks_pushed", { "tasks.apply" } },                         /* tasks.apply */
	{ "tasks_stopped", { "tasks.stop" } },                         /* tasks.stop */
	{ "applied", { "feedback.applied" } },                         /* feedback.applied ... */
	{ "not_applicable", { "feedback.not_applicable" } },
	{ "failed", { "feedback.failed" } },
	{ "cases", { "cases" } },
	{ "checks", { "checks" } },                                    /* checks.total */
	{ "checks_listed", { "checks_listed" } },                      /* checks.listed */
};
#define NDAY_FIGURES (sizeof day_figures / sizeof day_figures[0])

void fb_daily(fbk *f, mw *out, jrp_date from, jrp_date to)
{
	size_t n = (size_t)(to - from) + 1;
	uint64_t *fig = xcalloc(NDAY_FIGURES * n, sizeof *fig), *listed = xcalloc((size_t)LIST__N * n, sizeof *listed);
	char now[32];
	/* one range of day counters per figure (and per list and domain for what took effect, as
	 * by_domain reads them): the cost is the days and the counters, never the tasks */
	for (size_t i = 0; i < NDAY_FIGURES; i++)
		for (size_t k = 0; k < 2 && day_figures[i].keys[k]; k++)
			fb_stat_days(f, day_figures[i].keys[k], from, to, fig + i * n);
	for (int l = 0; f->cat && l < LIST__N; l++)
		for (size_t d = 0; d <= f->cat->ndomains; d++) {
			char key[120];
			snprintf(key, sizeof key, "changes.effective.%s.%s", list_name((jrp_list)l),
				 d < f->cat->ndomains ? f->cat->domains[d].id : "-");
			fb_stat_days(f, key, from, to, listed + (size_t)l * n);
		}
	ms_format(f->now, now, sizeof now);
	mw_kstr(out, "as_of", now);
	mw_kdate(out, "from", from);
	mw_kdate(out, "to", to);
	mw_str(out, "days");
	mw_arr(out);
	for (size_t k = 0; k < n; k++) {
		uint64_t all = 0;
		for (int l = 0; l < LIST__N; l++)
			all += listed[(size_t)l * n + k];
		mw_map(out);
		mw_kdate(out, "date", from + (jrp_date)k);
		mw_ku64(out, day_figures[0].name, fig[k]);
		/* entries that took effect that day: in all, and by list */
		mw_ku64(out, "listed", all);
		mw_str(out, "listed_by_list");
		mw_map(out);
		for (int l = 0; l < LIST__N; l++)
			mw_ku64(out, list_name((jrp_list)l), listed[(size_t)l * n + k]);
		mw_end(out);
		for (size_t i = 1; i < NDAY_FIGURES; i++)
			mw_ku64(out, day_figures[i].name, fig[i * n + k]);
		mw_end(out);
	}
	mw_end(out);
	free(fig);
	free(listed);
}

typedef struct tasks_arg {
	fbk *f;
	mw *out;
	int64_t until;     /* as of a past instant (INT64_MAX: now) */
} tasks_arg;

/* state_at - the state task seq had at `at` (the last "tstate" row at or before it): 0, or JRP_ENOTFOUND */
static int state_at(fbk *f, const unsigned char *seq, int64_t at, int *state)
{
	unsigned char k[16];
	MDB_val key, val;
	int rc;
	memcpy(k, seq, 8);
	be64_put(k + 8, (uint64_t)at);
	if ((rc = kv_floor(f->txn, f->db[FDB_TSTATE], k, 16, 8, &key, &val)) != 0)
		return rc;
	if (val.mv_size < 1)
		return JRP_ESTORE;
	*state = ((const unsigned char *)val.mv_data)[0] % TS__N;
	return 0;
}

static int task_one(void *arg, const unsigned char *seq, size_t n, const MDB_val *v)
{
	tasks_arg *a = arg;
	MDB_val t, fb;
	int state;
	if (n != 8 || kv_get(a->f->txn, a->f->db[FDB_TASKS], seq, 8, &t) != 0 || t.mv_size < 2)
		return 0;
	state = ((unsigned char *)t.mv_data)[0] % TS__N;
	if (a->until != INT64_MAX && state_at(a->f, seq, a->until, &state) != 0)
		return 0;   /* it had not come by then */
	mw_map(a->out);
	mw_str(a->out, "task");
	mw_raw(a->out, (char *)t.mv_data + 1, t.mv_size - 1);
	mw_kenum(a->out, "state", &task_state_names, state);
	if ((state == TS_APPLIED || state == TS_NOT_APPLICABLE || state == TS_FAILED) &&
	    kv_get(a->f->txn, a->f->db[FDB_FB], seq, 8, &fb) == 0) {
		mw_str(a->out, "feedback");
		mw_raw(a->out, fb.mv_data, fb.mv_size);
	}
	mw_end(a->out);
	return 0;
}

int fb_subject_tasks_asof(fbk *f, const char *code, int64_t at, mw *out)
{
	tasks_arg a = { f, out, at };
	int rc;
	mw_kstr(out, "subject", code);
	mw_ki64(out, "as_of_time", at);
	mw_str(out, "tasks");
	mw_arr(out);
	rc = kv_prefix_each(f->txn, f->db[FDB_STASKS], code, strlen(code) + 1, 1000, task_one, &a);
	mw_end(out);
	return rc;
}

int fb_subject_tasks(fbk *f, const char *code, mw *out)
{
	tasks_arg a = { f, out, INT64_MAX };
	int rc;
	mw_kstr(out, "subject", code);
	mw_str(out, "tasks");
	mw_arr(out);
	rc = kv_prefix_each(f->txn, f->db[FDB_STASKS], code, strlen(code) + 1, 1000, task_one, &a);
	mw_end(out);
	return rc;
}
