/*
 * lists.c - apply list standards to records and run each entry's life
 *
 * DOMAIN.md "Lists" and "Life of an entry" [001 §(二), §(四), §(五)]: a record
 * that meets a standard of its domain proposes an entry; natural persons (and
 * standards that say so) are notified first and the objection window runs
 * from the notice; after the window (working days, holiday calendar) the
 * entry is effective; it exits at the end of its validity, on approved
 * repair, on a successful objection (revoked), when the catalogue changes so
 * that it no longer fits, or by the cross-checks. The cross-checks and derived
 * entries live here too: red never beside black, red leaves on dishonesty,
 * focus escalates to black, focus in three key domains makes a warning entry,
 * a black-list exit leaves the subject on the focus list, an organisation's
 * entry reaches its legal representative and responsible persons.
 *
 * Every change goes to the change log (dispatch turns it into tasks) with the
 * party that caused it. Deadlines sit in the "due" index ordered by time: the
 * tick reads only what is due, never all entries.
 */
#include "lists.h"
#include "clock.h"
#include "util/log.h"
#include "util/vec.h"
#include <stdio.h>
#include <string.h>

#define TICK_BATCH 1024
#define REEVALUATE_LISTED 1000

/* ---- store and indexes ---- */

int entry_store(jrp_daemon *d, MDB_txn *txn, const entry *en)
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

int entry_load(jrp_daemon *d, MDB_txn *txn, uint64_t id, entry *en)
{
	unsigned char k[8];
	MDB_val v;
	int rc;
	be64_put(k, id);
	if ((rc = kv_get(txn, daemon_dbi(d, DB_ENTRIES), k, 8, &v)) != 0)
		return rc;
	return entry_decode(v.mv_data, v.mv_size, en);
}

/* str_id_key - "text NUL id" keys of the subject and standard indexes */
static size_t str_id_key(unsigned char *k, const char *s, uint64_t id)
{
	size_t n = strlen(s);
	memcpy(k, s, n);
	k[n] = 0;
	be64_put(k + n + 1, id);
	return n + 9;
}

static int index_entry(jrp_daemon *d, MDB_txn *txn, const entry *en)
{
	unsigned char k[80];
	int rc;
	if ((rc = kv_put(txn, daemon_dbi(d, DB_BY_SUBJECT), k, str_id_key(k, en->code, en->id), "", 0, 0)) != 0)
		return rc;
	if (en->standard[0] &&
	    (rc = kv_put(txn, daemon_dbi(d, DB_BY_STANDARD), k, str_id_key(k, en->standard, en->id), "", 0, 0)) != 0)
		return rc;
	if (en->linked_to) {
		be64_put(k, en->linked_to);
		be64_put(k + 8, en->id);
		rc = kv_put(txn, daemon_dbi(d, DB_LINKS), k, 16, "", 0, 0);
	}
	return rc;
}

int due_put(jrp_daemon *d, MDB_txn *txn, int64_t at, uint64_t id, int action)
{
	unsigned char k[17];
	be64_put(k, (uint64_t)at);
	be64_put(k + 8, id);
	k[16] = (unsigned char)action;
	daemon_retick(d);
	return kv_put(txn, daemon_dbi(d, DB_DUE), k, 17, "", 0, 0);
}

