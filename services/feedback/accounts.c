/*
 * accounts.c - dispatch's log as the office's figures (see feedback.h)
 *
 * A task is pending until its agency reports (report.c), or for a
 * department's duty until adjudicate records the department's act (noticed,
 * objection_decided, repair_decided, interview_recorded close the duty). When
 * an entry ends, what its agencies had not reported is superseded. Mandatory
 * measures and duties with a deadline go into the overdue index by the end of
 * their last working day (DOMAIN.md "Monitoring by the office").
 */
#include "feedback.h"
#include "clock.h"
#include "store.h"
#include "util/vec.h"
#include "util/xalloc.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const char *const fb_db_names[FDB__N] = { "meta", "tasks", "feedback", "due", "stats", "estate", "etasks", "stasks",
					  "overdue", "tstate", "foreign" };

void fbk_set_now(fbk *f, int64_t now_ms)
{
	f->now = now_ms;
	f->today = date_of_ms(now_ms);
}

/* load_task - a stored task: its state and the task */
static int load_task(fbk *f, uint64_t seq, int *state, jrp_task *t)
{
	unsigned char k[8];
	MDB_val v;
	jrp_rec *r;
	jrp_error e;
	int rc;
	be64_put(k, seq);
	if ((rc = kv_get(f->txn, f->db[FDB_TASKS], k, 8, &v)) != 0)
		return rc;
	if (v.mv_size < 2)
		return JRP_ESTORE;
	*state = ((unsigned char *)v.mv_data)[0];
	r = xmalloc(sizeof *r);
	rc = rec_decode_bytes((char *)v.mv_data + 1, v.mv_size - 1, 1u << REC_TASK, false, r, &e) < 0 ? JRP_ESTORE : 0;
	if (rc == 0)
		*t = r->u.task;
	free(r);
	return rc;
}

/* set_state - a pending task leaves the awaiting counters and the overdue index */
static int set_state(fbk *f, uint64_t task, jrp_task_state st)
{
	unsigned char k[16];
	jrp_task *t = xmalloc(sizeof *t);
	MDB_val v;
	int was, rc;

	if ((rc = load_task(f, task, &was, t)) != 0) {
		free(t);
		return rc == JRP_ENOTFOUND ? 0 : rc;
	}
	if (was != TS_PENDING) {
		free(t);
		return 0;
	}
	be64_put(k, task);
	if ((rc = kv_get(f->txn, f->db[FDB_TASKS], k, 8, &v)) == 0) {
		unsigned char *nv = xmalloc(v.mv_size);
		memcpy(nv, v.mv_data, v.mv_size);
		nv[0] = (unsigned char)st;
		rc = fb_task_put(f, k, nv, v.mv_size);
		free(nv);
	}
	if (rc || (rc = fb_stat_add(f, -1, "awaiting%s%s", "", "")) != 0 ||
	    (rc = fb_stat_add(f, -1, "awaiting.%s%s", t->agency, "")) != 0 ||
	    (rc = fb_stat_add(f, 1, "state.%s%s", names_get(&task_state_names, st), "")) != 0 ||
	    (t->origin.region[0] && (rc = fb_foreign_done(f, t, true, st)) != 0))
		goto out;
	rc = fb_deadline_close(f, t);
out:
	free(t);
	return rc;
}

/* the tag of an entry's task in FDB_ETASKS: its action, or DUTY_TAG + its duty (fixed, so that a new
 * task action never changes what a stored tag means) */
#define DUTY_TAG 16
_Static_assert(TA__N <= DUTY_TAG && DUTY_TAG + DUTY__N <= 32, "task tags fit one mask");

typedef struct close_arg {
	unsigned what;           /* mask of tasks to close: 1 << action, 1 << (DUTY_TAG + duty) */
	u64vec tasks;
} close_arg;

static int close_match(void *arg, const unsigned char *rest, size_t n, const MDB_val *val)
{
	close_arg *a = arg;
	if (n == 8 && val->mv_size == 1 && val->mv_data && (a->what & (1u << ((const unsigned char *)val->mv_data)[0])))
		u64vec_push(&a->tasks, be64_get(rest));
	return 0;
}

/* close_tasks - the entry's pending tasks whose action or duty is in `what` go to state st */
static int close_tasks(fbk *f, uint64_t entry, unsigned what, jrp_task_state st)
{
	unsigned char k[8];
	close_arg a = { what, { 0 } };
	int rc;
	be64_put(k, entry);
	rc = kv_prefix_each(f->txn, f->db[FDB_ETASKS], k, 8, SIZE_MAX, close_match, &a);
	for (size_t i = 0; rc == 0 && i < a.tasks.n; i++)
		rc = set_state(f, a.tasks.v[i], st);
	u64vec_free(&a.tasks);
	return rc;
}

#define A(x) (1u << (x))
#define D(x) (1u << (DUTY_TAG + (x)))

/* duration - DOMAIN.md "Monitoring by the office": how long objections and repairs take, in working
 * days: the day one opened is kept by entry ("open.<what>.<entry>"); when it is decided, the working
 * days between go into a histogram, in all ("dur.<what>#NNNN") and by the day decided
 * ("dur.<what>@YYYY-MM-DD#NNNN"); an entry that ends first closes it uncounted */
