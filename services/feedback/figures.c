/*
 * figures.c - what the office reads (DOMAIN.md "Monitoring by the office"
 * [001 四(三)] [003 六]): lists in force, measures pushed, applied and
 * overdue by agency, departments' duties, checks; and a subject's tasks with
 * what came of them (DOMAIN.md Lists [001 §(二)3]: what followed an entry)
 */
#include "feedback.h"
#include "clock.h"
#include "puller.h"
#include "store.h"
#include <stdio.h>
#include <string.h>

uint64_t fb_overdue(fbk *f, const char *party)
{
	MDB_cursor *c;
	MDB_val k, v;
	uint64_t n = 0;
	size_t plen = party ? strlen(party) : 0;
	int rc;
	if (mdb_cursor_open(f->txn, f->db[FDB_DUE], &c) != 0)
		return 0;
	for (rc = mdb_cursor_get(c, &k, &v, MDB_FIRST); rc == 0; rc = mdb_cursor_get(c, &k, &v, MDB_NEXT)) {
		if (k.mv_size != 16 || (int64_t)be64_get(k.mv_data) > f->now)
			break;
		if (!party || (v.mv_size == plen && memcmp(v.mv_data, party, plen) == 0))
			n++;
	}
	mdb_cursor_close(c);
	return n;
}

void fb_stats(fbk *f, mw *out)
{
	const jrp_parties *ps = f->parties;
	char now[32];
	ms_format(f->now, now, sizeof now);
	mw_kstr(out, "as_of", now);
	mw_str(out, "entries");
	mw_map(out);
	for (int l = 0; l < LIST__N; l++)
		mw_ku64(out, list_name((jrp_list)l), fb_stat_get(f, "active.%s", list_name((jrp_list)l)));
	{
		static const struct { const char *key; jrp_change_action a; } totals[] = {
			{ "proposed_total", CH_PROPOSED }, { "exited_total", CH_EXITED }, { "refused_total", CH_REFUSED },
			{ "revoked_total", CH_REVOKED }, { "objections_filed", CH_OBJECTION_FILED },
			{ "objections_decided", CH_OBJECTION_DECIDED }, { "repairs_applied", CH_REPAIR_APPLIED },
			{ "repairs_decided", CH_REPAIR_DECIDED },
		};
		for (size_t i = 0; i < sizeof totals / sizeof totals[0]; i++)
			mw_ku64(out, totals[i].key, fb_stat_get(f, "changes.%s", names_get(&change_action_names, totals[i].a)));
	}
	mw_end(out);
	mw_str(out, "tasks");
	mw_map(out);
	for (int a = 0; a < TA__N; a++)
		mw_ku64(out, names_get(&task_action_names, a), fb_stat_get(f, "tasks.%s", names_get(&task_action_names, a)));
	mw_ku64(out, "superseded", fb_stat_get(f, "state.%s", names_get(&task_state_names, TS_SUPERSEDED)));
	mw_end(out);
	mw_str(out, "feedback");
	mw_map(out);
	for (int s = TS_APPLIED; s <= TS_FAILED; s++)
		mw_ku64(out, names_get(&task_state_names, s), fb_stat_get(f, "feedback.%s", names_get(&task_state_names, s)));
	mw_ku64(out, "awaiting", fb_stat_get(f, "awaiting%s", ""));
	mw_ku64(out, "overdue", fb_overdue(f, NULL));
	mw_ku64(out, "cases", fb_stat_get(f, "cases%s", ""));
	mw_end(out);
	mw_str(out, "checks");
	mw_map(out);
	mw_ku64(out, "total", fb_stat_get(f, "checks%s", ""));
	mw_ku64(out, "listed", fb_stat_get(f, "checks_listed%s", ""));
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
		const jrp_party *p = &ps->v[i];
		char key[96];
		if (!(p->roles & ROLE_AGENCY))
			continue;
		mw_map(out);
		mw_kstr(out, "agency", p->id);
		mw_kstr(out, "name", p->name);
		for (int a = TA_APPLY; a <= TA_STOP; a++) {
			snprintf(key, sizeof key, "tasks.%s.%s", names_get(&task_action_names, a), p->id);
			mw_ku64(out, names_get(&task_action_names, a), fb_stat_get(f, "%s", key));
		}
		for (int s = TS_APPLIED; s <= TS_FAILED; s++) {
			snprintf(key, sizeof key, "feedback.%s.%s", names_get(&task_state_names, s), p->id);
			mw_ku64(out, names_get(&task_state_names, s), fb_stat_get(f, "%s", key));
		}
		mw_ku64(out, "awaiting", fb_stat_get(f, "awaiting.%s", p->id));
		mw_ku64(out, "overdue", fb_overdue(f, p->id));
		mw_ku64(out, "checks", fb_stat_get(f, "checks.%s", p->id));
		mw_end(out);
	}
	mw_end(out);
	/* departments' duties: notices, objections to verify, repairs to decide, interviews */
	mw_str(out, "departments");
	mw_arr(out);
	for (size_t i = 0; i < ps->n; i++) {
		const jrp_party *p = &ps->v[i];
		if (!(p->roles & ROLE_DEPARTMENT))
			continue;
		mw_map(out);
		mw_kstr(out, "department", p->id);
		mw_kstr(out, "name", p->name);
		for (int j = 0; j < DUTY__N; j++) {
			char key[96];
			snprintf(key, sizeof key, "tasks.%s.%s", names_get(&duty_names, j), p->id);
			mw_ku64(out, names_get(&duty_names, j), fb_stat_get(f, "%s", key));
		}
		mw_ku64(out, "awaiting", fb_stat_get(f, "awaiting.%s", p->id));
		mw_ku64(out, "overdue", fb_overdue(f, p->id));
		mw_end(out);
	}
	mw_end(out);
}

typedef struct tasks_arg {
	fbk *f;
	mw *out;
} tasks_arg;

static int task_one(void *arg, const unsigned char *seq, size_t n, const MDB_val *v)
{
	tasks_arg *a = arg;
	MDB_val t, fb;
	if (n != 8 || kv_get(a->f->txn, a->f->db[FDB_TASKS], seq, 8, &t) != 0 || t.mv_size < 2)
		return 0;
	mw_map(a->out);
	mw_str(a->out, "task");
	mw_raw(a->out, (char *)t.mv_data + 1, t.mv_size - 1);
	mw_kenum(a->out, "state", &task_state_names, ((unsigned char *)t.mv_data)[0] % TS__N);
	if (kv_get(a->f->txn, a->f->db[FDB_FB], seq, 8, &fb) == 0) {
		mw_str(a->out, "feedback");
		mw_raw(a->out, fb.mv_data, fb.mv_size);
	}
	mw_end(a->out);
	return 0;
}

int fb_subject_tasks(fbk *f, const char *code, mw *out)
{
	tasks_arg a = { f, out };
	int rc;
	mw_kstr(out, "subject", code);
	mw_str(out, "tasks");
	mw_arr(out);
	rc = kv_prefix_each(f->txn, f->db[FDB_STASKS], code, strlen(code) + 1, 1000, task_one, &a);
	mw_end(out);
	return rc;
}
