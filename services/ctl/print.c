/*
 * print.c - what jrpctl shows people: plain words, Chinese names from the
 * catalogue and the parties registry where they exist
 */
#include "ctl.h"
#include "clock.h"
#include "util/i18n.h"
#include "util/xalloc.h"
#include <stdlib.h>
#include <stdio.h>
#include <string.h>

#define S(o, k) obj_cstr((o), (k), (char[1024]){ 0 }, 1024)

/* col - s padded to w columns (w < 0: on the right, left-aligned; w > 0: on the left), counting a
 * Chinese character as two columns, into buf */
static const char *col(const char *s, int w, char *buf)
{
	int n = 0, pad, aw = w < 0 ? -w : w;
	for (const char *p = s; *p; p++)
		if ((unsigned char)*p < 0x80 || (unsigned char)*p >= 0xc0)
			n += (unsigned char)*p < 0x80 ? 1 : 2;
	pad = aw > n ? aw - n : 0;
	snprintf(buf, 64, "%*s%s%*s", w > 0 ? pad : 0, "", s, w < 0 ? pad : 0, "");
	return buf;
}

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
	int i = names_find(&list_names, l, strlen(l));
	return i >= 0 ? list_name_zh((jrp_list)i) : l;
}

/* print_origin - another region's entry (federation, issue 14): whose decision it is, in one line; the
 * check says department, entries.get party */
static void print_origin(const msgpack_object *o)
{
	if (!o || o->type != MSGPACK_OBJECT_MAP)
		return;
	printf(tr("    foreign: region %s, entry %llu, department %s, standard %s\n"), S(o, "region"),
	       (unsigned long long)obj_u64(o, "entry"), obj_get(o, "department") ? S(o, "department") : S(o, "party"),
	       S(o, "standard"));
}

void print_check(ctl *c, const msgpack_object *r)
{
	const msgpack_object *es = obj_get(r, "entries");
	char code[40], matter[40];
	obj_cstr(r, "subject", code, sizeof code);
	obj_cstr(r, "matter", matter, sizeof matter);
	if (!obj_bool(r, "listed")) {
		printf(tr("%s is not on any list: no measure applies to %s (%s).\n"), code, matter_name(c, matter), matter);
	} else {
		printf(tr("%s IS LISTED. Measures for %s (%s), mandatory first:\n"), code, matter_name(c, matter), matter);
		for (uint32_t i = 0; es && i < es->via.array.size; i++) {
			const msgpack_object *e = &es->via.array.ptr[i], *ms = obj_get(e, "measures");
			printf(tr("  %s (%s) under %s [%s], entry %llu, identified by %s, valid %s to %s\n"),
			       list_zh(S(e, "list")), S(e, "list"), S(e, "standard_name"), S(e, "standard"),
			       (unsigned long long)obj_u64(e, "entry"), party_name(c, S(e, "party")), S(e, "valid_from"),
			       S(e, "valid_until"));
			print_origin(obj_get(e, "origin"));
			if (!ms || ms->via.array.size == 0)
				printf("%s", tr("    no measure of the catalogue applies to this matter kind\n"));
			for (uint32_t j = 0; ms && j < ms->via.array.size; j++) {
				const msgpack_object *m = &ms->via.array.ptr[j];
				printf("    [%s] %s %s — %s%s%s\n", S(m, "class"), S(m, "id"), S(m, "name"), S(m, "basis_law"),
				       S(m, "basis_articles"), obj_bool(m, "yours") ? tr("  ← yours to apply") : "");
			}
		}
	}
	if (obj_get(r, "as_of_time")) {
		/* issue 14: what was in force then, under the catalogue of then; each entry by the change of then */
		char t[40], since[40];
		ms_format(obj_i64(r, "as_of_time"), t, sizeof t);
		ms_format(obj_i64(r, "catalog_since"), since, sizeof since);
		printf(tr("  (as it was at %s: catalogue %s, in force since %s; not recorded as a check)\n"), t,
		       S(r, "catalog_version"), since);
		for (uint32_t i = 0; es && i < es->via.array.size; i++) {
			const msgpack_object *e = &es->via.array.ptr[i];
			ms_format(obj_i64(e, "since"), since, sizeof since);
			printf(tr("  entry %llu: in that state since %s, by change #%llu of dispatch's log%s\n"),
			       (unsigned long long)obj_u64(e, "entry"), since, (unsigned long long)obj_u64(e, "change_seq"),
			       obj_bool(e, "suspended") ? tr(" (suspended: an objection was being verified)") : "");
		}
		return;
	}
	printf(tr("  (check recorded as %s, as of dispatch log #%llu, catalogue %s)\n"), S(r, "check_id"),
	       (unsigned long long)obj_u64(r, "as_of"), S(r, "catalog_version"));
}