int emit(jrp_daemon *d, MDB_txn *txn, const entry *en, const char *action, const char *by, const change_opt *o)
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
	if (o && o->reason)
		mw_kstr(&w, "reason", o->reason);
	if (o && o->note && o->note[0])
		mw_kstr(&w, "note", o->note);
	if (o && o->interview)
		mw_kstr(&w, "interview", o->interview);
	if (o && o->decide_by)
		mw_kdate(&w, "decide_by", o->decide_by);
	if (o && o->restoration)
		mw_kbool(&w, "restoration", true);
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
	if (en->linked_to) {
		mw_ku64(&w, "linked_to", en->linked_to);
		mw_kstr(&w, "link_role", en->link_role);
	}
	if (en->derived[0])
		mw_kstr(&w, "derived", en->derived);
	if (en->suspended)
		mw_kbool(&w, "suspended", true);
	mw_ku64(&w, "record_seq", en->record_seq);
	mw_kstr(&w, "record_id", en->record_id);
	mw_kdate(&w, "decision_date", en->decision_date);
	if (en->valid_from)
		mw_kdate(&w, "valid_from", en->valid_from);
	mw_kdate(&w, "valid_until", en->valid_until);
	if (en->objection_end)
		mw_kdate(&w, "objection_end", en->objection_end);
	mw_kstr(&w, "catalog_version", en->catalog_version);
	mw_end(&w);
	rc = daemon_append(d, txn, &w, NULL);
	mw_free(&w);
	log_debug("event=list_change action=%s entry=%llu list=%s standard=%s subject=%s by=%s%s%s", action,
		 (unsigned long long)en->id, list_name(en->list), en->standard, en->code, by,
		 o && o->reason ? " reason=" : "", o && o->reason ? o->reason : "");
	return rc;
}

static int collect(void *arg, const unsigned char *rest, size_t n, const MDB_val *val)
{
	if (n == 8)
		u64vec_push(arg, be64_get(rest));
	return 0;
}

/* each_in - fn for every entry whose id follows prefix in index dbi; the ids are collected
 * first, because fn may write to the index being walked */
static int each_in(jrp_daemon *d, MDB_txn *txn, int dbi, const void *prefix, size_t plen,
		   int (*fn)(jrp_daemon *d, MDB_txn *txn, entry *en, void *arg), void *arg)
{
	u64vec x = { 0 };
	int rc = kv_prefix_each(txn, daemon_dbi(d, dbi), prefix, plen, SIZE_MAX, collect, &x);
	for (size_t i = 0; rc == 0 && i < x.n; i++) {
		entry en;
		if ((rc = entry_load(d, txn, x.v[i], &en)) == 0)
			rc = fn(d, txn, &en, arg);
	}
	u64vec_free(&x);
	return rc < 0 ? rc : 0;
}

int each_subject_entry(jrp_daemon *d, MDB_txn *txn, const char *code,
		       int (*fn)(jrp_daemon *d, MDB_txn *txn, entry *en, void *arg), void *arg)
{
	return each_in(d, txn, DB_BY_SUBJECT, code, strlen(code) + 1, fn, arg);
}

/* each_linked - fn for every person entry linked to organisation entry id */
static int each_linked(jrp_daemon *d, MDB_txn *txn, uint64_t id,
		       int (*fn)(jrp_daemon *d, MDB_txn *txn, entry *en, void *arg), void *arg)
{
	unsigned char k[8];
	be64_put(k, id);
	return each_in(d, txn, DB_LINKS, k, 8, fn, arg);
}

static const jrp_standard *standard_of(jrp_daemon *d, const entry *en)
{
	return en->standard[0] ? catalog_standard(daemon_catalog(d), en->standard) : NULL;
}

/* ---- creating entries ---- */

static int new_id(jrp_daemon *d, MDB_txn *txn, uint64_t *id)
{
	return meta_add(txn, daemon_dbi(d, DB_META), "next_entry", 1, id);
}

int lists_schedule_effective(jrp_daemon *d, MDB_txn *txn, entry *en)
{
	const jrp_catalog *cat = daemon_catalog(d);
	const jrp_standard *s = standard_of(d, en);
	int days = s ? s->objection_days : 0;
	jrp_date from = en->notice_required ? en->notice_date : en->identified_on;
	en->objection_end = calendar_add_workdays(cat->cal, from, days);
	/* effective at the start of the day after the window's last working day */
	return due_put(d, txn, days ? ms_of_date(en->objection_end + 1) : clock_now_ms(), en->id, DUE_EFFECTIVE);
}

