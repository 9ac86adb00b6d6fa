/*
 * test_life.c - the whole life of a list entry, as DOMAIN.md "Life of an entry"
 * says, on the four real daemons with the test clock crossing every deadline
 *
 * One timeline, starting Friday 2026-09-25, so that the objection windows
 * cross the National Day holiday (1-7 October) and its make-up Saturday
 * (10 October). Each test names the DOMAIN.md rule and seed section it proves.
 */
#include "../tap.h"
#include "codes.h"
#include "conv.h"
#include "harness.h"
#include "proto.h"
#include <stdarg.h>

static harness H;

/* ---- helpers ---- */

static void org(int i, char out[19])
{
	h_uscc("91350100MB", i, out);
}

static void person(int i, char out[19])
{
	h_citizen("11010519800101", i, out);
}

/* J - a request written as JSON (printf format) to svc (see h_json) */
#define J(svc, in, e, ...) h_json(&H, (svc), (in), (e), __VA_ARGS__)

/* ok - a request that must succeed; frees the reply */
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
	if (rc == 0 || rc == JRP_EREPLY)
		msg_in_free(&in);
	return rc;
}

/* refused - a request that must be refused with code; returns 1 if so */
static int refused(const char *code, int svc, const char *fmt, ...)
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
	if (rc == 0 || rc == JRP_EREPLY)
		msg_in_free(&in);
	if (rc != JRP_EREPLY || strcmp(e.code, code) != 0) {
		printf("# expected refusal %s, got rc %d [%s] %s\n", code, rc, e.code, e.message);
		return 0;
	}
	return 1;
}

static void clock_to(const char *t)
{
	CHECK_INT(h_clock(&H, t), 0);
	CHECK_INT(h_settle(&H), 0);
}

/* the entry of a subject on a list (optionally under a standard), as entries.get shows it */
typedef struct ent {
	uint64_t id;
	char state[16], exit_reason[40], objection_end[11], valid_from[11], valid_until[11], interview[12];
	char derived[16], repair[12];
	bool suspended;
	int nhist;
	bool found;
} ent;

static ent find(const char *code, const char *list, const char *standard)
{
	msg_in in;
	jrp_error e;
	ent r;
	memset(&r, 0, sizeof r);
	if (J(SVC_ADJUDICATE, &in, &e, "{\"v\":1,\"type\":\"entries.get\",\"id\":1,\"party\":\"office\",\"subject\":\"%s\"}",
	      code) != 0) {
		msg_in_free(&in);
		return r;
	}
	const msgpack_object *es = obj_get(in.root, "entries");
	/* the last matching one: the newest */
	for (uint32_t i = 0; es && i < es->via.array.size; i++) {
		const msgpack_object *x = &es->via.array.ptr[i];
		char l[16], s[65];
		if (strcmp(obj_cstr(x, "list", l, sizeof l), list) != 0)
			continue;
		if (standard && strcmp(obj_cstr(x, "standard", s, sizeof s), standard) != 0)
			continue;
		r.found = true;
		r.id = obj_u64(x, "id");
		obj_cstr(x, "state", r.state, sizeof r.state);
		obj_cstr(x, "exit_reason", r.exit_reason, sizeof r.exit_reason);
		obj_cstr(x, "objection_end", r.objection_end, sizeof r.objection_end);
		obj_cstr(x, "valid_from", r.valid_from, sizeof r.valid_from);
		obj_cstr(x, "valid_until", r.valid_until, sizeof r.valid_until);
		obj_cstr(x, "interview", r.interview, sizeof r.interview);
		obj_cstr(x, "derived", r.derived, sizeof r.derived);
		obj_cstr(x, "repair", r.repair, sizeof r.repair);
		r.suspended = obj_bool(x, "suspended");
		r.nhist = obj_get(x, "history") ? (int)obj_get(x, "history")->via.array.size : 0;
	}
	msg_in_free(&in);
	return r;
}

/* count_tasks - tasks in party's stream for entry with action (and measure, if given) */
static int count_tasks(const char *party, uint64_t entry, const char *action, const char *measure)
{
	msg_in in;
	jrp_error e;
	int n = 0;
	if (J(SVC_DISPATCH, &in, &e, "{\"v\":1,\"type\":\"tasks.fetch\",\"id\":1,\"party\":\"%s\",\"after\":0,\"max\":1000}",
	      party) != 0) {
		printf("# tasks.fetch %s: %s\n", party, e.message);
		msg_in_free(&in);
		return -1;
	}
	const msgpack_object *ts = obj_get(in.root, "tasks");
	for (uint32_t i = 0; i < ts->via.array.size; i++) {
		const msgpack_object *t = &ts->via.array.ptr[i];
		if (obj_u64(t, "entry") != entry || !obj_str_eq(obj_get(t, "action"), action))
			continue;
		if (measure && !obj_str_eq(obj_get(t, "measure"), measure))
			continue;
		n++;
	}
	msg_in_free(&in);
	return n;
}

