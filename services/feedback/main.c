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
#include "util/vec.h"
#include "util/xalloc.h"
#include <stdlib.h>
#include <stdio.h>
#include <string.h>

enum { DB_TASKS = 1, DB_FB, DB_DUE, DB_STATS, DB_ESTATE, DB_ETASKS, DB_STASKS, DB__N };
static const char *const dbs[] = { "meta", "tasks", "feedback", "due", "stats", "estate", "etasks", "stasks" };

/* a task's state byte: pending until the agency feeds back (or, for a department's
 * duty, until adjudicate records the department's act); superseded when the entry
 * ended before the agency reported on an apply/suspend/resume task */
enum { ST_PENDING = 0, ST_APPLIED, ST_NOT_APPLICABLE, ST_FAILED, ST_SUPERSEDED, ST_DONE };
static const char *const results[] = { "pending", "applied", "not_applicable", "failed", "superseded", "done" };

static int close_tasks(jrp_daemon *d, MDB_txn *txn, uint64_t entry, const char *const *actions, int new_state);

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
	{
		/* a department's act closes its duty; an ended entry supersedes what agencies had not reported */
		static const char *const notice[] = { "notice", NULL }, *const verify[] = { "verify_objection", NULL },
					 *const repair[] = { "decide_repair", NULL }, *const interview[] = { "interview", NULL },
					 *const ended[] = { "apply", "suspend", "resume", "notice", "verify_objection",
							     "decide_repair", "interview", NULL };
		const char *const *which = NULL;
		int st = ST_DONE;
		if (strcmp(action, "noticed") == 0)
			which = notice;
		else if (strcmp(action, "objection_decided") == 0)
			which = verify;
		else if (strcmp(action, "repair_decided") == 0)
			which = repair;
		else if (strcmp(action, "interview_recorded") == 0)
			which = interview;
		else if (strcmp(action, "exited") == 0 || strcmp(action, "revoked") == 0)
			which = ended, st = ST_SUPERSEDED;
		if (which && (rc = close_tasks(d, txn, obj_u64(ch, "entry"), which, st)) != 0)
			return rc;
	}
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
	char action[24], agency[40], due[16];
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
	{
		unsigned char ek[48];
		char code[33];
		size_t n;
		be64_put(ek, obj_u64(t, "entry"));
		be64_put(ek + 8, seq);
		if ((rc = kv_put(txn, daemon_dbi(d, DB_ETASKS), ek, 16, action, strlen(action), 0)) != 0)
			return rc;
		/* the subject's tasks, for its credit record (tasks.get) */
		n = strlen(obj_cstr(obj_get(t, "subject"), "code", code, sizeof code));
		memcpy(ek, code, n);
		ek[n] = 0;
		be64_put(ek + n + 1, seq);
		if ((rc = kv_put(txn, daemon_dbi(d, DB_STASKS), ek, n + 9, "", 0, 0)) != 0)
			return rc;
	}
	obj_cstr(t, "feedback_due", due, sizeof due);
	/* overdue is tracked for mandatory measures and for departments' duties with a deadline */
	obj_cstr(t, "class", action, sizeof action);
	if ((strcmp(action, "mandatory") == 0 || strcmp(action, "duty") == 0) && due[0] &&
	    date_parse(due, strlen(due), &dd) == 0) {
		/* overdue from the start of the day after the last working day allowed */
		be64_put(k, (uint64_t)ms_of_date(dd + 1));
		be64_put(k + 8, seq);
		rc = kv_put(txn, daemon_dbi(d, DB_DUE), k, 16, "", 0, 0);
	}
	return rc;
}

/* set_state - a pending task leaves the awaiting counters and the overdue index */
static int set_state(jrp_daemon *d, MDB_txn *txn, uint64_t task, int st, const char *agency)
{
	unsigned char k[16], *nv;
	MDB_val v;
	msg_in in;
	jrp_error pe;
	char due[16];
	jrp_date dd;
	int rc;
	be64_put(k, task);
	if ((rc = kv_get(txn, daemon_dbi(d, DB_TASKS), k, 8, &v)) != 0)
		return rc == JRP_ENOTFOUND ? 0 : rc;
	if (((unsigned char *)v.mv_data)[0] != ST_PENDING)
		return 0;
	nv = xmalloc(v.mv_size);
	memcpy(nv, v.mv_data, v.mv_size);
	nv[0] = (unsigned char)st;
	due[0] = 0;
	if (msg_parse(nv + 1, v.mv_size - 1, SIZE_MAX, &in, &pe) == 0)
		obj_cstr(in.root, "feedback_due", due, sizeof due);
	msg_in_free(&in);
	rc = kv_put(txn, daemon_dbi(d, DB_TASKS), k, 8, nv, v.mv_size, 0);
	free(nv);
	if (rc || (rc = stat_add(d, txn, -1, "awaiting%s%s", "", "")) != 0 ||
	    (rc = stat_add(d, txn, -1, "awaiting.%s%s", agency, "")) != 0 ||
	    (rc = stat_add(d, txn, 1, "state.%s%s", results[st], "")) != 0)
		return rc;
	if (due[0] && date_parse(due, strlen(due), &dd) == 0) {
		unsigned char dk[16];
		be64_put(dk, (uint64_t)ms_of_date(dd + 1));
		be64_put(dk + 8, task);
		rc = kv_del(txn, daemon_dbi(d, DB_DUE), dk, 16);
	}
	return rc;
}