/* propose - store a new entry and start its life; en is filled but for id and dates */
static int propose(jrp_daemon *d, MDB_txn *txn, entry *en, const char *by, uint64_t seq)
{
	const jrp_standard *s = standard_of(d, en);
	char note[160];
	int rc;

	if ((rc = new_id(d, txn, &en->id)) != 0)
		return rc;
	en->identified_on = clock_today();
	snprintf(en->catalog_version, sizeof en->catalog_version, "%s", daemon_catalog(d)->version);
	strcpy(en->state, "proposed");
	/* DOMAIN.md Life 1: natural persons must be notified before listing [001 §(二)2] */
	en->notice_required = (s && s->notice) || strcmp(en->subject_type, "person") == 0;
	snprintf(note, sizeof note, "standard %s, objection window %d working days%s", en->standard,
		 s ? s->objection_days : 0, en->notice_required ? " from the notice" : "");
	entry_history(en, clock_now_ms(), "identified", by, seq, note);
	if (!en->notice_required && (rc = lists_schedule_effective(d, txn, en)) != 0)
		return rc;
	if ((rc = index_entry(d, txn, en)) != 0 || (rc = entry_store(d, txn, en)) != 0 ||
	    (rc = emit(d, txn, en, "proposed", by, NULL)) != 0)
		return rc;
	if (en->notice_required) {
		change_opt o = { .note = "notify the subject before listing; report the notice date (entry.notice)" };
		return emit(d, txn, en, "notice_due", "adjudicate", &o);
	}
	return 0;
}

static int refuse(jrp_daemon *d, MDB_txn *txn, entry *en, const char *by, uint64_t seq, const char *reason,
		  const char *note)
{
	change_opt o = { .reason = reason, .note = note };
	int rc;
	if ((rc = new_id(d, txn, &en->id)) != 0)
		return rc;
	en->identified_on = clock_today();
	snprintf(en->catalog_version, sizeof en->catalog_version, "%s", daemon_catalog(d)->version);
	strcpy(en->state, "refused");
	snprintf(en->exit_reason, sizeof en->exit_reason, "%s", reason);
	entry_history(en, clock_now_ms(), "refused", by, seq, note);
	if ((rc = index_entry(d, txn, en)) != 0 || (rc = entry_store(d, txn, en)) != 0)
		return rc;
	return emit(d, txn, en, "refused", by, &o);
}

/* ---- the cross-checks and derived entries ---- */

typedef struct scan_arg {
	const char *standard;
	entry *same;           /* active entry under the same standard */
	bool found_same;
	bool on_black;         /* an active black-list entry */
	bool has_warning;      /* an active warning entry */
	entry *warning;
	unsigned ndomains;     /* distinct key domains of effective focus entries */
	char domains[16][33];
	jrp_date latest;       /* latest valid_until of those focus entries */
} scan_arg;

static int scan_fn(jrp_daemon *d, MDB_txn *txn, entry *en, void *arg)
{
	scan_arg *a = arg;
	const jrp_named *dom;
	if (!entry_active(en))
		return 0;
	if (en->list == LIST_BLACK)
		a->on_black = true;
	if (en->list == LIST_WARNING) {
		a->has_warning = true;
		if (a->warning)
			*a->warning = *en;
	}
	if (a->standard && strcmp(en->standard, a->standard) == 0 && !en->derived[0] && !a->found_same) {
		*a->same = *en;
		a->found_same = true;
	}
	if (en->list == LIST_FOCUS && strcmp(en->state, "effective") == 0 &&
	    (dom = catalog_domain(daemon_catalog(d), en->domain)) && dom->key) {
		unsigned i;
		for (i = 0; i < a->ndomains; i++)
			if (strcmp(a->domains[i], en->domain) == 0)
				break;
		if (i == a->ndomains && i < 16)
			snprintf(a->domains[a->ndomains++], 33, "%s", en->domain);
		if (en->valid_until > a->latest)
			a->latest = en->valid_until;
	}
	return 0;
}

/* check_warning - DOMAIN.md Lists / Life 4: focus lists in 3 or more key domains make a
 * credit-warning entry, which leaves by itself when fewer remain [001 §(五)5] */
