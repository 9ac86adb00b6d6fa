/*
 * service.c - jrp-feedback as a daemon: the context of each call, the
 * requests (feedback.submit, stats.get, stats.daily, overdue.list, tasks.get)
 * and the pulled log
 */
#include "feedback.h"
#include "clock.h"
#include "daemon.h"
#include "proto.h"
#include "util/str.h"
#include <string.h>

#define OVERDUE_BATCH 1024   /* deadlines moved to the overdue index per transaction */

static fbk ctx(jrp_daemon *d, MDB_txn *txn)
{
	fbk f = { .txn = txn, .parties = daemon_parties(d), .cat = daemon_catalog(d) };
	daemon_dbis(d, f.db, FDB__N);
	fbk_set_now(&f, clock_now_ms());
	return f;
}

static int apply(jrp_daemon *d, MDB_txn *txn, jrp_rec *rec, const msgpack_object *raw, jrp_error *e)
{
	fbk f = ctx(d, txn);
	return fb_apply(&f, rec, raw, e);
}

static int h_feedback(jrp_daemon *d, jrp_req *r, MDB_txn *txn, mw *out, jrp_error *e)
{
	fbk f = ctx(d, txn);
	fb_report rep = { .date = f.today };
	char stream[33] = "";
	const char *s;
	size_t n;
	bool dup;
	int result, rc;

	if ((rc = mr_u64(&r->body, "task", MR_REQ, &rep.task)) < 0 ||
	    (rc = mr_str(&r->body, "result", MR_REQ, 23, &s, &n)) < 0)
		return rc;
	result = names_find(&task_state_names, s, n);
	/* what an agency reports; pending, superseded and done are feedback's own states */
	if (result != TS_APPLIED && result != TS_NOT_APPLICABLE && result != TS_FAILED)
		return mr_fail_value(&r->body, "result", "must be applied, not_applicable or failed; got \"%.*s\"", (int)n, s);
	rep.result = (jrp_task_state)result;
	rep.matter_id[0] = rep.note[0] = 0;
	if ((rc = mr_cstr(&r->body, "matter_id", MR_OPT, 64, rep.matter_id)) < 0 ||
	    (rc = mr_date(&r->body, "date", MR_OPT, &rep.date)) < 0 ||
	    (rc = mr_text(&r->body, "note", MR_OPT, JRP_NOTE_MAX, rep.note)) < 0 ||
	    (rc = mr_bool(&r->body, "case", MR_OPT, &rep.is_case)) < 0 ||
	    (rc = mr_cstr(&r->body, "stream", MR_OPT, 32, stream)) < 0 || (rc = mr_end(&r->body)) < 0)
		return rc;
	if (stream[0]) {
		/* the agency says which stream the task came from (tasks.fetch's `stream`): after a restore the
		 * same seq may be another task, and feedback meant for the old one must not land on it */
		MDB_val v;
		if (kv_get(txn, daemon_dbi(d, 0), "upstream_log", strlen("upstream_log"), &v) == 0 &&
		    (v.mv_size != strlen(stream) || memcmp(v.mv_data, stream, v.mv_size) != 0))
			return jrp_fail(e, JRP_ERR_CONFLICT, "stream", "task %llu of stream %s: dispatch's stream is now %.*s "
					"(the deployment was restored from a backup); read your stream again from what you "
					"acknowledged", (unsigned long long)rep.task, stream, (int)v.mv_size, (const char *)v.mv_data);
	}
	if ((rc = fb_report_submit(&f, r->party, &rep, &dup, e)) != 0)
		return rc;
	mw_ku64(out, "task", rep.task);
	mw_kenum(out, "result", &task_state_names, rep.result);
	mw_kbool(out, "duplicate", dup);
	return 0;
}

static int h_stats(jrp_daemon *d, jrp_req *r, MDB_txn *txn, mw *out, jrp_error *e)
{
	fbk f = ctx(d, txn);
	jrp_date from, to;
	int rc;
	if (!(r->party->roles & ROLE_OFFICE))
		return req_fail_forbidden(r, e, "statistics are the office's");
	if ((rc = req_period(r, &from, &to, e)) < 0)
		return rc;
	fb_stats(&f, out, from, to);
	return 0;
}

/* h_stats_daily - {from: date, to: date} -> {as_of, from, to, days: [...]}: the office's figures of
 * what happened, one element a day (zeros too), from the day counters: the cost is the days, never
 * the tasks. At most FB_DAILY_MAX days */
static int h_stats_daily(jrp_daemon *d, jrp_req *r, MDB_txn *txn, mw *out, jrp_error *e)
{
	fbk f = ctx(d, txn);
	jrp_date from, to;
	int rc;
	if ((rc = mr_date(&r->body, "from", MR_REQ, &from)) < 0 || (rc = mr_date(&r->body, "to", MR_REQ, &to)) < 0 ||
	    (rc = mr_end(&r->body)) < 0)
		return rc;
	if (to < from)
		return jrp_fail(e, JRP_ERR_BAD_VALUE, "to", "is before from");
	if (to - from + 1 > FB_DAILY_MAX)
		return jrp_fail(e, JRP_ERR_BAD_VALUE, "to", "the period is %d days long; at most %d", (int)(to - from + 1),
				FB_DAILY_MAX);
	fb_daily(&f, out, from, to);
	return 0;
}