/* what a department is asked to do by each duty */
static const char *duty_words(jrp_duty d)
{
	switch (d) {
	case DUTY_NOTICE: return N_("notify the subject before listing, then report the date (jrpctl notice)");
	case DUTY_VERIFY_OBJECTION: return N_("verify the objection and decide (jrpctl decide-objection)");
	case DUTY_DECIDE_REPAIR: return N_("decide the repair application (jrpctl decide-repair)");
	case DUTY_INTERVIEW: return N_("hold the interview and submit its record (kind interview)");
	case DUTY__N: break;
	}
	return "";
}

void print_task(ctl *c, const msgpack_object *o)
{
	jrp_rec *r = xmalloc(sizeof *r);
	const jrp_task *t = &r->u.task;
	char due[11] = "", until[11], action[24];
	jrp_error e;
	size_t i;
	if (rec_decode(o, 1u << REC_TASK, false, r, &e) < 0) {
		printf(tr("task %llu: does not read as this jrpctl's task format (%s %s: %s); --json shows it as it is\n"),
		       (unsigned long long)obj_u64(o, "seq"), e.code, e.field, e.message);
		free(r);
		return;
	}
	if (t->feedback_due)
		date_format(t->feedback_due, due);
	date_format(t->valid_until, until);
	if (t->cls == CLASS_DUTY) {
		printf(tr("task %llu: DUTY %s — %s %s (%s), %s entry %llu (%s)%s%s: %s\n"), (unsigned long long)t->seq,
		       task_what(t), t->subject.name, t->subject.code, names_get(&subject_type_names, t->subject.type),
		       list_name_zh(t->list), (unsigned long long)t->entry, t->standard_name, due[0] ? tr(", due ") : "", due,
		       tr(duty_words(t->duty)));
		free(r);
		return;
	}
	snprintf(action, sizeof action, "%s", task_what(t));
	for (i = 0; action[i]; i++)
		action[i] = (char)(action[i] >= 'a' && action[i] <= 'z' ? action[i] - 32 : action[i]);
	printf(tr("task %llu: %s %s %s [%s] — %s %s (%s), %s entry %llu (%s), valid until %s%s%s%s%s\n"),
	       (unsigned long long)t->seq, action, t->measure, t->measure_name, names_get(&task_class_names, t->cls),
	       t->subject.name, t->subject.code, names_get(&subject_type_names, t->subject.type), list_name_zh(t->list),
	       (unsigned long long)t->entry, t->standard_name, until, due[0] ? tr(", feedback due ") : "", due,
	       t->reason ? tr(", reason: ") : "", names_get(&exit_reason_names, t->reason));
	if (t->origin.region[0])
		printf(tr("    foreign: region %s, entry %llu, department %s, standard %s\n"), t->origin.region,
		       (unsigned long long)t->origin.entry, t->origin.party, t->origin.standard);
	free(r);
}