static int check_warning(jrp_daemon *d, MDB_txn *txn, const entry *ref)
{
	entry w;
	scan_arg a;
	int rc;
	memset(&a, 0, sizeof a);
	a.warning = &w;
	if ((rc = each_subject_entry(d, txn, ref->code, scan_fn, &a)) != 0)
		return rc;
	if (a.ndomains >= 3 && !a.has_warning) {
		char note[160];
		memset(&w, 0, sizeof w);
		w.list = LIST_WARNING;
		strcpy(w.derived, "warning");
		snprintf(w.party, sizeof w.party, "adjudicate");
		memcpy(w.subject_type, ref->subject_type, sizeof w.subject_type);
		memcpy(w.id_type, ref->id_type, sizeof w.id_type);
		memcpy(w.code, ref->code, sizeof w.code);
		memcpy(w.name, ref->name, sizeof w.name);
		w.decision_date = clock_today();
		w.valid_until = a.latest;
		if ((rc = new_id(d, txn, &w.id)) != 0)
			return rc;
		w.identified_on = clock_today();
		snprintf(w.catalog_version, sizeof w.catalog_version, "%s", daemon_catalog(d)->version);
		strcpy(w.state, "proposed");
		snprintf(note, sizeof note, "focus lists in %u key domains: %s, %s, %s%s", a.ndomains, a.domains[0],
			 a.domains[1], a.domains[2], a.ndomains > 3 ? " ..." : "");
		entry_history(&w, clock_now_ms(), "identified", "adjudicate", 0, note);
		if ((rc = index_entry(d, txn, &w)) != 0 || (rc = entry_store(d, txn, &w)) != 0 ||
		    (rc = emit(d, txn, &w, "proposed", "adjudicate", NULL)) != 0)
			return rc;
		return lists_effective(d, txn, &w);
	}
	if (a.ndomains < 3 && a.has_warning)
		return lists_exit(d, txn, &w, "fewer_domains", "adjudicate", 0, "focus lists in fewer than 3 key domains");
	return 0;
}

/* remove_red - DOMAIN.md Life 2: a red-list subject that is black- or focus-listed leaves red [001 §(五)6] */
static int remove_red_fn(jrp_daemon *d, MDB_txn *txn, entry *en, void *arg)
{
	const entry *cause = arg;
	char note[160];
	if (en->list != LIST_RED || !entry_active(en))
		return 0;
	snprintf(note, sizeof note, "the subject entered the %s list (entry %llu)", list_name(cause->list),
		 (unsigned long long)cause->id);
	return lists_exit(d, txn, en, "removed_by_dishonesty", "adjudicate", cause->record_seq, note);
}

/* escalate - DOMAIN.md Life 4: a focus-list subject that commits serious dishonesty within
 * validity moves to black [001 §(五)5]: its focus entries of the black entry's domain end */
static int escalate_fn(jrp_daemon *d, MDB_txn *txn, entry *en, void *arg)
{
	const entry *black = arg;
	char note[160];
	if (en->list != LIST_FOCUS || !entry_active(en) || strcmp(en->domain, black->domain) != 0)
		return 0;
	snprintf(note, sizeof note, "moved to the black list (entry %llu)", (unsigned long long)black->id);
	return lists_exit(d, txn, en, "escalated", "adjudicate", black->record_seq, note);
}

static int linked_effective_fn(jrp_daemon *d, MDB_txn *txn, entry *en, void *arg)
{
	/* a linked person's entry follows the organisation's, after its own notice and window */
	if (strcmp(en->state, "proposed") != 0 || !en->notice_date || en->objection_end >= clock_today())
		return 0;
	return lists_effective(d, txn, en);
}

