/*
 * tasks.c - turn list changes into tasks per measure per executing agency
 *
 * DOMAIN.md "Trigger, response, feedback" [001 §(五)1-2] and "Measures"
 * [001 §(五)3]: when an entry becomes effective, every measure of the
 * catalogue in force that targets its list, domain and subject type is pushed
 * to each of the measure's executing agencies (apply); when it exits, every
 * agency that was told to apply is told to stop. Each agency's stream is an
 * index (agency, seq) over the one outbound log, which feedback also pulls.
 */
#include "dispatch.h"
#include "clock.h"
#include "proto.h"
#include "util/log.h"
#include "util/xalloc.h"
#include <stdlib.h>
#include <stdio.h>
#include <string.h>

void copy_with_seq(mw *w, const msgpack_object *rec, uint64_t seq, const char *upstream_key)
{
	mw_map(w);
	mw_ku64(w, "seq", seq);
	for (uint32_t i = 0; i < rec->via.map.size; i++) {
		const msgpack_object_kv *kv = &rec->via.map.ptr[i];
		if (obj_str_eq(&kv->key, "seq")) {
			mw_str(w, upstream_key);
			mw_obj(w, &kv->val);
		} else {
			mw_obj(w, &kv->key);
			mw_obj(w, &kv->val);
		}
	}
	mw_end(w);
}

static size_t astream_key(unsigned char *k, const char *agency, uint64_t seq)
{
	size_t n = strlen(agency);
	memcpy(k, agency, n);
	k[n] = 0;
	be64_put(k + n + 1, seq);
	return n + 9;
}

static size_t active_key(unsigned char *k, const char *code, uint64_t entry)
{
	return astream_key(k, code, entry);
}

static size_t etask_key(unsigned char *k, uint64_t entry, const char *agency, const char *measure)
{
	size_t a = strlen(agency), m = strlen(measure);
	be64_put(k, entry);
	memcpy(k + 8, agency, a);
	k[8 + a] = 0;
	memcpy(k + 9 + a, measure, m);
	return 9 + a + m;
}

/* push - append one task for one party and index it in the party's stream; m is NULL for a
 * department's duty (notice, verify an objection, decide a repair, hold an interview) */
static int push(jrp_daemon *d, MDB_txn *txn, const msgpack_object *ch, const jrp_measure *m, const char *agency,
		const char *action, const char *reason, uint64_t *seq_out)
{
	const jrp_catalog *cat = daemon_catalog(d);
	const jrp_standard *s;
	char standard[65], basis[512];
	unsigned char k[48];
	uint64_t seq;
	mw w;
	int rc;

	if ((rc = daemon_next_seq(d, txn, &seq)) != 0)
		return rc;
	s = catalog_standard(cat, obj_cstr(ch, "standard", standard, sizeof standard));
	mw_init(&w);
	mw_map(&w);
	mw_ku64(&w, "seq", seq);
	mw_kstr(&w, "kind", "task");
	mw_ku64(&w, "task", seq);
	mw_kstr(&w, "action", action);
	if (reason && reason[0])
		mw_kstr(&w, "reason", reason);
	mw_kstr(&w, "agency", agency);
	mw_ki64(&w, "at", clock_now_ms());
	if (m) {
		mw_kstr(&w, "measure", m->id);
		mw_kstr(&w, "measure_name", m->name);
		mw_kstr(&w, "class", m->mandatory ? "mandatory" : "recommended");
		mw_kstr(&w, "measure_type", m->reward ? "reward" : "punishment");
		snprintf(basis, sizeof basis, "%s %s", m->basis_law ? m->basis_law : "", m->basis_articles ? m->basis_articles : "");
		mw_kstr(&w, "basis", basis);
		mw_str(&w, "matters");
		mw_arr(&w);
		for (size_t i = 0; i < m->nmatters; i++)
			mw_str(&w, m->matters[i]);
		mw_end(&w);
	} else {
		mw_kstr(&w, "class", "duty");
	}
	mw_ku64(&w, "entry", obj_u64(ch, "entry"));
	mw_kobj(&w, "list", obj_get(ch, "list"));
	mw_kstr(&w, "standard", standard);
	if (s)
		mw_kstr(&w, "standard_name", s->name);
	mw_kobj(&w, "domain", obj_get(ch, "domain"));
	mw_kobj(&w, "party", obj_get(ch, "party"));
	mw_kobj(&w, "subject", obj_get(ch, "subject"));
	if (obj_get(ch, "linked_to")) {
		mw_kobj(&w, "linked_to", obj_get(ch, "linked_to"));
		mw_kobj(&w, "link_role", obj_get(ch, "link_role"));
	}
	if (obj_get(ch, "valid_from"))
		mw_kobj(&w, "valid_from", obj_get(ch, "valid_from"));
	mw_kobj(&w, "valid_until", obj_get(ch, "valid_until"));
	if (obj_get(ch, "interview"))
		mw_kobj(&w, "interview", obj_get(ch, "interview"));
	if (obj_get(ch, "note"))
		mw_kobj(&w, "note", obj_get(ch, "note"));
	mw_kstr(&w, "catalog_version", cat->version);
	if (!m && obj_get(ch, "decide_by"))
		mw_kobj(&w, "feedback_due", obj_get(ch, "decide_by"));
	else if (m && m->feedback_days > 0)
		mw_kdate(&w, "feedback_due", calendar_add_workdays(cat->cal, clock_today(), m->feedback_days));
	mw_end(&w);
	rc = daemon_append(d, txn, &w, NULL);
	mw_free(&w);
	if (rc == 0)
		rc = kv_put(txn, daemon_dbi(d, DB_ASTREAM), k, astream_key(k, agency, seq), "", 0, 0);
	if (seq_out)
		*seq_out = seq;
	return rc;
}