/* h_overdue_list - DOMAIN.md "Monitoring by the office": which task or duty is past its deadline,
 * whose, due when, how late. The office sees everyone's (or one party's); an agency or a department
 * its own. {of?: party, after?: cursor, max?: 1..1000 (100)} -> {overdue_total, items, next?} */
static int h_overdue_list(jrp_daemon *d, jrp_req *r, MDB_txn *txn, mw *out, jrp_error *e)
{
	fbk f = ctx(d, txn);
	char party[JRP_ID_MAX + 1] = "", after[160] = "", next[160];
	uint64_t max = 100;
	int rc;
	if ((rc = mr_cstr(&r->body, "of", MR_OPT, JRP_ID_MAX, party)) < 0 ||
	    (rc = mr_cstr(&r->body, "after", MR_OPT, sizeof after - 1, after)) < 0 ||
	    (rc = mr_u64(&r->body, "max", MR_OPT, &max)) < 0 || (rc = mr_end(&r->body)) < 0)
		return rc;
	if (max < 1 || max > 1000)
		return jrp_fail(e, JRP_ERR_BAD_VALUE, "max", "must be 1..1000");
	/* a party not in the registry has nothing overdue because it does not exist: say so (as commitment.list
	 * does), never an empty list that reads as "all done" */
	if (party[0] && !parties_find(f.parties, party))
		return jrp_fail(e, JRP_ERR_UNKNOWN_PARTY, "of", "\"%s\" is not in the parties registry", party);
	if (!(r->party->roles & ROLE_OFFICE)) {
		if (party[0] && strcmp(party, r->party->id) != 0)
			return req_fail_forbidden(r, e, "a party reads its own overdue tasks; the office reads everyone's");
		str_copy(party, sizeof party, r->party->id);
	}
	mw_ku64(out, "overdue_total", party[0] ? fb_overdue(&f, party) : fb_overdue(&f, NULL));
	mw_str(out, "items");
	mw_arr(out);
	rc = fb_overdue_list(&f, party[0] ? party : NULL, after, max, out, next);
	mw_end(out);
	if (rc == JRP_EINVAL)
		return jrp_fail(e, JRP_ERR_BAD_VALUE, "after", "not a cursor of overdue.list (party/YYYY-MM-DD/task)");
	if (rc == 0 && next[0])
		mw_kstr(out, "next", next);
	return rc;
}

/* h_foreign_report - federation (issue 14): what this region did with another region's entries, for the
 * exchange to send home (and the office). {region, after?: home entry id, max?: 1..1000 (1000)} ->
 * {region, entries: [...], next?, totals} */
static int h_foreign_report(jrp_daemon *d, jrp_req *r, MDB_txn *txn, mw *out, jrp_error *e)
{
	fbk f = ctx(d, txn);
	char region[JRP_ID_MAX + 1];
	uint64_t after = 0, max = 1000;
	int rc;
	if ((rc = mr_cstr(&r->body, "region", MR_REQ, JRP_ID_MAX, region)) < 0 ||
	    (rc = mr_u64(&r->body, "after", MR_OPT, &after)) < 0 || (rc = mr_u64(&r->body, "max", MR_OPT, &max)) < 0 ||
	    (rc = mr_end(&r->body)) < 0)
		return rc;
	if (max < 1 || max > 1000)
		return jrp_fail(e, JRP_ERR_BAD_VALUE, "max", "must be 1..1000");
	if (strspn(region, "abcdefghijklmnopqrstuvwxyz0123456789_") != strlen(region))
		return jrp_fail(e, JRP_ERR_BAD_VALUE, "region", "\"%s\" is not a region id ([a-z0-9_]{1,32})", region);
	return fb_foreign_report(&f, region, after, (size_t)max, out);
}

/* tick - deadlines that passed go to the overdue index, a bounded batch at a time */
static int tick(jrp_daemon *d, MDB_txn *txn, int64_t now, int64_t *next_due)
{
	fbk f = ctx(d, txn);
	fbk_set_now(&f, now);
	return fb_overdue_tick(&f, OVERDUE_BATCH, next_due);
}