static int duration(fbk *f, const char *what, uint64_t entry, bool open, bool count)
{
	char key[96], hk[96], day[11];
	MDB_val v;
	jrp_date since;
	int n, rc;
	snprintf(key, sizeof key, "open.%s.%llu", what, (unsigned long long)entry);
	if (open)
		return meta_put_u64(f->txn, f->db[FDB_STATS], key, (uint64_t)(int64_t)(f->day ? f->day : f->today));
	if ((rc = kv_get(f->txn, f->db[FDB_STATS], key, strlen(key), &v)) == JRP_ENOTFOUND)
		return 0;
	if (rc)
		return rc;
	since = v.mv_size == 8 ? (jrp_date)(int64_t)be64_get(v.mv_data) : f->today;
	if ((rc = kv_del(f->txn, f->db[FDB_STATS], key, strlen(key))) != 0 || !count)
		return rc;
	n = calendar_workdays_between(f->cat->cal, since, f->day ? f->day : f->today);
	if (n > 9999)
		n = 9999;
	snprintf(hk, sizeof hk, "dur.%s#%04d", what, n);
	if ((rc = meta_add(f->txn, f->db[FDB_STATS], hk, 1, NULL)) != 0)
		return rc;
	date_format(f->day ? f->day : f->today, day);
	snprintf(hk, sizeof hk, "dur.%s@%s#%04d", what, day, n);
	return meta_add(f->txn, f->db[FDB_STATS], hk, 1, NULL);
}

static int apply_change(fbk *f, const jrp_change *ch)
{
	const char *list = list_name(ch->list);
	unsigned char k[8];
	char ld[80];
	MDB_val v;
	int rc;

	be64_put(k, ch->entry);
	if (ch->origin.region[0]) {
		/* another region's entry: counted by region too (foreign.c) */
		bool in_force = (ch->action == CH_EXITED || ch->action == CH_REVOKED) &&
				kv_get(f->txn, f->db[FDB_ESTATE], k, 8, &v) == 0;
		if ((rc = fb_foreign_change(f, ch, in_force)) != 0)
			return rc;
	}
	snprintf(ld, sizeof ld, "%s.%s", list, ch->domain[0] ? ch->domain : "-");
	if ((rc = fb_stat_add(f, 1, "changes.%s%s", names_get(&change_action_names, ch->action), "")) != 0)
		return rc;
	/* by list and domain: entries proposed, in force, ended */
	if ((ch->action == CH_PROPOSED || ch->action == CH_EFFECTIVE || ch->action == CH_EXITED || ch->action == CH_REVOKED) &&
	    (rc = fb_stat_add(f, 1, "changes.%s.%s", names_get(&change_action_names, ch->action), ld)) != 0)
		return rc;
	/* every exit is an exit, by its reason (a wrong entry's too) */
	if ((ch->action == CH_EXITED || ch->action == CH_REVOKED) &&
	    (rc = fb_stat_add(f, 1, "exits.%s%s", names_get(&exit_reason_names, ch->exit_reason), "")) != 0)
		return rc;
	switch (ch->action) {
	case CH_OBJECTION_FILED: rc = duration(f, "objection", ch->entry, true, false); break;
	case CH_OBJECTION_DECIDED: rc = duration(f, "objection", ch->entry, false, true); break;
	case CH_REPAIR_APPLIED: rc = duration(f, "repair", ch->entry, true, false); break;
	case CH_REPAIR_DECIDED: rc = duration(f, "repair", ch->entry, false, true); break;
	case CH_EXITED: case CH_REVOKED:
		if ((rc = duration(f, "objection", ch->entry, false, false)) == 0)
			rc = duration(f, "repair", ch->entry, false, ch->exit_reason == EXIT_REPAIRED);
		break;
	default: break;
	}
	if (rc)
		return rc;
	/* a department's act closes its duty; an ended entry supersedes what agencies had not reported */
	switch (ch->action) {
	case CH_NOTICED: rc = close_tasks(f, ch->entry, D(DUTY_NOTICE), TS_DONE); break;
	case CH_OBJECTION_DECIDED: rc = close_tasks(f, ch->entry, D(DUTY_VERIFY_OBJECTION), TS_DONE); break;
	case CH_REPAIR_DECIDED: rc = close_tasks(f, ch->entry, D(DUTY_DECIDE_REPAIR), TS_DONE); break;
	case CH_INTERVIEW_RECORDED: rc = close_tasks(f, ch->entry, D(DUTY_INTERVIEW), TS_DONE); break;
	case CH_EXITED:
	case CH_REVOKED:
		rc = close_tasks(f, ch->entry, A(TA_APPLY) | A(TA_SUSPEND) | A(TA_RESUME) | A(TA_EXTEND) | D(DUTY_NOTICE) |
				 D(DUTY_VERIFY_OBJECTION) | D(DUTY_DECIDE_REPAIR) | D(DUTY_INTERVIEW), TS_SUPERSEDED);
		break;
	default:
		break;
	}
	if (rc)
		return rc;
	if (ch->action == CH_EFFECTIVE) {
		if ((rc = kv_put(f->txn, f->db[FDB_ESTATE], k, 8, list, strlen(list), 0)) != 0 ||
		    (rc = fb_stat_add(f, 1, "active.%s%s", list, "")) != 0)
			return rc;
		return fb_stat_add(f, 1, "active.%s.%s", list, ch->domain);
	}
	if (ch->action == CH_EXITED || ch->action == CH_REVOKED) {
		/* a wrong entry leaves the lists in force as an expired one does */
		rc = kv_get(f->txn, f->db[FDB_ESTATE], k, 8, &v);
		if (rc == JRP_ENOTFOUND)
			return 0;   /* exited before it was effective */
		if (rc || (rc = kv_del(f->txn, f->db[FDB_ESTATE], k, 8)) != 0 ||
		    (rc = fb_stat_add(f, -1, "active.%s%s", list, "")) != 0)
			return rc;
		return fb_stat_add(f, -1, "active.%s.%s", list, ch->domain);
	}
	return 0;
}

