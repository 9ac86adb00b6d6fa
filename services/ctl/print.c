/*
 * print.c - what jrpctl shows people: plain words, Chinese names from the
 * catalogue and the parties registry where they exist
 */
#include "ctl.h"
#include "clock.h"
#include <stdio.h>
#include <string.h>

#define S(o, k) obj_cstr((o), (k), (char[256]){ 0 }, 256)

const char *party_name(ctl *c, const char *id)
{
	const jrp_party *p = c->parties ? parties_find(c->parties, id) : NULL;
	return p && p->name ? p->name : id;
}

static const char *matter_name(ctl *c, const char *id)
{
	const jrp_named *m = c->cat ? catalog_matter(c->cat, id) : NULL;
	return m ? m->name : id;
}

static const char *list_zh(const char *l)
{
	int i = list_parse(l);
	return i >= 0 ? list_name_zh((jrp_list)i) : l;
}

void print_check(ctl *c, const msgpack_object *r)
{
	const msgpack_object *es = obj_get(r, "entries");
	char code[40], matter[40];
	obj_cstr(r, "subject", code, sizeof code);
	obj_cstr(r, "matter", matter, sizeof matter);
	if (!obj_bool(r, "listed")) {
		printf("%s is not on any list: no measure applies to %s (%s).\n", code, matter_name(c, matter), matter);
	} else {
		printf("%s IS LISTED. Measures for %s (%s), mandatory first:\n", code, matter_name(c, matter), matter);
		for (uint32_t i = 0; es && i < es->via.array.size; i++) {
			const msgpack_object *e = &es->via.array.ptr[i], *ms = obj_get(e, "measures");
			printf("  %s (%s) under %s [%s], entry %llu, identified by %s, valid %s to %s\n",
			       list_zh(S(e, "list")), S(e, "list"), S(e, "standard_name"), S(e, "standard"),
			       (unsigned long long)obj_u64(e, "entry"), party_name(c, S(e, "party")), S(e, "valid_from"),
			       S(e, "valid_until"));
			if (!ms || ms->via.array.size == 0)
				printf("    no measure of the catalogue applies to this matter kind\n");
			for (uint32_t j = 0; ms && j < ms->via.array.size; j++) {
				const msgpack_object *m = &ms->via.array.ptr[j];
				printf("    [%s] %s %s — %s%s%s\n", S(m, "class"), S(m, "id"), S(m, "name"), S(m, "basis_law"),
				       S(m, "basis_articles"), obj_bool(m, "yours") ? "  ← yours to apply" : "");
			}
		}
	}
	printf("  (check recorded as %s, as of dispatch log #%llu, catalogue %s)\n", S(r, "check_id"),
	       (unsigned long long)obj_u64(r, "as_of"), S(r, "catalog_version"));
}

/* what a department is asked to do by each duty */
static const char *duty_words(const char *action)
{
	if (strcmp(action, "notice") == 0)
		return "notify the subject before listing, then report the date (jrpctl notice)";
	if (strcmp(action, "verify_objection") == 0)
		return "verify the objection and decide (jrpctl decide-objection)";
	if (strcmp(action, "decide_repair") == 0)
		return "decide the repair application (jrpctl decide-repair)";
	if (strcmp(action, "interview") == 0)
		return "hold the interview and submit its record (kind interview)";
	return action;
}

void print_task(ctl *c, const msgpack_object *t)
{
	const msgpack_object *s = obj_get(t, "subject");
	char due[16], action[24];
	size_t i;
	obj_cstr(t, "feedback_due", due, sizeof due);
	obj_cstr(t, "action", action, sizeof action);
	if (obj_str_eq(obj_get(t, "class"), "duty")) {
		printf("task %llu: DUTY %s — %s %s (%s), %s entry %llu (%s)%s%s%s%s\n", (unsigned long long)obj_u64(t, "task"),
		       action, S(s, "name"), S(s, "code"), S(s, "type"), list_zh(S(t, "list")),
		       (unsigned long long)obj_u64(t, "entry"), S(t, "standard_name"), due[0] ? ", due " : "", due,
		       ": ", duty_words(action));
		return;
	}
	for (i = 0; action[i]; i++)
		action[i] = (char)(action[i] >= 'a' && action[i] <= 'z' ? action[i] - 32 : action[i]);
	printf("task %llu: %s %s %s [%s] — %s %s (%s), %s entry %llu (%s), valid until %s%s%s%s%s\n",
	       (unsigned long long)obj_u64(t, "task"), action, S(t, "measure"), S(t, "measure_name"), S(t, "class"),
	       S(s, "name"), S(s, "code"), S(s, "type"), list_zh(S(t, "list")), (unsigned long long)obj_u64(t, "entry"),
	       S(t, "standard_name"), S(t, "valid_until"), due[0] ? ", feedback due " : "", due,
	       obj_get(t, "reason") ? ", reason: " : "", S(t, "reason"));
}