#define REC_HEAD "{\"v\":1,\"type\":\"record.submit\",\"id\":1,\"party\":\"%s\",\"record\":{\"record_id\":\"%s\","

static int penalty(const char *party, const char *rid, const char *domain, const char *code, const char *name,
		   const char *date, const char *violation, long amount)
{
	return ok(SVC_INGEST, REC_HEAD "\"kind\":\"penalty\",\"domain\":\"%s\",\"subject\":{\"type\":\"org\",\"code\":\"%s\","
		  "\"name\":\"%s\"},\"decision_date\":\"%s\",\"final\":true,\"notice\":{\"date\":\"%s\"},\"violation\":\"%s\","
		  "\"amount\":%ld}}", party, rid, domain, code, name, date, date, violation, amount);
}

static uint64_t stat_of(const char *group, const char *key)
{
	msg_in in;
	jrp_error e;
	uint64_t v = 0;
	if (J(SVC_FEEDBACK, &in, &e, "{\"v\":1,\"type\":\"stats.get\",\"id\":1,\"party\":\"office\"}") == 0)
		v = obj_u64(obj_get(in.root, group), key);
	msg_in_free(&in);
	return v;
}

static uint64_t dept_stat(const char *dept, const char *key)
{
	msg_in in;
	jrp_error e;
	uint64_t v = 0;
	if (J(SVC_FEEDBACK, &in, &e, "{\"v\":1,\"type\":\"stats.get\",\"id\":1,\"party\":\"office\"}") == 0) {
		const msgpack_object *ds = obj_get(in.root, "departments");
		for (uint32_t i = 0; ds && i < ds->via.array.size; i++)
			if (obj_str_eq(obj_get(&ds->via.array.ptr[i], "department"), dept))
				v = obj_u64(&ds->via.array.ptr[i], key);
	}
	msg_in_free(&in);
	return v;
}

static char P1[19], P2[19], P3[19], A[19], B[19], C[19], D[19], E[19], F[19], G[19], Hh[19];

/* Rule 1 - DOMAIN.md Life 1 [001 §(二)2]: a natural person is notified before listing; the
 * objection window (working days) runs from the notice date; without the notice the entry
 * never becomes effective. Rule 11: counted across the National Day holiday (1-7 Oct) and
 * its make-up working Saturday (10 Oct) [national]. Here a wage-arrears determination about a
 * person (人社部令第45号: notice, then 5 working days to state one's case). */
static void rule1_notice_and_window(void)
{
	ent en;
	CHECK_INT(ok(SVC_INGEST, REC_HEAD "\"kind\":\"determination\",\"domain\":\"labour\",\"subject\":{\"type\":\"person\","
		     "\"code\":\"%s\",\"name\":\"张三丰\"},\"decision_date\":\"2026-09-20\",\"violation\":\"wage_arrears\","
		     "\"order\":{\"date\":\"2026-09-01\",\"due\":\"2026-09-15\"},\"standard\":\"labour.wage_arrears\"}}",
		     "hr_social_security", "HR-2026-01", P1), 0);
	CHECK_INT(h_settle(&H), 0);
	en = find(P1, "black", "labour.wage_arrears");
	CHECK(en.found);
	CHECK_STR(en.state, "proposed");
	/* the bureau has a duty: notify the person */
	CHECK_INT(count_tasks("hr_social_security", en.id, "notice", NULL), 1);
	/* days pass without a notice: still proposed (no window runs) */
	clock_to("2026-09-28T09:00:00+08:00");
	CHECK_STR(find(P1, "black", NULL).state, "proposed");
	/* only the identifying department reports the notice */
	CHECK(refused("forbidden", SVC_ADJUDICATE, "{\"v\":1,\"type\":\"entry.notice\",\"id\":1,\"party\":\"tax_bureau\","
		      "\"entry\":%llu,\"notice_date\":\"2026-09-28\"}", (unsigned long long)en.id));
	CHECK_INT(ok(SVC_ADJUDICATE, "{\"v\":1,\"type\":\"entry.notice\",\"id\":1,\"party\":\"hr_social_security\",\"entry\":%llu,"
		     "\"notice_date\":\"2026-09-28\"}", (unsigned long long)en.id), 0);
	CHECK(refused("conflict", SVC_ADJUDICATE, "{\"v\":1,\"type\":\"entry.notice\",\"id\":1,\"party\":\"hr_social_security\","
		      "\"entry\":%llu,\"notice_date\":\"2026-09-28\"}", (unsigned long long)en.id));
	CHECK_INT(h_settle(&H), 0);
	/* 5 working days from Mon 28 Sep: 29, 30 Sep, 8, 9, 10 Oct (Sat, worked) */
	en = find(P1, "black", NULL);
	CHECK_STR(en.objection_end, "2026-10-10");
	clock_to("2026-10-10T20:00:00+08:00");
	CHECK_STR(find(P1, "black", NULL).state, "proposed");
	clock_to("2026-10-11T09:00:00+08:00");
	en = find(P1, "black", NULL);
	CHECK_STR(en.state, "effective");
	CHECK_STR(en.valid_from, "2026-10-11");
	/* the notice duty is done once the notice was recorded */
	CHECK_INT(dept_stat("hr_social_security", "awaiting"), 0);
}

