/*
 * jrp-feedback - agencies' feedback, overdue tracking, statistics for the office
 *
 * DOMAIN.md "Trigger, response, feedback" and "Monitoring by the office"
 * [001 §(五)1-2, 四(三)] [003 六]: pulls dispatch's outbound log (changes,
 * tasks, checks) and keeps the counters the office reads; takes each agency's
 * feedback on its own tasks only; mandatory measures carry a feedback deadline
 * in working days, indexed by due time so that overdue tasks are a range read.
 */
#include "daemon.h"
#include "clock.h"
#include "proto.h"
#include "util/log.h"
#include "util/xalloc.h"
#include <stdlib.h>
#include <stdio.h>
#include <string.h>

enum { DB_TASKS = 1, DB_FB, DB_DUE, DB_STATS, DB_ESTATE, DB__N };
static const char *const dbs[] = { "meta", "tasks", "feedback", "due", "stats", "estate" };

enum { ST_PENDING = 0, ST_APPLIED, ST_NOT_APPLICABLE, ST_FAILED, ST_SUPERSEDED };
static const char *const results[] = { "pending", "applied", "not_applicable", "failed", "superseded" };

static int stat_add(jrp_daemon *d, MDB_txn *txn, int64_t delta, const char *fmt, const char *a, const char *b)
{
	char key[128];
	snprintf(key, sizeof key, fmt, a, b);
	return meta_add(txn, daemon_dbi(d, DB_STATS), key, delta, NULL);
}

static uint64_t stat_get(jrp_daemon *d, MDB_txn *txn, const char *fmt, const char *a)
{
	char key[128];
	uint64_t v = 0;
	snprintf(key, sizeof key, fmt, a);
	meta_get_u64(txn, daemon_dbi(d, DB_STATS), key, &v);
	return v;
}

static int apply_change(jrp_daemon *d, MDB_txn *txn, const msgpack_object *ch)
{
	char action[24], list[16], domain[40];
	unsigned char k[8];
	MDB_val v;
	int rc;

	obj_cstr(ch, "action", action, sizeof action);
	obj_cstr(ch, "list", list, sizeof list);
	obj_cstr(ch, "domain", domain, sizeof domain);
	be64_put(k, obj_u64(ch, "entry"));
	if ((rc = stat_add(d, txn, 1, "changes.%s%s", action, "")) != 0)
		return rc;
	if (strcmp(action, "effective") == 0) {
		if ((rc = kv_put(txn, daemon_dbi(d, DB_ESTATE), k, 8, list, strlen(list), 0)) != 0 ||
		    (rc = stat_add(d, txn, 1, "active.%s%s", list, "")) != 0)
			return rc;
		return stat_add(d, txn, 1, "active.%s.%s", list, domain);
	}
	if (strcmp(action, "exited") == 0) {
		rc = kv_get(txn, daemon_dbi(d, DB_ESTATE), k, 8, &v);
		if (rc == JRP_ENOTFOUND)
			return 0;   /* exited before it was effective */
		if (rc || (rc = kv_del(txn, daemon_dbi(d, DB_ESTATE), k, 8)) != 0 ||
		    (rc = stat_add(d, txn, -1, "active.%s%s", list, "")) != 0)
			return rc;
		return stat_add(d, txn, -1, "active.%s.%s", list, domain);
	}
	return 0;
}

static int apply_task(jrp_daemon *d, MDB_txn *txn, const msgpack_object *t, const void *raw, size_t rawlen)
{
	char action[16], agency[40], due[16];
	uint64_t seq = obj_u64(t, "seq");
	unsigned char k[16], *v;
	jrp_date dd;
	int rc;

	obj_cstr(t, "action", action, sizeof action);
	obj_cstr(t, "agency", agency, sizeof agency);
	be64_put(k, seq);
	/* value: state byte + the task as dispatch sent it */
	v = xmalloc(rawlen + 1);
	v[0] = ST_PENDING;
	memcpy(v + 1, raw, rawlen);
	rc = kv_put(txn, daemon_dbi(d, DB_TASKS), k, 8, v, rawlen + 1, 0);
	free(v);
	if (rc || (rc = stat_add(d, txn, 1, "tasks.%s%s", action, "")) != 0 ||
	    (rc = stat_add(d, txn, 1, "tasks.%s.%s", action, agency)) != 0 ||
	    (rc = stat_add(d, txn, 1, "awaiting%s%s", "", "")) != 0 ||
	    (rc = stat_add(d, txn, 1, "awaiting.%s%s", agency, "")) != 0)
		return rc;
	obj_cstr(t, "feedback_due", due, sizeof due);
	if (strcmp(obj_cstr(t, "class", action, sizeof action), "mandatory") == 0 && due[0] &&
	    date_parse(due, strlen(due), &dd) == 0) {
		/* overdue from the start of the day after the last working day allowed */
		be64_put(k, (uint64_t)ms_of_date(dd + 1));
		be64_put(k + 8, seq);
		rc = kv_put(txn, daemon_dbi(d, DB_DUE), k, 16, "", 0, 0);
	}
	return rc;
}