int lists_effective(jrp_daemon *d, MDB_txn *txn, entry *en)
{
	const jrp_catalog *cat = daemon_catalog(d);
	const jrp_standard *s = standard_of(d, en);
	int rc;

	if (en->linked_to) {
		entry org;
		if ((rc = entry_load(d, txn, en->linked_to, &org)) != 0)
			return rc;
		if (strcmp(org.state, "effective") != 0)
			return 0;   /* it follows when the organisation's entry takes effect */
	}
	strcpy(en->state, "effective");
	en->valid_from = clock_today();
	entry_history(en, clock_now_ms(), "effective", "adjudicate", 0,
		      en->derived[0] ? "derived entry" : "objection window passed");
	if (s && s->rectification_days > 0 && !en->derived[0] && !en->linked_to) {
		/* DOMAIN.md Life 5: the department sets a rectification deadline [001 §(四)2] */
		en->rectify_by = calendar_add_workdays(cat->cal, en->valid_from, s->rectification_days);
		if ((rc = due_put(d, txn, ms_of_date(en->rectify_by + 1), en->id, DUE_RECTIFY)) != 0)
			return rc;
	}
	if ((rc = entry_store(d, txn, en)) != 0 || (rc = emit(d, txn, en, "effective", "adjudicate", NULL)) != 0)
		return rc;
	if ((rc = publish(d, txn, en, "listed")) != 0)
		return rc;
	if ((en->list == LIST_BLACK || en->list == LIST_FOCUS) &&
	    (rc = each_subject_entry(d, txn, en->code, remove_red_fn, en)) != 0)
		return rc;
	if (en->list == LIST_BLACK && (rc = each_subject_entry(d, txn, en->code, escalate_fn, en)) != 0)
		return rc;
	if ((rc = each_linked(d, txn, en->id, linked_effective_fn, NULL)) != 0)
		return rc;
	if ((rc = due_put(d, txn, ms_of_date(en->valid_until + 1), en->id, DUE_EXPIRE)) != 0)
		return rc;
	if (en->list == LIST_FOCUS && (rc = check_warning(d, txn, en)) != 0)
		return rc;
	return 0;
}

typedef struct exit_arg {
	const char *reason;
	const char *by;
} exit_arg;

static int linked_exit_fn(jrp_daemon *d, MDB_txn *txn, entry *en, void *arg)
{
	const exit_arg *a = arg;
	if (!entry_active(en))
		return 0;
	return lists_exit(d, txn, en, strcmp(a->reason, "revoked") == 0 ? "revoked" : "organisation_exited", a->by, 0,
			  "the organisation's entry ended");
}

/* focus_after_black - DOMAIN.md Life 8: after a black-list exit (not for error) the subject
 * goes onto the focus list for the period the standard sets [001 §(五)5] */
static int focus_after_black(jrp_daemon *d, MDB_txn *txn, const entry *black, const jrp_standard *s)
{
	entry f = *black;
	int rc;
	memset(f.hist, 0, sizeof f.hist);
	f.nhist = 0;
	f.list = LIST_FOCUS;
	strcpy(f.derived, "after_black");
	f.derived_from = black->id;
	f.exit_reason[0] = f.objection[0] = f.repair[0] = f.interview[0] = 0;
	f.suspended = f.rectified = f.published = false;
	f.rectify_by = f.valid_from = f.repair_decide_by = 0;
	f.notice_required = false;
	f.valid_until = date_add_period(clock_today(), s->exit_focus) - 1;
	if ((rc = new_id(d, txn, &f.id)) != 0)
		return rc;
	f.identified_on = clock_today();
	f.objection_end = 0;
	strcpy(f.state, "proposed");
	snprintf(f.catalog_version, sizeof f.catalog_version, "%s", daemon_catalog(d)->version);
	entry_history(&f, clock_now_ms(), "identified", "adjudicate", 0, "focus list after leaving the black list");
	if ((rc = index_entry(d, txn, &f)) != 0 || (rc = entry_store(d, txn, &f)) != 0 ||
	    (rc = emit(d, txn, &f, "proposed", "adjudicate", NULL)) != 0)
		return rc;
	return lists_effective(d, txn, &f);
}

