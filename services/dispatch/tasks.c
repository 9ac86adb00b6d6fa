/*
 * tasks.c - turn list changes into tasks per measure per executing agency
 *
 * DOMAIN.md "Trigger, response, feedback" [001 §(五)1-2] and "Measures"
 * [001 §(五)3]: when an entry becomes effective, every measure of the
 * catalogue in force that targets its list, domain and subject type is pushed
 * to each of the measure's executing agencies (apply); when it exits, every
 * agency that was told to apply is told to stop (recall: the benefits of a
 * wrongly red-listed subject); while an objection is verified a black entry's
 * punishments are suspended, then resumed [001 §(五)7]; when a repeat offence
 * extends an entry in force, every agency is told its new end (extend). The identifying
 * department gets its duties the same way (notice, verify an objection, decide
 * a repair, hold an interview). Each party's stream is an index (party, seq)
 * over the one outbound log, which feedback also pulls.
 */
#include "dispatch.h"
#include "clock.h"
#include "store.h"
#include "util/log.h"
#include "util/str.h"
#include "util/xalloc.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const char *const dsp_db_names[DDB__N] = { "meta", "out", "astream", "acks", "active", "etasks", "ahist" };

void dsp_set_now(dsp *x, int64_t now_ms)
{
	x->now = now_ms;
	x->today = date_of_ms(now_ms);
}

size_t astream_key(unsigned char *k, const char *party, uint64_t seq)
{
	size_t n = strlen(party);
	memcpy(k, party, n);
	k[n] = 0;
	be64_put(k + n + 1, seq);
	return n + 9;
}

size_t etask_key(unsigned char *k, uint64_t entry, const char *agency, const char *measure)
{
	size_t a = strlen(agency), m = strlen(measure);
	be64_put(k, entry);
	memcpy(k + 8, agency, a);
	k[8 + a] = 0;
	memcpy(k + 9 + a, measure, m);
	return 9 + a + m;
}

/* append - rec at the next seq of the outbound log */
static int append(dsp *x, const mw *rec, uint64_t seq)
{
	return store_log_append(x->txn, x->db[DDB_OUT], seq, mw_data(rec), mw_len(rec));
}

static int next_seq(dsp *x, uint64_t *seq)
{
	int rc = store_log_last(x->txn, x->db[DDB_OUT], seq);
	++*seq;
	return rc;
}

/* task_of - a task about the change's entry for party, without its action and measure (dispatch.h) */
void task_of(dsp *x, const jrp_change *ch, const char *party, jrp_task *t)
{
	const jrp_standard *s = ch->standard[0] ? catalog_standard(x->cat, ch->standard) : NULL;
	t->reason = EXIT_NONE;
	str_copy(t->agency, sizeof t->agency, party);
	t->at = x->now;
	t->measure[0] = t->measure_name[0] = t->basis[0] = 0;
	t->measure_type = MT_PUNISHMENT;
	t->nmatters = 0;
	t->entry = ch->entry;
	t->list = ch->list;
	str_copy(t->standard, sizeof t->standard, ch->standard);
	str_copy(t->standard_name, sizeof t->standard_name, s ? s->name : "");
	str_copy(t->domain, sizeof t->domain, ch->domain);
	str_copy(t->party, sizeof t->party, ch->party);
	t->subject = ch->subject;
	t->linked_to = ch->linked_to;
	t->link_role = ch->link_role;
	t->valid_from = ch->valid_from;
	t->valid_until = ch->valid_until;
	t->interview = ch->interview;
	str_copy(t->note, sizeof t->note, ch->note);
	str_copy(t->catalog_version, sizeof t->catalog_version, x->cat->version);
	t->feedback_due = 0;
	/* a foreign entry's tasks say whose decision they carry out (a field test for this region's own) */
	if (ch->origin.region[0])
		t->origin = ch->origin;
	else
		t->origin.region[0] = 0;
}