void print_stats(ctl *c, const msgpack_object *r)
{
	const msgpack_object *en = obj_get(r, "entries"), *tk = obj_get(r, "tasks"), *fb = obj_get(r, "feedback"),
			     *ck = obj_get(r, "checks"), *ag = obj_get(r, "agencies"), *dp = obj_get(r, "departments"),
			     *bd = obj_get(r, "by_domain"), *du = obj_get(r, "durations"), *lg = obj_get(r, "lagging"),
			     *pd = obj_get(r, "period"), *xr = obj_get(en, "exits_by_reason");
	char h[9][64];   /* the table's headings, padded by columns (a Chinese character is two wide) */
#define U(o, k) (unsigned long long)obj_u64((o), (k))
	printf(tr("Joint reward and punishment — statistics as of %s\n"), S(r, "as_of"));
	if (pd)
		printf(tr("  what happened from %s to %s (lists in force, awaiting and overdue: as of now)\n"), S(pd, "from"),
		       S(pd, "to"));
	printf(tr("  lists in force: black %llu, red %llu, focus %llu, warning %llu  (proposed %llu, exited %llu of which revoked "
		  "%llu, refused %llu, extended %llu)\n"),
	       U(en, "black"), U(en, "red"), U(en, "focus"), U(en, "warning"), U(en, "proposed_total"),
	       U(en, "exited_total"), U(en, "revoked_total"), U(en, "refused_total"), U(en, "extended_total"));
	if (xr && xr->type == MSGPACK_OBJECT_MAP && xr->via.map.size) {
		printf("%s", tr("  exits by reason:"));
		for (uint32_t i = 0; i < xr->via.map.size; i++)
			printf(" %.*s %llu", (int)xr->via.map.ptr[i].key.via.str.size, xr->via.map.ptr[i].key.via.str.ptr,
			       (unsigned long long)xr->via.map.ptr[i].val.via.u64);
		printf("\n");
	}
	for (uint32_t i = 0; bd && i < bd->via.array.size; i++) {
		const msgpack_object *x = &bd->via.array.ptr[i];
		printf(tr("    %-8s %-14s %s: in force %llu, proposed %llu, effective %llu, exited %llu\n"), S(x, "list"),
		       obj_get(x, "domain") ? S(x, "domain") : tr("(derived)"), S(x, "domain_name"), U(x, "in_force"),
		       U(x, "proposed"), U(x, "effective"), U(x, "exited"));
	}
	for (int k = 0; k < 2; k++) {
		const msgpack_object *x = obj_get(du, k ? "repair" : "objection");
		if (x && obj_u64(x, "decided"))
			printf(k ? tr("  repairs decided: %llu, median %llu working days, longest %llu\n")
				 : tr("  objections decided: %llu, median %llu working days, longest %llu\n"),
			       U(x, "decided"), U(x, "median_workdays"), U(x, "longest_workdays"));
	}
	printf(tr("  tasks pushed: %llu apply, %llu stop, %llu extend, %llu suspend, %llu resume, %llu recall\n"), U(tk, "apply"),
	       U(tk, "stop"), U(tk, "extend"), U(tk, "suspend"), U(tk, "resume"), U(tk, "recall"));
	printf(tr("  feedback: %llu applied, %llu not applicable, %llu failed; %llu awaiting feedback, %llu overdue (jrpctl overdue); "
		  "%llu typical cases\n"),
	       U(fb, "applied"), U(fb, "not_applicable"), U(fb, "failed"), U(fb, "awaiting"), U(fb, "overdue"),
	       U(fb, "cases"));
	printf(tr("  checks before handling: %llu (%llu found the subject listed)\n"), U(ck, "total"), U(ck, "listed"));
	printf("  %s %s %s %s %s %s %s %s %s\n", col(tr("agency"), -26, h[0]), col(tr("apply"), 6, h[1]),
	       col(tr("stop"), 6, h[2]), col(tr("applied"), 8, h[3]), col(tr("n/a"), 8, h[4]), col(tr("failed"), 8, h[5]),
	       col(tr("awaiting"), 8, h[6]), col(tr("overdue"), 7, h[7]), col(tr("late"), 5, h[8]));
	for (uint32_t i = 0; ag && i < ag->via.array.size; i++) {
		const msgpack_object *a = &ag->via.array.ptr[i];
		printf(tr("  %-26s %6llu %6llu %8llu %8llu %8llu %8llu %7llu %5llu   %s, checks %llu\n"), S(a, "agency"), U(a, "apply"),
		       U(a, "stop"), U(a, "applied"), U(a, "not_applicable"), U(a, "failed"), U(a, "awaiting"),
		       U(a, "overdue"), U(a, "late"), S(a, "name"), U(a, "checks"));
	}
	printf("  %s %s %s %s %s %s %s %s\n", col(tr("department"), -26, h[0]), col(tr("notice"), 6, h[1]),
	       col(tr("objection"), 9, h[2]), col(tr("repair"), 7, h[3]), col(tr("interview"), 9, h[4]),
	       col(tr("awaiting"), 8, h[5]), col(tr("overdue"), 7, h[6]), col(tr("late"), 5, h[7]));
	for (uint32_t i = 0; dp && i < dp->via.array.size; i++) {
		const msgpack_object *a = &dp->via.array.ptr[i];
		printf("  %-26s %6llu %9llu %7llu %9llu %8llu %7llu %5llu   %s\n", S(a, "department"), U(a, "notice"),
		       U(a, "verify_objection"), U(a, "decide_repair"), U(a, "interview"), U(a, "awaiting"), U(a, "overdue"),
		       U(a, "late"), S(a, "name"));
	}
	for (uint32_t i = 0; lg && i < lg->via.array.size; i++) {
		const msgpack_object *a = &lg->via.array.ptr[i];
		char line[600], red[700];
		snprintf(line, sizeof line, tr("  lagging: %s (%s): %llu overdue now, %llu done late (%llu working days late in all)"),
			 S(a, "party"), S(a, "name"), U(a, "overdue"), U(a, "late"), U(a, "late_workdays"));
		printf("%s\n", ctl_red(line, red, sizeof red));
	}
	{
		/* federation (issue 14): other regions' entries here, by their home region */
		const msgpack_object *fr = obj_get(r, "foreign");
		for (uint32_t i = 0; fr && fr->type == MSGPACK_OBJECT_MAP && i < fr->via.map.size; i++) {
			const msgpack_object *k = &fr->via.map.ptr[i].key, *a = &fr->via.map.ptr[i].val;
			if (k->type != MSGPACK_OBJECT_STR)
				continue;
			printf(tr("  region %.*s's entries here: %llu in force; %llu tasks, %llu applied, %llu not applicable, "
				  "%llu failed, %llu awaiting, %llu overdue\n"), (int)k->via.str.size, k->via.str.ptr,
			       U(a, "entries"), U(a, "tasks"), U(a, "applied"), U(a, "not_applicable"), U(a, "failed"),
			       U(a, "awaiting"), U(a, "overdue"));
		}
	}
#undef U
}

