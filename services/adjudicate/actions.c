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
#include "lists.h"
#include "clock.h"
#include <stdio.h>
#include <string.h>

#define OBJECTION_DECIDE_WORKDAYS 10   /* [national] the platform answers within 10 working days */
#define REPAIR_DECIDE_WORKDAYS 3       /* [national] the department decides within 3 working days */

/* load - the entry named by the request's "entry" field */
static int load(jrp_daemon *d, jrp_req *r, MDB_txn *txn, entry *en, jrp_error *e)
{
	uint64_t id;
	int rc;
	if ((rc = mr_u64(&r->body, "entry", MR_REQ, &id)) < 0)
		return rc;
	rc = entry_load(d, txn, id, en);
	if (rc == JRP_ENOTFOUND)
		return jrp_fail(e, JRP_ERR_NOT_FOUND, "entry", "there is no entry %llu", (unsigned long long)id);
	return rc;
}

/* own - only the identifying department acts on its entries (DESIGN.md Security); entries
 * that adjudicate derived itself (the warning list) are the office's to decide */
static int own(jrp_req *r, const entry *en, jrp_error *e)
{
	if (strcmp(en->derived, "warning") == 0) {
		if (!(r->party->roles & ROLE_OFFICE))
			return req_fail_forbidden(r, e, "entry %llu is a derived warning entry; only the office decides on it, not \"%s\"",
						  (unsigned long long)en->id, r->party->id);
		return 0;
	}
	if (strcmp(r->party->id, en->party) != 0)
		return req_fail_forbidden(r, e, "entry %llu was identified by \"%s\"; \"%s\" may not do this",
					  (unsigned long long)en->id, en->party, r->party->id);
	return 0;
}

static int conflict(jrp_error *e, const entry *en, const char *what)
{
	return jrp_fail(e, JRP_ERR_CONFLICT, "entry", "entry %llu is %s%s%s: %s", (unsigned long long)en->id, en->state,
			en->exit_reason[0] ? " (" : "", en->exit_reason[0] ? en->exit_reason : "", what);
}

static int opt_note(jrp_req *r, char *note, size_t n)
{
	int rc = mr_cstr(&r->body, "note", MR_OPT, n - 1, note);
	if (rc == 0)
		note[0] = 0;
	return rc;
}

static void reply_entry(mw *out, const entry *en)
{
	mw_ku64(out, "entry", en->id);
	mw_kstr(out, "state", en->state);
}

int actions_h_notice(jrp_daemon *d, jrp_req *r, MDB_txn *txn, mw *out, jrp_error *e)
{
	entry en;
	char ds[16], note[80];
	jrp_date nd;
	int rc;
	if ((rc = load(d, r, txn, &en, e)) != 0 || (rc = own(r, &en, e)) != 0 ||
	    (rc = mr_cstr(&r->body, "notice_date", MR_REQ, 10, ds)) < 0)
		return rc;
	if (date_parse(ds, strlen(ds), &nd) < 0)
		return mr_fail_value(&r->body, "notice_date", "\"%s\" is not a valid date (YYYY-MM-DD)", ds);
	if (nd > clock_today() || nd < en.identified_on)
		return mr_fail_value(&r->body, "notice_date", "must be between the identification (%s) and today",
				     (date_format(en.identified_on, note), note));
	if (strcmp(en.state, "proposed") != 0 || !en.notice_required || en.notice_date)
		return conflict(e, &en, en.notice_date ? "the notice was already reported" : "no notice is awaited");
	en.notice_date = nd;
	snprintf(note, sizeof note, "subject notified on %s", ds);
	entry_history(&en, clock_now_ms(), "notified", r->party->id, 0, note);
	if ((rc = lists_schedule_effective(d, txn, &en)) != 0 || (rc = entry_store(d, txn, &en)) != 0 ||
	    (rc = emit(d, txn, &en, "noticed", r->party->id, NULL)) != 0)
		return rc;
	reply_entry(out, &en);
	mw_kdate(out, "objection_end", en.objection_end);
	return 0;
}