/* measure_of - the measure's fields into t */
void measure_of(dsp *x, const jrp_measure *m, jrp_task *t)
{
	t->cls = m->mandatory ? CLASS_MANDATORY : CLASS_RECOMMENDED;
	str_copy(t->measure, sizeof t->measure, m->id);
	str_copy(t->measure_name, sizeof t->measure_name, m->name);
	t->measure_type = m->reward ? MT_REWARD : MT_PUNISHMENT;
	snprintf(t->basis, sizeof t->basis, "%s %s", m->basis_law ? m->basis_law : "", m->basis_articles ? m->basis_articles : "");
	t->nmatters = 0;
	for (size_t i = 0; i < m->nmatters && i < JRP_MATTERS_MAX; i++)
		str_copy(t->matters[t->nmatters++], sizeof t->matters[0], m->matters[i]);
	if (m->feedback_days > 0)
		t->feedback_due = calendar_add_workdays(x->cat->cal, x->today, m->feedback_days);
}

/* push - append task t at the next seq and index it in its party's stream */
int push(dsp *x, jrp_task *t)
{
	unsigned char k[48];
	mw w;
	int rc;
	if ((rc = next_seq(x, &t->seq)) != 0)
		return rc;
	mw_init(&w);
	task_encode(&w, t);
	rc = append(x, &w, t->seq);
	mw_free(&w);
	if (rc == 0)
		rc = kv_put(x->txn, x->db[DDB_ASTREAM], k, astream_key(k, t->agency, t->seq), "", 0, 0);
	return rc;
}

/* apply_tasks - the entry took effect: every measure that targets it, to each of its agencies */
static int apply_tasks(dsp *x, const jrp_change *ch)
{
	const jrp_standard *s = ch->standard[0] ? catalog_standard(x->cat, ch->standard) : NULL;
	jrp_task *t = xmalloc(sizeof *t);
	int rc = 0;

	for (size_t i = 0; rc == 0 && i < x->cat->nmeasures; i++) {
		const jrp_measure *m = &x->cat->measures[i];
		/* a legal representative's linked entry gets the measures that reach persons (落实到人) */
		if (!measure_applies(m, ch->list, s, 1u << ch->subject.type) || (ch->linked_to && !measure_reaches(m, ch->link_role)))
			continue;
		for (size_t a = 0; rc == 0 && a < m->nagencies; a++) {
			unsigned char k[160], v[8];
			task_of(x, ch, m->agencies[a], t);
			t->action = TA_APPLY;
			measure_of(x, m, t);
			if ((rc = push(x, t)) != 0)
				break;
			be64_put(v, t->seq);
			rc = kv_put(x->txn, x->db[DDB_ETASKS], k, etask_key(k, ch->entry, m->agencies[a], m->id), v, 8, 0);
		}
	}
	free(t);
	return rc;
}

/* applied_measure - the measure of an apply task, as the agency was told it: for a measure that
 * left the catalogue since (the agency must still be told to stop) */
int applied_measure(dsp *x, uint64_t seq, jrp_task *t)
{
	MDB_val v;
	jrp_rec *r;
	jrp_error e;
	void *owned = NULL;
	int rc;
	/* an apply task of an entry in force for years has long left LMDB: read from its archive */
	jrp_error_clear(&e);
	rc = x->log_read ? x->log_read(x->log_arg, x->txn, seq, &v, &owned, &e) : store_log_get(x->txn, x->db[DDB_OUT], seq, &v);
	if (rc) {
		if (x->err && e.code[0])
			*x->err = e;
		return rc;
	}
	r = xmalloc(sizeof *r);
	if (rec_decode_bytes(v.mv_data, v.mv_size, 1u << REC_TASK, false, r, &e) < 0) {
		free(r);
		free(owned);
		return JRP_ESTORE;
	}
	free(owned);
	t->cls = r->u.task.cls;
	str_copy(t->measure, sizeof t->measure, r->u.task.measure);
	str_copy(t->measure_name, sizeof t->measure_name, r->u.task.measure_name);
	t->measure_type = r->u.task.measure_type;
	str_copy(t->basis, sizeof t->basis, r->u.task.basis);
	t->nmatters = r->u.task.nmatters;
	memcpy(t->matters, r->u.task.matters, sizeof t->matters);
	free(r);
	return 0;
}

typedef struct applied {
	char agency[JRP_ID_MAX + 1], measure[JRP_MEASURE_MAX + 1];
	uint64_t seq;        /* its apply task */
} applied;