int lists_exit(jrp_daemon *d, MDB_txn *txn, entry *en, const char *reason, const char *by, uint64_t record_seq,
	       const char *note)
{
	const jrp_standard *s = standard_of(d, en);
	bool revoked = strcmp(reason, "revoked") == 0;
	bool was_effective = strcmp(en->state, "effective") == 0;
	change_opt o = { .reason = reason, .note = note };
	exit_arg la = { reason, by };
	int rc;

	strcpy(en->state, "exited");
	snprintf(en->exit_reason, sizeof en->exit_reason, "%s", reason);
	en->suspended = false;
	en->objection[0] = 0;   /* nothing left to verify or decide: feedback supersedes the duties */
	if (strcmp(en->repair, "applied") == 0 && strcmp(reason, "repaired") != 0)
		en->repair[0] = 0;
	entry_history(en, clock_now_ms(), revoked ? "revoked" : "exited", by, record_seq, note);
	/* DOMAIN.md Life 6: a wrongly black-listed subject's reputation is restored [001 §(五)7] */
	o.restoration = revoked && en->list != LIST_RED;
	if ((rc = entry_store(d, txn, en)) != 0 || (rc = emit(d, txn, en, revoked ? "revoked" : "exited", by, &o)) != 0)
		return rc;
	if (en->published && (rc = publish(d, txn, en, revoked ? "correction" : "exit")) != 0)
		return rc;
	if ((rc = each_linked(d, txn, en->id, linked_exit_fn, &la)) != 0)
		return rc;
	if (en->list == LIST_BLACK && was_effective && !revoked && strcmp(reason, "organisation_exited") != 0 && s &&
	    !period_is_zero(s->exit_focus) && (rc = focus_after_black(d, txn, en, s)) != 0)
		return rc;
	if (en->list == LIST_FOCUS && (rc = check_warning(d, txn, en)) != 0)
		return rc;
	return 0;
}

/* ---- records ---- */

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

static void subject_of(const msgpack_object *subj, entry *en)
{
	obj_cstr(subj, "type", en->subject_type, sizeof en->subject_type);
	obj_cstr(subj, "id_type", en->id_type, sizeof en->id_type);
	obj_cstr(subj, "code", en->code, sizeof en->code);
	obj_cstr(subj, "name", en->name, sizeof en->name);
}

/* link_person - DOMAIN.md Subjects [001 §(四)6]: punishment reaches the legal
 * representative and responsible persons (落实到人) */
static int link_person(jrp_daemon *d, MDB_txn *txn, const entry *org, const msgpack_object *p, const char *role,
		       const char *by, uint64_t seq)
{
	entry en = *org;
	memset(en.hist, 0, sizeof en.hist);
	en.nhist = 0;
	strcpy(en.subject_type, "person");
	obj_cstr(p, "id_type", en.id_type, sizeof en.id_type);
	obj_cstr(p, "id_no", en.code, sizeof en.code);
	obj_cstr(p, "name", en.name, sizeof en.name);
	en.linked_to = org->id;
	snprintf(en.link_role, sizeof en.link_role, "%s", role);
	return propose(d, txn, &en, by, seq);
}

static int identify(jrp_daemon *d, MDB_txn *txn, uint64_t seq, const msgpack_object *ev, const msgpack_object *rec,
		    const jrp_standard *s)
{
	const msgpack_object *subj = obj_get(rec, "subject"), *rp;
	entry en, same;
	scan_arg sa;
	char by[33], buf[80], note[160];
	int rc;

	memset(&en, 0, sizeof en);
	memset(&sa, 0, sizeof sa);
	sa.standard = s->id;
	sa.same = &same;
	obj_cstr(ev, "party", by, sizeof by);
	subject_of(subj, &en);
	if ((rc = each_subject_entry(d, txn, en.code, scan_fn, &sa)) != 0)
		return rc;
	if (sa.found_same) {
		/* one entry per subject and standard: a further record joins its history */
		snprintf(note, sizeof note, "record %s", obj_cstr(rec, "record_id", buf, sizeof buf));
		entry_history(&same, clock_now_ms(), "record_attached", by, seq, note);
		return entry_store(d, txn, &same);
	}
	en.list = s->list;
	snprintf(en.standard, sizeof en.standard, "%s", s->id);
	snprintf(en.domain, sizeof en.domain, "%s", s->domain);
	snprintf(en.party, sizeof en.party, "%s", by);
	en.record_seq = seq;
	obj_cstr(rec, "record_id", en.record_id, sizeof en.record_id);
	obj_cstr(rec, "decision_date", buf, sizeof buf);
	date_parse(buf, strlen(buf), &en.decision_date);
	/* DOMAIN.md Life 7 [national]: validity (= publication period) counted from the decision date */
	en.valid_until = date_add_period(en.decision_date, s->validity) - 1;

	if (s->list == LIST_RED && sa.on_black)
		/* DOMAIN.md Life 2: a subject on the black list never enters the red list [001 §(二)2] */
		return refuse(d, txn, &en, by, seq, "on_black_list", "the subject is on the black list");
	if (en.valid_until < clock_today())
		return refuse(d, txn, &en, by, seq, "validity_over", "the validity ended before identification");
	if ((rc = propose(d, txn, &en, by, seq)) != 0)
		return rc;
	if (s->list != LIST_BLACK || strcmp(en.subject_type, "org") != 0)
		return 0;
	if ((rp = obj_get(subj, "legal_rep")) && (rc = link_person(d, txn, &en, rp, "legal_rep", by, seq)) != 0)
		return rc;
	if ((rp = obj_get(subj, "responsible")) && rp->type == MSGPACK_OBJECT_ARRAY)
		for (uint32_t i = 0; i < rp->via.array.size; i++)
			if ((rc = link_person(d, txn, &en, &rp->via.array.ptr[i], "responsible", by, seq)) != 0)
				return rc;
	return 0;
}

