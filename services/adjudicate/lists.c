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
#include "adj.h"
#include "clock.h"
#include "store.h"
#include "util/log.h"
#include "util/str.h"
#include "util/vec.h"
#include <stdio.h>
#include <string.h>

#define TICK_BATCH 1024

/* ---- the change log ---- */

int emit(adj *a, const entry *en, jrp_change_action action, const char *by, const change_why *w)
{
	static const change_why none;
	jrp_change c;
	mw out;
	int rc;

	if (!w)
		w = &none;
	if ((rc = store_log_last(a->txn, a->db[ADB_CHANGES], &c.seq)) != 0)
		return rc;
	c.seq++;
	c.change_seq = 0;
	c.action = action;
	c.at = a->now;
	str_copy(c.by, sizeof c.by, by);
	c.exit_reason = w->exit_reason;
	c.outcome = w->outcome;
	c.repair = w->repair;
	c.interview = w->interview;
	c.interview_outcome = w->interview_outcome;
	c.decide_by = w->decide_by;
	c.restoration = w->restoration;
	str_copy(c.note, sizeof c.note, w->note ? w->note : "");
	c.entry = en->id;
	c.list = en->list;
	str_copy(c.standard, sizeof c.standard, en->standard);
	str_copy(c.domain, sizeof c.domain, en->domain);
	str_copy(c.party, sizeof c.party, en->party);
	c.subject = en->subject;
	c.linked_to = en->linked_to;
	c.link_role = en->link_role;
	c.derived = en->derived;
	c.suspended = en->suspended;
	c.record_seq = en->record_seq;
	str_copy(c.record_id, sizeof c.record_id, en->record_id);
	c.decision_date = en->decision_date;
	c.valid_from = en->valid_from;
	c.valid_until = en->valid_until;
	c.objection_end = en->objection_end;
	str_copy(c.catalog_version, sizeof c.catalog_version, en->catalog_version);
	/* every change of a foreign entry says whose it is (a field test for this region's own) */
	if (en->origin.region[0])
		c.origin = en->origin;
	else
		c.origin.region[0] = 0;
	mw_init(&out);
	change_encode(&out, &c);
	rc = store_log_append(a->txn, a->db[ADB_CHANGES], c.seq, mw_data(&out), mw_len(&out));
	mw_free(&out);
	log_debug("event=list_change action=%s entry=%llu list=%s standard=%s subject=%s by=%s%s%s",
		  names_get(&change_action_names, action), (unsigned long long)en->id, list_name(en->list), en->standard,
		  en->subject.code, by, w->exit_reason ? " reason=" : "", names_get(&exit_reason_names, w->exit_reason));
	return rc;
}

static const jrp_standard *standard_of(adj *a, const entry *en)
{
	return en->standard[0] ? catalog_standard(a->cat, en->standard) : NULL;
}

/* ---- creating entries ---- */

int lists_schedule_effective(adj *a, entry *en)
{
	const jrp_standard *s = standard_of(a, en);
	/* DOMAIN.md Life 1: a notified subject states its case within the standard's notice period from
	 * the notice (days or working days); another's window is objection_days working days from
	 * identification */
	jrp_limit l = { 0, true };
	if (s)
		l = en->notice_required ? s->notice_period : (jrp_limit){ s->objection_days, true };
	en->objection_end = calendar_limit_end(a->cat->cal, en->notice_required ? en->notice_date : en->identified_on, l);
	/* effective at the start of the day after the window's last day */
	return entry_due(a, l.n ? ms_of_date(en->objection_end + 1) : a->now, en->id, DUE_EFFECTIVE);
}

/* window_note - "objection window 5 working days" / "notice period 5d from the notice" */
static void window_note(const jrp_standard *s, const entry *en, char *out, size_t n)
{
	char l[16];
	if (!s) {
		snprintf(out, n, "no window");
	} else if (en->notice_required) {
		limit_format(s->notice_period, l, sizeof l);
		snprintf(out, n, "standard %s, notice period %s from the notice", s->id, l);
	} else {
		snprintf(out, n, "standard %s, objection window %d working days", s->id, s->objection_days);
	}
}

/* start - a new entry's id, identification date and catalogue version */
int lists_start(adj *a, entry *en, jrp_entry_state state)
{
	int rc = entry_new_id(a, &en->id);
	en->identified_on = a->today;
	str_copy(en->catalog_version, sizeof en->catalog_version, a->cat->version);
	en->state = state;
	return rc;
}

/* propose - store a new entry and start its life; en is filled but for id and dates. noticed: the
 * date the record says the subject was notified (0: not yet) */
static int propose(adj *a, entry *en, const char *by, uint64_t seq, jrp_date noticed)
{
	const jrp_standard *s = standard_of(a, en);
	char note[160], ds[11];
	int rc;

	if ((rc = lists_start(a, en, ENTRY_PROPOSED)) != 0)
		return rc;
	/* DOMAIN.md Life 1: natural persons must be notified before listing [001 §(二)2], and every
	 * subject of a serious-dishonesty standard (the catalogue says notice: true for those,
	 * 国办发〔2020〕49号 (八)) */
	en->notice_required = (s && s->notice) || en->subject.type == SUBJECT_PERSON;
	window_note(s, en, note, sizeof note);
	HISTORY(a, en, "identified", by, seq, note);
	if (en->notice_required && noticed) {
		en->notice_date = noticed;
		date_format(noticed, ds);
		snprintf(note, sizeof note, "subject notified on %s (the record says so)", ds);
		HISTORY(a, en, "notified", by, seq, note);
	}
	if (en->notice_required && !en->notice_date) {
		/* the notice is the department's duty, with a deadline like its others */
		en->notice_by = calendar_add_workdays(a->cat->cal, a->today, NOTICE_WORKDAYS);
		if ((rc = entry_due(a, ms_of_date(en->notice_by + 1), en->id, DUE_NOTICE)) != 0)
			return rc;
	} else if ((rc = lists_schedule_effective(a, en)) != 0) {
		return rc;
	}
	if ((rc = entry_index(a, en)) != 0 || (rc = entry_store(a, en)) != 0 || (rc = emit(a, en, CH_PROPOSED, by, NULL)) != 0)
		return rc;
	if (en->notice_by) {
		change_why w = { .decide_by = en->notice_by,
				 .note = "notify the subject before identification; report the notice date (entry.notice)" };
		return emit(a, en, CH_NOTICE_DUE, "adjudicate", &w);
	}
	return 0;
}