/* Rule 8 - DOMAIN.md Subjects, Measures [001 §(四)6]: a record about an organisation names its
 * legal representative and responsible persons; black-listing it creates linked entries for them
 * with the person-targeted measures; they leave with the organisation's entry. */
static void rule8_persons(void)
{
	ent org_e, rep, resp;
	clock_to("2026-10-19T09:00:00+08:00");
	CHECK_INT(ok(SVC_INGEST, REC_HEAD "\"kind\":\"penalty\",\"domain\":\"tax\",\"subject\":{\"type\":\"org\",\"code\":\"%s\","
		     "\"name\":\"甲公司\",\"legal_rep\":{\"name\":\"李四\",\"id_no\":\"%s\"},\"responsible\":[{\"name\":\"王五\","
		     "\"id_no\":\"%s\"}]},\"decision_date\":\"2026-10-15\",\"final\":true,\"violation\":\"tax_fraud\",\"amount\":8000000}}",
		     "tax_bureau", "TX-A-1", A, P2, P3), 0);
	CHECK_INT(h_settle(&H), 0);
	org_e = find(A, "black", NULL);
	rep = find(P2, "black", NULL);
	resp = find(P3, "black", NULL);
	CHECK(org_e.found && rep.found && resp.found);
	CHECK_STR(rep.state, "proposed");
	/* the company and the persons are notified before listing: a duty each for the tax bureau */
	CHECK_INT(count_tasks("tax_bureau", org_e.id, "notice", NULL), 1);
	CHECK_INT(count_tasks("tax_bureau", rep.id, "notice", NULL), 1);
	{
		/* one notice to the company that reached its legal representative and responsible person
		 * (issue 10 item 2): linked: true notices their entries too, each named in the reply */
		msg_in in;
		jrp_error e;
		const msgpack_object *l;
		CHECK_INT(J(SVC_ADJUDICATE, &in, &e, "{\"v\":1,\"type\":\"entry.notice\",\"id\":1,\"party\":\"tax_bureau\","
			    "\"entry\":%llu,\"notice_date\":\"2026-10-19\",\"linked\":true}", (unsigned long long)org_e.id), 0);
		/* 5 days from Mon 19 Oct: Sat 24 Oct, a day off: Mon 26 Oct */
		CHECK_STR(obj_cstr(in.root, "objection_end", (char[16]){ 0 }, 16), "2026-10-26");
		l = obj_get(in.root, "linked");
		CHECK(l && l->type == MSGPACK_OBJECT_ARRAY && l->via.array.size == 2);
		if (l && l->type == MSGPACK_OBJECT_ARRAY && l->via.array.size == 2) {
			CHECK_INT(obj_u64(&l->via.array.ptr[0], "entry"), rep.id);
			CHECK_STR(obj_cstr(&l->via.array.ptr[1], "objection_end", (char[16]){ 0 }, 16), "2026-10-26");
		}
		msg_in_free(&in);
	}
	clock_to("2026-10-27T09:00:00+08:00");
	CHECK_STR(find(A, "black", NULL).state, "effective");
	CHECK_STR(find(P2, "black", NULL).state, "effective");
	CHECK_STR(find(P3, "black", NULL).state, "effective");
	/* the organisation gets the organisation's measures, the persons only those that reach persons */
	CHECK_INT(count_tasks("procurement_centre", org_e.id, "apply", "P-GP-01"), 1);
	CHECK_INT(count_tasks("procurement_centre", rep.id, "apply", NULL), 0);
	{
		/* which agency executes the exit ban is the catalogue's business: look for any apply task */
		msg_in in;
		jrp_error e;
		CHECK_INT(J(SVC_DISPATCH, &in, &e, "{\"v\":1,\"type\":\"check\",\"id\":1,\"party\":\"office\",\"subject\":\"%s\","
			    "\"matter\":\"exit_entry\"}", P2), 0);
		CHECK(obj_bool(in.root, "listed"));
		if (obj_bool(in.root, "listed")) {
			const msgpack_object *en0 = &obj_get(in.root, "entries")->via.array.ptr[0];
			CHECK_STR(obj_cstr(en0, "link_role", (char[32]){ 0 }, 32), "legal_rep");
			CHECK(obj_get(en0, "measures")->via.array.size >= 1);
		}
		msg_in_free(&in);
	}
}

/* Rule 4 - DOMAIN.md Life 6 [001 §(五)7]: an objection by an agency that finds the data untrue;
 * while a black-list entry is verified its punishment tasks are suspended; upheld: resumed;
 * wrong: revoked, agencies stop, the subject's reputation is restored (and linked persons go too). */