static int apply_tasks(jrp_daemon *d, MDB_txn *txn, const msgpack_object *ch)
{
	const jrp_catalog *cat = daemon_catalog(d);
	char standard[65], list[16], stype[8];
	const msgpack_object *subj = obj_get(ch, "subject");
	const jrp_standard *s = catalog_standard(cat, obj_cstr(ch, "standard", standard, sizeof standard));
	int l = list_parse(obj_cstr(ch, "list", list, sizeof list));
	unsigned st = subject_type_parse(obj_cstr(subj, "type", stype, sizeof stype));
	uint64_t entry = obj_u64(ch, "entry");
	int rc;

	bool linked = obj_get(ch, "linked_to") != NULL;

	if ((!s && l != LIST_WARNING) || l < 0) {
		log_error("event=no_standard entry=%llu standard=%s catalog=%s", (unsigned long long)entry, standard,
			  cat->version);
		return 0;
	}
	for (size_t i = 0; i < cat->nmeasures; i++) {
		const jrp_measure *m = &cat->measures[i];
		/* a legal representative's linked entry gets the measures that reach persons (落实到人) */
		if (!measure_applies(m, (jrp_list)l, s, st) || (linked && !m->persons))
			continue;
		for (size_t a = 0; a < m->nagencies; a++) {
			unsigned char k[160], v[8];
			uint64_t seq;
			if ((rc = push(d, txn, ch, m, m->agencies[a], "apply", NULL, &seq)) != 0)
				return rc;
			be64_put(v, seq);
			if ((rc = kv_put(txn, daemon_dbi(d, DB_ETASKS), k, etask_key(k, entry, m->agencies[a], m->id), v, 8, 0)) != 0)
				return rc;
		}
	}
	return 0;
}

/* follow_tasks - every agency told to apply a measure for this entry gets `action`
 * (stop, recall: the entry is over and the index goes; suspend, resume: it stays) */
static int follow_tasks(jrp_daemon *d, MDB_txn *txn, const msgpack_object *ch, const char *action, const char *reason)
{
	const jrp_catalog *cat = daemon_catalog(d);
	uint64_t entry = obj_u64(ch, "entry");
	unsigned char k[8];
	MDB_cursor *c;
	MDB_val key, val;
	int rc;

	bool ends = strcmp(action, "stop") == 0 || strcmp(action, "recall") == 0;
	struct pair { char ag[40], mid[72]; } *pairs = NULL;
	size_t n = 0, cap = 0;

	/* collect first (the index changes as we go), with no bound: every agency is told */
	be64_put(k, entry);
	if ((rc = mdb_cursor_open(txn, daemon_dbi(d, DB_ETASKS), &c)) != 0)
		return store_rc(rc);
	key.mv_data = k;
	key.mv_size = 8;
	for (rc = mdb_cursor_get(c, &key, &val, MDB_SET_RANGE); rc == 0; rc = mdb_cursor_get(c, &key, &val, MDB_NEXT)) {
		const char *agency;
		size_t alen;
		if (key.mv_size <= 9 || memcmp(key.mv_data, k, 8) != 0)
			break;
		if (n == cap)
			pairs = xrealloc(pairs, (cap = cap ? cap * 2 : 16) * sizeof *pairs);
		agency = (const char *)key.mv_data + 8;
		alen = strnlen(agency, key.mv_size - 8);
		snprintf(pairs[n].ag, sizeof pairs[n].ag, "%.*s", (int)alen, agency);
		snprintf(pairs[n].mid, sizeof pairs[n].mid, "%.*s", (int)(key.mv_size - 9 - alen), agency + alen + 1);
		n++;
	}
	mdb_cursor_close(c);
	if (rc != 0 && rc != MDB_NOTFOUND) {
		free(pairs);
		return store_rc(rc);
	}
	rc = 0;
	for (size_t i = 0; rc == 0 && i < n; i++) {
		const jrp_measure *m = catalog_measure(cat, pairs[i].mid);
		jrp_measure gone;
		unsigned char ek[160];
		if (!m) {
			/* the measure left the catalogue since: the agency is still told */
			memset(&gone, 0, sizeof gone);
			gone.id = gone.name = pairs[i].mid;
			m = &gone;
		}
		/* suspension concerns punishments only [001 §(五)7] */
		if ((strcmp(action, "suspend") == 0 || strcmp(action, "resume") == 0) && m->reward)
			continue;
		if ((rc = push(d, txn, ch, m, pairs[i].ag, action, reason, NULL)) == 0 && ends)
			rc = kv_del(txn, daemon_dbi(d, DB_ETASKS), ek, etask_key(ek, entry, pairs[i].ag, pairs[i].mid));
	}
	free(pairs);
	return rc;
}