static int refuse(adj *a, entry *en, const char *by, uint64_t seq, jrp_exit_reason reason, const char *note)
{
	change_why w = { .exit_reason = reason, .note = note };
	int rc;
	if ((rc = lists_start(a, en, ENTRY_REFUSED)) != 0)
		return rc;
	en->exit_reason = reason;
	HISTORY(a, en, "refused", by, seq, note);
	if ((rc = entry_index(a, en)) != 0 || (rc = entry_store(a, en)) != 0)
		return rc;
	return emit(a, en, CH_REFUSED, by, &w);
}

/* ---- the cross-checks and derived entries ---- */

typedef struct scan_arg {
	const char *standard;
	entry *same;           /* active entry under the same standard */
	bool found_same;
	bool on_black;         /* an active black-list entry */
	bool on_focus;         /* an active focus-list entry */
	bool has_warning;      /* an active warning entry */
	entry *warning;
	unsigned ndomains;     /* distinct key domains of effective focus entries */
	char domains[16][JRP_ID_MAX + 1];
	jrp_date latest;       /* latest valid_until of those focus entries */
} scan_arg;

static int scan_fn(adj *a, entry *en, void *arg)
{
	scan_arg *s = arg;
	const jrp_named *dom;
	if (!entry_active(en))
		return 0;
	if (en->list == LIST_BLACK)
		s->on_black = true;
	if (en->list == LIST_FOCUS)
		s->on_focus = true;
	if (en->list == LIST_WARNING) {
		s->has_warning = true;
		if (s->warning)
			*s->warning = *en;
	}
	if (s->standard && strcmp(en->standard, s->standard) == 0 && !en->derived && !s->found_same) {
		*s->same = *en;
		s->found_same = true;
	}
	/* a foreign entry derives no warning entry here: its home derives its own [001 §(五)5] */
	if (en->list == LIST_FOCUS && en->state == ENTRY_EFFECTIVE && !entry_foreign(en) &&
	    (dom = catalog_domain(a->cat, en->domain)) && dom->key) {
		unsigned i;
		for (i = 0; i < s->ndomains; i++)
			if (strcmp(s->domains[i], en->domain) == 0)
				break;
		if (i == s->ndomains && i < 16)
			str_copy(s->domains[s->ndomains++], sizeof s->domains[0], en->domain);
		if (en->valid_until > s->latest)
			s->latest = en->valid_until;
	}
	return 0;
}

/* check_warning - DOMAIN.md Lists / Life 4: focus lists in 3 or more key domains make a
 * credit-warning entry, which leaves by itself when fewer remain [001 §(五)5] */
static int check_warning(adj *a, const entry *ref)
{
	entry w;
	scan_arg s;
	int rc;
	memset(&s, 0, sizeof s);
	s.warning = &w;
	if ((rc = entry_each_subject(a, ref->subject.code, scan_fn, &s)) != 0)
		return rc;
	if (s.ndomains >= 3 && !s.has_warning) {
		char note[160];
		memset(&w, 0, sizeof w);
		w.list = LIST_WARNING;
		w.derived = DERIVED_WARNING;
		str_copy(w.party, sizeof w.party, "adjudicate");
		w.subject = ref->subject;
		w.decision_date = a->today;
		w.valid_until = s.latest;
		if ((rc = lists_start(a, &w, ENTRY_PROPOSED)) != 0)
			return rc;
		snprintf(note, sizeof note, "focus lists in %u key domains: %s, %s, %s%s", s.ndomains, s.domains[0],
			 s.domains[1], s.domains[2], s.ndomains > 3 ? " ..." : "");
		HISTORY(a, &w, "identified", "adjudicate", 0, note);
		if ((rc = entry_index(a, &w)) != 0 || (rc = entry_store(a, &w)) != 0 ||
		    (rc = emit(a, &w, CH_PROPOSED, "adjudicate", NULL)) != 0)
			return rc;
		return lists_effective(a, &w);
	}
	if (s.ndomains < 3 && s.has_warning)
		return lists_exit(a, &w, EXIT_FEWER_DOMAINS, "adjudicate", 0, "focus lists in fewer than 3 key domains");
	return 0;
}

/* remove_red - DOMAIN.md Life 2: a red-list subject that is black- or focus-listed leaves red [001 §(五)6] */
int lists_remove_red_fn(adj *a, entry *en, void *arg)
{
	const entry *cause = arg;
	char note[160];
	if (en->list != LIST_RED || !entry_active(en))
		return 0;
	snprintf(note, sizeof note, "the subject entered the %s list (entry %llu)", list_name(cause->list),
		 (unsigned long long)cause->id);
	return lists_exit(a, en, EXIT_REMOVED_BY_DISHONESTY, "adjudicate", cause->record_seq, note);
}

/* escalate - DOMAIN.md Life 4: a focus-list subject that commits serious dishonesty within
 * validity moves to black [001 §(五)5] (转入黑名单): the subject leaves the focus list, so every
 * focus entry of it in force ends, whatever its domain; the warning entry, derived from focus
 * entries, follows (check_warning) */