static int apply_task(fbk *f, const jrp_task *t, const msgpack_object *raw)
{
	const char *what = task_what(t);
	unsigned char k[48], tag, *v;
	size_t n;
	mw w;
	int rc;

	/* value: state byte + the task as dispatch sent it */
	mw_init(&w);
	mw_obj(&w, raw);
	v = xmalloc(mw_len(&w) + 1);
	v[0] = TS_PENDING;
	memcpy(v + 1, mw_data(&w), mw_len(&w));
	be64_put(k, t->seq);
	rc = fb_task_put(f, k, v, mw_len(&w) + 1);
	free(v);
	mw_free(&w);
	if (rc || (rc = fb_stat_add(f, 1, "tasks.%s%s", what, "")) != 0 ||
	    (rc = fb_stat_add(f, 1, "tasks.%s.%s", what, t->agency)) != 0 ||
	    (rc = fb_stat_add(f, 1, "awaiting%s%s", "", "")) != 0 ||
	    (rc = fb_stat_add(f, 1, "awaiting.%s%s", t->agency, "")) != 0)
		return rc;
	/* the entry's tasks, by what they ask (to close or supersede them) */
	be64_put(k, t->entry);
	be64_put(k + 8, t->seq);
	tag = (unsigned char)(t->cls == CLASS_DUTY ? DUTY_TAG + t->duty : t->action);
	if ((rc = kv_put(f->txn, f->db[FDB_ETASKS], k, 16, &tag, 1, 0)) != 0)
		return rc;
	/* the subject's tasks, for its credit record (tasks.get) */
	n = strlen(t->subject.code);
	memcpy(k, t->subject.code, n);
	k[n] = 0;
	be64_put(k + n + 1, t->seq);
	if ((rc = kv_put(f->txn, f->db[FDB_STASKS], k, n + 9, "", 0, 0)) != 0)
		return rc;
	if (t->origin.region[0] && (rc = fb_foreign_task(f, t)) != 0)
		return rc;
	/* overdue is tracked for mandatory measures and for departments' duties with a deadline */
	if ((t->cls == CLASS_MANDATORY || t->cls == CLASS_DUTY) && t->feedback_due) {
		fb_due_key(k, t->feedback_due, t->seq);
		rc = kv_put(f->txn, f->db[FDB_DUE], k, 16, t->agency, strlen(t->agency), 0);
	}
	return rc;
}

static int apply_check(fbk *f, const jrp_check *c)
{
	int rc;
	if ((rc = fb_stat_add(f, 1, "checks%s%s", "", "")) != 0 ||
	    (c->listed && (rc = fb_stat_add(f, 1, "checks_listed%s%s", "", "")) != 0))
		return rc;
	return fb_stat_add(f, 1, "checks.%s%s", c->party, "");
}

int fb_apply(fbk *f, const jrp_rec *rec, const msgpack_object *raw, jrp_error *e)
{
	/* counted on the day it happened at its source */
	f->day = date_of_ms(rec->kind == REC_CHANGE ? rec->u.change.at :
			    rec->kind == REC_TASK ? rec->u.task.at : rec->kind == REC_CHECK ? rec->u.check.at : f->now);
	switch (rec->kind) {
	case REC_CHANGE: return apply_change(f, &rec->u.change);
	case REC_TASK: return apply_task(f, &rec->u.task, raw);
	case REC_CHECK: return apply_check(f, &rec->u.check);
	case REC_EVENT: case REC__N: break;
	}
	return jrp_fail(e, JRP_ERR_BAD_VALUE, "kind", "a %s record is not applied here", names_get(&rec_kind_names, rec->kind));
}

int fb_task_put(fbk *f, const unsigned char k[8], const void *v, size_t len)
{
	unsigned char sk[16];
	int rc = kv_put(f->txn, f->db[FDB_TASKS], k, 8, v, len, 0);
	if (rc != 0)
		return rc;
	memcpy(sk, k, 8);
	be64_put(sk + 8, (uint64_t)f->now);
	return kv_put(f->txn, f->db[FDB_TSTATE], sk, 16, v, 1, 0);
}
