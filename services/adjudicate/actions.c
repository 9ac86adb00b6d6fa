/*
 * actions.c - what departments, agencies and the office do to one entry
 *
 * These requests go straight to adjudicate, which owns entry state, so the
 * answer says at once whether the action was possible (an objection on an
 * entry that already ended, a repair before its minimum period ...). Each
 * handler validates everything before it writes; the change goes to the change
 * log with the party that caused it, and dispatch tells the agencies.
 *   entry.notice      the identifying department reports the notice date  [001 §(二)2]
 *   objection.file    the subject (via a department or the office) or an agency objects  [001 §(五)7]
 *   objection.decide  the identifying department: the entry is upheld or wrong            [001 §(五)7]
 *   repair.apply      a repair application with its methods                               [001 §(五)4]
 *   repair.decide     the identifying department decides, within 3 working days           [national]
 *   reward.abuse      a red-list subject abused its rewards: it leaves red                 [001 §(五)6]
 */
#include "adj.h"
#include "clock.h"
#include "util/str.h"
#include <stdio.h>
#include <string.h>


/* load - entry id, or not_found; forbidden for another region's entry: only its home changes it
 * (federation, issue 14 [001 §(五)2]: the objection, repair and exit of an entry are the identifying
 * region's, which sends each change; every action here goes to that region instead) */
static int load(adj *a, uint64_t id, entry *en, jrp_error *e)
{
	int rc = entry_load(a, id, en);
	if (rc == JRP_ENOTFOUND)
		return jrp_fail(e, JRP_ERR_NOT_FOUND, "entry", "there is no entry %llu", (unsigned long long)id);
	if (rc == 0 && entry_foreign(en))
		return jrp_fail(e, JRP_ERR_FORBIDDEN, "entry", "entry %llu is region %s's (entry %llu there): only %s can "
				"change it", (unsigned long long)en->id, en->origin.region, (unsigned long long)en->origin.entry,
				en->origin.region);
	return rc;
}

static int forbidden(jrp_error *e, const char *fmt, const entry *en, const char *who, const char *party)
{
	jrp_fail(e, JRP_ERR_FORBIDDEN, "party", fmt, (unsigned long long)en->id, who, party);
	return JRP_EFORBIDDEN;
}

/* own - only the identifying department acts on its entries (DESIGN.md Security); entries
 * that adjudicate derived itself (the warning list) are the office's to decide */
static int own(const jrp_party *by, const entry *en, jrp_error *e)
{
	if (en->derived == DERIVED_WARNING) {
		if (!(by->roles & ROLE_OFFICE))
			return forbidden(e, "entry %llu is a derived warning entry; only the office decides on it, not \"%s\"%s",
					 en, by->id, "");
		return 0;
	}
	if (strcmp(by->id, en->party) != 0)
		return forbidden(e, "entry %llu was identified by \"%s\"; \"%s\" may not do this", en, en->party, by->id);
	return 0;
}

static int conflict(jrp_error *e, const entry *en, const char *what)
{
	jrp_fail(e, JRP_ERR_CONFLICT, "entry", "entry %llu is %s%s%s%s: %s", (unsigned long long)en->id,
		 names_get(&entry_state_names, en->state), en->exit_reason ? " (" : "",
		 names_get(&exit_reason_names, en->exit_reason), en->exit_reason ? ")" : "", what);
	return JRP_ECONFLICT;
}

/* noticed - record the notice of an entry awaiting one */
static int noticed(adj *a, entry *en, const char *by, jrp_date nd, const char *how)
{
	char ds[11], note[120];
	int rc;
	en->notice_date = nd;
	en->notice_by = 0;
	date_format(nd, ds);
	snprintf(note, sizeof note, "subject notified on %s%s", ds, how);
	HISTORY(a, en, "notified", by, 0, note);
	if ((rc = lists_schedule_effective(a, en)) != 0 || (rc = entry_store(a, en)) != 0)
		return rc;
	return emit(a, en, CH_NOTICED, by, NULL);
}

typedef struct notice_arg {
	const char *by;
	jrp_date nd;
	mw *covered;
} notice_arg;