void print_stats(ctl *c, const msgpack_object *r)
{
	const msgpack_object *en = obj_get(r, "entries"), *tk = obj_get(r, "tasks"), *fb = obj_get(r, "feedback"),
			     *ck = obj_get(r, "checks"), *ag = obj_get(r, "agencies");
#define U(o, k) (unsigned long long)obj_u64((o), (k))
	printf("Joint reward and punishment — statistics as of %s\n", S(r, "as_of"));
	printf("  lists in force: black %llu, red %llu, focus %llu, warning %llu  (proposed so far %llu, exited %llu, refused %llu)\n",
	       U(en, "black"), U(en, "red"), U(en, "focus"), U(en, "warning"), U(en, "proposed_total"),
	       U(en, "exited_total"), U(en, "refused_total"));
	printf("  tasks pushed: %llu apply, %llu stop\n", U(tk, "apply"), U(tk, "stop"));
	printf("  feedback: %llu applied, %llu not applicable, %llu failed; %llu awaiting feedback, %llu overdue; %llu typical cases\n",
	       U(fb, "applied"), U(fb, "not_applicable"), U(fb, "failed"), U(fb, "awaiting"), U(fb, "overdue"),
	       U(fb, "cases"));
	printf("  checks before handling: %llu (%llu found the subject listed)\n", U(ck, "total"), U(ck, "listed"));
	printf("  %-26s %6s %6s %8s %8s %8s %8s %7s\n", "agency", "apply", "stop", "applied", "n/a", "failed", "awaiting",
	       "overdue");
	for (uint32_t i = 0; ag && i < ag->via.array.size; i++) {
		const msgpack_object *a = &ag->via.array.ptr[i];
		printf("  %-26s %6llu %6llu %8llu %8llu %8llu %8llu %7llu   %s, checks %llu\n", S(a, "agency"), U(a, "apply"),
		       U(a, "stop"), U(a, "applied"), U(a, "not_applicable"), U(a, "failed"), U(a, "awaiting"),
		       U(a, "overdue"), S(a, "name"), U(a, "checks"));
	}
#undef U
}

void print_entries(ctl *c, const msgpack_object *r)
{
	const msgpack_object *es = obj_get(r, "entries");
	printf("subject %s: %u entr%s\n", S(r, "subject"), es ? es->via.array.size : 0,
	       es && es->via.array.size == 1 ? "y" : "ies");
	for (uint32_t i = 0; es && i < es->via.array.size; i++) {
		const msgpack_object *e = &es->via.array.ptr[i], *h = obj_get(e, "history");
		printf("  entry %llu: %s (%s) under %s, state %s%s%s, decision %s, valid until %s, catalogue %s\n",
		       (unsigned long long)obj_u64(e, "id"), list_zh(S(e, "list")), S(e, "list"), S(e, "standard"),
		       S(e, "state"), obj_get(e, "exit_reason") ? " — " : "", S(e, "exit_reason"), S(e, "decision_date"),
		       S(e, "valid_until"), S(e, "catalog_version"));
		for (uint32_t j = 0; h && j < h->via.array.size; j++) {
			const msgpack_object *x = &h->via.array.ptr[j];
			char at[32];
			ms_format(obj_i64(x, "at"), at, sizeof at);
			printf("    %s  %-16s by %s%s%s\n", at, S(x, "event"), party_name(c, S(x, "by")),
			       obj_get(x, "note") ? ": " : "", S(x, "note"));
		}
	}
}

void print_records(ctl *c, const msgpack_object *r)
{
	const msgpack_object *rs = obj_get(r, "records");
	printf("subject %s: %u record%s reported\n", S(r, "subject"), rs ? rs->via.array.size : 0,
	       rs && rs->via.array.size == 1 ? "" : "s");
	for (uint32_t i = 0; rs && i < rs->via.array.size; i++) {
		const msgpack_object *ev = &rs->via.array.ptr[i], *rec = obj_get(ev, "record");
		char at[32];
		ms_format(obj_i64(ev, "at"), at, sizeof at);
		printf("  #%llu %s %s by %s: %s, decided %s%s%s%s\n", (unsigned long long)obj_u64(ev, "seq"), S(rec, "kind"),
		       S(rec, "record_id"), party_name(c, S(ev, "party")), S(rec, "violation")[0] ? S(rec, "violation") : S(rec, "domain"),
		       S(rec, "decision_date"), obj_get(rec, "decision_no") ? " (" : "", S(rec, "decision_no"),
		       obj_get(rec, "decision_no") ? ")" : "");
		(void)at;
	}
}

void print_subject_tasks(ctl *c, const msgpack_object *r)
{
	const msgpack_object *ts = obj_get(r, "tasks");
	printf("tasks pushed about %s: %u\n", S(r, "subject"), ts ? ts->via.array.size : 0);
	for (uint32_t i = 0; ts && i < ts->via.array.size; i++) {
		const msgpack_object *x = &ts->via.array.ptr[i], *t = obj_get(x, "task"), *f = obj_get(x, "feedback");
		printf("  task %llu %s %s %s → %s: %s%s%s%s\n", (unsigned long long)obj_u64(t, "task"), S(t, "action"),
		       S(t, "measure")[0] ? S(t, "measure") : "(duty)", S(t, "measure_name"), party_name(c, S(t, "agency")),
		       S(x, "state"), f ? ", matter " : "", f ? S(f, "matter_id") : "", f && obj_get(f, "date") ? "" : "");
	}
}
