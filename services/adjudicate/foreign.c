/*
 * foreign.c - another region's list entries, received (federation, issue 14)
 *
 * Regions accept each other's joint punishment [001 §(五)2] (DOMAIN.md "Trigger,
 * response, feedback": "an engine can initiate joint punishment of a subject
 * towards another region's engine, and accept theirs"); [004 ch.11] and
 * [000 七(二)1] ask for list information shared and applied across regions.
 * This region's jrp-exchange turns each change of a shared entry at home into a
 * foreign record (records.h RK_FOREIGN) that ingest checks and logs like any
 * other; here it becomes, or changes, one local entry:
 *
 *   - the local entry is found by its home, (origin.region, origin.entry), in
 *     "foreign" (region NUL home entry id -> local entry id). The home's change
 *     seq orders the copies: one not above the last applied (origin.seq on the
 *     entry) is a resend or an older copy and changes nothing.
 *   - a first effective copy becomes an entry under the first receiving standard
 *     of this catalogue (catalogue order) that takes its list, home domain and
 *     region: effective at once (the home gave the notice and ran the objection
 *     window), valid as the home says, its domain this region's, so this
 *     region's measures reach this region's agencies. None takes it: a refused
 *     entry (exit reason no_standard), which entries.get and the statistics show.
 *     A first copy that is already exited or suspended lists nothing.
 *   - later copies: suspended/resumed, a new validity end (extended), exit with
 *     the home's reason (revoked: the home found it wrong).
 * No deadline of its own (no expiry tick: the home sends the exit); every action
 * of a department, agency or office is refused (actions.c load()); it derives
 * no warning entry and no linked-person entry (the home sends the persons' own
 * entries). As a black entry in force here it removes the subject's red entries
 * and keeps red refused, like this region's own black entries [001 §(二)2,
 * §(五)6]: a subject punished jointly is not rewarded jointly at the same time.
 */
#include "adj.h"
#include "store.h"
#include "util/log.h"
#include "util/str.h"
#include <stdio.h>
#include <string.h>

/* fkey - region NUL home entry id (8 bytes, big-endian) */
static size_t fkey(unsigned char *k, const jrp_origin *o)
{
	size_t n = str_copy((char *)k, JRP_ID_MAX + 1, o->region) + 1;
	be64_put(k + n, o->entry);
	return n + 8;
}

/* receiving - the first receiving standard that takes rec, or NULL */
static const jrp_standard *receiving(adj *a, const jrp_record *rec)
{
	for (size_t i = 0; i < a->cat->nstandards; i++) {
		const jrp_standard *s = &a->cat->standards[i];
		if (standard_receives(s, rec->list, rec->origin.region, rec->origin.domain) &&
		    (s->subject_types & (1u << rec->subject.type)))
			return s;
	}
	return NULL;
}

/* home_note - "region sh's entry 345 (standard tax.major_violation of sh_tax, seq 9)" */
static void home_note(const jrp_origin *o, const char *what, char *out, size_t n)
{
	snprintf(out, n, "%sregion %s's entry %llu (standard %s of %s, change %llu)", what, o->region,
		 (unsigned long long)o->entry, o->standard, o->party, (unsigned long long)o->seq);
}

/* receive - a first effective copy: a new entry, effective at once, or refused (no_standard) */
static int receive(adj *a, const jrp_event *ev, const unsigned char *k, size_t kn)
{
	const jrp_record *rec = &ev->record;
	const jrp_standard *s = receiving(a, rec);
	unsigned char v[8];
	char note[JRP_TITLE_MAX + 200];
	entry en;
	int rc;

	memset(&en, 0, sizeof en);
	en.list = rec->list;
	en.subject = rec->subject;
	memcpy(en.party, ev->party, sizeof en.party);
	en.record_seq = ev->seq;
	memcpy(en.record_id, rec->record_id, sizeof en.record_id);
	en.decision_date = rec->decision_date;
	en.valid_until = rec->valid_until;
	en.origin = rec->origin;
	if (!s) {
		if ((rc = lists_start(a, &en, ENTRY_REFUSED)) != 0)
			return rc;
		en.exit_reason = EXIT_NO_STANDARD;
		snprintf(note, sizeof note, "no receiving standard of catalogue %s takes %s entries of region %s, domain %s",
			 a->cat->version, list_name(rec->list), rec->origin.region, rec->origin.domain);
		HISTORY(a, &en, "refused", ev->party, ev->seq, note);
		log_info("event=foreign_refused record_seq=%llu region=%s home_entry=%llu list=%s domain=%s subject=%s",
			 (unsigned long long)ev->seq, rec->origin.region, (unsigned long long)rec->origin.entry,
			 list_name(rec->list), rec->origin.domain, rec->subject.code);
		change_why w = { .exit_reason = EXIT_NO_STANDARD, .note = note };
		if ((rc = entry_index(a, &en)) != 0 || (rc = entry_store(a, &en)) != 0 ||
		    (rc = emit(a, &en, CH_REFUSED, ev->party, &w)) != 0)
			return rc;
	} else {
		if ((rc = lists_start(a, &en, ENTRY_EFFECTIVE)) != 0)
			return rc;
		str_copy(en.standard, sizeof en.standard, s->id);
		str_copy(en.domain, sizeof en.domain, s->domain);
		en.valid_from = rec->valid_from;
		home_note(&rec->origin, "", note, sizeof note);
		HISTORY(a, &en, "identified", ev->party, ev->seq, note);
		HISTORY(a, &en, "effective", ev->party, ev->seq, "the home region identified it; received effective");
		if ((rc = entry_index(a, &en)) != 0 || (rc = entry_store(a, &en)) != 0 ||
		    (rc = emit(a, &en, CH_EFFECTIVE, ev->party, NULL)) != 0)
			return rc;
		if ((en.list == LIST_BLACK || en.list == LIST_FOCUS) &&
		    (rc = entry_each_subject(a, en.subject.code, lists_remove_red_fn, &en)) != 0)
			return rc;
	}
	be64_put(v, en.id);
	return kv_put(a->txn, a->db[ADB_FOREIGN], k, kn, v, 8, 0);
}