/* print_daily - feedback's stats.daily: a row a day, and the totals */
void print_daily(ctl *c, const msgpack_object *r)
{
	static const char *const cols[] = { "proposed", "listed", "black", "red", "focus", "warning", "exited",
					    "objections_filed", "repairs_applied", "tasks_pushed", "tasks_stopped",
					    "applied", "not_applicable", "failed", "cases", "checks", "checks_listed" };
	static const char *const heads[] = { "proposed", "listed", "black", "red", "focus", "warning", "exited",
					     "objected", "repairs", "apply", "stop", "applied", "n/a", "failed", "cases",
					     "checks", "hits" };
	enum { NCOL = sizeof cols / sizeof cols[0] };
	const msgpack_object *days = obj_get(r, "days");
	uint64_t total[NCOL] = { 0 };
	printf("Joint reward and punishment — what happened day by day, %s to %s (as of %s)\n", S(r, "from"), S(r, "to"),
	       S(r, "as_of"));
	printf("  black..warning: entries that took effect on each list; objected, repairs: objections filed, repair\n"
	       "  applications; apply, stop: tasks pushed to agencies; applied, n/a, failed: agencies' feedback;\n"
	       "  checks: checks before handling (hits: those that found the subject listed)\n");
	printf("  %-10s", "date");
	for (int k = 0; k < NCOL; k++)
		printf(" %*s", k == 0 ? 8 : 7, heads[k]);
	printf("\n");
	for (uint32_t i = 0; days && i <= days->via.array.size; i++) {
		const msgpack_object *d = i < days->via.array.size ? &days->via.array.ptr[i] : NULL;
		const msgpack_object *by = d ? obj_get(d, "listed_by_list") : NULL;
		printf("  %-10s", d ? S(d, "date") : "total");
		for (int k = 0; k < NCOL; k++) {
			/* a list's column comes from listed_by_list */
			bool list = k >= 2 && k <= 5;
			uint64_t v = d ? obj_u64(list ? by : d, cols[k]) : total[k];
			if (d)
				total[k] += v;
			printf(" %*llu", k == 0 ? 8 : 7, (unsigned long long)v);
		}
		printf("\n");
	}
}