typedef struct follow_arg {
	const msgpack_object *rec;
	const char *kind;
	const char *by;
	uint64_t seq;
} follow_arg;

/* follow_fn - rectification and interview records reach the entries they concern:
 * the same subject, domain and identifying department (DOMAIN.md Life 5 [001 §(四)2]) */
static int follow_fn(jrp_daemon *d, MDB_txn *txn, entry *en, void *arg)
{
	follow_arg *a = arg;
	char domain[33], rid[80], outcome[17], note[160];
	if (!entry_active(en) || en->linked_to || en->derived[0] ||
	    strcmp(obj_cstr(a->rec, "domain", domain, sizeof domain), en->domain) != 0 || strcmp(en->party, a->by) != 0)
		return 0;
	obj_cstr(a->rec, "record_id", rid, sizeof rid);
	if (strcmp(a->kind, "rectification") == 0) {
		if (!en->rectify_by || en->rectified)
			return 0;
		en->rectified = true;
		snprintf(note, sizeof note, "rectification record %s", rid);
		entry_history(en, clock_now_ms(), "rectified", a->by, a->seq, note);
		return entry_store(d, txn, en);
	}
	if (strcmp(en->interview, "due") != 0)
		return 0;
	/* the interview record, a refusal included, enters the subject's credit record */
	obj_cstr(a->rec, "outcome", outcome, sizeof outcome);
	snprintf(en->interview, sizeof en->interview, "%s", strcmp(outcome, "refused") == 0 ? "refused" : "held");
	snprintf(note, sizeof note, "interview record %s: %s", rid, en->interview);
	entry_history(en, clock_now_ms(), "interview", a->by, a->seq, note);
	if (entry_store(d, txn, en) != 0)
		return JRP_ESTORE;
	{
		change_opt o = { .interview = en->interview, .note = note };
		return emit(d, txn, en, "interview_recorded", a->by, &o);
	}
}