static int notice_linked_fn(adj *a, entry *en, void *arg)
{
	notice_arg *n = arg;
	int rc;
	if (en->state != ENTRY_PROPOSED || !en->notice_required || en->notice_date)
		return 0;
	if ((rc = noticed(a, en, n->by, n->nd, " (the organisation's notice covered the linked persons)")) != 0)
		return rc;
	if (n->covered) {
		mw_map(n->covered);
		mw_ku64(n->covered, "entry", en->id);
		mw_kdate(n->covered, "objection_end", en->objection_end);
		mw_end(n->covered);
	}
	return 0;
}

int act_notice(adj *a, uint64_t id, const jrp_party *by, jrp_date nd, bool linked, entry *en, mw *covered,
	       jrp_error *e)
{
	notice_arg n = { by->id, nd, covered };
	char ds[11];
	int rc;
	if ((rc = load(a, id, en, e)) != 0 || (rc = own(by, en, e)) != 0)
		return rc;
	if (nd > a->today || nd < en->identified_on) {
		date_format(en->identified_on, ds);
		return jrp_fail(e, JRP_ERR_BAD_VALUE, "notice_date", "must be between the identification (%s) and today", ds);
	}
	if (en->state != ENTRY_PROPOSED || !en->notice_required || en->notice_date)
		return conflict(e, en, en->notice_date ? "the notice was already reported" : "no notice is awaited");
	if ((rc = noticed(a, en, by->id, nd, "")) != 0)
		return rc;
	/* DOMAIN.md Life 1: one notice may cover an organisation and its linked persons when the
	 * department says so */
	return linked ? entry_each_linked(a, en->id, notice_linked_fn, &n) : 0;
}

int act_objection_file(adj *a, uint64_t id, const jrp_party *by, const char *reason, entry *en, jrp_date *decide_by,
		       jrp_error *e)
{
	change_why w = { 0 };
	int rc;
	if ((rc = load(a, id, en, e)) != 0)
		return rc;
	if (!entry_active(en))
		return conflict(e, en, "only an entry in force or proposed can be objected to");
	if (en->objection_pending)
		return conflict(e, en, "an objection is already being verified");
	en->objection_pending = true;
	str_copy(en->objection_by, sizeof en->objection_by, by->id);
	HISTORY(a, en, "objection", by->id, 0, reason);
	w.decide_by = *decide_by = calendar_add_workdays(a->cat->cal, a->today, OBJECTION_DECIDE_WORKDAYS);
	w.note = reason;
	/* DOMAIN.md Life 6: while a black-list entry is verified its punishments are suspended [001 §(五)7] */
	if (en->state == ENTRY_EFFECTIVE && en->list == LIST_BLACK) {
		en->suspended = true;
		if ((rc = entry_store(a, en)) != 0 || (rc = emit(a, en, CH_SUSPENDED, by->id, NULL)) != 0)
			return rc;
	}
	if ((rc = entry_store(a, en)) != 0)
		return rc;
	return emit(a, en, CH_OBJECTION_FILED, by->id, &w);
}

int act_objection_decide(adj *a, uint64_t id, const jrp_party *by, jrp_outcome outcome, const char *note, entry *en,
			 jrp_error *e)
{
	change_why w = { .outcome = outcome, .note = note };
	int rc;
	if ((rc = load(a, id, en, e)) != 0 || (rc = own(by, en, e)) != 0)
		return rc;
	if (!en->objection_pending)
		return conflict(e, en, "no objection is being verified");
	en->objection_pending = false;
	en->objection_by[0] = 0;
	HISTORY(a, en, "objection_decided", by->id, 0, names_get(&outcome_names, outcome));
	if ((rc = entry_store(a, en)) != 0 || (rc = emit(a, en, CH_OBJECTION_DECIDED, by->id, &w)) != 0)
		return rc;
	switch (outcome) {
	case OUTCOME_UPHELD:
		/* an entry held in its window by the objection takes effect now if the window is over (never
		 * earlier: otherwise its deadline, still indexed, makes it effective at the window's end) */
		if (en->state == ENTRY_PROPOSED && (!en->notice_required || en->notice_date) && en->objection_end &&
		    en->objection_end < a->today)
			return lists_effective(a, en);
		if (!en->suspended)
			return 0;
		en->suspended = false;
		if ((rc = entry_store(a, en)) != 0)
			return rc;
		return emit(a, en, CH_RESUMED, by->id, NULL);
	case OUTCOME_WRONG:
		return lists_exit(a, en, EXIT_REVOKED, by->id, 0, note[0] ? note : "the entry was wrong");
	case OUTCOME_NONE: case OUTCOME__N:
		break;
	}
	return jrp_fail(e, JRP_ERR_BAD_VALUE, "outcome", "must be upheld or wrong");
}