int actions_h_objection_file(jrp_daemon *d, jrp_req *r, MDB_txn *txn, mw *out, jrp_error *e)
{
	const jrp_catalog *cat = daemon_catalog(d);
	entry en;
	char reason[1001];
	change_opt o = { 0 };
	int rc;
	if ((rc = load(d, r, txn, &en, e)) != 0 || (rc = mr_cstr(&r->body, "reason", MR_REQ, 1000, reason)) < 0)
		return rc;
	if (!entry_active(&en))
		return conflict(e, &en, "only an entry in force or proposed can be objected to");
	if (en.objection[0])
		return conflict(e, &en, "an objection is already being verified");
	strcpy(en.objection, "pending");
	snprintf(en.objection_by, sizeof en.objection_by, "%s", r->party->id);
	entry_history(&en, clock_now_ms(), "objection", r->party->id, 0, reason);
	o.decide_by = calendar_add_workdays(cat->cal, clock_today(), OBJECTION_DECIDE_WORKDAYS);
	o.note = reason;
	/* DOMAIN.md Life 6: while a black-list entry is verified its punishments are suspended [001 §(五)7] */
	if (strcmp(en.state, "effective") == 0 && en.list == LIST_BLACK) {
		en.suspended = true;
		if ((rc = entry_store(d, txn, &en)) != 0 || (rc = emit(d, txn, &en, "suspended", r->party->id, NULL)) != 0)
			return rc;
	}
	if ((rc = entry_store(d, txn, &en)) != 0 || (rc = emit(d, txn, &en, "objection_filed", r->party->id, &o)) != 0)
		return rc;
	reply_entry(out, &en);
	mw_kbool(out, "suspended", en.suspended);
	mw_kdate(out, "decide_by", o.decide_by);
	return 0;
}

int actions_h_objection_decide(jrp_daemon *d, jrp_req *r, MDB_txn *txn, mw *out, jrp_error *e)
{
	entry en;
	char outcome[16], note[401];
	change_opt o = { 0 };
	int rc;
	if ((rc = load(d, r, txn, &en, e)) != 0 || (rc = own(r, &en, e)) != 0 ||
	    (rc = mr_cstr(&r->body, "outcome", MR_REQ, 15, outcome)) < 0 || (rc = opt_note(r, note, sizeof note)) < 0)
		return rc;
	if (strcmp(outcome, "upheld") != 0 && strcmp(outcome, "wrong") != 0)
		return mr_fail_value(&r->body, "outcome", "must be \"upheld\" (the entry stands) or \"wrong\" (it is revoked)");
	if (strcmp(en.objection, "pending") != 0)
		return conflict(e, &en, "no objection is being verified");
	en.objection[0] = 0;
	o.reason = outcome;
	o.note = note;
	entry_history(&en, clock_now_ms(), "objection_decided", r->party->id, 0, outcome);
	if ((rc = entry_store(d, txn, &en)) != 0 || (rc = emit(d, txn, &en, "objection_decided", r->party->id, &o)) != 0)
		return rc;
	if (strcmp(outcome, "upheld") == 0) {
		if (en.suspended) {
			en.suspended = false;
			if ((rc = entry_store(d, txn, &en)) != 0 ||
			    (rc = emit(d, txn, &en, "resumed", r->party->id, NULL)) != 0)
				return rc;
		}
	} else if ((rc = lists_exit(d, txn, &en, "revoked", r->party->id, 0, note[0] ? note : "the entry was wrong")) != 0) {
		return rc;
	}
	reply_entry(out, &en);
	mw_kstr(out, "outcome", outcome);
	return 0;
}