/* print_report_stats - ingest's figures: records per department, late ones */
void print_report_stats(ctl *c, const msgpack_object *r)
{
	const msgpack_object *dp = obj_get(r, "departments"), *lg = obj_get(r, "lagging");
#define U(o, k) (unsigned long long)obj_u64((o), (k))
	printf(tr("  records reported (due within %llu working days of the decision):\n"), U(r, "late_after_workdays"));
	for (uint32_t i = 0; dp && i < dp->via.array.size; i++) {
		const msgpack_object *a = &dp->via.array.ptr[i];
		if (!obj_u64(a, "records"))
			continue;
		printf(tr("    %-26s %7llu records, %llu late (%llu working days late in all, at most %llu)   %s\n"), S(a, "department"),
		       U(a, "records"), U(a, "late"), U(a, "late_workdays"), U(a, "late_workdays_max"), S(a, "name"));
	}
	for (uint32_t i = 0; lg && i < lg->via.array.size; i++) {
		const msgpack_object *a = &lg->via.array.ptr[i];
		char line[600], red[700];
		snprintf(line, sizeof line, tr("  lagging in reporting: %s (%s): %llu late records, %llu working days late in all"),
			 S(a, "department"), S(a, "name"), U(a, "late"), U(a, "late_workdays"));
		printf("%s\n", ctl_red(line, red, sizeof red));
	}
	{
		/* credit commitments (信用承诺): made, kept, broken (in the period), open and overdue now */
		const msgpack_object *cm = obj_get(r, "commitments"), *ps = obj_get(cm, "parties");
		printf(tr("  credit commitments: %llu made, %llu kept, %llu broken; %llu open, %llu overdue now (jrpctl commitments)\n"),
		       U(cm, "made"), U(cm, "kept"), U(cm, "broken"), U(cm, "open"), U(cm, "overdue"));
		for (uint32_t i = 0; ps && i < ps->via.array.size; i++) {
			const msgpack_object *a = &ps->via.array.ptr[i];
			printf(tr("    %-26s %5llu made, %llu kept, %llu broken, %llu open, %llu overdue   %s\n"), S(a, "party"),
			       U(a, "made"), U(a, "kept"), U(a, "broken"), U(a, "open"), U(a, "overdue"), S(a, "name"));
		}
	}
#undef U
}

/* print_overdue - overdue.list: which task or duty, whose, due when, how late */
void print_overdue(ctl *c, const msgpack_object *r)
{
	const msgpack_object *it = obj_get(r, "items");
	printf(tr("%llu overdue%s\n"), (unsigned long long)obj_u64(r, "overdue_total"), it && it->via.array.size ? ":" : "");
	for (uint32_t i = 0; it && i < it->via.array.size; i++) {
		const msgpack_object *x = &it->via.array.ptr[i];
		printf(tr("  task %llu  %-20s %-16s %s%s%s entry %llu (%s %s), due %s, %llu working days late\n"),
		       (unsigned long long)obj_u64(x, "task"), S(x, "party"), S(x, "what"), obj_get(x, "measure") ? S(x, "measure") : "",
		       obj_get(x, "measure") ? " " : "", obj_get(x, "class") ? S(x, "class") : "",
		       (unsigned long long)obj_u64(x, "entry"), S(x, "subject"), S(x, "subject_name"), S(x, "due"),
		       (unsigned long long)obj_i64(x, "late_workdays"));
	}
}

/* commitment_type_zh - the Chinese name of a commitment type */
static const char *commitment_type_zh(const char *t)
{
	static const char *const zh[CT__N] = { "", "告知承诺", "容缺受理", "信用承诺" };
	int i = names_find(&commitment_type_names, t, strlen(t));
	return i > 0 ? zh[i] : t;
}