static int apply(jrp_daemon *d, MDB_txn *txn, uint64_t seq, const msgpack_object *rec, jrp_error *e)
{
	const msgpack_object *kind = obj_get(rec, "kind");
	char party[40];
	if (obj_str_eq(kind, "change"))
		return apply_change(d, txn, rec);
	if (obj_str_eq(kind, "task")) {
		mw w;
		int rc;
		mw_init(&w);
		mw_obj(&w, rec);
		rc = apply_task(d, txn, rec, mw_data(&w), mw_len(&w));
		mw_free(&w);
		return rc;
	}
	if (obj_str_eq(kind, "check")) {
		int rc;
		obj_cstr(rec, "party", party, sizeof party);
		if ((rc = stat_add(d, txn, 1, "checks%s%s", "", "")) != 0 ||
		    (obj_bool(rec, "listed") && (rc = stat_add(d, txn, 1, "checks_listed%s%s", "", "")) != 0))
			return rc;
		return stat_add(d, txn, 1, "checks.%s%s", party, "");
	}
	return jrp_fail(e, JRP_ERR_BAD_MESSAGE, "kind", "unknown record kind");
}

static int result_parse(const char *s)
{
	for (int i = ST_APPLIED; i <= ST_FAILED; i++)
		if (strcmp(s, results[i]) == 0)
			return i;
	return -1;
}

