/*
 * lists.c - apply list standards to records and run each entry's deadlines
 *
 * DOMAIN.md "Lists" and "Life of an entry" [001 §(二), §(五)]: a record that
 * meets a standard of its domain proposes an entry; after the objection window
 * (working days, holiday calendar) it becomes effective; at the end of its
 * validity it exits by itself. Every change goes to the change log, which
 * dispatch turns into tasks. Deadlines sit in the "due" index ordered by time:
 * the tick reads only what is due, never all entries.
 */
#include "lists.h"
#include "clock.h"
#include "util/log.h"
#include <stdio.h>
#include <string.h>

#define TICK_BATCH 256

static int entry_put(jrp_daemon *d, MDB_txn *txn, const entry *en)
{
	unsigned char k[8];
	mw w;
	int rc;
	be64_put(k, en->id);
	mw_init(&w);
	entry_encode(en, &w);
	rc = kv_put(txn, daemon_dbi(d, DB_ENTRIES), k, 8, mw_data(&w), mw_len(&w), 0);
	mw_free(&w);
	return rc;
}

static int entry_get(jrp_daemon *d, MDB_txn *txn, uint64_t id, entry *en)
{
	unsigned char k[8];
	MDB_val v;
	int rc;
	be64_put(k, id);
	if ((rc = kv_get(txn, daemon_dbi(d, DB_ENTRIES), k, 8, &v)) != 0)
		return rc;
	return entry_decode(v.mv_data, v.mv_size, en);
}

static size_t subject_key(unsigned char *k, const char *code, uint64_t id)
{
	size_t n = strlen(code);
	memcpy(k, code, n);
	k[n] = 0;
	be64_put(k + n + 1, id);
	return n + 9;
}

static int due_put(jrp_daemon *d, MDB_txn *txn, int64_t at, uint64_t id, int action)
{
	unsigned char k[17];
	be64_put(k, (uint64_t)at);
	be64_put(k + 8, id);
	k[16] = (unsigned char)action;
	daemon_retick(d);
	return kv_put(txn, daemon_dbi(d, DB_DUE), k, 17, "", 0, 0);
}

/* emit - append a change for entry en to the change log */
static int emit(jrp_daemon *d, MDB_txn *txn, const entry *en, const char *action, const char *by, const char *reason)
{
	mw w;
	uint64_t seq;
	int rc;
	if ((rc = daemon_next_seq(d, txn, &seq)) != 0)
		return rc;
	mw_init(&w);
	mw_map(&w);
	mw_ku64(&w, "seq", seq);
	mw_kstr(&w, "kind", "change");
	mw_kstr(&w, "action", action);
	mw_ki64(&w, "at", clock_now_ms());
	mw_kstr(&w, "by", by);
	if (reason && reason[0])
		mw_kstr(&w, "reason", reason);
	mw_ku64(&w, "entry", en->id);
	mw_kstr(&w, "list", list_name(en->list));
	mw_kstr(&w, "standard", en->standard);
	mw_kstr(&w, "domain", en->domain);
	mw_kstr(&w, "party", en->party);
	mw_str(&w, "subject");
	mw_map(&w);
	mw_kstr(&w, "type", en->subject_type);
	mw_kstr(&w, "id_type", en->id_type);
	mw_kstr(&w, "code", en->code);
	mw_kstr(&w, "name", en->name);
	mw_end(&w);
	mw_ku64(&w, "record_seq", en->record_seq);
	mw_kstr(&w, "record_id", en->record_id);
	mw_kdate(&w, "decision_date", en->decision_date);
	if (en->valid_from)
		mw_kdate(&w, "valid_from", en->valid_from);
	mw_kdate(&w, "valid_until", en->valid_until);
	mw_kdate(&w, "objection_end", en->objection_end);
	mw_kstr(&w, "catalog_version", en->catalog_version);
	mw_end(&w);
	rc = daemon_append(d, txn, &w, NULL);
	mw_free(&w);
	log_info("event=list_change action=%s entry=%llu list=%s standard=%s subject=%s", action,
		 (unsigned long long)en->id, list_name(en->list), en->standard, en->code);
	return rc;
}