/* h_tasks_get - a subject's tasks with their state and feedback */
static int h_tasks_get(jrp_daemon *d, jrp_req *r, MDB_txn *txn, mw *out, jrp_error *e)
{
	fbk f = ctx(d, txn);
	char code[JRP_CODE_MAX + 2];
	int rc;
	int id_type = ID_NONE;
	const msgpack_object *asof = NULL;
	if ((rc = mr_cstr(&r->body, "subject", MR_REQ, JRP_CODE_MAX, code)) < 0 ||
	    (rc = mr_enum(&r->body, "id_type", MR_OPT, &id_type_names, &id_type)) < 0 ||
	    (rc = mr_any(&r->body, "as_of_time", MR_OPT, &asof)) < 0)
		return rc;
	/* a mistyped code is refused, never answered "nothing pushed" (DOMAIN.md "Subjects and codes") */
	if ((rc = codes_check_subject(code, (jrp_id_type)id_type, e)) < 0)
		return rc;
	if (asof) {
		/* issue 14: the tasks that had come by a past instant, each in the state it had then */
		int64_t at;
		MDB_val v;
		if ((rc = req_instant(asof, "as_of_time", f.now, &at, e)) < 0)
			return rc;
		if ((rc = kv_get(txn, f.db[FDB_META], FB_TSTATE_SINCE, strlen(FB_TSTATE_SINCE), &v)) != 0 || v.mv_size != 8)
			return rc ? rc : JRP_ESTORE;
		if (at < (int64_t)be64_get(v.mv_data))
			return jrp_fail(e, JRP_ERR_NOT_FOUND, "as_of_time", "task states are kept by instant since %lld (ms); "
					"this feedback cannot answer for an earlier instant", (long long)be64_get(v.mv_data));
		return fb_subject_tasks_asof(&f, code, at, out);
	}
	return fb_subject_tasks(&f, code, out);
}

/* init - at start: since when task states are kept by instant (0: a new store; now: one made before) */
static int init(jrp_daemon *d, MDB_txn *txn, jrp_error *e)
{
	fbk f = ctx(d, txn);
	MDB_val v;
	MDB_stat st;
	unsigned char b[8];
	int rc = kv_get(txn, f.db[FDB_META], FB_TSTATE_SINCE, strlen(FB_TSTATE_SINCE), &v);
	if (rc != JRP_ENOTFOUND)
		return rc;
	if ((rc = mdb_stat(txn, f.db[FDB_TASKS], &st)) != 0)
		return store_rc(rc);
	be64_put(b, st.ms_entries ? (uint64_t)clock_now_ms() : 0);
	return kv_put(txn, f.db[FDB_META], FB_TSTATE_SINCE, strlen(FB_TSTATE_SINCE), b, 8, 0);
}

static const jrp_route routes[] = {
	{ T_TASKS_GET, h_tasks_get, ROLE_DEPARTMENT | ROLE_OFFICE | ROLE_AGENCY, 0 },
	{ T_FEEDBACK_SUBMIT, h_feedback, ROLE_AGENCY, 0 },
	{ T_STATS_GET, h_stats, ROLE_OFFICE, 0 },
	{ T_STATS_DAILY, h_stats_daily, ROLE_OFFICE, 0 },
	{ T_OVERDUE_LIST, h_overdue_list, ROLE_OFFICE | ROLE_AGENCY | ROLE_DEPARTMENT, 0 },
	{ T_FOREIGN_REPORT, h_foreign_report, ROLE_EXCHANGE | ROLE_OFFICE, 0 },
	{ NULL, NULL, 0, 0 },
};

typedef struct moved_arg {
	mw *out;
	size_t n;
} moved_arg;

static void moved_one(void *arg, const jrp_task *t, jrp_date from, jrp_date to)
{
	moved_arg *m = arg;
	if (++m->n > 1000)   /* the reply names the first ones; all move */
		return;
	mw_map(m->out);
	mw_ku64(m->out, "task", t->seq);
	mw_kstr(m->out, "party", t->agency);
	mw_ku64(m->out, "entry", t->entry);
	mw_kdate(m->out, "from", from);
	mw_kdate(m->out, "to", to);
	mw_end(m->out);
}

/* reload - DOMAIN.md "Working days": deadlines counted while a year was provisional are counted
 * again when its official schedule comes; the reply names those that moved */
static int reload(jrp_daemon *d, MDB_txn *txn, const jrp_catalog *old, mw *out, jrp_error *e)
{
	fbk f = ctx(d, txn);
	moved_arg m = { out, 0 };
	size_t n = 0;
	int rc;
	mw_str(out, "moved");
	mw_arr(out);
	rc = fb_recalendar(&f, old->cal, daemon_catalog(d)->cal, moved_one, &m, &n);
	mw_end(out);
	mw_ku64(out, "moved_total", n);
	return rc;
}

const jrp_service feedback_service = {
	.name = "feedback",
	.svc = SVC_FEEDBACK,
	.dbs = fb_db_names,
	.ndbs = FDB__N,
	.outlog = -1,
	.routes = routes,
	.upstream = SVC_DISPATCH,
	/* statistics are not on any agency's path: fewer, larger commits leave the disk's
	 * fsyncs to the daemons whose answers people wait for */
	.pull_coalesce_ms = 50,
	.pull_kinds = 1u << REC_CHANGE | 1u << REC_TASK | 1u << REC_CHECK,
	.apply = apply,
	.tick = tick,
	.reload = reload,
	.init = init,
	.warnings = catalog_calendar_warnings,
};