static int escalate_fn(adj *a, entry *en, void *arg)
{
	const entry *black = arg;
	char note[160];
	if (en->list != LIST_FOCUS || !entry_active(en))
		return 0;
	snprintf(note, sizeof note, "moved to the black list (entry %llu, %s)", (unsigned long long)black->id,
		 black->domain);
	return lists_exit(a, en, EXIT_ESCALATED, "adjudicate", black->record_seq, note);
}

static int linked_effective_fn(adj *a, entry *en, void *arg)
{
	/* a linked person's entry follows the organisation's, after its own notice and window */
	if (en->state != ENTRY_PROPOSED || !en->notice_date || en->objection_end >= a->today)
		return 0;
	return lists_effective(a, en);
}

int lists_effective(adj *a, entry *en)
{
	const jrp_standard *s = standard_of(a, en);
	int rc;

	if (en->linked_to) {
		entry org;
		if ((rc = entry_load(a, en->linked_to, &org)) != 0)
			return rc;
		if (org.state != ENTRY_EFFECTIVE)
			return 0;   /* it follows when the organisation's entry takes effect */
	}
	en->state = ENTRY_EFFECTIVE;
	en->valid_from = a->today;
	HISTORY(a, en, "effective", "adjudicate", 0, en->derived ? "derived entry" : "objection window passed");
	if (s && s->rectification_days > 0 && !en->derived && !en->linked_to) {
		/* DOMAIN.md Life 5: the department sets a rectification deadline [001 §(四)2] */
		en->rectify_by = calendar_add_workdays(a->cat->cal, en->valid_from, s->rectification_days);
		if ((rc = entry_due(a, ms_of_date(en->rectify_by + 1), en->id, DUE_RECTIFY)) != 0)
			return rc;
	}
	if ((rc = entry_store(a, en)) != 0 || (rc = emit(a, en, CH_EFFECTIVE, "adjudicate", NULL)) != 0)
		return rc;
	if ((rc = publish(a, en, PUB_LISTED)) != 0)
		return rc;
	if ((en->list == LIST_BLACK || en->list == LIST_FOCUS) &&
	    (rc = entry_each_subject(a, en->subject.code, lists_remove_red_fn, en)) != 0)
		return rc;
	if (en->list == LIST_BLACK && (rc = entry_each_subject(a, en->subject.code, escalate_fn, en)) != 0)
		return rc;
	if ((rc = entry_each_linked(a, en->id, linked_effective_fn, NULL)) != 0)
		return rc;
	if ((rc = entry_due(a, ms_of_date(en->valid_until + 1), en->id, DUE_EXPIRE)) != 0)
		return rc;
	if (en->list == LIST_FOCUS && (rc = check_warning(a, en)) != 0)
		return rc;
	return 0;
}

typedef struct exit_arg {
	jrp_exit_reason reason;
	const char *by;
} exit_arg;

static int linked_exit_fn(adj *a, entry *en, void *arg)
{
	const exit_arg *x = arg;
	if (!entry_active(en))
		return 0;
	return lists_exit(a, en, x->reason == EXIT_REVOKED ? EXIT_REVOKED : EXIT_ORGANISATION_EXITED, x->by, 0,
			  "the organisation's entry ended");
}

/* focus_after_black - DOMAIN.md Life 8: after a black-list exit (not for error) the subject
 * goes onto the focus list for the period the standard sets [001 §(五)5] */
static int focus_after_black(adj *a, const entry *black, const jrp_standard *s)
{
	entry f = *black;
	int rc;
	f.nhist = 0;
	f.list = LIST_FOCUS;
	f.derived = DERIVED_AFTER_BLACK;
	f.derived_from = black->id;
	f.exit_reason = EXIT_NONE;
	f.objection_pending = false;
	f.objection_by[0] = 0;
	f.repair = RP_NONE;
	f.interview = IVS_NONE;
	f.suspended = f.rectified = f.published = false;
	f.rectify_by = f.valid_from = f.repair_decide_by = f.repair_applied = 0;
	f.notice_required = false;
	f.notice_date = f.notice_by = 0;
	f.valid_until = date_add_period(a->today, s->exit_focus) - 1;
	f.objection_end = 0;
	if ((rc = lists_start(a, &f, ENTRY_PROPOSED)) != 0)
		return rc;
	HISTORY(a, &f, "identified", "adjudicate", 0, "focus list after leaving the black list");
	if ((rc = entry_index(a, &f)) != 0 || (rc = entry_store(a, &f)) != 0 ||
	    (rc = emit(a, &f, CH_PROPOSED, "adjudicate", NULL)) != 0)
		return rc;
	return lists_effective(a, &f);
}