static int h_feedback(jrp_daemon *d, jrp_req *r, MDB_txn *txn, mw *out, jrp_error *e)
{
	const char *agency = r->party->id;
	uint64_t task;
	char result[24], matter_id[65] = "", date[16] = "", note[1001] = "", tagency[40], due[16];
	bool is_case = false;
	jrp_date fd = clock_today();
	unsigned char k[16];
	MDB_val v;
	msg_in in;
	jrp_error pe;
	int res, rc;

	if ((rc = mr_u64(&r->body, "task", MR_REQ, &task)) < 0 ||
	    (rc = mr_cstr(&r->body, "result", MR_REQ, 23, result)) < 0 ||
	    (rc = mr_cstr(&r->body, "matter_id", MR_OPT, 64, matter_id)) < 0 ||
	    (rc = mr_cstr(&r->body, "date", MR_OPT, 10, date)) < 0 ||
	    (rc = mr_cstr(&r->body, "note", MR_OPT, 1000, note)) < 0 ||
	    (rc = mr_bool(&r->body, "case", MR_OPT, &is_case)) < 0)
		return rc;
	if ((res = result_parse(result)) < 0)
		return mr_fail_value(&r->body, "result", "must be applied, not_applicable or failed; got \"%s\"", result);
	if (date[0] && date_parse(date, strlen(date), &fd) < 0)
		return mr_fail_value(&r->body, "date", "\"%s\" is not a valid date (YYYY-MM-DD)", date);
	if (fd > clock_today())
		return mr_fail_value(&r->body, "date", "is in the future");
	be64_put(k, task);
	rc = kv_get(txn, daemon_dbi(d, DB_TASKS), k, 8, &v);
	if (rc == JRP_ENOTFOUND)
		return jrp_fail(e, JRP_ERR_NOT_FOUND, "task", "task %llu is not known here (not yet received from dispatch, or no such task)",
				(unsigned long long)task);
	if (rc)
		return rc;
	if (msg_parse((char *)v.mv_data + 1, v.mv_size - 1, SIZE_MAX, &in, &pe) < 0) {
		msg_in_free(&in);
		return JRP_ESTORE;
	}
	obj_cstr(in.root, "agency", tagency, sizeof tagency);
	obj_cstr(in.root, "feedback_due", due, sizeof due);
	msg_in_free(&in);
	if (strcmp(tagency, agency) != 0)
		return req_fail_forbidden(r, e, "task %llu belongs to agency \"%s\", not \"%s\"",
					  (unsigned long long)task, tagency, agency);
	if (((unsigned char *)v.mv_data)[0] != ST_PENDING) {
		int was = ((unsigned char *)v.mv_data)[0];
		if (was == res) {
			mw_ku64(out, "task", task);
			mw_kstr(out, "result", result);
			mw_kbool(out, "duplicate", true);
			return 0;
		}
		return jrp_fail(e, JRP_ERR_CONFLICT, "result", "task %llu already has feedback \"%s\"",
				(unsigned long long)task, results[was]);
	}
	{
		/* state byte: copy the value, change the byte */
		unsigned char *nv = xmalloc(v.mv_size);
		memcpy(nv, v.mv_data, v.mv_size);
		nv[0] = (unsigned char)res;
		rc = kv_put(txn, daemon_dbi(d, DB_TASKS), k, 8, nv, v.mv_size, 0);
		free(nv);
		if (rc)
			return rc;
	}
	{
		mw fb;
		char ds[11];
		mw_init(&fb);
		mw_map(&fb);
		mw_kstr(&fb, "result", result);
		mw_kstr(&fb, "party", agency);
		if (matter_id[0])
			mw_kstr(&fb, "matter_id", matter_id);
		date_format(fd, ds);
		mw_kstr(&fb, "date", ds);
		if (note[0])
			mw_kstr(&fb, "note", note);
		mw_kbool(&fb, "case", is_case);
		mw_ki64(&fb, "at", clock_now_ms());
		mw_end(&fb);
		rc = kv_put(txn, daemon_dbi(d, DB_FB), k, 8, mw_data(&fb), mw_len(&fb), 0);
		mw_free(&fb);
		if (rc)
			return rc;
	}
	if ((rc = stat_add(d, txn, 1, "feedback.%s%s", result, "")) != 0 ||
	    (rc = stat_add(d, txn, 1, "feedback.%s.%s", result, agency)) != 0 ||
	    (rc = stat_add(d, txn, -1, "awaiting%s%s", "", "")) != 0 ||
	    (rc = stat_add(d, txn, -1, "awaiting.%s%s", agency, "")) != 0 ||
	    (is_case && (rc = stat_add(d, txn, 1, "cases%s%s", "", "")) != 0))
		return rc;
	if (due[0]) {
		jrp_date dd;
		unsigned char dk[16];
		if (date_parse(due, strlen(due), &dd) == 0) {
			be64_put(dk, (uint64_t)ms_of_date(dd + 1));
			be64_put(dk + 8, task);
			if ((rc = kv_del(txn, daemon_dbi(d, DB_DUE), dk, 16)) != 0)
				return rc;
		}
	}
	mw_ku64(out, "task", task);
	mw_kstr(out, "result", result);
	mw_kbool(out, "duplicate", false);
	return 0;
}

/* overdue - count due keys up to now, in all and for one agency (NULL = all) */
static uint64_t overdue(jrp_daemon *d, MDB_txn *txn, const char *agency)
{
	MDB_cursor *c;
	MDB_val k, v;
	uint64_t n = 0;
	int64_t now = clock_now_ms();
	int rc;
	if (mdb_cursor_open(txn, daemon_dbi(d, DB_DUE), &c) != 0)
		return 0;
	for (rc = mdb_cursor_get(c, &k, &v, MDB_FIRST); rc == 0; rc = mdb_cursor_get(c, &k, &v, MDB_NEXT)) {
		MDB_val t;
		if (k.mv_size != 16 || (int64_t)be64_get(k.mv_data) > now)
			break;
		if (agency) {
			msg_in in;
			jrp_error pe;
			char a[40];
			if (kv_get(txn, daemon_dbi(d, DB_TASKS), (unsigned char *)k.mv_data + 8, 8, &t) != 0)
				continue;
			if (msg_parse((char *)t.mv_data + 1, t.mv_size - 1, SIZE_MAX, &in, &pe) == 0 &&
			    strcmp(obj_cstr(in.root, "agency", a, sizeof a), agency) == 0)
				n++;
			msg_in_free(&in);
		} else {
			n++;
		}
	}
	mdb_cursor_close(c);
	return n;
}