/* each_subject_entry - call fn for every entry of a subject; fn returns < 0 to stop with an error */
static int each_subject_entry(jrp_daemon *d, MDB_txn *txn, const char *code,
			      int (*fn)(jrp_daemon *d, MDB_txn *txn, entry *en, void *arg), void *arg)
{
	unsigned char k[48];
	size_t n = strlen(code) + 1;
	MDB_cursor *c;
	MDB_val key, val;
	entry en;
	int rc;

	memcpy(k, code, n);
	key.mv_data = k;
	key.mv_size = n;
	if ((rc = mdb_cursor_open(txn, daemon_dbi(d, DB_BY_SUBJECT), &c)) != 0)
		return store_rc(rc);
	for (rc = mdb_cursor_get(c, &key, &val, MDB_SET_RANGE); rc == 0;
	     rc = mdb_cursor_get(c, &key, &val, MDB_NEXT)) {
		int r;
		if (key.mv_size != n + 8 || memcmp(key.mv_data, k, n) != 0)
			break;
		if ((r = entry_get(d, txn, be64_get((unsigned char *)key.mv_data + n), &en)) != 0 ||
		    (r = fn(d, txn, &en, arg)) < 0) {
			mdb_cursor_close(c);
			return r;
		}
	}
	mdb_cursor_close(c);
	return rc == 0 || rc == MDB_NOTFOUND ? 0 : store_rc(rc);
}

/* ---- matching ---- */

static bool in_list(char **v, size_t n, const char *s)
{
	for (size_t i = 0; i < n; i++)
		if (strcmp(v[i], s) == 0)
			return true;
	return false;
}

/* standard_matches - DOMAIN.md Lists: identification follows a standard of the record's domain */
static bool standard_matches(const jrp_standard *s, const msgpack_object *rec)
{
	char kind[33], domain[33], stype[8], violation[65], rating[9], named[65];
	const msgpack_object *subj = obj_get(rec, "subject");
	const msgpack_object *amount = obj_get(rec, "amount");

	obj_cstr(rec, "kind", kind, sizeof kind);
	obj_cstr(rec, "domain", domain, sizeof domain);
	obj_cstr(subj, "type", stype, sizeof stype);
	obj_cstr(rec, "standard", named, sizeof named);
	if (strcmp(s->domain, domain) != 0 || !(s->subject_types & subject_type_parse(stype)))
		return false;
	if (named[0])   /* a determination, or a record naming its standard */
		return strcmp(named, s->id) == 0;
	if (strcmp(s->kind, kind) != 0)
		return false;
	if (s->nviolations && !in_list(s->violations, s->nviolations, obj_cstr(rec, "violation", violation, sizeof violation)))
		return false;
	if (s->min_amount >= 0 && (!amount || obj_i64(rec, "amount") < s->min_amount))
		return false;
	if (s->rating && strcmp(s->rating, obj_cstr(rec, "rating", rating, sizeof rating)) != 0)
		return false;
	return true;
}

typedef struct scan_arg {
	const char *standard;
	entry *found;          /* active entry under the same standard */
	bool on_black;         /* subject has an active black-list entry */
	bool found_any;
} scan_arg;

static int scan_fn(jrp_daemon *d, MDB_txn *txn, entry *en, void *arg)
{
	scan_arg *a = arg;
	if (!entry_active(en))
		return 0;
	if (en->list == LIST_BLACK)
		a->on_black = true;
	if (strcmp(en->standard, a->standard) == 0 && !a->found_any) {
		*a->found = *en;
		a->found_any = true;
	}
	return 0;
}

/* remove_red - DOMAIN.md Life 2: a red-list subject that is black- or focus-listed leaves red [001 §(五)6] */
static int remove_red_fn(jrp_daemon *d, MDB_txn *txn, entry *en, void *arg)
{
	const entry *cause = arg;
	char note[160];
	int rc;
	if (en->list != LIST_RED || !entry_active(en))
		return 0;
	snprintf(note, sizeof note, "subject entered the %s list (entry %llu)", list_name(cause->list),
		 (unsigned long long)cause->id);
	strcpy(en->state, "exited");
	strcpy(en->exit_reason, "removed_by_dishonesty");
	entry_history(en, clock_now_ms(), "removed", "adjudicate", cause->record_seq, note);
	if ((rc = entry_put(d, txn, en)) != 0)
		return rc;
	return emit(d, txn, en, "exited", "adjudicate", "removed_by_dishonesty");
}