/* duty - a task for the identifying department (no measure) */
static int duty(jrp_daemon *d, MDB_txn *txn, const msgpack_object *ch, const char *action)
{
	char party[40];
	const jrp_party *p = parties_find(daemon_parties(d), obj_cstr(ch, "party", party, sizeof party));
	if (!p || !(p->roles & ROLE_DEPARTMENT))
		return 0;   /* derived entries (warning) have no identifying department: the office decides */
	return push(d, txn, ch, NULL, party, action, NULL, NULL);
}

int tasks_apply_change(jrp_daemon *d, MDB_txn *txn, uint64_t upseq, const msgpack_object *ch, jrp_error *e)
{
	char action[24], reason[40], code[40], list[16];
	const msgpack_object *subj = obj_get(ch, "subject");
	uint64_t entry = obj_u64(ch, "entry"), seq;
	unsigned char k[64];
	size_t klen;
	mw w;
	int rc;

	if (!obj_str_eq(obj_get(ch, "kind"), "change"))
		return jrp_fail(e, JRP_ERR_BAD_MESSAGE, "kind", "not a change record");
	obj_cstr(ch, "action", action, sizeof action);
	obj_cstr(ch, "reason", reason, sizeof reason);
	obj_cstr(ch, "list", list, sizeof list);
	obj_cstr(subj, "code", code, sizeof code);
	klen = active_key(k, code, entry);
	/* the change itself goes on, for feedback's statistics */
	if ((rc = daemon_next_seq(d, txn, &seq)) != 0)
		return rc;
	mw_init(&w);
	copy_with_seq(&w, ch, seq, "change_seq");
	if ((rc = daemon_append(d, txn, &w, NULL)) != 0)
		goto out;
	if (strcmp(action, "effective") == 0) {
		if ((rc = kv_put(txn, daemon_dbi(d, DB_ACTIVE), k, klen, mw_data(&w), mw_len(&w), 0)) == 0)
			rc = apply_tasks(d, txn, ch);
	} else if (strcmp(action, "suspended") == 0 || strcmp(action, "resumed") == 0) {
		/* the check shows the state; agencies suspend or resume their punishments */
		if ((rc = kv_put(txn, daemon_dbi(d, DB_ACTIVE), k, klen, mw_data(&w), mw_len(&w), 0)) == 0)
			rc = follow_tasks(d, txn, ch, action[0] == 's' ? "suspend" : "resume", action);
	} else if (strcmp(action, "exited") == 0) {
		if ((rc = kv_del(txn, daemon_dbi(d, DB_ACTIVE), k, klen)) == 0)
			rc = follow_tasks(d, txn, ch, "stop", reason[0] ? reason : action);
	} else if (strcmp(action, "revoked") == 0) {
		/* DOMAIN.md Life 6: a wrong entry: stop punishments, recall a wrongly given reward [001 §(五)7] */
		if ((rc = kv_del(txn, daemon_dbi(d, DB_ACTIVE), k, klen)) == 0)
			rc = follow_tasks(d, txn, ch, strcmp(list, "red") == 0 ? "recall" : "stop", "revoked");
	} else if (strcmp(action, "notice_due") == 0) {
		rc = duty(d, txn, ch, "notice");
	} else if (strcmp(action, "objection_filed") == 0) {
		rc = duty(d, txn, ch, "verify_objection");
	} else if (strcmp(action, "repair_applied") == 0) {
		rc = duty(d, txn, ch, "decide_repair");
	} else if (strcmp(action, "interview_due") == 0) {
		rc = duty(d, txn, ch, "interview");
	}
out:
	mw_free(&w);
	return rc;
}