int actions_h_repair_apply(jrp_daemon *d, jrp_req *r, MDB_txn *txn, mw *out, jrp_error *e)
{
	const jrp_catalog *cat = daemon_catalog(d);
	const jrp_standard *s;
	const msgpack_object_array *ms;
	entry en;
	unsigned given = 0;
	char note[401], ds[11];
	change_opt o = { 0 };
	int rc;
	if ((rc = load(d, r, txn, &en, e)) != 0 || (rc = mr_arr(&r->body, "methods", MR_REQ, 8, &ms)) < 0 ||
	    (rc = opt_note(r, note, sizeof note)) < 0)
		return rc;
	for (uint32_t i = 0; i < ms->size; i++) {
		char m[32];
		unsigned bit;
		if (ms->ptr[i].type != MSGPACK_OBJECT_STR || ms->ptr[i].via.str.size >= sizeof m)
			return mr_fail(&r->body, JRP_ERR_WRONG_TYPE, "methods", "must be an array of method names");
		snprintf(m, sizeof m, "%.*s", (int)ms->ptr[i].via.str.size, ms->ptr[i].via.str.ptr);
		if (!(bit = repair_method_parse(m)))
			return mr_fail_value(&r->body, "methods", "\"%s\" is not a repair method (commitment, training, report, service)", m);
		given |= bit;
	}
	s = en.standard[0] ? catalog_standard(cat, en.standard) : NULL;
	if (strcmp(en.state, "effective") != 0 || (en.list != LIST_BLACK && en.list != LIST_FOCUS) || en.linked_to ||
	    en.derived[0])
		return conflict(e, &en, "only a black- or focus-list entry in force, identified under a standard, can be repaired");
	if (!s || !s->repairable)
		return jrp_fail(e, JRP_ERR_CONFLICT, "entry", "standard %s does not allow credit repair", en.standard);
	if (strcmp(en.repair, "applied") == 0)
		return conflict(e, &en, "a repair application is already awaiting its decision");
	if (date_add_period(en.decision_date, s->repair_min) > clock_today()) {
		date_format(date_add_period(en.decision_date, s->repair_min), ds);
		return jrp_fail(e, JRP_ERR_CONFLICT, "entry", "repair may be requested from %s (minimum period under %s)", ds,
				s->id);
	}
	for (unsigned bit = 1; bit <= REPAIR_SERVICE; bit <<= 1)
		if ((s->repair_methods & bit) && !(given & bit))
			return mr_fail_value(&r->body, "methods", "standard %s requires %s", s->id, repair_method_name(bit));
	strcpy(en.repair, "applied");
	en.repair_decide_by = calendar_add_workdays(cat->cal, clock_today(), REPAIR_DECIDE_WORKDAYS);
	entry_history(&en, clock_now_ms(), "repair_applied", r->party->id, 0, note);
	o.decide_by = en.repair_decide_by;
	o.note = note;
	if ((rc = entry_store(d, txn, &en)) != 0 || (rc = emit(d, txn, &en, "repair_applied", r->party->id, &o)) != 0)
		return rc;
	reply_entry(out, &en);
	mw_kdate(out, "decide_by", en.repair_decide_by);
	return 0;
}

int actions_h_repair_decide(jrp_daemon *d, jrp_req *r, MDB_txn *txn, mw *out, jrp_error *e)
{
	entry en;
	bool approved;
	char note[401];
	change_opt o = { 0 };
	int rc;
	if ((rc = load(d, r, txn, &en, e)) != 0 || (rc = own(r, &en, e)) != 0 ||
	    (rc = mr_bool(&r->body, "approved", MR_REQ, &approved)) < 0 || (rc = opt_note(r, note, sizeof note)) < 0)
		return rc;
	if (strcmp(en.repair, "applied") != 0)
		return conflict(e, &en, "no repair application awaits a decision");
	strcpy(en.repair, approved ? "approved" : "rejected");
	o.reason = en.repair;
	o.note = note;
	entry_history(&en, clock_now_ms(), "repair_decided", r->party->id, 0, en.repair);
	if ((rc = entry_store(d, txn, &en)) != 0 || (rc = emit(d, txn, &en, "repair_decided", r->party->id, &o)) != 0)
		return rc;
	/* DOMAIN.md Life 7-8: approval exits the entry early [001 §(五)4, §(五)6] */
	if (approved && (rc = lists_exit(d, txn, &en, "repaired", r->party->id, 0, "credit repair approved")) != 0)
		return rc;
	reply_entry(out, &en);
	mw_kbool(out, "approved", approved);
	return 0;
}

int actions_h_reward_abuse(jrp_daemon *d, jrp_req *r, MDB_txn *txn, mw *out, jrp_error *e)
{
	entry en;
	char note[401];
	int rc;
	if ((rc = load(d, r, txn, &en, e)) != 0 || (rc = mr_cstr(&r->body, "note", MR_REQ, 400, note)) < 0)
		return rc;
	if (en.list != LIST_RED || !entry_active(&en))
		return conflict(e, &en, "only a red-list entry in force can lose its rewards for abuse");
	if ((rc = lists_exit(d, txn, &en, "reward_abuse", r->party->id, 0, note)) != 0)
		return rc;
	reply_entry(out, &en);
	return 0;
}