int lists_exit(adj *a, entry *en, jrp_exit_reason reason, const char *by, uint64_t record_seq, const char *note)
{
	const jrp_standard *s = standard_of(a, en);
	bool revoked = reason == EXIT_REVOKED;
	bool was_effective = en->state == ENTRY_EFFECTIVE;
	change_why w = { .exit_reason = reason, .note = note };
	exit_arg la = { reason, by };
	int rc;

	en->state = ENTRY_EXITED;
	en->exit_reason = reason;
	en->suspended = false;
	en->objection_pending = false;   /* nothing left to verify or decide: feedback supersedes the duties */
	en->objection_by[0] = 0;
	if (en->repair == RP_APPLIED && reason != EXIT_REPAIRED)
		en->repair = RP_NONE;
	HISTORY(a, en, revoked ? "revoked" : "exited", by, record_seq, note);
	/* DOMAIN.md Life 6: a wrongly black-listed subject's reputation is restored [001 §(五)7] */
	w.restoration = revoked && en->list != LIST_RED;
	if ((rc = entry_store(a, en)) != 0 || (rc = emit(a, en, revoked ? CH_REVOKED : CH_EXITED, by, &w)) != 0)
		return rc;
	if (en->published && (rc = publish(a, en, revoked ? PUB_CORRECTION : PUB_EXIT)) != 0)
		return rc;
	if ((rc = entry_each_linked(a, en->id, linked_exit_fn, &la)) != 0)
		return rc;
	if (en->list == LIST_BLACK && was_effective && !revoked && reason != EXIT_ORGANISATION_EXITED && s &&
	    !period_is_zero(s->exit_focus) && (rc = focus_after_black(a, en, s)) != 0)
		return rc;
	if (en->list == LIST_FOCUS && (rc = check_warning(a, en)) != 0)
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

/* case_matches - one way of meeting a standard: the violation, and every threshold the case sets
 * (an amount, a share of base_amount, a quantity). A record without a figure a threshold needs does
 * not meet it */
static bool case_matches(const jrp_match_case *c, const jrp_record *rec)
{
	if (c->nviolations && !in_list(c->violations, c->nviolations, rec->violation))
		return false;
	if (c->min_amount >= 0 && rec->amount < c->min_amount)
		return false;
	/* amount >= min_percent % of base_amount, in integers: 100 * amount >= pct * base (both < 10^15) */
	if (c->min_percent &&
	    (rec->amount < 0 || rec->base_amount <= 0 || 100 * rec->amount < (int64_t)c->min_percent * rec->base_amount))
		return false;
	if (c->min_quantity >= 0 && rec->quantity < c->min_quantity)
		return false;
	return true;
}

/* standard_matches - DOMAIN.md Lists: identification follows a standard of the record's domain */
static bool standard_matches(const jrp_standard *s, const jrp_record *rec)
{
	if (s->receiving)   /* takes only foreign entries (foreign.c) */
		return false;
	if (strcmp(s->domain, rec->domain) != 0 || !(s->subject_types & (1u << rec->subject.type)))
		return false;
	if (rec->standard[0])   /* a determination, or a record naming its standard */
		return strcmp(rec->standard, s->id) == 0;
	if (s->kind != rec->kind)
		return false;
	if (s->rating && strcmp(s->rating, rec->rating) != 0)
		return false;
	for (size_t i = 0; i < s->ncases; i++)
		if (case_matches(&s->cases[i], rec))
			return true;
	return false;
}

/* link_person - DOMAIN.md Subjects [001 §(四)6]: punishment reaches the legal
 * representative and responsible persons (落实到人) */
static int link_person(adj *a, const entry *org, const jrp_person *p, jrp_link_role role, const char *by, uint64_t seq,
		       jrp_date noticed)
{
	entry en = *org;
	en.nhist = 0;
	en.subject.type = SUBJECT_PERSON;
	en.subject.id_type = p->id_type;
	memcpy(en.subject.code, p->id_no, sizeof en.subject.code);
	memcpy(en.subject.name, p->name, sizeof en.subject.name);
	en.linked_to = org->id;
	en.link_role = role;
	en.notice_date = en.notice_by = 0;
	en.objection_end = 0;
	return propose(a, &en, by, seq, noticed);
}

typedef struct extend_arg {
	jrp_date decision, until;
	const char *by;
	uint64_t seq;
	const char *note;
} extend_arg;

/* extend_one - en runs until x->until now: stored, re-armed, told (the change log; the publication
 * log if it was published) */
static int extend_one(adj *a, entry *en, void *arg)
{
	const extend_arg *x = arg;
	change_why w = { .note = x->note };
	int rc;
	if (!entry_active(en) || en->valid_until >= x->until)
		return 0;
	en->decision_date = x->decision;
	en->valid_until = x->until;
	HISTORY(a, en, "extended", x->by, x->seq, x->note);
	if ((rc = entry_store(a, en)) != 0 || (rc = emit(a, en, CH_EXTENDED, x->by, &w)) != 0)
		return rc;
	if (en->state == ENTRY_EFFECTIVE && (rc = entry_due(a, ms_of_date(en->valid_until + 1), en->id, DUE_EXPIRE)) != 0)
		return rc;
	return en->published ? publish(a, en, PUB_EXTENDED) : 0;
}

/* extend - DOMAIN.md Life 4: a repeat offence under the same standard within validity extends the
 * listing: validity runs from the latest qualifying decision; the linked persons' entries follow */
static int extend(adj *a, entry *en, const jrp_record *rec, jrp_date until, const jrp_event *ev)
{
	char note[160], ds[11];
	extend_arg x = { rec->decision_date, until, ev->party, ev->seq, note };
	int rc;
	date_format(until, ds);
	snprintf(note, sizeof note, "repeat offence: record %s; valid until %s", rec->record_id, ds);
	if ((rc = extend_one(a, en, &x)) != 0)
		return rc;
	return entry_each_linked(a, en->id, extend_one, &x);
}

/* reaches_persons - does a measure of the catalogue reach the persons of an organisation listed under s? */
static bool reaches_persons(adj *a, const jrp_standard *s)
{
	for (size_t i = 0; i < a->cat->nmeasures; i++)
		if (a->cat->measures[i].persons && measure_applies(&a->cat->measures[i], s->list, s, SUBJ_PERSON))
			return true;
	return false;
}

static int identify(adj *a, const jrp_event *ev, const jrp_standard *s, jrp_error *e)
{
	const jrp_record *rec = &ev->record;
	jrp_period extension;
	entry en, same;
	scan_arg sa;
	char note[160];
	jrp_date noticed;
	int rc;

	if (!period_is_zero(rec->extension) && !standard_extension_ok(s, rec->extension)) {
		/* the record asks for an extension the standard does not allow: the department's error, refused
		 * whole (it goes to the rejected records, where the operator sees it) */
		char xs[32], lo[32], hi[32];
		period_format(rec->extension, xs, sizeof xs);
		period_format(s->extension_min, lo, sizeof lo);
		period_format(s->extension_max, hi, sizeof hi);
		if (period_is_zero(s->extension_max))
			return jrp_fail(e, JRP_ERR_BAD_VALUE, "record.extension", "standard %s allows no extension "
					"(record asks %s)", s->id, xs);
		return jrp_fail(e, JRP_ERR_BAD_VALUE, "record.extension", "standard %s allows an extension of %s to "
				"%s, not %s", s->id, lo, hi, xs);
	}
	if (s->requires_order && (!rec->order_date || rec->order_due >= rec->decision_date))
		/* ingest checks a record naming the standard; one matched by its kind is checked here */
		return jrp_fail(e, JRP_ERR_BAD_VALUE, "record.order", "standard %s lists only after an order to correct "
				"or pay went unmet (order {date, due}, its deadline before the decision)", s->id);
	extension = rec->extension;
	memset(&en, 0, sizeof en);
	memset(&sa, 0, sizeof sa);
	sa.standard = s->id;
	sa.same = &same;
	en.subject = rec->subject;
	if ((rc = entry_each_subject(a, en.subject.code, scan_fn, &sa)) != 0)
		return rc;
	if (sa.found_same) {
		/* one entry per subject and standard: a further record joins its history, and a repeat
		 * offence within validity extends the listing from its decision (DOMAIN.md Life 4) */
		jrp_date until = standard_valid_until(s, rec->decision_date, extension);
		if (until > same.valid_until)
			return extend(a, &same, rec, until, ev);
		snprintf(note, sizeof note, "record %s", rec->record_id);
		HISTORY(a, &same, "record_attached", ev->party, ev->seq, note);
		return entry_store(a, &same);
	}
	en.list = s->list;
	str_copy(en.standard, sizeof en.standard, s->id);
	str_copy(en.domain, sizeof en.domain, s->domain);
	memcpy(en.party, ev->party, sizeof en.party);
	en.record_seq = ev->seq;
	memcpy(en.record_id, rec->record_id, sizeof en.record_id);
	en.decision_date = rec->decision_date;
	/* DOMAIN.md Life 7 [national]: validity (= publication period) counted from the decision date, with
	 * the extension the record gives (法释〔2017〕7号 第二条), or no fixed term (第一条(一)) */
	en.valid_until = standard_valid_until(s, en.decision_date, extension);

	if (s->list == LIST_RED && sa.on_black)
		/* DOMAIN.md Life 2: a subject on the black list never enters the red list [001 §(二)2] */
		return refuse(a, &en, ev->party, ev->seq, EXIT_ON_BLACK_LIST, "the subject is on the black list");
	if (s->list == LIST_RED && sa.on_focus)
		/* red needs a clean record: a focus-listed subject would leave red at once [001 §(五)6] */
		return refuse(a, &en, ev->party, ev->seq, EXIT_ON_FOCUS_LIST, "the subject is on the focus list");
	if (en.valid_until < a->today)
		return refuse(a, &en, ev->party, ev->seq, EXIT_VALIDITY_OVER, "the validity ended before identification");
	if ((rc = propose(a, &en, ev->party, ev->seq, rec->notice_date)) != 0)
		return rc;
	/* DOMAIN.md Subjects [001 §(四)6]: a black-listed organisation's punishment reaches its persons
	 * (落实到人); a focus-listed one's where a measure of the catalogue says so */
	if (en.subject.type != SUBJECT_ORG || !(s->list == LIST_BLACK || (s->list == LIST_FOCUS && reaches_persons(a, s))))
		return 0;
	/* one notice may cover the organisation and its linked persons when the department says so */
	noticed = rec->notice_linked ? rec->notice_date : 0;
	if (rec->has_legal_rep &&
	    (rc = link_person(a, &en, &rec->legal_rep, LINK_LEGAL_REP, ev->party, ev->seq, noticed)) != 0)
		return rc;
	for (int i = 0; i < rec->nresponsible; i++)
		if ((rc = link_person(a, &en, &rec->responsible[i], LINK_RESPONSIBLE, ev->party, ev->seq, noticed)) != 0)
			return rc;
	if (rec->has_controller &&
	    (rc = link_person(a, &en, &rec->controller, LINK_ACTUAL_CONTROLLER, ev->party, ev->seq, noticed)) != 0)
		return rc;
	return 0;
}

/* follow_fn - rectification and interview records reach the entries they concern:
 * the same subject, domain and identifying department (DOMAIN.md Life 5 [001 §(四)2]) */
static int follow_fn(adj *a, entry *en, void *arg)
{
	const jrp_event *ev = arg;
	const jrp_record *rec = &ev->record;
	char note[160];
	if (!entry_active(en) || en->linked_to || en->derived || strcmp(rec->domain, en->domain) != 0 ||
	    strcmp(en->party, ev->party) != 0)
		return 0;
	if (rec->kind == RK_RECTIFICATION) {
		if (!en->rectify_by || en->rectified)
			return 0;
		en->rectified = true;
		en->rectified_on = rec->decision_date;
		snprintf(note, sizeof note, "rectification record %s", rec->record_id);
		HISTORY(a, en, "rectified", ev->party, ev->seq, note);
		return entry_store(a, en);
	}
	if (en->interview != IVS_DUE)
		return 0;
	/* the interview record, a refusal included, enters the subject's credit record */
	en->interview = rec->outcome == IVS_REFUSED ? IVS_REFUSED : IVS_HELD;
	snprintf(note, sizeof note, "interview record %s: %s", rec->record_id, names_get(&interview_state_names, en->interview));
	HISTORY(a, en, "interview", ev->party, ev->seq, note);
	if (entry_store(a, en) != 0)
		return JRP_ESTORE;
	{
		change_why w = { .interview_outcome = en->interview, .note = note };
		return emit(a, en, CH_INTERVIEW_RECORDED, ev->party, &w);
	}
}

/* ---- decisions that must be final first ---- */

/* await_key - subject code NUL party NUL record id */
static size_t await_key(char *k, const char *code, const char *party, const char *record_id)
{
	size_t n = str_copy(k, JRP_CODE_MAX + 1, code) + 1;
	n += str_copy(k + n, JRP_ID_MAX + 1, party) + 1;
	return n + str_copy(k + n, JRP_RECORD_ID_MAX + 1, record_id);
}

/* await_final - DOMAIN.md Life 1 (国家税务总局令第54号 第七条): a record meeting a standard that
 * requires a final decision is kept, unidentified, until a finality record reports on it */
static int await_final(adj *a, const jrp_event *ev)
{
	char k[JRP_CODE_MAX + JRP_ID_MAX + JRP_RECORD_ID_MAX + 3];
	size_t kn = await_key(k, ev->record.subject.code, ev->party, ev->record.record_id);
	mw rec, w;
	int rc;
	mw_init(&rec);
	mw_init(&w);
	record_write(&rec, &ev->record);
	event_encode(&w, ev, &rec);
	rc = kv_put(a->txn, a->db[ADB_AWAITING], k, kn, mw_data(&w), mw_len(&w), 0);
	mw_free(&rec);
	mw_free(&w);
	log_info("event=awaiting_final record_seq=%llu record_id=%s party=%s subject=%s",
		 (unsigned long long)ev->seq, ev->record.record_id, ev->party, ev->record.subject.code);
	return rc;
}

/* apply_standards - identify under every standard rec meets; final_only: only those requiring a final
 * decision (the others took the record when it came) */
static int apply_standards(adj *a, const jrp_event *ev, bool final_only, jrp_error *e)
{
	bool waits = false;
	int rc;
	for (size_t i = 0; i < a->cat->nstandards; i++) {
		const jrp_standard *s = &a->cat->standards[i];
		if (!standard_matches(s, &ev->record) || (final_only && !s->requires_final))
			continue;
		if (s->requires_final && !ev->record.final) {
			waits = true;
			continue;
		}
		if ((rc = identify(a, ev, s, e)) != 0)
			return rc;
	}
	return waits ? await_final(a, ev) : 0;
}

/* finality - a finality record: the decision it refers to became final (identify it now, under the
 * standards that waited for that, with the notice the finality record reports if any) or was
 * annulled (forget it) */
static int finality(adj *a, const jrp_event *ev, jrp_error *e)
{
	const jrp_record *f = &ev->record;
	char k[JRP_CODE_MAX + JRP_ID_MAX + JRP_RECORD_ID_MAX + 3];
	size_t kn = await_key(k, f->subject.code, ev->party, f->refers_to);
	jrp_rec *r;
	MDB_val v;
	int rc;
	/* an annulled decision is no longer shown (双公示) */
	if (!f->final && (rc = publish_record_end(a, ev->party, f->refers_to, "annulled")) != 0)
		return rc;
	rc = kv_get(a->txn, a->db[ADB_AWAITING], k, kn, &v);
	if (rc == JRP_ENOTFOUND) {
		log_info("event=finality_without_wait record_seq=%llu refers_to=%s party=%s: no record waits for it",
			 (unsigned long long)ev->seq, f->refers_to, ev->party);
		return 0;
	}
	if (rc)
		return rc;
	r = xmalloc(sizeof *r);
	if ((rc = rec_decode_bytes(v.mv_data, v.mv_size, 1u << REC_EVENT, false, r, e)) != 0)
		goto out;
	if ((rc = kv_del(a->txn, a->db[ADB_AWAITING], k, kn)) != 0)
		goto out;
	if (!f->final) {
		log_info("event=decision_annulled record_seq=%llu record_id=%s party=%s subject=%s",
			 (unsigned long long)r->u.event.seq, f->refers_to, ev->party, f->subject.code);
		goto out;
	}
	r->u.event.record.final = true;
	if (f->notice_date) {
		r->u.event.record.notice_date = f->notice_date;
		r->u.event.record.notice_linked = f->notice_linked;
	}
	rc = apply_standards(a, &r->u.event, true, e);
out:
	free(r);
	return rc;
}

/* lists_awaiting - the records about code that wait for their decision to be final, into the open
 * array out: {record_id, party, record_seq, decision_date} */
typedef struct awaiting_arg {
	mw *out;
	jrp_rec *r;
} awaiting_arg;

static int awaiting_one(void *arg, const unsigned char *k, size_t n, const MDB_val *v)
{
	awaiting_arg *x = arg;
	jrp_error e;
	if (rec_decode_bytes(v->mv_data, v->mv_size, 1u << REC_EVENT, false, x->r, &e) != 0)
		return 0;
	mw_map(x->out);
	mw_kstr(x->out, "record_id", x->r->u.event.record.record_id);
	mw_kstr(x->out, "party", x->r->u.event.party);
	mw_ku64(x->out, "record_seq", x->r->u.event.seq);
	mw_kdate(x->out, "decision_date", x->r->u.event.record.decision_date);
	mw_end(x->out);
	return 0;
}

int lists_awaiting(adj *a, const char *code, mw *out)
{
	awaiting_arg x = { out, xmalloc(sizeof(jrp_rec)) };
	int rc;
	mw_arr(out);
	rc = kv_prefix_each(a->txn, a->db[ADB_AWAITING], code, strlen(code) + 1, 1000, awaiting_one, &x);
	mw_end(out);
	free(x.r);
	return rc;
}

int lists_apply_event(adj *a, const jrp_event *ev, jrp_error *e)
{
	int rc;
	/* 双公示 [001 §(一)4]: a licence or a penalty is published as it comes, whatever lists it leads to
	 * (a foreign entry is published by its home) */
	if (ev->record.kind != RK_FOREIGN && (rc = publish_record(a, ev)) != 0)
		return rc;
	switch (ev->record.kind) {
	case RK_FOREIGN:
		return foreign_apply(a, ev, e);
	case RK_RECTIFICATION:
	case RK_INTERVIEW:
		return entry_each_subject(a, ev->record.subject.code, follow_fn, (void *)ev);
	case RK_FINALITY:
		return finality(a, ev, e);
	default:
		return apply_standards(a, ev, false, e);
	}
}

/* ---- deadlines ---- */

static int run_due(adj *a, uint64_t id, int action)
{
	entry en;
	int rc;
	if (action == DUE_RECORD_END)   /* 双公示: id is a record's event seq */
		return publish_record_expired(a, id);
	rc = entry_load(a, id, &en);
	if (rc == JRP_ENOTFOUND)
		return 0;
	if (rc)
		return rc;
	switch (action) {
	case DUE_EFFECTIVE:
		if (en.state != ENTRY_PROPOSED || (en.notice_required && !en.notice_date))
			return 0;
		/* DOMAIN.md Life 1: an objection filed inside the window holds the entry until it is decided
		 * [001 §(二)2, §(五)7]; upheld, it takes effect then (act_objection_decide) */
		if (en.objection_pending)
			return 0;
		if (a->today > en.valid_until)
			return lists_exit(a, &en, EXIT_EXPIRED, "adjudicate", 0, "validity ended before it took effect");
		return lists_effective(a, &en);
	case DUE_NOTICE:
	case DUE_REPAIR:
		return 0;   /* the department's deadline: feedback counts the duty overdue */
	case DUE_EXPIRE:
		/* DOMAIN.md Life 8: automatic exit at the end of validity [001 §(五)6] */
		if (!entry_active(&en) || a->today <= en.valid_until)
			return 0;
		return lists_exit(a, &en, EXIT_EXPIRED, "adjudicate", 0, "validity ended");
	case DUE_RECTIFY:
		/* DOMAIN.md Life 5: not rectified in time: one reminder interview (focus) or
		 * warning interview (black) with the identifying department [001 §(四)2] */
		if (en.state != ENTRY_EFFECTIVE || en.rectified || en.interview)
			return 0;
		en.interview = IVS_DUE;
		HISTORY(a, &en, "interview_due", "adjudicate", 0, "rectification deadline passed");
		if ((rc = entry_store(a, &en)) != 0)
			return rc;
		{
			change_why w = { .interview = en.list == LIST_BLACK ? IV_WARNING : IV_REMINDER,
					 .note = "not rectified by the deadline" };
			return emit(a, &en, CH_INTERVIEW_DUE, "adjudicate", &w);
		}
	}
	return 0;
}

int lists_tick(adj *a, int64_t *next_due)
{
	MDB_cursor *c;
	MDB_val k, v;
	int n = 0, rc;

	*next_due = INT64_MAX;
	if ((rc = mdb_cursor_open(a->txn, a->db[ADB_DUE], &c)) != 0)
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
		if (at > a->now) {
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
		if ((rc = run_due(a, id, action)) != 0) {
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
static const char *still_fits(adj *a, const entry *en)
{
	if (!en->standard[0])
		return "standard_removed";   /* never asked: the by_standard index has no warning entry */
	return catalog_entry_fits(a->cat, en->standard, en->list, en->derived != 0, en->subject.type, en->decision_date,
				  a->today);
}

typedef struct reeval_arg {
	void (*fn)(void *arg, const entry *en, const char *why);
	void *arg;
	size_t *changed;
	bool dry;
} reeval_arg;

static int reeval_fn(adj *a, entry *en, void *arg)
{
	reeval_arg *r = arg;
	const char *why;
	if (!entry_active(en) || en->linked_to || !(why = still_fits(a, en)))
		return 0;
	++*r->changed;
	r->fn(r->arg, en, why);
	return r->dry ? 0 : lists_exit(a, en, EXIT_STANDARD_CHANGED, "office", 0, why);
}

static int reevaluate(adj *a, const jrp_catalog *old, void (*fn)(void *arg, const entry *en, const char *why),
		      void *arg, size_t *changed, bool dry);

int lists_reevaluate(adj *a, const jrp_catalog *old, void (*fn)(void *arg, const entry *en, const char *why), void *arg,
		     size_t *changed)
{
	return reevaluate(a, old, fn, arg, changed, false);
}

int lists_would_exit(adj *a, const jrp_catalog *current, void (*fn)(void *arg, const entry *en, const char *why),
		     void *arg, size_t *n)
{
	return reevaluate(a, current, fn, arg, n, true);
}

static int reevaluate(adj *a, const jrp_catalog *old, void (*fn)(void *arg, const entry *en, const char *why),
		      void *arg, size_t *changed, bool dry)
{
	reeval_arg r = { fn, arg, changed, dry };
	int rc = 0;

	/* only entries under standards that changed: the by_standard index */
	*changed = 0;
	for (size_t i = 0; rc == 0 && i < old->nstandards; i++) {
		const jrp_standard *o = &old->standards[i], *s = catalog_standard(a->cat, o->id);
		if (s && s->list == o->list && s->subject_types == o->subject_types && s->validity_open == o->validity_open &&
		    s->validity.years == o->validity.years && s->validity.months == o->validity.months &&
		    s->validity.days == o->validity.days)
			continue;
		rc = entry_each_standard(a, o->id, reeval_fn, &r);
	}
	return rc;
}

/* ---- the calendar changed ---- */

typedef struct due_key {
	unsigned char k[17];
} due_key;

/* moved_date - the deadline of entry en that due action marks, under calendar `old` and then the one
 * in force (a->cat): *field points at it; 0 if the action marks none */
static int moved_date(adj *a, const jrp_catalog *old, entry *en, int action, jrp_date **field, jrp_date *to)
{
	const jrp_standard *s = catalog_standard(old, en->standard);
	jrp_date from;
	*field = NULL;
	switch (action) {
	case DUE_EFFECTIVE: {
		jrp_limit l;
		if (en->state != ENTRY_PROPOSED || !en->objection_end || !s)
			return 0;
		from = en->notice_required ? en->notice_date : en->identified_on;
		l = en->notice_required ? s->notice_period : (jrp_limit){ s->objection_days, true };
		if (!l.n)
			return 0;
		*field = &en->objection_end;
		*to = calendar_limit_end(a->cat->cal, from, l);
		return 1;
	}
	case DUE_RECTIFY:
		if (!en->rectify_by || !en->valid_from)
			return 0;
		*field = &en->rectify_by;
		*to = calendar_move(old->cal, a->cat->cal, en->valid_from, en->rectify_by);
		return 1;
	case DUE_NOTICE:
		if (!en->notice_by)
			return 0;
		*field = &en->notice_by;
		*to = calendar_move(old->cal, a->cat->cal, en->identified_on, en->notice_by);
		return 1;
	case DUE_REPAIR:
		if (en->repair != RP_APPLIED || !en->repair_applied)
			return 0;
		*field = &en->repair_decide_by;
		*to = calendar_move(old->cal, a->cat->cal, en->repair_applied, en->repair_decide_by);
		return 1;
	}
	return 0;
}

static const char *const moved_names[] = { [DUE_EFFECTIVE] = "objection_end", [DUE_RECTIFY] = "rectify_by",
					   [DUE_NOTICE] = "notice_by", [DUE_REPAIR] = "repair_decide_by" };

int lists_recalendar(adj *a, const jrp_catalog *old,
		     void (*fn)(void *arg, const entry *en, const char *deadline, jrp_date from, jrp_date to), void *arg,
		     size_t *moved)
{
	int y0, y1, rc;
	int64_t lo, hi;
	due_key *v = NULL;
	size_t n = 0, cap = 0;
	MDB_cursor *c;
	MDB_val k, val;
	unsigned char start[17];

	*moved = 0;
	if (!calendar_changed(old->cal, a->cat->cal, &y0, &y1))
		return 0;
	/* pending working-day deadlines that may count days of the changed years: due from the first
	 * of them to a few months after the last (no window is longer than 60 working days) */
	lo = ms_of_date(date_from_ymd(y0, 1, 1));
	hi = ms_of_date(date_from_ymd(y1, 12, 31) + 120);
	memset(start, 0, sizeof start);
	be64_put(start, (uint64_t)lo);
	if ((rc = mdb_cursor_open(a->txn, a->db[ADB_DUE], &c)) != 0)
		return store_rc(rc);
	k.mv_data = start;
	k.mv_size = sizeof start;
	for (rc = mdb_cursor_get(c, &k, &val, MDB_SET_RANGE); rc == 0; rc = mdb_cursor_get(c, &k, &val, MDB_NEXT)) {
		const unsigned char *p = k.mv_data;
		if (k.mv_size != 17)
			continue;
		if ((int64_t)be64_get(p) >= hi)
			break;
		if (p[16] == DUE_EXPIRE || p[16] == DUE_RECORD_END)
			continue;   /* validity and publication are counted in calendar periods */
		if (n == cap)
			v = xrealloc(v, (cap = cap ? cap * 2 : 64) * sizeof *v);
		memcpy(v[n++].k, p, 17);
	}
	mdb_cursor_close(c);
	if (rc != 0 && rc != MDB_NOTFOUND) {
		free(v);
		return store_rc(rc);
	}
	rc = 0;
	for (size_t i = 0; rc == 0 && i < n; i++) {
		uint64_t id = be64_get(v[i].k + 8);
		int action = v[i].k[16];
		jrp_date *field, to, from;
		entry en;
		char note[120], df[11], dt[11];
		if ((rc = entry_load(a, id, &en)) == JRP_ENOTFOUND) {
			rc = 0;
			continue;
		}
		if (rc || !moved_date(a, old, &en, action, &field, &to) || to == *field)
			continue;
		from = *field;
		*field = to;
		date_format(from, df);
		date_format(to, dt);
		snprintf(note, sizeof note, "%s moved from %s to %s: the official calendar", moved_names[action], df, dt);
		if ((rc = kv_del(a->txn, a->db[ADB_DUE], v[i].k, 17)) != 0 ||
		    (rc = entry_due(a, ms_of_date(to + 1), id, action)) != 0 ||
		    (rc = entry_history(a, &en, "deadline_moved", "office", 0, note)) != 0 || (rc = entry_store(a, &en)) != 0)
			break;
		++*moved;
		fn(arg, &en, moved_names[action], from, to);
	}
	free(v);
	return rc;
}

/* ---- queries ---- */

static int subject_fn(adj *a, entry *en, void *arg)
{
	return entry_view(a, en, arg);
}

int lists_subject_asof(adj *a, const char *code, int64_t at, mw *out)
{
	int rc;
	mw_arr(out);
	rc = entry_each_subject_asof(a, code, at, subject_fn, out);
	mw_end(out);
	return rc;
}

int lists_subject(adj *a, const char *code, mw *out)
{
	int rc;
	mw_arr(out);
	rc = entry_each_subject(a, code, subject_fn, out);
	mw_end(out);
	return rc;
}