int lists_apply_event(jrp_daemon *d, MDB_txn *txn, uint64_t seq, const msgpack_object *ev, jrp_error *e)
{
	const jrp_catalog *cat = daemon_catalog(d);
	const msgpack_object *rec = obj_get(ev, "record");
	char kind[33], code[40], by[33];
	int rc;
	if (!obj_str_eq(obj_get(ev, "kind"), "record") || !rec)
		return jrp_fail(e, JRP_ERR_BAD_MESSAGE, "kind", "not a record event");
	obj_cstr(rec, "kind", kind, sizeof kind);
	if (strcmp(kind, "rectification") == 0 || strcmp(kind, "interview") == 0) {
		follow_arg a = { rec, kind, obj_cstr(ev, "party", by, sizeof by), seq };
		return each_subject_entry(d, txn, obj_cstr(obj_get(rec, "subject"), "code", code, sizeof code), follow_fn, &a);
	}
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
	int rc = entry_load(d, txn, id, &en);
	if (rc == JRP_ENOTFOUND)
		return 0;
	if (rc)
		return rc;
	switch (action) {
	case DUE_EFFECTIVE:
		if (strcmp(en.state, "proposed") != 0 || (en.notice_required && !en.notice_date))
			return 0;
		if (clock_today() > en.valid_until)
			return lists_exit(d, txn, &en, "expired", "adjudicate", 0, "validity ended before it took effect");
		return lists_effective(d, txn, &en);
	case DUE_EXPIRE:
		/* DOMAIN.md Life 8: automatic exit at the end of validity [001 §(五)6] */
		if (!entry_active(&en) || clock_today() <= en.valid_until)
			return 0;
		return lists_exit(d, txn, &en, "expired", "adjudicate", 0, "validity ended");
	case DUE_RECTIFY:
		/* DOMAIN.md Life 5: not rectified in time: one reminder interview (focus) or
		 * warning interview (black) with the identifying department [001 §(四)2] */
		if (strcmp(en.state, "effective") != 0 || en.rectified || en.interview[0])
			return 0;
		strcpy(en.interview, "due");
		entry_history(&en, clock_now_ms(), "interview_due", "adjudicate", 0, "rectification deadline passed");
		if ((rc = entry_store(d, txn, &en)) != 0)
			return rc;
		{
			change_opt o = { .interview = en.list == LIST_BLACK ? "warning" : "reminder",
					 .note = "not rectified by the deadline" };
			return emit(d, txn, &en, "interview_due", "adjudicate", &o);
		}
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
		uint64_t id;
		int action;
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
		id = be64_get(p + 8);
		action = p[16];
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

/* ---- catalogue changes ---- */

/* still_fits - DOMAIN.md Life 8: exit when the standard changes so that the entry no longer fits */
static const char *still_fits(const jrp_catalog *cat, const entry *en)
{
	const jrp_standard *s = catalog_standard(cat, en->standard);
	if (!s)
		return "standard_removed";
	if (s->list != en->list && !en->derived[0])
		return "standard_changed_list";
	if (!(s->subject_types & subject_type_parse(en->subject_type)))
		return "standard_changed_subjects";
	if (date_add_period(en->decision_date, s->validity) - 1 < clock_today() && !en->derived[0])
		return "standard_shortened";
	return NULL;
}

int lists_reevaluate(jrp_daemon *d, MDB_txn *txn, const jrp_catalog *old, mw *out, size_t *changed)
{
	const jrp_catalog *cat = daemon_catalog(d);
	u64vec ids = { 0 };
	int rc = 0;

	/* only entries under standards that changed: the by_standard index */
	*changed = 0;
	for (size_t i = 0; rc == 0 && i < old->nstandards; i++) {
		const jrp_standard *o = &old->standards[i], *s = catalog_standard(cat, o->id);
		if (s && s->list == o->list && s->subject_types == o->subject_types &&
		    s->validity.years == o->validity.years && s->validity.months == o->validity.months &&
		    s->validity.days == o->validity.days)
			continue;
		rc = kv_prefix_each(txn, daemon_dbi(d, DB_BY_STANDARD), o->id, strlen(o->id) + 1, SIZE_MAX, collect, &ids);
	}
	for (size_t i = 0; rc == 0 && i < ids.n; i++) {
		entry en;
		const char *why;
		if ((rc = entry_load(d, txn, ids.v[i], &en)) != 0)
			break;
		if (!entry_active(&en) || en.linked_to || !(why = still_fits(cat, &en)))
			continue;
		if (++*changed <= REEVALUATE_LISTED) {   /* the reply names the first ones; all exit */
			mw_map(out);
			mw_ku64(out, "entry", en.id);
			mw_kstr(out, "standard", en.standard);
			mw_kstr(out, "subject", en.code);
			mw_kstr(out, "reason", why);
			mw_end(out);
		}
		rc = lists_exit(d, txn, &en, "standard_changed", "office", 0, why);
	}
	u64vec_free(&ids);
	return rc;
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