/* follow_tasks - every agency told to apply a measure for this entry gets `action` (stop, recall:
 * the entry is over and the index goes; suspend, resume, extend: it stays) */
static int follow_tasks(dsp *x, const jrp_change *ch, jrp_task_action action, jrp_exit_reason reason)
{
	bool ends = action == TA_STOP || action == TA_RECALL;
	applied *v = NULL;
	size_t n = 0, cap = 0;
	unsigned char k[8];
	MDB_cursor *c;
	MDB_val key, val;
	jrp_task *t;
	int rc;

	/* collect first (the index changes as we go), with no bound: every agency is told */
	be64_put(k, ch->entry);
	if ((rc = mdb_cursor_open(x->txn, x->db[DDB_ETASKS], &c)) != 0)
		return store_rc(rc);
	key.mv_data = k;
	key.mv_size = 8;
	for (rc = mdb_cursor_get(c, &key, &val, MDB_SET_RANGE); rc == 0; rc = mdb_cursor_get(c, &key, &val, MDB_NEXT)) {
		const char *agency;
		size_t alen, mlen;
		if (key.mv_size <= 9 || memcmp(key.mv_data, k, 8) != 0)
			break;
		if (n == cap)
			v = xrealloc(v, (cap = cap ? cap * 2 : 16) * sizeof *v);
		agency = (const char *)key.mv_data + 8;
		alen = strnlen(agency, key.mv_size - 8);
		mlen = key.mv_size - 9 - alen;
		snprintf(v[n].agency, sizeof v[n].agency, "%.*s", (int)alen, agency);
		snprintf(v[n].measure, sizeof v[n].measure, "%.*s", (int)mlen, agency + alen + 1);
		v[n].seq = val.mv_size == 8 ? be64_get(val.mv_data) : 0;
		n++;
	}
	mdb_cursor_close(c);
	if (rc != 0 && rc != MDB_NOTFOUND) {
		free(v);
		return store_rc(rc);
	}
	rc = 0;
	t = xmalloc(sizeof *t);
	for (size_t i = 0; rc == 0 && i < n; i++) {
		const jrp_measure *m = catalog_measure(x->cat, v[i].measure);
		unsigned char ek[160];
		task_of(x, ch, v[i].agency, t);
		t->action = action;
		t->reason = reason;
		if (m)
			measure_of(x, m, t);
		else if ((rc = applied_measure(x, v[i].seq, t)) != 0)
			break;
		/* suspension concerns punishments only [001 §(五)7] */
		if ((action == TA_SUSPEND || action == TA_RESUME) && t->measure_type == MT_REWARD)
			continue;
		if ((rc = push(x, t)) == 0 && ends)
			rc = kv_del(x->txn, x->db[DDB_ETASKS], ek, etask_key(ek, ch->entry, v[i].agency, v[i].measure));
	}
	free(t);
	free(v);
	return rc;
}

/* duty - a task for the identifying department (no measure); deadline: the change's decide_by */
static int duty(dsp *x, const jrp_change *ch, jrp_duty what)
{
	const jrp_party *p = parties_find(x->parties, ch->party);
	jrp_task *t;
	int rc;
	if (!p || !(p->roles & ROLE_DEPARTMENT))
		return 0;   /* derived entries (warning) have no identifying department: the office decides */
	t = xmalloc(sizeof *t);
	task_of(x, ch, ch->party, t);
	t->cls = CLASS_DUTY;
	t->duty = what;
	t->feedback_due = ch->decide_by;
	rc = push(x, t);
	free(t);
	return rc;
}

/* active_key - "subject NUL entry": the check's index of entries in force */
static size_t active_key(unsigned char *k, const jrp_change *ch)
{
	return astream_key(k, ch->subject.code, ch->entry);
}