typedef struct close_arg {
	const char *const *actions;
	u64vec tasks;
} close_arg;

static int close_match(void *arg, const unsigned char *rest, size_t n, const MDB_val *val)
{
	close_arg *a = arg;
	if (n != 8)
		return 0;
	for (const char *const *x = a->actions; *x; x++)
		if (val->mv_size == strlen(*x) && memcmp(val->mv_data, *x, val->mv_size) == 0)
			u64vec_push(&a->tasks, be64_get(rest));
	return 0;
}

/* close_tasks - the entry's pending tasks with one of these actions go to new_state */
static int close_tasks(jrp_daemon *d, MDB_txn *txn, uint64_t entry, const char *const *actions, int new_state)
{
	unsigned char k[8];
	close_arg a = { actions, { 0 } };
	int rc;
	be64_put(k, entry);
	rc = kv_prefix_each(txn, daemon_dbi(d, DB_ETASKS), k, 8, SIZE_MAX, close_match, &a);
	for (size_t i = 0; rc == 0 && i < a.tasks.n; i++) {
		MDB_val t;
		msg_in in;
		jrp_error pe;
		unsigned char tk[8];
		char agency[40] = "";
		be64_put(tk, a.tasks.v[i]);
		if (kv_get(txn, daemon_dbi(d, DB_TASKS), tk, 8, &t) != 0)
			continue;
		if (msg_parse((char *)t.mv_data + 1, t.mv_size - 1, SIZE_MAX, &in, &pe) == 0)
			obj_cstr(in.root, "agency", agency, sizeof agency);
		msg_in_free(&in);
		rc = set_state(d, txn, a.tasks.v[i], new_state, agency);
	}
	u64vec_free(&a.tasks);
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
	bool is_case = false, is_duty;
	int was;
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
	    (rc = mr_bool(&r->body, "case", MR_OPT, &is_case)) < 0 || (rc = mr_end(&r->body)) < 0)
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
	is_duty = obj_str_eq(obj_get(in.root, "class"), "duty");
	msg_in_free(&in);
	if (strcmp(tagency, agency) != 0)
		return req_fail_forbidden(r, e, "task %llu belongs to \"%s\", not \"%s\"",
					  (unsigned long long)task, tagency, agency);
	if (is_duty)
		return jrp_fail(e, JRP_ERR_CONFLICT, "task",
				"task %llu is a department's duty: it closes when adjudicate records the act (entry.notice, objection.decide, repair.decide, an interview record)",
				(unsigned long long)task);
	was = ((unsigned char *)v.mv_data)[0];
	if (was != ST_PENDING && was != ST_SUPERSEDED) {
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
	    (is_case && (rc = stat_add(d, txn, 1, "cases%s%s", "", "")) != 0))
		return rc;
	if (was == ST_SUPERSEDED) {
		/* the entry ended before the report: it was no longer awaited */
		mw_ku64(out, "task", task);
		mw_kstr(out, "result", result);
		mw_kbool(out, "duplicate", false);
		return 0;
	}
	if ((rc = stat_add(d, txn, -1, "awaiting%s%s", "", "")) != 0 ||
	    (rc = stat_add(d, txn, -1, "awaiting.%s%s", agency, "")) != 0)
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
	mw_ku64(out, "revoked_total", stat_get(d, txn, "changes.%s", "revoked"));
	mw_ku64(out, "objections_filed", stat_get(d, txn, "changes.%s", "objection_filed"));
	mw_ku64(out, "objections_decided", stat_get(d, txn, "changes.%s", "objection_decided"));
	mw_ku64(out, "repairs_applied", stat_get(d, txn, "changes.%s", "repair_applied"));
	mw_ku64(out, "repairs_decided", stat_get(d, txn, "changes.%s", "repair_decided"));
	mw_end(out);
	mw_str(out, "tasks");
	mw_map(out);
	mw_ku64(out, "apply", stat_get(d, txn, "tasks.%s", "apply"));
	mw_ku64(out, "stop", stat_get(d, txn, "tasks.%s", "stop"));
	mw_ku64(out, "suspend", stat_get(d, txn, "tasks.%s", "suspend"));
	mw_ku64(out, "resume", stat_get(d, txn, "tasks.%s", "resume"));
	mw_ku64(out, "recall", stat_get(d, txn, "tasks.%s", "recall"));
	mw_ku64(out, "superseded", stat_get(d, txn, "state.%s", "superseded"));
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
	/* departments' duties: notices, objections to verify, repairs to decide, interviews */
	mw_str(out, "departments");
	mw_arr(out);
	for (size_t i = 0; i < ps->n; i++) {
		const jrp_party *p = &ps->v[i];
		static const char *const duties[] = { "notice", "verify_objection", "decide_repair", "interview" };
		if (!(p->roles & ROLE_DEPARTMENT))
			continue;
		mw_map(out);
		mw_kstr(out, "department", p->id);
		mw_kstr(out, "name", p->name);
		for (size_t j = 0; j < 4; j++) {
			char key[96];
			snprintf(key, sizeof key, "tasks.%s.%s", duties[j], p->id);
			mw_ku64(out, duties[j], stat_get(d, txn, "%s", key));
		}
		mw_ku64(out, "awaiting", stat_get(d, txn, "awaiting.%s", p->id));
		mw_ku64(out, "overdue", overdue(d, txn, p->id));
		mw_end(out);
	}
	mw_end(out);
	return 0;
}