/* print_commitments - commitment.list, one page: first: the counts above the table */
void print_commitments(ctl *c, const msgpack_object *r, bool first)
{
	const msgpack_object *it = obj_get(r, "items"), *n = obj_get(r, "counts");
	char h[6][64];
#define U(o, k) (unsigned long long)obj_u64((o), (k))
	if (first) {
		printf(tr("commitments as of %s: %llu open, %llu overdue, %llu kept, %llu broken\n"), S(r, "today"), U(n, "open"),
		       U(n, "overdue"), U(n, "kept"), U(n, "broken"));
		if (it && it->via.array.size)
			printf("  %s %s %s %s %s %s %s\n", col(tr("state"), -8, h[0]), col(tr("due"), -10, h[1]),
			       col(tr("party"), -18, h[2]), col(tr("record"), -16, h[3]), col(tr("type"), -16, h[4]),
			       col(tr("matter"), -20, h[5]), tr("subject"));
	}
#undef U
	for (uint32_t i = 0; it && i < it->via.array.size; i++) {
		const msgpack_object *x = &it->via.array.ptr[i], *res = obj_get(x, "result"), *sub = obj_get(x, "subject");
		char line[1200], red[1300];
		const char *text = "";
		size_t tn = 0;
		/* the columns in ASCII, so that they line up; the Chinese names and the promise below */
		snprintf(line, sizeof line, "  %-8s %-10s %-18s %-16s %-16s %-20s %s %s", S(x, "state"), S(x, "due"),
			 S(x, "party"), S(x, "record_id"), S(x, "type"), S(x, "matter"), S(sub, "code"), S(sub, "name"));
		printf("%s\n", obj_str_eq(obj_get(x, "state"), "overdue") || obj_str_eq(obj_get(x, "state"), "broken")
				       ? ctl_red(line, red, sizeof red) : line);
		obj_str(x, "content", &text, &tn);
		printf(tr("           %s in %s, decided %s (event #%llu): %.*s\n"), commitment_type_zh(S(x, "type")),
		       matter_name(c, S(x, "matter")), S(x, "decision_date"), (unsigned long long)obj_u64(x, "seq"), (int)tn, text);
		if (res)
			printf(tr("           %s on %s by record %s (event #%llu)\n"), S(x, "state"), S(res, "decision_date"),
			       S(res, "record_id"), (unsigned long long)obj_u64(res, "seq"));
	}
}

void print_entries(ctl *c, const msgpack_object *r)
{
	const msgpack_object *es = obj_get(r, "entries");
	printf(es && es->via.array.size == 1 ? tr("subject %s: %u entry\n") : tr("subject %s: %u entries\n"), S(r, "subject"),
	       es ? es->via.array.size : 0);
	for (uint32_t i = 0; es && i < es->via.array.size; i++) {
		const msgpack_object *e = &es->via.array.ptr[i], *h = obj_get(e, "history");
		printf(tr("  entry %llu: %s (%s) under %s, state %s%s%s, decision %s, valid until %s, catalogue %s\n"),
		       (unsigned long long)obj_u64(e, "id"), list_zh(S(e, "list")), S(e, "list"), S(e, "standard"),
		       S(e, "state"), obj_get(e, "exit_reason") ? " — " : "", S(e, "exit_reason"), S(e, "decision_date"),
		       S(e, "valid_until"), S(e, "catalog_version"));
		print_origin(obj_get(e, "origin"));
		if (obj_u64(e, "history_from"))
			printf(tr("    (%llu earlier history items: jrpctl history %llu)\n"), (unsigned long long)obj_u64(e, "history_from"),
			       (unsigned long long)obj_u64(e, "id"));
		if (obj_get(e, "notice_by"))
			printf(tr("    awaiting the department's notice to the subject, due by %s\n"), S(e, "notice_by"));
		else if (obj_get(e, "objection_end") && obj_str_eq(obj_get(e, "state"), "proposed"))
			printf(tr("    %s ends %s\n"), obj_get(e, "notice_date") ? tr("the period to state its case") : tr("the objection window"),
			       S(e, "objection_end"));
		for (uint32_t j = 0; h && j < h->via.array.size; j++) {
			const msgpack_object *x = &h->via.array.ptr[j];
			char at[32];
			ms_format(obj_i64(x, "at"), at, sizeof at);
			printf(tr("    %s  %-16s by %s%s%s\n"), at, S(x, "event"), party_name(c, S(x, "by")),
			       obj_get(x, "note") ? ": " : "", S(x, "note"));
		}
	}
	es = obj_get(r, "awaiting_final");
	for (uint32_t i = 0; es && es->type == MSGPACK_OBJECT_ARRAY && i < es->via.array.size; i++) {
		const msgpack_object *e = &es->via.array.ptr[i];
		printf(tr("  record %s (#%llu) by %s, decided %s: waits for the decision to be final before it is listed\n"),
		       S(e, "record_id"), (unsigned long long)obj_u64(e, "record_seq"), party_name(c, S(e, "party")),
		       S(e, "decision_date"));
	}
}