static int h_stats(jrp_daemon *d, jrp_req *r, MDB_txn *txn, mw *out, jrp_error *e)
{
	const jrp_parties *ps = daemon_parties(d);
	char now[32];
	if (!(r->party->roles & ROLE_OFFICE))
		return req_fail_forbidden(r, e, "statistics are the office's");
	ms_format(clock_now_ms(), now, sizeof now);
	mw_kstr(out, "as_of", now);
	mw_str(out, "entries");
	mw_map(out);
	for (int l = 0; l < LIST__N; l++)
		mw_ku64(out, list_name((jrp_list)l), stat_get(d, txn, "active.%s", list_name((jrp_list)l)));
	mw_ku64(out, "proposed_total", stat_get(d, txn, "changes.%s", "proposed"));
	mw_ku64(out, "exited_total", stat_get(d, txn, "changes.%s", "exited"));
	mw_ku64(out, "refused_total", stat_get(d, txn, "changes.%s", "refused"));
	mw_end(out);
	mw_str(out, "tasks");
	mw_map(out);
	mw_ku64(out, "apply", stat_get(d, txn, "tasks.%s", "apply"));
	mw_ku64(out, "stop", stat_get(d, txn, "tasks.%s", "stop"));
	mw_end(out);
	mw_str(out, "feedback");
	mw_map(out);
	for (int i = ST_APPLIED; i <= ST_FAILED; i++)
		mw_ku64(out, results[i], stat_get(d, txn, "feedback.%s", results[i]));
	mw_ku64(out, "awaiting", stat_get(d, txn, "awaiting%s", ""));
	mw_ku64(out, "overdue", overdue(d, txn, NULL));
	mw_ku64(out, "cases", stat_get(d, txn, "cases%s", ""));
	mw_end(out);
	mw_str(out, "checks");
	mw_map(out);
	mw_ku64(out, "total", stat_get(d, txn, "checks%s", ""));
	mw_ku64(out, "listed", stat_get(d, txn, "checks_listed%s", ""));
	mw_end(out);
	mw_str(out, "agencies");
	mw_arr(out);
	for (size_t i = 0; i < ps->n; i++) {
		const jrp_party *p = &ps->v[i];
		char key[96];
		if (!(p->roles & ROLE_AGENCY))
			continue;
		mw_map(out);
		mw_kstr(out, "agency", p->id);
		mw_kstr(out, "name", p->name);
		snprintf(key, sizeof key, "tasks.apply.%s", p->id);
		mw_ku64(out, "apply", stat_get(d, txn, "%s", key));
		snprintf(key, sizeof key, "tasks.stop.%s", p->id);
		mw_ku64(out, "stop", stat_get(d, txn, "%s", key));
		for (int s = ST_APPLIED; s <= ST_FAILED; s++) {
			snprintf(key, sizeof key, "feedback.%s.%s", results[s], p->id);
			mw_ku64(out, results[s], stat_get(d, txn, "%s", key));
		}
		mw_ku64(out, "awaiting", stat_get(d, txn, "awaiting.%s", p->id));
		mw_ku64(out, "overdue", overdue(d, txn, p->id));
		mw_ku64(out, "checks", stat_get(d, txn, "checks.%s", p->id));
		mw_end(out);
	}
	mw_end(out);
	return 0;
}

static const jrp_route routes[] = {
	{ T_FEEDBACK_SUBMIT, h_feedback, ROLE_AGENCY },
	{ T_STATS_GET, h_stats, ROLE_OFFICE },
	{ NULL, NULL, 0 },
};

static const jrp_service feedback = {
	.name = "feedback",
	.svc = SVC_FEEDBACK,
	.dbs = dbs,
	.ndbs = DB__N,
	.outlog = -1,
	.routes = routes,
	.upstream = SVC_DISPATCH,
	.apply = apply,
};

int main(int argc, char **argv)
{
	return daemon_main(argc, argv, &feedback);
}