static void rule4_objection(void)
{
	ent en = find(A, "black", NULL);
	msg_in in;
	jrp_error e;
	CHECK_INT(ok(SVC_ADJUDICATE, "{\"v\":1,\"type\":\"objection.file\",\"id\":1,\"party\":\"bank_regulator\",\"entry\":%llu,"
		     "\"reason\":\"核查发现税款已在处罚前缴清\"}", (unsigned long long)en.id), 0);
	CHECK(refused("conflict", SVC_ADJUDICATE, "{\"v\":1,\"type\":\"objection.file\",\"id\":1,\"party\":\"office\","
		      "\"entry\":%llu,\"reason\":\"again\"}", (unsigned long long)en.id));
	CHECK_INT(h_settle(&H), 0);
	CHECK(find(A, "black", NULL).suspended);
	CHECK_INT(count_tasks("procurement_centre", en.id, "suspend", "P-GP-01"), 1);
	CHECK_INT(count_tasks("bank_regulator", en.id, "suspend", "P-FIN-01"), 1);
	CHECK_INT(count_tasks("tax_bureau", en.id, "verify_objection", NULL), 1);
	/* the check says so: no measure while suspended */
	CHECK_INT(J(SVC_DISPATCH, &in, &e, "{\"v\":1,\"type\":\"check\",\"id\":1,\"party\":\"procurement_centre\","
		    "\"subject\":\"%s\",\"matter\":\"public_procurement\"}", A), 0);
	CHECK(obj_bool(in.root, "listed") && obj_bool(&obj_get(in.root, "entries")->via.array.ptr[0], "suspended"));
	msg_in_free(&in);
	/* only the identifying department decides */
	CHECK(refused("forbidden", SVC_ADJUDICATE, "{\"v\":1,\"type\":\"objection.decide\",\"id\":1,\"party\":\"court\","
		      "\"entry\":%llu,\"outcome\":\"wrong\"}", (unsigned long long)en.id));
	CHECK_INT(ok(SVC_ADJUDICATE, "{\"v\":1,\"type\":\"objection.decide\",\"id\":1,\"party\":\"tax_bureau\",\"entry\":%llu,"
		     "\"outcome\":\"upheld\",\"note\":\"核实无误\"}", (unsigned long long)en.id), 0);
	CHECK_INT(h_settle(&H), 0);
	CHECK(!find(A, "black", NULL).suspended);
	CHECK_INT(count_tasks("procurement_centre", en.id, "resume", "P-GP-01"), 1);
	/* a second objection, found right: the entry was wrong */
	CHECK_INT(ok(SVC_ADJUDICATE, "{\"v\":1,\"type\":\"objection.file\",\"id\":1,\"party\":\"tax_bureau\",\"entry\":%llu,"
		     "\"reason\":\"主体提交新证据\"}", (unsigned long long)en.id), 0);
	CHECK_INT(ok(SVC_ADJUDICATE, "{\"v\":1,\"type\":\"objection.decide\",\"id\":1,\"party\":\"tax_bureau\",\"entry\":%llu,"
		     "\"outcome\":\"wrong\",\"note\":\"认定错误，予以撤销\"}", (unsigned long long)en.id), 0);
	CHECK_INT(h_settle(&H), 0);
	en = find(A, "black", NULL);
	CHECK_STR(en.state, "exited");
	CHECK_STR(en.exit_reason, "revoked");
	CHECK_INT(count_tasks("procurement_centre", en.id, "stop", "P-GP-01"), 1);
	CHECK_INT(count_tasks("bank_regulator", en.id, "stop", "P-FIN-01"), 1);
	CHECK_STR(find(P2, "black", NULL).exit_reason, "revoked");
	/* no focus list after an exit for error [001 §(五)5] */
	CHECK(!find(A, "focus", NULL).found);
	CHECK(stat_of("entries", "revoked_total") >= 1);
}

/* Rule 2 - DOMAIN.md Life 2 [001 §(二)2, §(五)6]: black never enters red (refused and recorded);
 * a red-list subject that is black-listed leaves red, and agencies stop its rewards; reward abuse
 * ends a red entry; a wrongly red-listed subject's benefits are recalled [001 §(五)7]. */