/* follow - a later copy of an entry received here: what the home changed */
static int follow(adj *a, const jrp_event *ev, entry *en)
{
	const jrp_record *rec = &ev->record;
	char note[JRP_TITLE_MAX + 200];
	bool extended = rec->valid_until != en->valid_until;
	bool flips = rec->suspended != en->suspended;
	int rc;

	en->origin = rec->origin;
	en->record_seq = ev->seq;
	memcpy(en->record_id, rec->record_id, sizeof en->record_id);
	if (rec->origin_state == ENTRY_EXITED) {
		home_note(&rec->origin, "the home ended it: ", note, sizeof note);
		return lists_exit(a, en, rec->exit_reason, ev->party, ev->seq, note);
	}
	if (!extended && !flips) {
		/* nothing this region acts on (e.g. a note at home): the seq moves on */
		home_note(&rec->origin, "a change at home: ", note, sizeof note);
		HISTORY(a, en, "record_attached", ev->party, ev->seq, note);
		return entry_store(a, en);
	}
	if (extended) {
		en->decision_date = rec->decision_date;
		en->valid_until = rec->valid_until;
		home_note(&rec->origin, "validity moved at home: ", note, sizeof note);
		HISTORY(a, en, "extended", ev->party, ev->seq, note);
	}
	if (flips) {
		/* the home verifies an objection (its punishments suspended) or ended the verification
		 * [001 §(五)7]: here too */
		en->suspended = rec->suspended;
		HISTORY(a, en, rec->suspended ? "suspended" : "resumed", ev->party, ev->seq,
			rec->suspended ? "suspended at home (objection being verified)" : "resumed at home");
	}
	if ((rc = entry_store(a, en)) != 0)
		return rc;
	if (extended && (rc = emit(a, en, CH_EXTENDED, ev->party, NULL)) != 0)
		return rc;
	if (flips)
		return emit(a, en, rec->suspended ? CH_SUSPENDED : CH_RESUMED, ev->party, NULL);
	return 0;
}

int foreign_apply(adj *a, const jrp_event *ev, jrp_error *e)
{
	const jrp_record *rec = &ev->record;
	unsigned char k[JRP_ID_MAX + 1 + 8];
	size_t kn = fkey(k, &rec->origin);
	MDB_val v;
	entry en;
	int rc;

	(void)e;
	rc = kv_get(a->txn, a->db[ADB_FOREIGN], k, kn, &v);
	if (rc == JRP_ENOTFOUND) {
		if (rec->origin_state != ENTRY_EFFECTIVE || rec->suspended) {
			/* nothing to list: it ended (or is held) at home before it reached this region */
			log_info("event=foreign_not_listed record_seq=%llu region=%s home_entry=%llu state=%s%s",
				 (unsigned long long)ev->seq, rec->origin.region, (unsigned long long)rec->origin.entry,
				 names_get(&entry_state_names, rec->origin_state), rec->suspended ? " suspended=true" : "");
			return 0;
		}
		return receive(a, ev, k, kn);
	}
	if (rc)
		return rc;
	if (v.mv_size != 8)
		return JRP_ESTORE;
	if ((rc = entry_load(a, be64_get(v.mv_data), &en)) != 0)
		return rc;
	if (rec->origin.seq <= en.origin.seq) {
		/* a resend (the exchange resends after a restart) or an older copy: the home's order wins */
		log_info("event=foreign_stale record_seq=%llu region=%s home_entry=%llu seq=%llu applied=%llu",
			 (unsigned long long)ev->seq, rec->origin.region, (unsigned long long)rec->origin.entry,
			 (unsigned long long)rec->origin.seq, (unsigned long long)en.origin.seq);
		return 0;
	}
	if (en.state == ENTRY_REFUSED) {
		/* refused before (no receiving standard): taken again now, the catalogue may have one */
		if (rec->origin_state != ENTRY_EFFECTIVE || rec->suspended) {
			en.origin = rec->origin;
			return entry_store(a, &en);
		}
		if (receiving(a, rec))
			return receive(a, ev, k, kn);
		en.origin = rec->origin;
		return entry_store(a, &en);
	}
	if (!entry_active(&en)) {
		/* ended here already (a catalogue change left it without its standard): nothing follows */
		en.origin = rec->origin;
		return entry_store(a, &en);
	}
	return follow(a, ev, &en);
}
