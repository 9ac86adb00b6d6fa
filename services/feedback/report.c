/*
 * report.c - an agency reports what it did with a task (DOMAIN.md "Trigger,
 * response, feedback": applied / not applicable / failed, with the matter and
 * date; typical cases are collected) [001 §(五)1-2] [003 §五]
 *
 * Only on its own tasks; the same result again is a duplicate, a different one
 * a conflict; a department's duty closes by its act at adjudicate, never by a
 * report here. For a stop task, applied means the measure was stopped.
 */
#include "feedback.h"
#include "store.h"
#include "util/xalloc.h"
#include <stdlib.h>
#include <string.h>

int fb_report_submit(fbk *f, const jrp_party *agency, const fb_report *r, bool *duplicate, jrp_error *e)
{
	const char *result = names_get(&task_state_names, r->result);
	unsigned char k[16], *nv;
	jrp_rec *rec;
	jrp_task *t;
	MDB_val v;
	int was, rc;

	*duplicate = false;
	f->day = r->date;   /* counted on the day the agency acted */
	if (r->date > f->today)
		return jrp_fail(e, JRP_ERR_BAD_VALUE, "date", "is in the future");
	be64_put(k, r->task);
	rc = kv_get(f->txn, f->db[FDB_TASKS], k, 8, &v);
	if (rc == JRP_ENOTFOUND)
		return jrp_fail(e, JRP_ERR_NOT_FOUND, "task", "task %llu is not known here (not yet received from dispatch, or no such task)",
				(unsigned long long)r->task);
	if (rc)
		return rc;
	if (v.mv_size < 2)
		return JRP_ESTORE;
	rec = xmalloc(sizeof *rec);
	if (rec_decode_bytes((char *)v.mv_data + 1, v.mv_size - 1, 1u << REC_TASK, false, rec, e) < 0) {
		free(rec);
		return JRP_ESTORE;
	}
	t = &rec->u.task;
	if (strcmp(t->agency, agency->id) != 0) {
		jrp_fail(e, JRP_ERR_FORBIDDEN, "party", "task %llu belongs to \"%s\", not \"%s\"", (unsigned long long)r->task,
			 t->agency, agency->id);
		free(rec);
		return JRP_EFORBIDDEN;
	}
	if (t->cls == CLASS_DUTY) {
		free(rec);
		jrp_fail(e, JRP_ERR_CONFLICT, "task",
			 "task %llu is a department's duty: it closes when adjudicate records the act (entry.notice, objection.decide, repair.decide, an interview record)",
			 (unsigned long long)r->task);
		return JRP_ECONFLICT;
	}
	was = ((unsigned char *)v.mv_data)[0];
	if (was != TS_PENDING && was != TS_SUPERSEDED) {
		free(rec);
		if (was == (int)r->result) {
			*duplicate = true;
			return 0;
		}
		jrp_fail(e, JRP_ERR_CONFLICT, "result", "task %llu already has feedback \"%s\"", (unsigned long long)r->task,
			 names_get(&task_state_names, was));
		return JRP_ECONFLICT;
	}
	/* state byte: copy the value, change the byte */
	nv = xmalloc(v.mv_size);
	memcpy(nv, v.mv_data, v.mv_size);
	nv[0] = (unsigned char)r->result;
	rc = fb_task_put(f, k, nv, v.mv_size);
	free(nv);
	if (rc)
		goto out;
	{
		mw fb;
		mw_init(&fb);
		mw_map(&fb);
		mw_kstr(&fb, "result", result);
		mw_kstr(&fb, "party", agency->id);
		if (r->matter_id[0])
			mw_kstr(&fb, "matter_id", r->matter_id);
		mw_kdate(&fb, "date", r->date);
		if (r->note[0])
			mw_kstr(&fb, "note", r->note);
		mw_kbool(&fb, "case", r->is_case);
		mw_ki64(&fb, "at", f->now);
		mw_end(&fb);
		rc = kv_put(f->txn, f->db[FDB_FB], k, 8, mw_data(&fb), mw_len(&fb), 0);
		mw_free(&fb);
		if (rc)
			goto out;
	}
	if ((rc = fb_stat_add(f, 1, "feedback.%s%s", result, "")) != 0 ||
	    (rc = fb_stat_add(f, 1, "feedback.%s.%s", result, agency->id)) != 0 ||
	    (r->is_case && (rc = fb_stat_add(f, 1, "cases%s%s", "", "")) != 0))
		goto out;
	if (t->origin.region[0] && (rc = fb_foreign_done(f, t, was == TS_PENDING, r->result)) != 0)
		goto out;
	if (was == TS_SUPERSEDED) {
		/* the entry ended before the report: it was no longer awaited, and it is superseded no more */
		rc = fb_stat_add(f, -1, "state.%s%s", names_get(&task_state_names, TS_SUPERSEDED), "");
		goto out;
	}
	if ((rc = fb_stat_add(f, -1, "awaiting%s%s", "", "")) != 0 ||
	    (rc = fb_stat_add(f, -1, "awaiting.%s%s", agency->id, "")) != 0)
		goto out;
	rc = fb_deadline_close(f, t);
out:
	free(rec);
	return rc;
}