static void rule2_cross_checks(void)
{
	ent red;
	CHECK_INT(ok(SVC_INGEST, REC_HEAD "\"kind\":\"rating\",\"domain\":\"tax\",\"subject\":{\"type\":\"org\",\"code\":\"%s\","
		     "\"name\":\"乙公司\"},\"decision_date\":\"2026-10-20\",\"rating\":\"A\"}}", "tax_bureau", "TX-B-R", B), 0);
	CHECK_INT(ok(SVC_INGEST, REC_HEAD "\"kind\":\"rating\",\"domain\":\"tax\",\"subject\":{\"type\":\"org\",\"code\":\"%s\","
		     "\"name\":\"丙公司\"},\"decision_date\":\"2026-10-20\",\"rating\":\"A\"}}", "tax_bureau", "TX-C-R", C), 0);
	CHECK_INT(ok(SVC_INGEST, REC_HEAD "\"kind\":\"rating\",\"domain\":\"tax\",\"subject\":{\"type\":\"org\",\"code\":\"%s\","
		     "\"name\":\"丁公司\"},\"decision_date\":\"2026-10-20\",\"rating\":\"A\"}}", "tax_bureau", "TX-D-R", D), 0);
	clock_to("2026-11-04T09:00:00+08:00");
	red = find(B, "red", NULL);
	CHECK_STR(red.state, "effective");
	CHECK(count_tasks("tax_bureau", red.id, "apply", NULL) >= 1);
	/* B is black-listed: it leaves red, its rewards stop */
	CHECK_INT(penalty("tax_bureau", "TX-B-P", "tax", B, "乙公司", "2026-11-02", "arrears_evasion", 2000000), 0);
	clock_to("2026-11-12T09:00:00+08:00");
	CHECK_STR(find(B, "black", NULL).state, "effective");
	red = find(B, "red", NULL);
	CHECK_STR(red.state, "exited");
	CHECK_STR(red.exit_reason, "removed_by_dishonesty");
	CHECK(count_tasks("tax_bureau", red.id, "stop", NULL) >= 1);
	/* and a new A rating for a black-listed subject is refused, with the reason recorded */
	CHECK_INT(ok(SVC_INGEST, REC_HEAD "\"kind\":\"rating\",\"domain\":\"tax\",\"subject\":{\"type\":\"org\",\"code\":\"%s\","
		     "\"name\":\"乙公司\"},\"decision_date\":\"2026-11-10\",\"rating\":\"A\"}}", "tax_bureau", "TX-B-R2", B), 0);
	CHECK_INT(h_settle(&H), 0);
	red = find(B, "red", NULL);
	CHECK_STR(red.state, "refused");
	CHECK_STR(red.exit_reason, "on_black_list");
	/* C abuses its rewards */
	red = find(C, "red", NULL);
	CHECK_INT(ok(SVC_ADJUDICATE, "{\"v\":1,\"type\":\"reward.abuse\",\"id\":1,\"party\":\"market_regulator\",\"entry\":%llu,"
		     "\"note\":\"以虚假材料骗取绿色通道\"}", (unsigned long long)red.id), 0);
	CHECK_INT(h_settle(&H), 0);
	CHECK_STR(find(C, "red", NULL).exit_reason, "reward_abuse");
	CHECK(count_tasks("tax_bureau", red.id, "stop", NULL) >= 1);
	/* D was red-listed wrongly: benefits are recalled */
	red = find(D, "red", NULL);
	CHECK_INT(ok(SVC_ADJUDICATE, "{\"v\":1,\"type\":\"objection.file\",\"id\":1,\"party\":\"office\",\"entry\":%llu,"
		     "\"reason\":\"评级依据的申报数据不实\"}", (unsigned long long)red.id), 0);
	CHECK_INT(ok(SVC_ADJUDICATE, "{\"v\":1,\"type\":\"objection.decide\",\"id\":1,\"party\":\"tax_bureau\",\"entry\":%llu,"
		     "\"outcome\":\"wrong\"}", (unsigned long long)red.id), 0);
	CHECK_INT(h_settle(&H), 0);
	CHECK(count_tasks("tax_bureau", red.id, "recall", NULL) >= 1);
	CHECK_INT(count_tasks("tax_bureau", red.id, "stop", NULL), 0);
}

/* Rule 3 - DOMAIN.md Lists, Life 4 [001 §(五)5]: focus entries in three or more distinct key domains
 * derive a credit-warning entry, which leaves by itself when fewer than three remain; a focus-list
 * subject that commits serious dishonesty within validity moves to black. */
