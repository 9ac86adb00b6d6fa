/*
 * test_matrix.c - who may do what: every party against every operation, on the four real daemons
 *
 * Issue 4. DESIGN.md Security: "Authorisation is by party: a department identifies only in its own
 * domains and answers objections only for its own entries; an agency reads only its own stream and
 * feeds back only on its own tasks; the catalogue is the office's." DOMAIN.md "Who uses it":
 * departments report records, identify and handle objections and repair for what they identified;
 * agencies apply measures, check subjects and report back; the office owns the catalogue and
 * monitors the whole mechanism; the daemons read each other's logs (README "Configuration").
 *
 * Parties: tax_bureau (department and agency, domain tax), court (department only, domain courts),
 * procurement_centre (agency only), office, dispatch (a daemon) and nobody (not in the registry).
 * Every cell is asserted: allowed (ok; or authorised and refused only on the state of the thing,
 * e.g. conflict), or refused with forbidden (the field it names, a message naming the party) or
 * unknown_party; and a refused request changes nothing (no log grows, no state moves). The matrix
 * is printed as TAP comments. Then jrpctl audit (issue 4: every state change shows who caused it
 * and the record it came from) is run on what the matrix left behind.
 */
#include "../tap.h"
#include "codes.h"
#include "conv.h"
#include "harness.h"
#include "proto.h"
#include <stdarg.h>
#include <stdlib.h>
#include <sys/wait.h>

static harness H;

enum { TAX, COURT, PROC, OFFICE, DISP, NOBODY, NP };
static const char *const P[NP] = { "tax_bureau", "court", "procurement_centre", "office", "dispatch", "nobody" };

/* ---- the matrix as printed ---- */

#define MAXROWS 32
static struct {
	char op[40];
	char cell[NP][24];
} rows[MAXROWS];
static int nrows;

/* note_cell - the verdict of one cell (a cell tried several times keeps WRONG once it was) */
static void note_cell(const char *op, int p, const char *verdict)
{
	int i;
	for (i = 0; i < nrows && strcmp(rows[i].op, op) != 0; i++)
		;
	if (i == nrows) {
		if (nrows == MAXROWS)
			return;
		snprintf(rows[nrows++].op, sizeof rows[0].op, "%s", op);
	}
	if (strcmp(rows[i].cell[p], "WRONG") != 0)
		snprintf(rows[i].cell[p], sizeof rows[i].cell[p], "%s", verdict);
}

/* ---- requests ---- */

/* J - a request written as JSON (printf format) to svc (see h_json) */
#define J(svc, in, e, ...) h_json(&H, (svc), (in), (e), __VA_ARGS__)