static int make_effective(jrp_daemon *d, MDB_txn *txn, entry *en)
{
	int rc;
	strcpy(en->state, "effective");
	en->valid_from = clock_today();
	entry_history(en, clock_now_ms(), "effective", "adjudicate", 0, "objection window passed");
	if ((rc = entry_put(d, txn, en)) != 0 || (rc = emit(d, txn, en, "effective", "adjudicate", NULL)) != 0)
		return rc;
	if (en->list == LIST_BLACK || en->list == LIST_FOCUS)
		if ((rc = each_subject_entry(d, txn, en->code, remove_red_fn, en)) != 0)
			return rc;
	return due_put(d, txn, ms_of_date(en->valid_until + 1), en->id, DUE_EXPIRE);
}

static int identify(jrp_daemon *d, MDB_txn *txn, uint64_t seq, const msgpack_object *ev, const msgpack_object *rec,
		    const jrp_standard *s)
{
	const jrp_catalog *cat = daemon_catalog(d);
	const msgpack_object *subj = obj_get(rec, "subject");
	entry en, same;
	scan_arg sa = { s->id, &same, false, false };
	char buf[16], note[160];
	jrp_date today = clock_today();
	uint64_t id;
	unsigned char sk[48];
	int rc;

	memset(&en, 0, sizeof en);
	obj_cstr(subj, "code", en.code, sizeof en.code);
	if ((rc = each_subject_entry(d, txn, en.code, scan_fn, &sa)) != 0)
		return rc;
	if (sa.found_any) {
		/* one entry per subject and standard: a further record joins its history */
		snprintf(note, sizeof note, "record %s", obj_cstr(rec, "record_id", buf, sizeof buf));
		entry_history(&same, clock_now_ms(), "record_attached", obj_cstr(ev, "party", buf, sizeof buf), seq, note);
		return entry_put(d, txn, &same);
	}
	if ((rc = meta_add(txn, daemon_dbi(d, DB_META), "next_entry", 1, &id)) != 0)
		return rc;
	en.id = id;
	en.list = s->list;
	strcpy(en.state, "proposed");
	snprintf(en.standard, sizeof en.standard, "%s", s->id);
	snprintf(en.domain, sizeof en.domain, "%s", s->domain);
	obj_cstr(ev, "party", en.party, sizeof en.party);
	obj_cstr(subj, "type", en.subject_type, sizeof en.subject_type);
	obj_cstr(subj, "id_type", en.id_type, sizeof en.id_type);
	obj_cstr(subj, "name", en.name, sizeof en.name);
	en.record_seq = seq;
	obj_cstr(rec, "record_id", en.record_id, sizeof en.record_id);
	obj_cstr(rec, "decision_date", buf, sizeof buf);
	date_parse(buf, strlen(buf), &en.decision_date);
	en.identified_on = today;
	/* DOMAIN.md Life 7 [national]: publication/validity counted from the decision date */
	en.valid_until = date_add_period(en.decision_date, s->validity) - 1;
	en.objection_end = calendar_add_workdays(cat->cal, today, s->objection_days);
	snprintf(en.catalog_version, sizeof en.catalog_version, "%s", cat->version);
	snprintf(note, sizeof note, "standard %s, objection window %d working days", s->id, s->objection_days);
	entry_history(&en, clock_now_ms(), "identified", en.party, seq, note);

	if ((rc = kv_put(txn, daemon_dbi(d, DB_BY_SUBJECT), sk, subject_key(sk, en.code, en.id), "", 0, 0)) != 0)
		return rc;
	if (s->list == LIST_RED && sa.on_black) {
		/* DOMAIN.md Life 2: a subject on the black list never enters the red list [001 §(二)2] */
		strcpy(en.state, "refused");
		strcpy(en.exit_reason, "on_black_list");
		entry_history(&en, clock_now_ms(), "refused", "adjudicate", seq, "subject is on the black list");
		if ((rc = entry_put(d, txn, &en)) != 0)
			return rc;
		return emit(d, txn, &en, "refused", "adjudicate", "on_black_list");
	}
	if (en.valid_until < today) {
		strcpy(en.state, "refused");
		strcpy(en.exit_reason, "validity_over");
		entry_history(&en, clock_now_ms(), "refused", "adjudicate", seq, "validity already ended");
		if ((rc = entry_put(d, txn, &en)) != 0)
			return rc;
		return emit(d, txn, &en, "refused", "adjudicate", "validity_over");
	}
	if ((rc = entry_put(d, txn, &en)) != 0 || (rc = emit(d, txn, &en, "proposed", en.party, NULL)) != 0)
		return rc;
	if (s->objection_days == 0)
		return make_effective(d, txn, &en);
	/* effective at the start of the day after the window's last working day */
	return due_put(d, txn, ms_of_date(en.objection_end + 1), en.id, DUE_EFFECTIVE);
}