typedef struct tasks_arg {
	jrp_daemon *d;
	MDB_txn *txn;
	mw *out;
} tasks_arg;

static int task_one(void *arg, const unsigned char *seq, size_t n, const MDB_val *v)
{
	tasks_arg *a = arg;
	MDB_val t, f;
	if (n != 8 || kv_get(a->txn, daemon_dbi(a->d, DB_TASKS), seq, 8, &t) != 0 || t.mv_size < 2)
		return 0;
	mw_map(a->out);
	mw_str(a->out, "task");
	mw_raw(a->out, (char *)t.mv_data + 1, t.mv_size - 1);
	mw_kstr(a->out, "state", results[((unsigned char *)t.mv_data)[0] % 6]);
	if (kv_get(a->txn, daemon_dbi(a->d, DB_FB), seq, 8, &f) == 0) {
		mw_str(a->out, "feedback");
		mw_raw(a->out, f.mv_data, f.mv_size);
	}
	mw_end(a->out);
	return 0;
}

/* h_tasks_get - a subject's tasks with their state and feedback (DOMAIN.md Lists [001 §(二)3]:
 * what followed an entry: measures applied) */
static int h_tasks_get(jrp_daemon *d, jrp_req *r, MDB_txn *txn, mw *out, jrp_error *e)
{
	char code[34];
	tasks_arg a = { d, txn, out };
	int rc;
	if ((rc = mr_cstr(&r->body, "subject", MR_REQ, 32, code)) < 0)
		return rc;
	mw_kstr(out, "subject", code);
	mw_str(out, "tasks");
	mw_arr(out);
	rc = kv_prefix_each(txn, daemon_dbi(d, DB_STASKS), code, strlen(code) + 1, 1000, task_one, &a);
	mw_end(out);
	return rc;
}

static const jrp_route routes[] = {
	{ T_TASKS_GET, h_tasks_get, ROLE_DEPARTMENT | ROLE_OFFICE | ROLE_AGENCY, 0 },
	{ T_FEEDBACK_SUBMIT, h_feedback, ROLE_AGENCY, 0 },
	{ T_STATS_GET, h_stats, ROLE_OFFICE, 0 },
	{ NULL, NULL, 0, 0 },
};

static const jrp_service feedback = {
	.name = "feedback",
	.svc = SVC_FEEDBACK,
	.dbs = dbs,
	.ndbs = DB__N,
	.outlog = -1,
	.routes = routes,
	.upstream = SVC_DISPATCH,
	/* statistics are not on any agency's path: fewer, larger commits leave the disk's
	 * fsyncs to the daemons whose answers people wait for */
	.pull_coalesce_ms = 50,
	.apply = apply,
};

int main(int argc, char **argv)
{
	return daemon_main(argc, argv, &feedback);
}