int act_repair_apply(adj *a, uint64_t id, const jrp_party *by, unsigned given, const char *note, entry *en,
		     jrp_error *e)
{
	const jrp_standard *s;
	change_why w = { 0 };
	char ds[11];
	int rc;
	if ((rc = load(a, id, en, e)) != 0)
		return rc;
	s = en->standard[0] ? catalog_standard(a->cat, en->standard) : NULL;
	if (en->state != ENTRY_EFFECTIVE || (en->list != LIST_BLACK && en->list != LIST_FOCUS) || en->linked_to || en->derived)
		return conflict(e, en, "only a black- or focus-list entry in force, identified under a standard, can be repaired");
	if (!s || !s->repairable)
		return jrp_fail(e, JRP_ERR_CONFLICT, "entry", "standard %s does not allow credit repair", en->standard);
	if (en->repair == RP_APPLIED)
		return conflict(e, en, "a repair application is already awaiting its decision");
	/* DOMAIN.md Life 7: the minimum period runs from the decision, or from the correction where the
	 * list's rule says so (人社部令第45号: 6 months after the wages were paid) */
	if (s->repair_from_rectification && !en->rectified_on)
		return jrp_fail(e, JRP_ERR_CONFLICT, "entry", "under %s repair may be requested %s after the "
				"rectification, and none is recorded (a rectification record)", s->id,
				(period_format(s->repair_min, ds, sizeof ds), ds));
	{
		jrp_date from = s->repair_from_rectification ? en->rectified_on : en->decision_date;
		if (date_add_period(from, s->repair_min) > a->today) {
			date_format(date_add_period(from, s->repair_min), ds);
			return jrp_fail(e, JRP_ERR_CONFLICT, "entry", "repair may be requested from %s (minimum period "
					"under %s, from the %s)", ds, s->id,
					s->repair_from_rectification ? "rectification" : "decision");
		}
	}
	for (int m = 0; m < RM__N; m++)
		if ((s->repair_methods & (1u << m)) && !(given & (1u << m)))
			return jrp_fail(e, JRP_ERR_BAD_VALUE, "methods", "standard %s requires %s", s->id,
					names_get(&repair_method_names, m));
	en->repair = RP_APPLIED;
	en->repair_applied = a->today;
	en->repair_decide_by = calendar_add_workdays(a->cat->cal, a->today, REPAIR_DECIDE_WORKDAYS);
	if ((rc = entry_due(a, ms_of_date(en->repair_decide_by + 1), en->id, DUE_REPAIR)) != 0)
		return rc;
	HISTORY(a, en, "repair_applied", by->id, 0, note);
	w.decide_by = en->repair_decide_by;
	w.note = note;
	if ((rc = entry_store(a, en)) != 0)
		return rc;
	return emit(a, en, CH_REPAIR_APPLIED, by->id, &w);
}

int act_repair_decide(adj *a, uint64_t id, const jrp_party *by, bool approved, const char *note, entry *en,
		      jrp_error *e)
{
	change_why w = { .note = note };
	int rc;
	if ((rc = load(a, id, en, e)) != 0 || (rc = own(by, en, e)) != 0)
		return rc;
	if (en->repair != RP_APPLIED)
		return conflict(e, en, "no repair application awaits a decision");
	en->repair = w.repair = approved ? RP_APPROVED : RP_REJECTED;
	HISTORY(a, en, "repair_decided", by->id, 0, names_get(&repair_state_names, en->repair));
	if ((rc = entry_store(a, en)) != 0 || (rc = emit(a, en, CH_REPAIR_DECIDED, by->id, &w)) != 0)
		return rc;
	/* DOMAIN.md Life 7-8: approval exits the entry early [001 §(五)4, §(五)6] */
	if (approved)
		return lists_exit(a, en, EXIT_REPAIRED, by->id, 0, "credit repair approved");
	return 0;
}

int act_reward_abuse(adj *a, uint64_t id, const jrp_party *by, const char *note, entry *en, jrp_error *e)
{
	int rc;
	if ((rc = load(a, id, en, e)) != 0)
		return rc;
	if (en->list != LIST_RED || !entry_active(en))
		return conflict(e, en, "only a red-list entry in force can lose its rewards for abuse");
	return lists_exit(a, en, EXIT_REWARD_ABUSE, by->id, 0, note);
}