int lists_apply_event(jrp_daemon *d, MDB_txn *txn, uint64_t seq, const msgpack_object *ev, jrp_error *e)
{
	const jrp_catalog *cat = daemon_catalog(d);
	const msgpack_object *rec = obj_get(ev, "record");
	int rc;
	if (!obj_str_eq(obj_get(ev, "kind"), "record") || !rec)
		return jrp_fail(e, JRP_ERR_BAD_MESSAGE, "kind", "not a record event");
	for (size_t i = 0; i < cat->nstandards; i++)
		if (standard_matches(&cat->standards[i], rec))
			if ((rc = identify(d, txn, seq, ev, rec, &cat->standards[i])) != 0)
				return rc;
	return 0;
}

/* ---- deadlines ---- */

static int run_due(jrp_daemon *d, MDB_txn *txn, uint64_t id, int action)
{
	entry en;
	int rc = entry_get(d, txn, id, &en);
	if (rc == JRP_ENOTFOUND)
		return 0;
	if (rc)
		return rc;
	if (action == DUE_EFFECTIVE && strcmp(en.state, "proposed") == 0) {
		if (clock_today() > en.valid_until)
			action = DUE_EXPIRE;
		else
			return make_effective(d, txn, &en);
	}
	if (action == DUE_EXPIRE && entry_active(&en)) {
		/* DOMAIN.md Life 8: automatic exit at the end of validity [001 §(五)6] */
		strcpy(en.state, "exited");
		strcpy(en.exit_reason, "expired");
		entry_history(&en, clock_now_ms(), "exited", "adjudicate", 0, "validity ended");
		if ((rc = entry_put(d, txn, &en)) != 0)
			return rc;
		return emit(d, txn, &en, "exited", "adjudicate", "expired");
	}
	return 0;
}

int lists_tick(jrp_daemon *d, MDB_txn *txn, int64_t now, int64_t *next_due)
{
	MDB_cursor *c;
	MDB_val k, v;
	int n = 0, rc;

	*next_due = INT64_MAX;
	if ((rc = mdb_cursor_open(txn, daemon_dbi(d, DB_DUE), &c)) != 0)
		return store_rc(rc);
	while ((rc = mdb_cursor_get(c, &k, &v, MDB_FIRST)) == 0) {
		const unsigned char *p = k.mv_data;
		int64_t at = (int64_t)be64_get(p);
		if (k.mv_size != 17) {
			mdb_cursor_del(c, 0);
			continue;
		}
		if (at > now) {
			*next_due = at;
			break;
		}
		if (n == TICK_BATCH) {
			*next_due = at;
			mdb_cursor_close(c);
			return 1;
		}
		uint64_t id = be64_get(p + 8);
		int action = p[16];
		if ((rc = mdb_cursor_del(c, 0)) != 0)
			break;
		if ((rc = run_due(d, txn, id, action)) != 0) {
			mdb_cursor_close(c);
			return rc;
		}
		n++;
	}
	mdb_cursor_close(c);
	return rc == 0 || rc == MDB_NOTFOUND ? 0 : store_rc(rc);
}

/* ---- queries ---- */

static int subject_fn(jrp_daemon *d, MDB_txn *txn, entry *en, void *arg)
{
	entry_encode(en, arg);
	return 0;
}

int lists_subject(jrp_daemon *d, MDB_txn *txn, const char *code, mw *out)
{
	int rc;
	mw_arr(out);
	rc = each_subject_entry(d, txn, code, subject_fn, out);
	mw_end(out);
	return rc;
}