static void rule3_warning_and_escalation(void)
{
	ent w, fd;
	CHECK_INT(penalty("market_regulator", "MK-E-1", "market", E, "戊公司", "2026-11-10", "repeated_minor_violation", 0), 0);
	CHECK_INT(penalty("food_drug_admin", "FD-E-1", "food_drug", E, "戊公司", "2026-11-10", "repeated_minor_violation", 0), 0);
	CHECK_INT(penalty("env_bureau", "EV-E-1", "environment", E, "戊公司", "2026-11-10", "illegal_discharge", 0), 0);
	CHECK_INT(h_settle(&H), 0);
	/* the three standards notify first; each record says the company was notified when decided (the
	 * window: 5 working days from 10 Nov) */
	clock_to("2026-11-20T09:00:00+08:00");
	CHECK_STR(find(E, "focus", "market.repeated_violation").state, "effective");
	CHECK_STR(find(E, "focus", "food_drug.repeated_violation").state, "effective");
	CHECK_STR(find(E, "focus", "environment.serious_violation").state, "effective");
	w = find(E, "warning", NULL);
	CHECK_STR(w.state, "effective");
	CHECK_STR(w.derived, "warning");
	CHECK(stat_of("entries", "warning") >= 1);
	/* serious food harm within the focus validity: black; the food focus entry moves to black */
	CHECK_INT(ok(SVC_INGEST, REC_HEAD "\"kind\":\"penalty\",\"domain\":\"food_drug\",\"subject\":{\"type\":\"org\",\"code\":\"%s\","
		     "\"name\":\"戊公司\"},\"decision_date\":\"2026-11-18\",\"violation\":\"food_safety_serious_harm\"}}",
		     "food_drug_admin", "FD-E-2", E), 0);
	CHECK_INT(h_settle(&H), 0);
	CHECK_INT(ok(SVC_ADJUDICATE, "{\"v\":1,\"type\":\"entry.notice\",\"id\":1,\"party\":\"food_drug_admin\",\"entry\":%llu,"
		     "\"notice_date\":\"2026-11-20\"}", (unsigned long long)find(E, "black", NULL).id), 0);
	clock_to("2026-11-28T09:00:00+08:00");
	CHECK_STR(find(E, "black", NULL).state, "effective");
	fd = find(E, "focus", "food_drug.repeated_violation");
	CHECK_STR(fd.state, "exited");
	CHECK_STR(fd.exit_reason, "escalated");
	/* two key domains remain: the warning entry leaves by itself */
	w = find(E, "warning", NULL);
	CHECK_STR(w.state, "exited");
	CHECK_STR(w.exit_reason, "fewer_domains");
}

/* Rule 5 - DOMAIN.md Life 7 [001 §(五)4] [national]: repair only if the standard allows, after its
 * minimum period, with its required methods; the department decides within 3 working days (tracked,
 * overdue visible to the office); approval exits the entry early (and the focus list follows). */
static void rule5_repair(void)
{
	ent en;
	CHECK_INT(penalty("tax_bureau", "TX-F-1", "tax", F, "己公司", "2026-11-20", "false_special_invoice", 3000000), 0);
	clock_to("2026-12-05T09:00:00+08:00");
	en = find(F, "black", NULL);
	CHECK_STR(en.state, "effective");
	/* the minimum period (1 year from the decision) has not passed */
	CHECK(refused("conflict", SVC_ADJUDICATE, "{\"v\":1,\"type\":\"repair.apply\",\"id\":1,\"party\":\"tax_bureau\","
		      "\"entry\":%llu,\"methods\":[\"commitment\",\"report\"]}", (unsigned long long)en.id));
	clock_to("2027-11-22T09:00:00+08:00");
	/* the standard requires a commitment and a credit report */
	CHECK(refused("bad_value", SVC_ADJUDICATE, "{\"v\":1,\"type\":\"repair.apply\",\"id\":1,\"party\":\"tax_bureau\","
		      "\"entry\":%llu,\"methods\":[\"commitment\"]}", (unsigned long long)en.id));
	CHECK(refused("bad_value", SVC_ADJUDICATE, "{\"v\":1,\"type\":\"repair.apply\",\"id\":1,\"party\":\"tax_bureau\","
		      "\"entry\":%llu,\"methods\":[\"commitment\",\"prayer\"]}", (unsigned long long)en.id));
	CHECK_INT(ok(SVC_ADJUDICATE, "{\"v\":1,\"type\":\"repair.apply\",\"id\":1,\"party\":\"tax_bureau\",\"entry\":%llu,"
		     "\"methods\":[\"commitment\",\"report\"],\"note\":\"已补缴税款滞纳金罚款\"}", (unsigned long long)en.id), 0);
	CHECK_INT(h_settle(&H), 0);
	CHECK_INT(count_tasks("tax_bureau", en.id, "decide_repair", NULL), 1);
	/* Mon 22 Nov 2027 + 3 working days = Thu 25 Nov; from Fri 26 Nov the decision is overdue */
	/* (the tax bureau is also an agency with older overdue reward tasks: count the difference) */
	uint64_t before = dept_stat("tax_bureau", "overdue");
	clock_to("2027-11-25T20:00:00+08:00");
	CHECK_INT(dept_stat("tax_bureau", "overdue"), before);
	clock_to("2027-11-26T09:00:00+08:00");
	CHECK_INT(dept_stat("tax_bureau", "overdue"), before + 1);
	CHECK_INT(ok(SVC_ADJUDICATE, "{\"v\":1,\"type\":\"repair.decide\",\"id\":1,\"party\":\"tax_bureau\",\"entry\":%llu,"
		     "\"approved\":true}", (unsigned long long)en.id), 0);
	CHECK_INT(h_settle(&H), 0);
	CHECK_INT(dept_stat("tax_bureau", "overdue"), before);
	en = find(F, "black", NULL);
	CHECK_STR(en.state, "exited");
	CHECK_STR(en.exit_reason, "repaired");
	CHECK_INT(count_tasks("procurement_centre", en.id, "stop", "P-GP-01"), 1);
	/* DOMAIN.md Life 8: after a black-list exit the subject goes onto the focus list */
	CHECK_STR(find(F, "focus", NULL).state, "effective");
	CHECK_STR(find(F, "focus", NULL).derived, "after_black");
}