void print_records(ctl *c, const msgpack_object *r)
{
	const msgpack_object *rs = obj_get(r, "records");
	printf(rs && rs->via.array.size == 1 ? tr("subject %s: %u record reported\n") : tr("subject %s: %u records reported\n"),
	       S(r, "subject"), rs ? rs->via.array.size : 0);
	for (uint32_t i = 0; rs && i < rs->via.array.size; i++) {
		const msgpack_object *ev = &rs->via.array.ptr[i], *rec = obj_get(ev, "record");
		char at[32];
		ms_format(obj_i64(ev, "at"), at, sizeof at);
		if (obj_str_eq(obj_get(rec, "kind"), "finality")) {
			printf(tr("  #%llu finality %s by %s: the decision of record %s %s on %s\n"), (unsigned long long)obj_u64(ev, "seq"),
			       S(rec, "record_id"), party_name(c, S(ev, "party")), S(rec, "refers_to"),
			       obj_bool(rec, "final") ? tr("became final") : tr("was annulled"), S(rec, "decision_date"));
			continue;
		}
		if (obj_get(rec, "commitment")) {
			const msgpack_object *cm = obj_get(rec, "commitment");
			const char *text = "";
			size_t tn = 0;
			obj_str(cm, "content", &text, &tn);
			printf(tr("  #%llu commitment %s by %s: %s (%s) in %s, decided %s, due %s: %.*s\n"),
			       (unsigned long long)obj_u64(ev, "seq"), S(rec, "record_id"), party_name(c, S(ev, "party")),
			       commitment_type_zh(S(cm, "type")), S(cm, "type"), matter_name(c, S(cm, "matter")),
			       S(rec, "decision_date"), S(cm, "due"), (int)tn, text);
			continue;
		}
		if (obj_get(rec, "refers_to")) {
			printf(tr("  #%llu %s %s by %s: commitment %s %s on %s%s%s\n"), (unsigned long long)obj_u64(ev, "seq"),
			       S(rec, "kind"), S(rec, "record_id"), party_name(c, S(ev, "party")), S(rec, "refers_to"),
			       obj_str_eq(obj_get(rec, "kind"), "commitment_kept") ? tr("kept") : tr("broken"), S(rec, "decision_date"),
			       obj_get(rec, "violation") ? ": " : "", S(rec, "violation"));
			continue;
		}
		printf(tr("  #%llu %s %s%s by %s: %s, decided %s%s%s%s\n"), (unsigned long long)obj_u64(ev, "seq"), S(rec, "kind"),
		       S(rec, "record_id"), obj_bool(rec, "final") ? tr(" (final)") : "", party_name(c, S(ev, "party")),
		       S(rec, "violation")[0] ? S(rec, "violation") : S(rec, "domain"),
		       S(rec, "decision_date"), obj_get(rec, "decision_no") ? " (" : "", S(rec, "decision_no"),
		       obj_get(rec, "decision_no") ? ")" : "");
		(void)at;
	}
}

void print_subject_tasks(ctl *c, const msgpack_object *r)
{
	const msgpack_object *ts = obj_get(r, "tasks");
	printf(tr("tasks pushed about %s: %u\n"), S(r, "subject"), ts ? ts->via.array.size : 0);
	for (uint32_t i = 0; ts && i < ts->via.array.size; i++) {
		const msgpack_object *x = &ts->via.array.ptr[i], *t = obj_get(x, "task"), *f = obj_get(x, "feedback");
		printf(tr("  task %llu %s %s %s → %s: %s%s%s%s\n"), (unsigned long long)obj_u64(t, "task"), S(t, "action"),
		       S(t, "measure")[0] ? S(t, "measure") : tr("(duty)"), S(t, "measure_name"), party_name(c, S(t, "agency")),
		       S(x, "state"), f ? tr(", matter ") : "", f ? S(f, "matter_id") : "", f && obj_get(f, "date") ? "" : "");
	}
}