/* ---- the agency's stream ---- */

static int acked(jrp_daemon *d, MDB_txn *txn, const char *agency, uint64_t *v)
{
	MDB_val val;
	int rc = kv_get(txn, daemon_dbi(d, DB_ACKS), agency, strlen(agency), &val);
	*v = 0;
	if (rc == JRP_ENOTFOUND)
		return 0;
	if (rc == 0 && val.mv_size == 8)
		*v = be64_get(val.mv_data);
	return rc;
}

int tasks_h_fetch(jrp_daemon *d, jrp_req *r, MDB_txn *txn, mw *out, jrp_error *e)
{
	const char *agency = r->party->id;
	uint64_t after = 0, max = 100, wait = 0, ack, cursor;
	unsigned char k[48];
	size_t plen = strlen(agency) + 1, n = 0;
	MDB_cursor *c;
	MDB_val key, val;
	int rc, has_after;

	if ((has_after = mr_u64(&r->body, "after", MR_OPT, &after)) < 0 ||
	    (rc = mr_u64(&r->body, "max", MR_OPT, &max)) < 0 || (rc = mr_u64(&r->body, "wait_ms", MR_OPT, &wait)) < 0)
		return has_after < 0 ? has_after : rc;
	if (max < 1 || max > JRP_MAX_FETCH)
		return mr_fail_value(&r->body, "max", "must be 1..%d", JRP_MAX_FETCH);
	if (wait > JRP_MAX_WAIT_MS)
		return mr_fail_value(&r->body, "wait_ms", "must be at most %d", JRP_MAX_WAIT_MS);
	if ((rc = acked(d, txn, agency, &ack)) != 0)
		return rc;
	if (!has_after)
		after = ack;   /* from the agency's own stored cursor */
	cursor = after;
	if ((rc = mdb_cursor_open(txn, daemon_dbi(d, DB_ASTREAM), &c)) != 0)
		return store_rc(rc);
	key.mv_data = k;
	key.mv_size = astream_key(k, agency, after == UINT64_MAX ? after : after + 1);
	rc = mdb_cursor_get(c, &key, &val, MDB_SET_RANGE);
	bool any = rc == 0 && key.mv_size == plen + 8 && memcmp(key.mv_data, agency, plen) == 0;
	if (!any && wait > 0 && !r->final) {
		mdb_cursor_close(c);
		if (!r->wait_until)
			r->wait_until = clock_real_ms() + (int64_t)wait;
		return DAEMON_PARK;
	}
	mw_kstr(out, "agency", agency);
	mw_str(out, "tasks");
	mw_arr(out);
	for (; rc == 0 && n < max; rc = mdb_cursor_get(c, &key, &val, MDB_NEXT), n++) {
		MDB_val t;
		if (key.mv_size != plen + 8 || memcmp(key.mv_data, agency, plen) != 0)
			break;
		cursor = be64_get((unsigned char *)key.mv_data + plen);
		if ((rc = log_get(txn, daemon_dbi(d, DB_OUT), cursor, &t)) != 0) {
			mdb_cursor_close(c);
			return rc;
		}
		mw_raw(out, t.mv_data, t.mv_size);
	}
	mdb_cursor_close(c);
	mw_end(out);
	mw_ku64(out, "cursor", cursor);
	mw_ku64(out, "acked", ack);
	return 0;
}

int tasks_h_ack(jrp_daemon *d, jrp_req *r, MDB_txn *txn, mw *out, jrp_error *e)
{
	const char *agency = r->party->id;
	uint64_t upto, ack;
	unsigned char k[48], v[8];
	MDB_val val;
	int rc;

	if ((rc = mr_u64(&r->body, "upto", MR_REQ, &upto)) < 0 || (rc = mr_end(&r->body)) < 0 ||
	    (rc = acked(d, txn, agency, &ack)) != 0)
		return rc;
	if (upto > ack) {
		rc = kv_get(txn, daemon_dbi(d, DB_ASTREAM), k, astream_key(k, agency, upto), &val);
		if (rc == JRP_ENOTFOUND)
			return mr_fail_value(&r->body, "upto", "%llu is not a task of %s's stream",
					     (unsigned long long)upto, agency);
		if (rc)
			return rc;
		be64_put(v, upto);
		if ((rc = kv_put(txn, daemon_dbi(d, DB_ACKS), agency, strlen(agency), v, 8, 0)) != 0)
			return rc;
		ack = upto;
	}
	mw_kstr(out, "agency", agency);
	mw_ku64(out, "acked", ack);
	return 0;
}