/* Rule 7 - DOMAIN.md Life 5 [001 §(四)2]: a standard's rectification deadline; when it passes
 * without a rectification record the department gets an interview task (warning interview for
 * black); the interview record, a refusal included, enters the subject's credit record. */
static void rule7_rectification(void)
{
	ent g, h;
	const char *det = REC_HEAD "\"kind\":\"determination\",\"domain\":\"labour\",\"standard\":\"labour.wage_arrears\","
			  "\"subject\":{\"type\":\"org\",\"code\":\"%s\",\"name\":\"%s\"},\"decision_date\":\"2027-11-25\","
			  "\"order\":{\"date\":\"2027-11-01\",\"due\":\"2027-11-15\"},\"violation\":\"wage_arrears\"}}";
	CHECK_INT(ok(SVC_INGEST, det, "hr_social_security", "HR-G-1", G, "庚公司"), 0);
	CHECK_INT(ok(SVC_INGEST, det, "hr_social_security", "HR-H-1", Hh, "辛公司"), 0);
	CHECK_INT(h_settle(&H), 0);
	g = find(G, "black", NULL);
	h = find(Hh, "black", NULL);
	CHECK_INT(ok(SVC_ADJUDICATE, "{\"v\":1,\"type\":\"entry.notice\",\"id\":1,\"party\":\"hr_social_security\",\"entry\":%llu,"
		     "\"notice_date\":\"2027-11-26\"}", (unsigned long long)g.id), 0);
	CHECK_INT(ok(SVC_ADJUDICATE, "{\"v\":1,\"type\":\"entry.notice\",\"id\":1,\"party\":\"hr_social_security\",\"entry\":%llu,"
		     "\"notice_date\":\"2027-11-26\"}", (unsigned long long)h.id), 0);
	clock_to("2027-12-06T09:00:00+08:00");
	CHECK_STR(find(G, "black", NULL).state, "effective");
	/* H rectifies in time */
	CHECK_INT(ok(SVC_INGEST, REC_HEAD "\"kind\":\"rectification\",\"domain\":\"labour\",\"subject\":{\"type\":\"org\","
		     "\"code\":\"%s\",\"name\":\"辛公司\"},\"decision_date\":\"2027-12-06\",\"facts\":\"已足额支付拖欠工资\"}}",
		     "hr_social_security", "HR-H-2", Hh), 0);
	clock_to("2027-12-31T09:00:00+08:00");
	g = find(G, "black", NULL);
	CHECK_STR(g.interview, "due");
	CHECK_INT(count_tasks("hr_social_security", g.id, "interview", NULL), 1);
	CHECK_STR(find(Hh, "black", NULL).interview, "");
	/* G refuses the interview: recorded all the same */
	CHECK_INT(ok(SVC_INGEST, REC_HEAD "\"kind\":\"interview\",\"domain\":\"labour\",\"subject\":{\"type\":\"org\","
		     "\"code\":\"%s\",\"name\":\"庚公司\"},\"decision_date\":\"2027-12-31\",\"outcome\":\"refused\"}}",
		     "hr_social_security", "HR-G-2", G), 0);
	CHECK_INT(h_settle(&H), 0);
	CHECK_STR(find(G, "black", NULL).interview, "refused");
	CHECK_INT(dept_stat("hr_social_security", "awaiting") <= 2 ? 0 : 1, 0);
}

/* Rule 10 - DOMAIN.md Publication and privacy [001 §(一)4, §(二)4]: public lists go to the
 * publication log, a person's name and ID number masked; focus only where marked; exits and
 * corrections announced through the same log. */