/* ok - a request that must succeed (set-up, look-ups); frees the reply */
static int ok(int svc, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static int ok(int svc, const char *fmt, ...)
{
	char json[4096];
	msg_in in;
	jrp_error e;
	va_list ap;
	int rc;
	va_start(ap, fmt);
	vsnprintf(json, sizeof json, fmt, ap);
	va_end(ap);
	rc = J(svc, &in, &e, "%s", json);
	if (rc != 0)
		printf("# refused: [%s] %s: %s\n#   request: %s\n", e.code, e.field, e.message, json);
	msg_in_free(&in);
	return rc;
}

/* logs - the log ends of ingest, adjudicate and dispatch, once the pipeline has drained */
static void logs(uint64_t v[3])
{
	CHECK_INT(h_settle(&H), 0);
	for (int s = SVC_INGEST; s <= SVC_DISPATCH; s++)
		v[s] = h_status_u64(&H, s, "log_last");
}

/* cellr - party p (or no party: p < 0) sends `body` (JSON of the request without "party", printf
 * format) to svc and must get `expect`: "ok", or an error code. A refusal must name `efield`
 * (if given) and its message must name the party `names` (NULL: the asking party); it must leave
 * every log as it was. The verdict goes into the matrix under `op`. keep (if given) gets the reply,
 * which the caller frees. Returns whether the cell held. */
static bool cellr(msg_in *keep, const char *op, int p, int svc, const char *expect, const char *efield,
		  const char *names, const char *fmt, ...) __attribute__((format(printf, 8, 9)));
static bool cellr(msg_in *keep, const char *op, int p, int svc, const char *expect, const char *efield,
		  const char *names, const char *fmt, ...)
{
	char body[3500], json[4096], verdict[24];
	const char *who = p >= 0 ? P[p] : "(no party)";
	uint64_t before[3], after[3];
	bool refusal = strcmp(expect, "ok") != 0, held = true;
	msg_in in;
	jrp_error e;
	va_list ap;
	int rc;

	va_start(ap, fmt);
	vsnprintf(body, sizeof body, fmt, ap);
	va_end(ap);
	if (p >= 0)
		snprintf(json, sizeof json, "{\"party\":\"%s\",%s", P[p], body + 1);
	else
		snprintf(json, sizeof json, "%s", body);
	if (refusal)
		logs(before);
	rc = J(svc, &in, &e, "%s", json);
	if (rc == 0 && !refusal) {
		snprintf(verdict, sizeof verdict, "allowed");
	} else if (rc == JRP_EREPLY && strcmp(e.code, expect) == 0) {
		if (strcmp(expect, "forbidden") == 0 || strcmp(expect, "unknown_party") == 0)
			snprintf(verdict, sizeof verdict, "%s", expect);
		else if (strcmp(expect, "conflict") == 0)
			snprintf(verdict, sizeof verdict, "allowed (conflict)");   /* authorised; refused on state */
		else if (strlen(expect) <= 9)
			snprintf(verdict, sizeof verdict, "refused (%s)", expect);
		else
			snprintf(verdict, sizeof verdict, "%s", expect);
		if (efield && strcmp(e.field, efield) != 0) {
			printf("# %s %s: the refusal names field \"%s\", expected \"%s\"\n", who, op, e.field, efield);
			held = false;
		}
		if ((strcmp(expect, "forbidden") == 0 || strcmp(expect, "unknown_party") == 0) &&
		    !strstr(e.message, names ? names : who)) {
			printf("# %s %s: the message does not name \"%s\": %s\n", who, op, names ? names : who, e.message);
			held = false;
		}
	} else {
		snprintf(verdict, sizeof verdict, "WRONG");
		printf("# %s %s: expected %s, got rc %d [%s] %s: %s\n", who, op, expect, rc, e.code, e.field, e.message);
		held = false;
	}
	if (refusal) {
		logs(after);
		for (int s = SVC_INGEST; s <= SVC_DISPATCH; s++)
			if (after[s] != before[s]) {
				printf("# %s %s: refused, yet the %s log went from %llu to %llu\n", who, op, svc_names[s],
				       (unsigned long long)before[s], (unsigned long long)after[s]);
				held = false;
			}
	}
	printf("# %-18s %-28s -> %s%s%s%s%s\n", who, op, verdict, rc ? " [" : "", rc ? e.field : "", rc ? "] " : "",
	       rc ? e.message : "");
	note_cell(op, p >= 0 ? p : NOBODY, held ? verdict : "WRONG");
	if (keep) {
		/* the reply moves to the caller: its root points into the moved struct */
		*keep = in;
		if (in.root)
			keep->root = &keep->up.data;
	} else
		msg_in_free(&in);
	if (!held)
		tap_cur_failed = 1;
	return held;
}
#define cell(...) cellr(NULL, __VA_ARGS__)

/* ---- the state the matrix works on ---- */

static void org(int i, char out[19])
{
	snprintf(out, 19, "91350100MB%07d", i % 10000000);
	out[17] = codes_uscc_checkchar(out);
	out[18] = 0;
}

static char RED[4][19], PLAIN[19], WARN[19];
/* entries: tax black (tax_bureau), court black (court), red (tax_bureau), a derived warning entry */
static uint64_t T, C, R[4], W;
static uint64_t task_proc, task_bank, task_tax_reward, task_tax_duty;

static void clock_to(const char *t)
{
	CHECK_INT(h_clock(&H, t), 0);
	CHECK_INT(h_settle(&H), 0);
}

/* entry_of - the newest entry of a subject on a list */
static uint64_t entry_of(const char *code, const char *list)
{
	msg_in in;
	jrp_error e;
	uint64_t id = 0;
	if (J(SVC_ADJUDICATE, &in, &e, "{\"v\":1,\"type\":\"entries.get\",\"id\":1,\"party\":\"office\",\"subject\":\"%s\"}",
	      code) == 0) {
		const msgpack_object *es = obj_get(in.root, "entries");
		for (uint32_t i = 0; es && i < es->via.array.size; i++)
			if (obj_str_eq(obj_get(&es->via.array.ptr[i], "list"), list))
				id = obj_u64(&es->via.array.ptr[i], "id");
	}
	msg_in_free(&in);
	return id;
}

/* entry_of_std - the newest entry of a subject under a standard */
static uint64_t entry_of_std(const char *code, const char *standard)
{
	msg_in in;
	jrp_error e;
	uint64_t id = 0;
	if (J(SVC_ADJUDICATE, &in, &e, "{\"v\":1,\"type\":\"entries.get\",\"id\":1,\"party\":\"office\",\"subject\":\"%s\"}",
	      code) == 0) {
		const msgpack_object *es = obj_get(in.root, "entries");
		for (uint32_t i = 0; es && i < es->via.array.size; i++)
			if (obj_str_eq(obj_get(&es->via.array.ptr[i], "standard"), standard))
				id = obj_u64(&es->via.array.ptr[i], "id");
	}
	msg_in_free(&in);
	return id;
}

/* entry_hist - one field of an entry (state, ...) into buf; returns the length of its history */
static int entry_hist(const char *code, uint64_t id, const char *key, char *buf, size_t n)
{
	msg_in in;
	jrp_error e;
	int nh = -1;
	buf[0] = 0;
	if (J(SVC_ADJUDICATE, &in, &e, "{\"v\":1,\"type\":\"entries.get\",\"id\":1,\"party\":\"office\",\"subject\":\"%s\"}",
	      code) == 0) {
		const msgpack_object *es = obj_get(in.root, "entries");
		for (uint32_t i = 0; es && i < es->via.array.size; i++)
			if (obj_u64(&es->via.array.ptr[i], "id") == id) {
				obj_cstr(&es->via.array.ptr[i], key, buf, n);
				nh = (int)obj_get(&es->via.array.ptr[i], "history")->via.array.size;
			}
	}
	msg_in_free(&in);
	return nh;
}

/* task_of - the first task in party's stream for entry with action (and measure or class) */
static uint64_t task_of(const char *party, uint64_t entry, const char *action, const char *measure, const char *cls)
{
	msg_in in;
	jrp_error e;
	uint64_t seq = 0;
	if (J(SVC_DISPATCH, &in, &e, "{\"v\":1,\"type\":\"tasks.fetch\",\"id\":1,\"party\":\"%s\",\"after\":0,\"max\":1000}",
	      party) == 0) {
		const msgpack_object *ts = obj_get(in.root, "tasks");
		for (uint32_t i = 0; !seq && ts && i < ts->via.array.size; i++) {
			const msgpack_object *t = &ts->via.array.ptr[i];
			if (obj_u64(t, "entry") == entry && obj_str_eq(obj_get(t, "action"), action) &&
			    (!measure || obj_str_eq(obj_get(t, "measure"), measure)) &&
			    (!cls || obj_str_eq(obj_get(t, "class"), cls)))
				seq = obj_u64(t, "task");
		}
	}
	msg_in_free(&in);
	return seq;
}

/* acked - an agency's stored cursor, as tasks.fetch says */
static uint64_t acked(const char *party)
{
	msg_in in;
	jrp_error e;
	uint64_t v = UINT64_MAX;
	if (J(SVC_DISPATCH, &in, &e, "{\"v\":1,\"type\":\"tasks.fetch\",\"id\":1,\"party\":\"%s\",\"after\":0,\"max\":1}",
	      party) == 0)
		v = obj_u64(in.root, "acked");
	msg_in_free(&in);
	return v;
}

/* task_state - a task's state at feedback (tasks.get) */
static const char *task_state(const char *code, uint64_t task, char *buf, size_t n)
{
	msg_in in;
	jrp_error e;
	buf[0] = 0;
	if (J(SVC_FEEDBACK, &in, &e, "{\"v\":1,\"type\":\"tasks.get\",\"id\":1,\"party\":\"office\",\"subject\":\"%s\"}",
	      code) == 0) {
		const msgpack_object *ts = obj_get(in.root, "tasks");
		for (uint32_t i = 0; ts && i < ts->via.array.size; i++)
			if (obj_u64(obj_get(&ts->via.array.ptr[i], "task"), "task") == task)
				obj_cstr(&ts->via.array.ptr[i], "state", buf, n);
	}
	msg_in_free(&in);
	return buf;
}

static const char *version(int svc, char *buf, size_t n)
{
	msg_in in;
	jrp_error e;
	buf[0] = 0;
	if (J(svc, &in, &e, "{\"v\":1,\"type\":\"status\",\"id\":1}") == 0)
		obj_cstr(in.root, "catalog_version", buf, n);
	msg_in_free(&in);
	return buf;
}

#define SUBMIT "{\"v\":1,\"type\":\"record.submit\",\"id\":1,\"party\":\"%s\",\"record\":{\"record_id\":\"%s\","

/* setup - a tax black-list entry T on H_ORG1 (event #1), a court entry C on a person (notice
 * awaited), four red entries (A-grade taxpayers); past the objection window (as test_scenario.c)
 * so that the agencies have tasks */
static void setup(void)
{
	for (int i = 0; i < 4; i++)
		org(11 + i, RED[i]);
	org(20, PLAIN);
	org(30, WARN);
	CHECK_INT(ok(SVC_INGEST, SUBMIT "\"kind\":\"penalty\",\"domain\":\"tax\",\"subject\":{\"type\":\"org\",\"code\":\"%s\","
		     "\"name\":\"示范科技有限公司\"},\"decision_date\":\"2026-11-20\",\"notice\":{\"date\":\"2026-11-20\"},"
		     "\"final\":true,\"violation\":\"tax_evasion\","
		     "\"amount\":3500000,\"base_amount\":20000000}}", "tax_bureau", "TAX-MX-1", H_ORG1), 0);
	CHECK_INT(ok(SVC_INGEST, SUBMIT "\"kind\":\"judgment\",\"domain\":\"courts\",\"subject\":{\"type\":\"person\","
		     "\"code\":\"%s\",\"name\":\"张三丰\"},\"decision_date\":\"2026-11-20\",\"violation\":\"evade_execution\"}}",
		     "court", "CT-MX-1", H_PERSON1), 0);
	for (int i = 0; i < 4; i++) {
		char rid[16];
		snprintf(rid, sizeof rid, "TAX-MX-A%d", i);
		CHECK_INT(ok(SVC_INGEST, SUBMIT "\"kind\":\"rating\",\"domain\":\"tax\",\"subject\":{\"type\":\"org\","
			     "\"code\":\"%s\",\"name\":\"守信企业%d\"},\"decision_date\":\"2026-11-20\",\"rating\":\"A\"}}",
			     "tax_bureau", rid, RED[i], i), 0);
	}
	/* focus lists in three key domains: a credit warning entry follows (DOMAIN.md Life 3) */
	CHECK_INT(ok(SVC_INGEST, SUBMIT "\"kind\":\"penalty\",\"domain\":\"market\",\"subject\":{\"type\":\"org\","
		     "\"code\":\"%s\",\"name\":\"预警公司\"},\"decision_date\":\"2026-11-20\",\"notice\":{\"date\":\"2026-11-20\"},"
		     "\"violation\":\"repeated_minor_violation\"}}",
		     "market_regulator", "MK-MX-1", WARN), 0);
	CHECK_INT(ok(SVC_INGEST, SUBMIT "\"kind\":\"penalty\",\"domain\":\"food_drug\",\"subject\":{\"type\":\"org\","
		     "\"code\":\"%s\",\"name\":\"预警公司\"},\"decision_date\":\"2026-11-20\","
		     "\"violation\":\"repeated_minor_violation\"}}", "food_drug_admin", "FD-MX-1", WARN), 0);
	CHECK_INT(ok(SVC_INGEST, SUBMIT "\"kind\":\"penalty\",\"domain\":\"environment\",\"subject\":{\"type\":\"org\","
		     "\"code\":\"%s\",\"name\":\"预警公司\"},\"decision_date\":\"2026-11-20\",\"violation\":\"illegal_discharge\"}}",
		     "env_bureau", "EV-MX-1", WARN), 0);
	CHECK_INT(h_settle(&H), 0);
	CHECK_INT(ok(SVC_ADJUDICATE, "{\"v\":1,\"type\":\"entry.notice\",\"id\":1,\"party\":\"food_drug_admin\",\"entry\":%llu,"
		     "\"notice_date\":\"2026-11-23\"}", (unsigned long long)entry_of_std(WARN, "food_drug.repeated_violation")), 0);
	CHECK_INT(ok(SVC_ADJUDICATE, "{\"v\":1,\"type\":\"entry.notice\",\"id\":1,\"party\":\"env_bureau\",\"entry\":%llu,"
		     "\"notice_date\":\"2026-11-23\"}", (unsigned long long)entry_of_std(WARN, "environment.serious_violation")), 0);
	clock_to("2026-12-01T09:00:00+08:00");
	T = entry_of(H_ORG1, "black");
	CHECK((W = entry_of(WARN, "warning")) != 0);
	C = entry_of(H_PERSON1, "black");
	for (int i = 0; i < 4; i++)
		CHECK((R[i] = entry_of(RED[i], "red")) != 0);
	CHECK(T && C);
	task_proc = task_of("procurement_centre", T, "apply", "P-GP-01", NULL);
	task_bank = task_of("bank_regulator", T, "apply", "P-FIN-01", NULL);
	task_tax_reward = task_of("tax_bureau", R[0], "apply", "R-TAX-01", NULL);
	CHECK(task_proc && task_bank && task_tax_reward);
	CHECK(task_of("court", C, "notice", NULL, "duty") != 0);
}

/* reads - the credit record (DOMAIN.md "Who uses it": departments, agencies and the office read
 * it), the check before handling, statistics (the office's), the logs (daemons and the office),
 * the publication (anyone) */
static void reads(void)
{
	static const char *const all[] = { "ok", "ok", "ok", "ok", "forbidden", "unknown_party" };
	static const char *const stats[] = { "forbidden", "forbidden", "forbidden", "ok", "forbidden", "unknown_party" };
	static const char *const logs_[] = { "forbidden", "forbidden", "forbidden", "ok", "ok", "unknown_party" };
	for (int p = 0; p < NP; p++) {
		const char *f = strcmp(all[p], "ok") ? "party" : NULL;
		uint64_t before = h_status_u64(&H, SVC_DISPATCH, "log_last");
		msg_in in;
		cell("records.get", p, SVC_INGEST, all[p], f, NULL,
		     "{\"v\":1,\"type\":\"records.get\",\"id\":1,\"subject\":\"%s\"}", H_ORG1);
		cell("entries.get", p, SVC_ADJUDICATE, all[p], f, NULL,
		     "{\"v\":1,\"type\":\"entries.get\",\"id\":1,\"subject\":\"%s\"}", H_ORG1);
		cell("tasks.get", p, SVC_FEEDBACK, all[p], f, NULL,
		     "{\"v\":1,\"type\":\"tasks.get\",\"id\":1,\"subject\":\"%s\"}", H_ORG1);
		/* every check is recorded: an allowed one adds one record to dispatch's log */
		if (cellr(&in, "check", p, SVC_DISPATCH, all[p], f, NULL,
			  "{\"v\":1,\"type\":\"check\",\"id\":1,\"subject\":\"%s\",\"matter\":\"public_procurement\"}", H_ORG1) &&
		    p != DISP && p != NOBODY) {
			CHECK(obj_bool(in.root, "listed"));
			/* recorded through dispatch's journal: in the log once it has settled */
			CHECK(obj_get(in.root, "check_id") != NULL);
			CHECK(h_settle(&H) == 0 && h_status_u64(&H, SVC_DISPATCH, "log_last") == before + 1);
		}
		msg_in_free(&in);
		cell("stats.get", p, SVC_FEEDBACK, stats[p], strcmp(stats[p], "ok") ? "party" : NULL, NULL,
		     "{\"v\":1,\"type\":\"stats.get\",\"id\":1}");
		for (int s = SVC_INGEST; s <= SVC_DISPATCH; s++)
			cell("log.fetch", p, s, logs_[p], strcmp(logs_[p], "ok") ? "party" : NULL, NULL,
			     "{\"v\":1,\"type\":\"log.fetch\",\"id\":1,\"after\":0,\"max\":1}");
		/* feedback keeps no outbound log: nobody may fetch what is not there */
		cell("log.fetch@feedback", p, SVC_FEEDBACK, "unknown_type", "type", NULL,
		     "{\"v\":1,\"type\":\"log.fetch\",\"id\":1,\"after\":0}");
		/* publication.fetch needs no party; one that is given must exist */
		cell("publication.fetch", p, SVC_ADJUDICATE, p == NOBODY ? "unknown_party" : "ok",
		     p == NOBODY ? "party" : NULL, NULL, "{\"v\":1,\"type\":\"publication.fetch\",\"id\":1}");
	}
	CHECK(cell("publication.fetch(anonymous)", -1, SVC_ADJUDICATE, "ok", NULL, NULL,
		   "{\"v\":1,\"type\":\"publication.fetch\",\"id\":1}"));
}

/* submit - DESIGN.md Security: "a department identifies only in its own domains"; only
 * departments report records (DOMAIN.md "Who uses it") */
static void submit(void)
{
	static const char *const own[] = { "tax", "courts", "tax", "tax", "tax", "tax" };
	static const char *const other[] = { "courts", "tax", "courts", "courts", "courts", "courts" };
	for (int p = 0; p < NP; p++) {
		bool dept = p == TAX || p == COURT;
		const char *role = p == NOBODY ? "unknown_party" : "forbidden";
		uint64_t before = h_status_u64(&H, SVC_INGEST, "log_last");
		/* a plain record (no standard met): it only adds to the subject's credit record */
		CHECK(cell("record.submit(own domain)", p, SVC_INGEST, dept ? "ok" : role, dept ? NULL : "party", NULL,
			   "{\"v\":1,\"type\":\"record.submit\",\"id\":1,\"record\":{\"record_id\":\"MX-OWN-%d\","
			   "\"kind\":\"penalty\",\"domain\":\"%s\",\"subject\":{\"type\":\"org\",\"code\":\"%s\","
			   "\"name\":\"普通企业\"},\"decision_date\":\"2026-11-30\",\"violation\":\"minor\",\"amount\":100}}",
			   p, own[p], PLAIN));
		CHECK_INT(h_status_u64(&H, SVC_INGEST, "log_last"), before + (dept ? 1 : 0));
		before = h_status_u64(&H, SVC_INGEST, "log_last");
		CHECK(cell("record.submit(other domain)", p, SVC_INGEST, dept ? "forbidden" : role,
			   dept ? "record.domain" : "party", NULL,
			   "{\"v\":1,\"type\":\"record.submit\",\"id\":1,\"record\":{\"record_id\":\"MX-OTHER-%d\","
			   "\"kind\":\"penalty\",\"domain\":\"%s\",\"subject\":{\"type\":\"org\",\"code\":\"%s\","
			   "\"name\":\"普通企业\"},\"decision_date\":\"2026-11-30\",\"violation\":\"minor\",\"amount\":100}}",
			   p, other[p], PLAIN));
		CHECK_INT(h_status_u64(&H, SVC_INGEST, "log_last"), before);
	}
}

/* refused_role - the verdict for a party without the role: forbidden, or unknown_party */
static const char *refused_role(int p)
{
	return p == NOBODY ? "unknown_party" : "forbidden";
}

/* notice - only the identifying department reports the notice (DESIGN.md Security: a department
 * answers only for its own entries; actions.c own()) */
static void notice(void)
{
	char state[16];
	int nh = entry_hist(H_PERSON1, C, "state", state, sizeof state);
	for (int p = 0; p < NP; p++) {
		if (p == COURT)
			continue;
		/* tax_bureau is a department, but C is the court's: the refusal names the court */
		cell("entry.notice(other's entry)", p, SVC_ADJUDICATE, refused_role(p), "party",
		     p == TAX ? "court" : NULL,
		     "{\"v\":1,\"type\":\"entry.notice\",\"id\":1,\"entry\":%llu,\"notice_date\":\"2026-12-01\"}",
		     (unsigned long long)C);
	}
	CHECK_INT(entry_hist(H_PERSON1, C, "state", state, sizeof state), nh);
	CHECK_STR(state, "proposed");
	CHECK(cell("entry.notice(own entry)", COURT, SVC_ADJUDICATE, "ok", NULL, NULL,
		   "{\"v\":1,\"type\":\"entry.notice\",\"id\":1,\"entry\":%llu,\"notice_date\":\"2026-12-01\"}",
		   (unsigned long long)C));
	/* the court, on an entry of the tax bureau */
	cell("entry.notice(other's entry)", COURT, SVC_ADJUDICATE, "forbidden", "party", "tax_bureau",
	     "{\"v\":1,\"type\":\"entry.notice\",\"id\":1,\"entry\":%llu,\"notice_date\":\"2026-12-01\"}",
	     (unsigned long long)T);
	/* the tax bureau, on its own entry: authorised; no notice is awaited (tax.major_violation) */
	cell("entry.notice(own entry)", TAX, SVC_ADJUDICATE, "conflict", "entry", NULL,
	     "{\"v\":1,\"type\":\"entry.notice\",\"id\":1,\"entry\":%llu,\"notice_date\":\"2026-12-01\"}",
	     (unsigned long long)T);
	CHECK_INT(h_settle(&H), 0);
}

/* streams - DESIGN.md Security: "an agency reads only its own stream"; a department reads its
 * duties in its own; the office and the daemons have none */
static void streams(void)
{
	static const char *const fetch[] = { "ok", "ok", "ok", "forbidden", "forbidden", "unknown_party" };
	uint64_t bank_ack = acked("bank_regulator");
	for (int p = 0; p < NP; p++) {
		msg_in in;
		if (cellr(&in, "tasks.fetch", p, SVC_DISPATCH, fetch[p], strcmp(fetch[p], "ok") ? "party" : NULL, NULL,
			  "{\"v\":1,\"type\":\"tasks.fetch\",\"id\":1,\"after\":0,\"max\":1000}") && p <= PROC) {
			const msgpack_object *ts = obj_get(in.root, "tasks");
			CHECK(obj_str_eq(obj_get(in.root, "agency"), P[p]));
			CHECK(ts && ts->via.array.size > 0);
			for (uint32_t i = 0; ts && i < ts->via.array.size; i++)
				if (!obj_str_eq(obj_get(&ts->via.array.ptr[i], "agency"), P[p])) {
					printf("# %s read task %llu of another party's stream\n", P[p],
					       (unsigned long long)obj_u64(&ts->via.array.ptr[i], "task"));
					CHECK(0);
				}
		}
		msg_in_free(&in);
	}
	/* tasks.ack: a seq of another agency's stream is not the asker's to acknowledge (bad_value,
	 * README "Wire protocol": "a task not in your stream"); neither cursor moves */
	CHECK_INT(acked("procurement_centre"), 0);
	cell("tasks.ack(another's seq)", PROC, SVC_DISPATCH, "bad_value", "upto", NULL,
	     "{\"v\":1,\"type\":\"tasks.ack\",\"id\":1,\"upto\":%llu}", (unsigned long long)task_bank);
	cell("tasks.ack(another's seq)", TAX, SVC_DISPATCH, "bad_value", "upto", NULL,
	     "{\"v\":1,\"type\":\"tasks.ack\",\"id\":1,\"upto\":%llu}", (unsigned long long)task_proc);
	cell("tasks.ack(another's seq)", COURT, SVC_DISPATCH, "bad_value", "upto", NULL,
	     "{\"v\":1,\"type\":\"tasks.ack\",\"id\":1,\"upto\":%llu}", (unsigned long long)task_proc);
	CHECK_INT(acked("procurement_centre"), 0);
	CHECK_INT(acked("tax_bureau"), 0);
	CHECK_INT(acked("court"), 0);
	CHECK_INT(acked("bank_regulator"), bank_ack);
	for (int p = OFFICE; p < NP; p++) {
		cell("tasks.ack(own seq)", p, SVC_DISPATCH, refused_role(p), "party", NULL,
		     "{\"v\":1,\"type\":\"tasks.ack\",\"id\":1,\"upto\":%llu}", (unsigned long long)task_proc);
		cell("tasks.ack(another's seq)", p, SVC_DISPATCH, refused_role(p), "party", NULL,
		     "{\"v\":1,\"type\":\"tasks.ack\",\"id\":1,\"upto\":%llu}", (unsigned long long)task_bank);
	}
	CHECK_INT(acked("bank_regulator"), bank_ack);
	CHECK(cell("tasks.ack(own seq)", PROC, SVC_DISPATCH, "ok", NULL, NULL,
		   "{\"v\":1,\"type\":\"tasks.ack\",\"id\":1,\"upto\":%llu}", (unsigned long long)task_proc));
	CHECK_INT(acked("procurement_centre"), task_proc);
	CHECK(cell("tasks.ack(own seq)", TAX, SVC_DISPATCH, "ok", NULL, NULL,
		   "{\"v\":1,\"type\":\"tasks.ack\",\"id\":1,\"upto\":%llu}", (unsigned long long)task_tax_reward));
	CHECK_INT(acked("tax_bureau"), task_tax_reward);
	{
		uint64_t duty = task_of("court", C, "notice", NULL, "duty");
		CHECK(cell("tasks.ack(own seq)", COURT, SVC_DISPATCH, "ok", NULL, NULL,
			   "{\"v\":1,\"type\":\"tasks.ack\",\"id\":1,\"upto\":%llu}", (unsigned long long)duty));
		CHECK_INT(acked("court"), duty);
	}
	CHECK_INT(acked("bank_regulator"), bank_ack);
}

/* objections - objection.file by a department, an agency or the office (DOMAIN.md "Who uses
 * it"; README entry actions); objection.decide only by the identifying department (DESIGN.md
 * Security: "answers objections only for its own entries") */
static void objections(void)
{
	static const int filers[] = { TAX, COURT, PROC, OFFICE };
	char state[16];
	for (int p = DISP; p < NP; p++)
		cell("objection.file", p, SVC_ADJUDICATE, refused_role(p), "party", NULL,
		     "{\"v\":1,\"type\":\"objection.file\",\"id\":1,\"entry\":%llu,\"reason\":\"数据有误\"}",
		     (unsigned long long)T);
	for (size_t i = 0; i < sizeof filers / sizeof filers[0]; i++) {
		int nh;
		CHECK(cell("objection.file", filers[i], SVC_ADJUDICATE, "ok", NULL, NULL,
			   "{\"v\":1,\"type\":\"objection.file\",\"id\":1,\"entry\":%llu,\"reason\":\"%s 转交的异议\"}",
			   (unsigned long long)T, P[filers[i]]));
		CHECK_INT(h_settle(&H), 0);
		nh = entry_hist(H_ORG1, T, "objection", state, sizeof state);
		CHECK_STR(state, "pending");
		/* everyone but the tax bureau is refused the decision; the court is a department, but
		 * not this entry's: its refusal names the tax bureau */
		for (int p = COURT; p < NP; p++)
			cell("objection.decide(other's entry)", p, SVC_ADJUDICATE, refused_role(p), "party",
			     p == COURT ? "tax_bureau" : NULL,
			     "{\"v\":1,\"type\":\"objection.decide\",\"id\":1,\"entry\":%llu,\"outcome\":\"wrong\"}",
			     (unsigned long long)T);
		CHECK_INT(entry_hist(H_ORG1, T, "objection", state, sizeof state), nh);
		CHECK_STR(state, "pending");
		if (i == 0) {
			/* the tax bureau's duty to verify: the one a department may not feed back on */
			task_tax_duty = task_of("tax_bureau", T, "verify_objection", NULL, "duty");
			CHECK(task_tax_duty != 0);
		}
		CHECK(cell("objection.decide(own entry)", TAX, SVC_ADJUDICATE, "ok", NULL, NULL,
			   "{\"v\":1,\"type\":\"objection.decide\",\"id\":1,\"entry\":%llu,\"outcome\":\"upheld\","
			   "\"note\":\"核实无误\"}", (unsigned long long)T));
		CHECK_INT(h_settle(&H), 0);
	}
	/* an objection to the court's entry (still proposed: its window runs from the notice):
	 * the tax bureau may not decide it, the court may */
	CHECK_INT(ok(SVC_ADJUDICATE, "{\"v\":1,\"type\":\"objection.file\",\"id\":1,\"party\":\"office\",\"entry\":%llu,"
		     "\"reason\":\"身份有误\"}", (unsigned long long)C), 0);
	cell("objection.decide(other's entry)", TAX, SVC_ADJUDICATE, "forbidden", "party", "court",
	     "{\"v\":1,\"type\":\"objection.decide\",\"id\":1,\"entry\":%llu,\"outcome\":\"wrong\"}", (unsigned long long)C);
	CHECK_STR((entry_hist(H_PERSON1, C, "objection", state, sizeof state), state), "pending");
	CHECK(cell("objection.decide(own entry)", COURT, SVC_ADJUDICATE, "ok", NULL, NULL,
		   "{\"v\":1,\"type\":\"objection.decide\",\"id\":1,\"entry\":%llu,\"outcome\":\"upheld\"}",
		   (unsigned long long)C));
	CHECK_INT(h_settle(&H), 0);
	CHECK_STR((entry_hist(H_ORG1, T, "state", state, sizeof state), state), "effective");
}

/* warning - a credit warning entry is derived by adjudicate (no standard, no department). Anyone
 * may object to it; only the office decides (no department identified it); no verify duty goes to
 * a stream nobody reads. */
static void warning(void)
{
	char st[16];
	msg_in in;
	jrp_error e;
	bool duty_to_daemon = false;
	CHECK(cell("objection.file(warning entry)", OFFICE, SVC_ADJUDICATE, "ok", NULL, NULL,
		   "{\"v\":1,\"type\":\"objection.file\",\"id\":1,\"entry\":%llu,\"reason\":\"预警有误\"}",
		   (unsigned long long)W));
	CHECK_INT(h_settle(&H), 0);
	/* a derived warning entry has no identifying department: only the office decides on it */
	for (int p = 0; p < NP; p++)
		if (p != OFFICE)
			cell("objection.decide(warning entry)", p, SVC_ADJUDICATE, refused_role(p), "party",
			     p == TAX || p == COURT ? "office" : NULL,
			     "{\"v\":1,\"type\":\"objection.decide\",\"id\":1,\"entry\":%llu,\"outcome\":\"wrong\"}",
			     (unsigned long long)W);
	/* nor the daemon party that derived it */
	CHECK_INT(J(SVC_ADJUDICATE, &in, &e, "{\"v\":1,\"type\":\"objection.decide\",\"id\":1,\"party\":\"adjudicate\","
		    "\"entry\":%llu,\"outcome\":\"wrong\"}", (unsigned long long)W), JRP_EREPLY);
	CHECK_STR(e.code, "forbidden");
	msg_in_free(&in);
	CHECK_STR((entry_hist(WARN, W, "objection", st, sizeof st), st), "pending");
	cell("objection.file(warning entry)", TAX, SVC_ADJUDICATE, "conflict", "entry", NULL,
	     "{\"v\":1,\"type\":\"objection.file\",\"id\":1,\"entry\":%llu,\"reason\":\"再次异议\"}", (unsigned long long)W);
	/* no duty goes to a stream nobody reads */
	CHECK_INT(J(SVC_FEEDBACK, &in, &e, "{\"v\":1,\"type\":\"tasks.get\",\"id\":1,\"party\":\"office\",\"subject\":\"%s\"}",
		    WARN), 0);
	for (uint32_t i = 0; obj_get(in.root, "tasks") && i < obj_get(in.root, "tasks")->via.array.size; i++) {
		const msgpack_object *x = &obj_get(in.root, "tasks")->via.array.ptr[i], *t = obj_get(x, "task");
		if (obj_u64(t, "entry") == W && obj_str_eq(obj_get(t, "action"), "verify_objection"))
			duty_to_daemon = true;
	}
	msg_in_free(&in);
	CHECK(!duty_to_daemon);
	/* the office decides: the warning stands */
	CHECK(cell("objection.decide(warning entry)", OFFICE, SVC_ADJUDICATE, "ok", NULL, NULL,
		   "{\"v\":1,\"type\":\"objection.decide\",\"id\":1,\"entry\":%llu,\"outcome\":\"upheld\"}",
		   (unsigned long long)W));
	CHECK_STR((entry_hist(WARN, W, "objection", st, sizeof st), st), "");
}

/* feedback - DESIGN.md Security: "an agency ... feeds back only on its own tasks"; a department's
 * duty closes by its act at adjudicate, not by feedback (README feedback.submit: conflict) */
static void feedback(void)
{
	char st[16];
	CHECK_STR(task_state(H_ORG1, task_bank, st, sizeof st), "pending");
	/* no agency role (the court is a department only): refused whatever the task */
	for (int p = COURT; p < NP; p++) {
		if (p == PROC)
			continue;
		cell("feedback.submit(own task)", p, SVC_FEEDBACK, refused_role(p), "party", NULL,
		     "{\"v\":1,\"type\":\"feedback.submit\",\"id\":1,\"task\":%llu,\"result\":\"applied\"}",
		     (unsigned long long)task_proc);
		cell("feedback.submit(another's task)", p, SVC_FEEDBACK, refused_role(p), "party", NULL,
		     "{\"v\":1,\"type\":\"feedback.submit\",\"id\":1,\"task\":%llu,\"result\":\"applied\"}",
		     (unsigned long long)task_bank);
		cell("feedback.submit(own duty)", p, SVC_FEEDBACK, refused_role(p), "party", NULL,
		     "{\"v\":1,\"type\":\"feedback.submit\",\"id\":1,\"task\":%llu,\"result\":\"applied\"}",
		     (unsigned long long)(p == COURT ? task_of("court", C, "notice", NULL, "duty") : task_tax_duty));
	}
	/* an agency on another agency's task: the message names both */
	cell("feedback.submit(another's task)", PROC, SVC_FEEDBACK, "forbidden", "party", "bank_regulator",
	     "{\"v\":1,\"type\":\"feedback.submit\",\"id\":1,\"task\":%llu,\"result\":\"applied\"}",
	     (unsigned long long)task_bank);
	cell("feedback.submit(another's task)", TAX, SVC_FEEDBACK, "forbidden", "party", "bank_regulator",
	     "{\"v\":1,\"type\":\"feedback.submit\",\"id\":1,\"task\":%llu,\"result\":\"applied\"}",
	     (unsigned long long)task_bank);
	CHECK_STR(task_state(H_ORG1, task_bank, st, sizeof st), "pending");
	CHECK_STR(task_state(H_ORG1, task_proc, st, sizeof st), "pending");
	/* the tax bureau (department and agency) on its own duty */
	cell("feedback.submit(own duty)", TAX, SVC_FEEDBACK, "conflict", "task", NULL,
	     "{\"v\":1,\"type\":\"feedback.submit\",\"id\":1,\"task\":%llu,\"result\":\"applied\"}",
	     (unsigned long long)task_tax_duty);
	CHECK(cell("feedback.submit(own task)", PROC, SVC_FEEDBACK, "ok", NULL, NULL,
		   "{\"v\":1,\"type\":\"feedback.submit\",\"id\":1,\"task\":%llu,\"result\":\"applied\","
		   "\"matter_id\":\"GP-MX-1\"}", (unsigned long long)task_proc));
	CHECK(cell("feedback.submit(own task)", TAX, SVC_FEEDBACK, "ok", NULL, NULL,
		   "{\"v\":1,\"type\":\"feedback.submit\",\"id\":1,\"task\":%llu,\"result\":\"applied\"}",
		   (unsigned long long)task_tax_reward));
	CHECK_STR(task_state(H_ORG1, task_proc, st, sizeof st), "applied");
	CHECK_STR(task_state(RED[0], task_tax_reward, st, sizeof st), "applied");
	CHECK_STR(task_state(H_ORG1, task_bank, st, sizeof st), "pending");
	/* the duty closes by the department's act (README: "a duty closes when adjudicate records the
	 * department's act"): the tax bureau decided every objection above */
	CHECK_STR(task_state(H_ORG1, task_tax_duty, st, sizeof st), "done");
}

/* abuse - reward.abuse by a department, an agency or the office (README entry actions) */
static void abuse(void)
{
	char state[16];
	for (int p = DISP; p < NP; p++)
		cell("reward.abuse", p, SVC_ADJUDICATE, refused_role(p), "party", NULL,
		     "{\"v\":1,\"type\":\"reward.abuse\",\"id\":1,\"entry\":%llu,\"note\":\"骗取奖励\"}",
		     (unsigned long long)R[0]);
	CHECK_STR((entry_hist(RED[0], R[0], "state", state, sizeof state), state), "effective");
	for (int p = TAX; p <= OFFICE; p++) {
		CHECK(cell("reward.abuse", p, SVC_ADJUDICATE, "ok", NULL, NULL,
			   "{\"v\":1,\"type\":\"reward.abuse\",\"id\":1,\"entry\":%llu,\"note\":\"%s 发现滥用\"}",
			   (unsigned long long)R[p], P[p]));
		CHECK_STR((entry_hist(RED[p], R[p], "exit_reason", state, sizeof state), state), "reward_abuse");
	}
	CHECK_INT(h_settle(&H), 0);
}

/* repair - repair.apply by a department or the office; repair.decide only by the identifying
 * department (DESIGN.md Security; actions.c own()). A year on, past tax.major_violation's
 * repair_min (1y from the decision date 2026-11-20). */
static void repair(void)
{
	static const int applicants[] = { OFFICE, COURT, TAX };
	char st[16];
	clock_to("2027-11-22T10:00:00+08:00");
	for (int p = PROC; p < NP; p++) {
		if (p == OFFICE)
			continue;
		cell("repair.apply", p, SVC_ADJUDICATE, refused_role(p), "party", NULL,
		     "{\"v\":1,\"type\":\"repair.apply\",\"id\":1,\"entry\":%llu,\"methods\":[\"commitment\",\"report\"]}",
		     (unsigned long long)T);
	}
	for (size_t i = 0; i < 3; i++) {
		int nh;
		bool last = i == 2;
		CHECK(cell("repair.apply", applicants[i], SVC_ADJUDICATE, "ok", NULL, NULL,
			   "{\"v\":1,\"type\":\"repair.apply\",\"id\":1,\"entry\":%llu,\"methods\":[\"commitment\",\"report\"],"
			   "\"note\":\"已缴清税款\"}", (unsigned long long)T));
		CHECK_INT(h_settle(&H), 0);
		nh = entry_hist(H_ORG1, T, "repair", st, sizeof st);
		CHECK_STR(st, "applied");
		for (int p = COURT; p < NP; p++)
			cell("repair.decide(other's entry)", p, SVC_ADJUDICATE, refused_role(p), "party",
			     p == COURT ? "tax_bureau" : NULL,
			     "{\"v\":1,\"type\":\"repair.decide\",\"id\":1,\"entry\":%llu,\"approved\":true}",
			     (unsigned long long)T);
		CHECK_INT(entry_hist(H_ORG1, T, "repair", st, sizeof st), nh);
		CHECK_STR(st, "applied");
		/* rejected twice, approved the third time: the entry exits (repaired) */
		CHECK(cell("repair.decide(own entry)", TAX, SVC_ADJUDICATE, "ok", NULL, NULL,
			   "{\"v\":1,\"type\":\"repair.decide\",\"id\":1,\"entry\":%llu,\"approved\":%s}",
			   (unsigned long long)T, last ? "true" : "false"));
		CHECK_INT(h_settle(&H), 0);
	}
	/* a repair of the court's entry (courts.dishonest_debtor: 6 months, a commitment): the tax
	 * bureau may not decide it, the court may */
	CHECK_STR((entry_hist(H_PERSON1, C, "state", st, sizeof st), st), "effective");
	CHECK_INT(ok(SVC_ADJUDICATE, "{\"v\":1,\"type\":\"repair.apply\",\"id\":1,\"party\":\"office\",\"entry\":%llu,"
		     "\"methods\":[\"commitment\"]}", (unsigned long long)C), 0);
	cell("repair.decide(other's entry)", TAX, SVC_ADJUDICATE, "forbidden", "party", "court",
	     "{\"v\":1,\"type\":\"repair.decide\",\"id\":1,\"entry\":%llu,\"approved\":true}", (unsigned long long)C);
	CHECK_STR((entry_hist(H_PERSON1, C, "repair", st, sizeof st), st), "applied");
	CHECK(cell("repair.decide(own entry)", COURT, SVC_ADJUDICATE, "ok", NULL, NULL,
		   "{\"v\":1,\"type\":\"repair.decide\",\"id\":1,\"entry\":%llu,\"approved\":false}",
		   (unsigned long long)C));
	CHECK_STR((entry_hist(H_PERSON1, C, "repair", st, sizeof st), st), "rejected");
	CHECK_STR((entry_hist(H_ORG1, T, "exit_reason", st, sizeof st), st), "repaired");
}

/* reload - "the catalogue is the office's" (DESIGN.md Security): catalog.reload on every daemon */
static void reload(void)
{
	char v[40], path[400], cmd[700];
	for (int p = 0; p < NP; p++) {
		if (p == OFFICE)
			continue;
		for (int s = SVC__N - 1; s >= 0; s--)
			cell("catalog.reload", p, s, refused_role(p), "party", NULL, "{\"v\":1,\"type\":\"catalog.reload\",\"id\":1}");
	}
	for (int s = 0; s < SVC__N; s++)
		CHECK_STR(version(s, v, sizeof v), "2026.12-1");
	/* the office, with the version already in force: authorised, refused as a conflict */
	for (int s = SVC__N - 1; s >= 0; s--)
		cell("catalog.reload", OFFICE, s, "conflict", "version", NULL, "{\"v\":1,\"type\":\"catalog.reload\",\"id\":1}");
	/* a new version: the office puts it in force, downstream first */
	snprintf(path, sizeof path, "%s/rules/catalog.yaml", H.dir);
	snprintf(cmd, sizeof cmd, "sed -i 's/^version: \"2026.12-1\"/version: \"2026.11-mx\"/' '%s'", path);
	CHECK_INT(system(cmd), 0);
	for (int s = SVC__N - 1; s >= 0; s--)
		CHECK(cell("catalog.reload", OFFICE, s, "ok", NULL, NULL, "{\"v\":1,\"type\":\"catalog.reload\",\"id\":1}"));
	for (int s = 0; s < SVC__N; s++)
		CHECK_STR(version(s, v, sizeof v), "2026.11-mx");
}

/* print_matrix - the whole matrix, as TAP comments */
static void print_matrix(void)
{
	bool all = true;
	printf("#\n# who may do what (DESIGN.md Security, DOMAIN.md \"Who uses it\"); \"allowed (conflict)\": authorised,\n"
	       "# refused only on the state of the thing; \"nobody\" is not in the registry; an \"(own ...)\" row sends\n"
	       "# a party that has no such thing of its own someone else's; \"-\": no such thing to try;\n"
	       "# publication.fetch(anonymous) is sent with no party at all\n#\n");
	printf("# %-31s", "operation");
	for (int p = 0; p < NP; p++)
		printf(" %-19s", P[p]);
	printf("\n");
	for (int i = 0; i < nrows; i++) {
		printf("# %-31s", rows[i].op);
		for (int p = 0; p < NP; p++) {
			printf(" %-19s", rows[i].cell[p][0] ? rows[i].cell[p] : "-");
			if (strcmp(rows[i].cell[p], "WRONG") == 0)
				all = false;
		}
		printf("\n");
	}
	printf("#\n");
	CHECK(all);
	CHECK(nrows >= 20);
}

/* ---- jrpctl audit ---- */

/* run - the built jrpctl with args; its stdout (and stderr if both) in *out; returns the exit status */
static int run(char **out, bool both, const char *args)
{
	char cmd[1200], buf[4096];
	size_t n = 0, r;
	FILE *f;
	int st;
	/* only the test's own settings: no party, key or config from the environment */
	snprintf(cmd, sizeof cmd, "env -u JRP_PARTY -u JRP_KEY -u JRP_CONFIG '%s' -c '%s' %s%s", JRP_BIN_JRPCTL, H.config,
		 args, both ? " 2>&1" : " 2>/dev/null");
	*out = calloc(1, 1);
	if (!(f = popen(cmd, "r")))
		return -1;
	while ((r = fread(buf, 1, sizeof buf, f)) > 0) {
		*out = realloc(*out, n + r + 1);
		memcpy(*out + n, buf, r);
		n += r;
		(*out)[n] = 0;
	}
	st = pclose(f);
	return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

#define HAS(s) do { if (!strstr(out, (s))) { printf("# audit output lacks \"%s\"\n", (s)); CHECK(0); } } while (0)
#define HASNT(s) do { if (strstr(out, (s))) { printf("# audit output has \"%s\"\n", (s)); CHECK(0); } } while (0)

/* audit_subject - issue 4: for a subject, every state change with who caused it and the record
 * it came from, in time order, from the three daemons that hold them */
static void audit_subject(void)
{
	char *out, line[200];
	const char *id, *eff, *rep;
	CHECK_INT(run(&out, false, "--as office audit --subject 91350100M000100Y43"), 0);
	printf("# jrpctl audit --subject %s:\n", H_ORG1);
	for (char *l = out, *nl; *l; l = nl + 1) {
		if (!(nl = strchr(l, '\n')))
			break;
		printf("#   %.*s\n", (int)(nl - l), l);
	}
	/* the record, reported by the tax bureau: event #1 */
	HAS("tax_bureau (国家税务总局示范市税务局)  record penalty TAX-MX-1 about 91350100M000100Y43");
	HAS("record #1]");
	snprintf(line, sizeof line, "entry %llu black tax.major_violation: identified", (unsigned long long)T);
	HAS(line);
	/* who: each party that filed an objection, the department that decided, the daemon that acted on time */
	HAS("court (示范市中级人民法院)  entry");
	HAS("procurement_centre (示范市政府采购中心)  entry");
	HAS("office (示范市社会信用体系建设联席会议办公室)  entry");
	HAS("adjudicate (jrp 认定服务)  entry");
	HAS(": objection — court 转交的异议");
	HAS(": objection_decided — upheld");
	HAS(": repair_applied");
	HAS(": exited — credit repair approved");
	/* tasks by dispatch, feedback by the agency */
	snprintf(line, sizeof line, "dispatch (jrp 分发服务)  task %llu apply P-GP-01", (unsigned long long)task_proc);
	HAS(line);
	snprintf(line, sizeof line, "procurement_centre (示范市政府采购中心)  feedback applied on task %llu "
		 "(apply P-GP-01), matter GP-MX-1", (unsigned long long)task_proc);
	HAS(line);
	HAS("[record #1]");
	/* in time order */
	id = strstr(out, ": identified");
	eff = strstr(out, ": effective");
	rep = strstr(out, ": exited — credit repair approved");
	CHECK(id && eff && rep && id < eff && eff < rep);
	free(out);
	/* an agency may read the same credit record; an unknown party may not */
	CHECK_INT(run(&out, false, "--as procurement_centre audit --subject 91350100M000100Y43"), 0);
	HAS("record penalty TAX-MX-1");
	free(out);
	CHECK_INT(run(&out, true, "--as nobody audit --subject 91350100M000100Y43"), 1);
	HAS("refused [unknown_party]");
	free(out);
}

/* audit_json - --json: the merged list as a JSON array, each item with when, who, what, record */
static void audit_json(void)
{
	char *out, *wrapped;
	msgpack_sbuffer sb;
	msg_in in;
	jrp_error e;
	const msgpack_object *a;
	int64_t prev = 0;
	bool objection_by_proc = false, feedback_by_proc = false, sorted = true, named = true;
	CHECK_INT(run(&out, false, "--json audit --subject 91350100M000100Y43"), 0);
	wrapped = malloc(strlen(out) + 16);
	sprintf(wrapped, "{\"a\": %s}", out);
	msgpack_sbuffer_init(&sb);
	CHECK_INT(conv_text_to_msgpack(wrapped, strlen(wrapped), &sb, &e), 0);
	CHECK_INT(msg_parse(sb.data, sb.size, SIZE_MAX, &in, &e), 0);
	a = obj_get(in.root, "a");
	CHECK(a && a->type == MSGPACK_OBJECT_ARRAY && a->via.array.size >= 20);
	for (uint32_t i = 0; a && i < a->via.array.size; i++) {
		const msgpack_object *it = &a->via.array.ptr[i];
		if (obj_i64(it, "at_ms") < prev)
			sorted = false;
		prev = obj_i64(it, "at_ms");
		if (!obj_get(it, "party") || !obj_get(it, "party_name") || !obj_get(it, "at") || !obj_get(it, "event"))
			named = false;
		if (obj_str_eq(obj_get(it, "event"), "objection") && obj_str_eq(obj_get(it, "party"), "procurement_centre") &&
		    obj_u64(it, "record_seq") == 1 && obj_u64(it, "entry") == T)
			objection_by_proc = true;
		if (obj_str_eq(obj_get(it, "event"), "feedback") && obj_str_eq(obj_get(it, "party"), "procurement_centre") &&
		    obj_u64(it, "task") == task_proc && obj_u64(it, "record_seq") == 1)
			feedback_by_proc = true;
	}
	CHECK(sorted);
	CHECK(named);
	CHECK(objection_by_proc);
	CHECK(feedback_by_proc);
	msg_in_free(&in);
	msgpack_sbuffer_destroy(&sb);
	free(wrapped);
	free(out);
}

/* audit_range - a time range: the records, changes, tasks and checks committed in it, read from
 * the logs of ingest, adjudicate and dispatch (log.fetch: the office's right) */
static void audit_range(void)
{
	char *out, line[200];
	/* the first day: the records and the proposals, nothing effective yet */
	CHECK_INT(run(&out, false, "audit --from 2026-11-23 --to 2026-11-23"), 0);
	HAS("tax_bureau (国家税务总局示范市税务局)  record penalty TAX-MX-1");
	HAS("court (示范市中级人民法院)  record judgment CT-MX-1");
	snprintf(line, sizeof line, "entry %llu black tax.major_violation of 91350100M000100Y43 示范科技有限公司: proposed",
		 (unsigned long long)T);
	HAS(line);
	HAS("[record #1]");
	HASNT(": effective");
	HASNT("repair_applied");
	free(out);
	/* the day of the repairs, to the second: who applied, who decided, the exit; no record */
	CHECK_INT(run(&out, false, "--as office audit --from 2027-11-22T00:00:00+08:00 --to 2027-11-22T23:59:59+08:00"), 0);
	HAS("office (示范市社会信用体系建设联席会议办公室)  entry");
	HAS(": repair_applied");
	HAS("tax_bureau (国家税务总局示范市税务局)  entry");
	HAS(": repair_decided (rejected)");
	HAS(": repair_decided (approved)");
	HAS(": exited (repaired)");
	HAS("[record #1]");
	HASNT("record penalty");
	HASNT(": objection_filed");
	free(out);
	/* the whole of December 2026, as JSON: the effective changes by adjudicate, the objections, the
	 * tasks dispatch pushed and the checks the agencies made (reads() above) */
	CHECK_INT(run(&out, false, "--json audit --from 2026-12-01 --to 2026-12-31"), 0);
	HAS("\"event\": \"effective\"");
	HAS("\"party\": \"adjudicate\"");
	HAS("\"event\": \"objection_filed\"");
	HAS("\"party_name\": \"示范市政府采购中心\"");
	HAS("\"event\": \"task_apply\"");
	HAS("\"event\": \"check\"");
	snprintf(line, sizeof line, "of %s before public_procurement: listed on black", H_ORG1);
	HAS(line);
	free(out);
	/* the logs are the office's and the daemons' to read: a department is refused */
	CHECK_INT(run(&out, true, "--as tax_bureau audit --from 2026-11-23 --to 2026-11-30"), 1);
	HAS("refused [forbidden] party");
	free(out);
	/* usage */
	CHECK_INT(run(&out, true, "audit"), 2);
	free(out);
	CHECK_INT(run(&out, true, "audit --from 2026-12-02 --to 2026-12-01"), 2);
	free(out);
	CHECK_INT(run(&out, true, "audit --from 2026-13-01 --to 2026-12-01"), 2);
	HAS("is not a time");
	free(out);
	CHECK_INT(run(&out, true, "--help"), 0);
	HAS("audit --subject CODE");
	free(out);
}

/* every daemon stops gracefully on SIGTERM and exits 0 */
static void clean_shutdown(void)
{
	CHECK_INT(h_stop(&H), 0);
}

int main(void)
{
	if (h_start_own_rules(&H) != 0) {
		printf("Bail out! could not start the daemons\n");
		return 1;
	}
	RUN(setup);
	RUN(reads);
	RUN(submit);
	RUN(notice);
	RUN(streams);
	RUN(objections);
	RUN(warning);
	RUN(feedback);
	RUN(abuse);
	RUN(repair);
	RUN(reload);
	RUN(print_matrix);
	RUN(audit_subject);
	RUN(audit_json);
	RUN(audit_range);
	RUN(clean_shutdown);
	TAP_DONE();
}