int tasks_apply_change(dsp *x, jrp_change *ch, jrp_error *e)
{
	unsigned char k[64];
	size_t klen = active_key(k, ch);
	mw w;
	int rc;

	x->err = e;
	/* unknown standards are refused before anything is written: the record is kept for a retry
	 * once the catalogue knows it (a reload out of order) */
	if (ch->standard[0] && !catalog_standard(x->cat, ch->standard) && ch->action == CH_EFFECTIVE)
		return jrp_fail(e, JRP_ERR_UNKNOWN_STANDARD, "standard", "standard %s is not in catalogue %s: no measure can be chosen",
				ch->standard, x->cat->version);
	/* the change itself goes on, for feedback's statistics: a copy with dispatch's seq */
	ch->change_seq = ch->seq;
	if ((rc = next_seq(x, &ch->seq)) != 0)
		return rc;
	mw_init(&w);
	change_encode(&w, ch);
	if ((rc = append(x, &w, ch->seq)) != 0)
		goto out;
	switch (ch->action) {
	case CH_EFFECTIVE:
		if ((rc = kv_put(x->txn, x->db[DDB_ACTIVE], k, klen, mw_data(&w), mw_len(&w), 0)) == 0 &&
		    (rc = asof_note(x, ch, true)) == 0)
			rc = apply_tasks(x, ch);
		break;
	case CH_SUSPENDED:
	case CH_RESUMED: {
		/* the check shows the state of an entry in force (never one that is not); agencies
		 * suspend or resume their punishments */
		MDB_val cur;
		if ((rc = kv_get(x->txn, x->db[DDB_ACTIVE], k, klen, &cur)) == 0 &&
		    (rc = kv_put(x->txn, x->db[DDB_ACTIVE], k, klen, mw_data(&w), mw_len(&w), 0)) == 0)
			rc = asof_note(x, ch, true);
		else if (rc == JRP_ENOTFOUND)
			rc = 0;
		if (rc == 0)
			rc = follow_tasks(x, ch, ch->action == CH_SUSPENDED ? TA_SUSPEND : TA_RESUME, EXIT_NONE);
		break;
	}
	case CH_EXTENDED: {
		/* DOMAIN.md Life 4: a repeat offence extends the listing; an entry in force: the check
		 * shows the new end, and every agency applying a measure is told it */
		MDB_val cur;
		if ((rc = kv_get(x->txn, x->db[DDB_ACTIVE], k, klen, &cur)) == 0) {
			if ((rc = kv_put(x->txn, x->db[DDB_ACTIVE], k, klen, mw_data(&w), mw_len(&w), 0)) == 0 &&
			    (rc = asof_note(x, ch, true)) == 0)
				rc = follow_tasks(x, ch, TA_EXTEND, EXIT_NONE);
		} else if (rc == JRP_ENOTFOUND) {
			rc = 0;
		}
		break;
	}
	case CH_EXITED:
		if ((rc = kv_del(x->txn, x->db[DDB_ACTIVE], k, klen)) == 0 && (rc = asof_note(x, ch, false)) == 0)
			rc = follow_tasks(x, ch, TA_STOP, ch->exit_reason);
		break;
	case CH_REVOKED:
		/* DOMAIN.md Life 6: a wrong entry: stop punishments, recall a wrongly given reward [001 §(五)7] */
		if ((rc = kv_del(x->txn, x->db[DDB_ACTIVE], k, klen)) == 0 && (rc = asof_note(x, ch, false)) == 0)
			rc = follow_tasks(x, ch, ch->list == LIST_RED ? TA_RECALL : TA_STOP, EXIT_REVOKED);
		break;
	case CH_NOTICE_DUE:
		rc = duty(x, ch, DUTY_NOTICE);
		break;
	case CH_OBJECTION_FILED:
		rc = duty(x, ch, DUTY_VERIFY_OBJECTION);
		break;
	case CH_REPAIR_APPLIED:
		rc = duty(x, ch, DUTY_DECIDE_REPAIR);
		break;
	case CH_INTERVIEW_DUE:
		rc = duty(x, ch, DUTY_INTERVIEW);
		break;
	case CH_PROPOSED: case CH_NOTICED: case CH_OBJECTION_DECIDED: case CH_REPAIR_DECIDED:
	case CH_INTERVIEW_RECORDED: case CH_REFUSED: case CH__N:
		break;   /* nothing for agencies: feedback counts them, and closes duties */
	}
out:
	mw_free(&w);
	return rc;
}