static void rule10_publication(void)
{
	msg_in in;
	jrp_error e;
	bool saw_person = false, saw_org = false, saw_correction = false, saw_focus = false, leak = false;
	CHECK_INT(J(SVC_ADJUDICATE, &in, &e, "{\"v\":1,\"type\":\"publication.fetch\",\"id\":1,\"after\":0,\"max\":1000}"), 0);
	const msgpack_object *rs = obj_get(in.root, "records");
	for (uint32_t i = 0; rs && i < rs->via.array.size; i++) {
		const msgpack_object *p = &rs->via.array.ptr[i], *s = obj_get(p, "subject");
		char name[64], code[40], kind[16], list[16];
		obj_cstr(s, "name", name, sizeof name);
		obj_cstr(s, "code", code, sizeof code);
		obj_cstr(p, "kind", kind, sizeof kind);
		obj_cstr(p, "list", list, sizeof list);
		if (strcmp(code, P1) == 0 || strcmp(name, "张三丰") == 0 || strcmp(name, "李四") == 0)
			leak = true;
		if (strcmp(name, "张**") == 0 && strncmp(code, "110105", 6) == 0 && strstr(code, "****"))
			saw_person = true;
		if (strcmp(code, A) == 0 && strcmp(kind, "correction") == 0)
			saw_correction = true;
		if (strcmp(code, F) == 0 && strcmp(kind, "listed") == 0 && strcmp(list, "black") == 0)
			saw_org = true;
		if (strcmp(list, "focus") == 0)
			saw_focus = true;
	}
	msg_in_free(&in);
	CHECK(!leak);
	CHECK(saw_person);
	CHECK(saw_org);
	CHECK(saw_correction);
	CHECK(!saw_focus);   /* no focus standard of the starter catalogue is marked public */
}

/* Rule 9 - DOMAIN.md Lists [001 §(二)3]: the entry holds what, when, who and under which standard
 * and catalogue version, with its full history */
static void rule9_credit_record(void)
{
	ent en = find(A, "black", NULL);
	msg_in in;
	jrp_error e;
	uint64_t stop_task = 0;
	int napply = 0, nstop = 0;
	CHECK(en.nhist >= 6);   /* identified, effective, objection, decided, objection, decided/revoked */
	/* the records about the subject, from ingest */
	CHECK_INT(J(SVC_INGEST, &in, &e, "{\"v\":1,\"type\":\"records.get\",\"id\":1,\"party\":\"office\",\"subject\":\"%s\"}", A), 0);
	CHECK_INT(obj_get(in.root, "records")->via.array.size, 1);
	msg_in_free(&in);
	/* its tasks and their feedback, from feedback */
	CHECK_INT(J(SVC_FEEDBACK, &in, &e, "{\"v\":1,\"type\":\"tasks.get\",\"id\":1,\"party\":\"office\",\"subject\":\"%s\"}", A), 0);
	const msgpack_object *ts = obj_get(in.root, "tasks");
	for (uint32_t i = 0; ts && i < ts->via.array.size; i++) {
		const msgpack_object *t = obj_get(&ts->via.array.ptr[i], "task");
		if (obj_str_eq(obj_get(t, "action"), "apply")) {
			napply++;
			/* the entry was revoked before the agencies reported: superseded */
			CHECK(obj_str_eq(obj_get(&ts->via.array.ptr[i], "state"), "superseded"));
		}
		if (obj_str_eq(obj_get(t, "action"), "stop")) {
			nstop++;
			if (obj_str_eq(obj_get(t, "agency"), "procurement_centre"))
				stop_task = obj_u64(t, "task");
		}
	}
	msg_in_free(&in);
	CHECK_INT(napply, 2);
	CHECK_INT(nstop, 2);
	CHECK_INT(ok(SVC_FEEDBACK, "{\"v\":1,\"type\":\"feedback.submit\",\"id\":1,\"party\":\"procurement_centre\","
		     "\"task\":%llu,\"result\":\"applied\",\"matter_id\":\"GP-LIFT-9\"}", (unsigned long long)stop_task), 0);
	CHECK_INT(J(SVC_FEEDBACK, &in, &e, "{\"v\":1,\"type\":\"tasks.get\",\"id\":1,\"party\":\"office\",\"subject\":\"%s\"}", A), 0);
	ts = obj_get(in.root, "tasks");
	for (uint32_t i = 0; ts && i < ts->via.array.size; i++)
		if (obj_u64(obj_get(&ts->via.array.ptr[i], "task"), "task") == stop_task) {
			CHECK(obj_str_eq(obj_get(&ts->via.array.ptr[i], "state"), "applied"));
			CHECK(obj_str_eq(obj_get(obj_get(&ts->via.array.ptr[i], "feedback"), "matter_id"), "GP-LIFT-9"));
		}
	msg_in_free(&in);
}

/* every daemon stops gracefully on SIGTERM and exits 0 */
static void clean_shutdown(void)
{
	CHECK_INT(h_stop(&H), 0);
}

int main(void)
{
	org(1, A); org(2, B); org(3, C); org(4, D); org(5, E); org(6, F); org(7, G); org(8, Hh);
	person(1, P1); person(2, P2); person(3, P3);
	if (h_start(&H) != 0 || h_clock(&H, "2026-09-25T09:00:00+08:00") != 0) {
		printf("Bail out! could not start the daemons\n");
		return 1;
	}
	RUN(rule1_notice_and_window);
	RUN(rule8_persons);
	RUN(rule4_objection);
	RUN(rule2_cross_checks);
	RUN(rule3_warning_and_escalation);
	RUN(rule5_repair);
	RUN(rule7_rectification);
	RUN(rule10_publication);
	RUN(rule9_credit_record);
	RUN(clean_shutdown);
	TAP_DONE();
}
