/*
 * test_foreign.c - another region's list entries, received (federation, issue 14)
 *
 * [001 §(五)2] 对严重失信主体发起跨区域联合惩戒 ... 加强区域信用信息共享和信用评价结果互认;
 * [004 ch.11] 区域信用合作; [000 七(二)1] 探索开展跨地区、跨部门的联合惩戒行动，使失信者
 * "一处失信，处处受制" (DOMAIN.md "Trigger, response, feedback": an engine accepts another
 * region's joint punishment). On the four real daemons: this region's exchange (party
 * "exchange", role exchange) submits region sh's black tax entry as a record of kind foreign;
 * this region lists it at once under its receiving standard foreign.tax_black, its own agencies get
 * its own measures with the origin, the check answers with the origin, the home's later changes
 * (suspended, resumed, extended, revoked) follow in the home's order, a resend or an older copy
 * changes nothing, nobody here may act on it, and feedback counts it by region.
 */
#include "../tap.h"
#include "harness.h"
#include "proto.h"
#include <stdarg.h>

static harness H;
static char ORG[19], ORG_B[19], ORG_C[19], ORG_D[19], ORG_E[19];

#define J(svc, in, e, ...) h_json(&H, (svc), (in), (e), __VA_ARGS__)

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

/* refused - 1 if svc refuses the request with code on field */
static int refused(const char *code, const char *field, int svc, const char *fmt, ...)
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
	if (rc != JRP_EREPLY || strcmp(e.code, code) != 0 || (field && strcmp(e.field, field) != 0)) {
		printf("# expected %s on %s, got rc %d [%s] %s: %s\n", code, field ? field : "-", rc, e.code, e.field, e.message);
		return 0;
	}
	printf("# refused as expected: %s\n", e.message);
	return 1;
}

/* foreign - the exchange's record of a change of region's entry home (seq: the home's change);
 * reply: *duplicate, and the call's rc */
static int foreign(const char *party, const char *region, uint64_t home, uint64_t seq, const char *code, const char *list,
		   const char *domain, const char *state, bool suspended, const char *reason, const char *until,
		   bool *duplicate)
{
	char json[4096], rs[80] = "";
	msg_in in;
	jrp_error e;
	int rc;
	if (reason)
		snprintf(rs, sizeof rs, ",\"reason\":\"%s\"", reason);
	snprintf(json, sizeof json,
		 "{\"v\":1,\"type\":\"record.submit\",\"id\":1,\"party\":\"%s\",\"record\":{"
		 "\"record_id\":\"%s-%llu-%llu\",\"kind\":\"foreign\","
		 "\"subject\":{\"type\":\"org\",\"code\":\"%s\",\"name\":\"外地某公司\"},\"decision_date\":\"2026-10-20\","
		 "\"list\":\"%s\",\"state\":\"%s\",\"suspended\":%s%s,\"valid_from\":\"2026-11-02\",\"valid_until\":\"%s\","
		 "\"origin\":{\"region\":\"%s\",\"entry\":%llu,\"seq\":%llu,\"party\":\"%s_tax\","
		 "\"standard\":\"tax.major_violation\",\"standard_name\":\"重大税收违法失信主体\",\"domain\":\"%s\","
		 "\"catalog_version\":\"%s-2026.1\"}}}",
		 party, region, (unsigned long long)home, (unsigned long long)seq, code, list, state,
		 suspended ? "true" : "false", rs, until, region, (unsigned long long)home, (unsigned long long)seq, region,
		 domain, region);
	rc = J(SVC_INGEST, &in, &e, "%s", json);
	if (rc == 0) {
		if (duplicate)
			*duplicate = obj_bool(in.root, "duplicate");
		if (obj_get(in.root, "late_workdays"))
			printf("# a foreign record was reported late\n"), rc = -100;
	} else {
		printf("# foreign record refused: [%s] %s: %s\n", e.code, e.field, e.message);
	}
	if (rc == 0 || rc == JRP_EREPLY)
		msg_in_free(&in);
	return rc;
}

/* the newest entry of code as entries.get shows it */
typedef struct ent {
	uint64_t id;
	char state[16], standard[65], exit_reason[40], valid_until[11], region[33];
	uint64_t home;
	bool suspended;
} ent;

static ent find(const char *code)
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
	if (es && es->via.array.size) {
		const msgpack_object *x = &es->via.array.ptr[es->via.array.size - 1], *o = obj_get(x, "origin");
		r.id = obj_u64(x, "id");
		obj_cstr(x, "state", r.state, sizeof r.state);
		obj_cstr(x, "standard", r.standard, sizeof r.standard);
		obj_cstr(x, "exit_reason", r.exit_reason, sizeof r.exit_reason);
		obj_cstr(x, "valid_until", r.valid_until, sizeof r.valid_until);
		r.suspended = obj_bool(x, "suspended");
		if (o) {
			obj_cstr(o, "region", r.region, sizeof r.region);
			r.home = obj_u64(o, "entry");
		}
	}
	msg_in_free(&in);
	return r;
}

/* tasks of an entry in a stream, and whether each carries the origin */
typedef struct tasks_arg {
	uint64_t entry;
	const char *action;
	int n, with_origin;
	uint64_t first;
	char measure[33];
} tasks_arg;

static void task_one(void *arg, const msgpack_object *t)
{
	tasks_arg *a = arg;
	char act[16], region[33] = "";
	const msgpack_object *o = obj_get(t, "origin");
	if (obj_u64(t, "entry") != a->entry || strcmp(obj_cstr(t, "action", act, sizeof act), a->action) != 0)
		return;
	if (!a->n++) {
		a->first = obj_u64(t, "task");
		obj_cstr(t, "measure", a->measure, sizeof a->measure);
	}
	if (o && strcmp(obj_cstr(o, "region", region, sizeof region), "sh") == 0 && obj_u64(o, "entry") == 345)
		a->with_origin++;
}

static tasks_arg tasks(const char *agency, uint64_t entry, const char *action)
{
	tasks_arg a = { entry, action, 0, 0, 0, "" };
	h_stream_each(&H, agency, task_one, &a);
	return a;
}

static uint64_t changes(void)
{
	return h_status_u64(&H, SVC_ADJUDICATE, "log_last");
}

static void settle(void)
{
	CHECK_INT(h_settle(&H), 0);
}

/* ---- the tests ---- */

static uint64_t E;   /* the local entry of sh's entry 345 */

static void test_only_the_exchange(void)
{
	/* a department's foreign record is forbidden, naming record.kind; so is the exchange's penalty */
	CHECK(refused("forbidden", "record.kind", SVC_INGEST,
		      "{\"v\":1,\"type\":\"record.submit\",\"id\":1,\"party\":\"tax_bureau\",\"record\":{\"record_id\":\"x\","
		      "\"kind\":\"foreign\",\"subject\":{\"type\":\"org\",\"code\":\"%s\",\"name\":\"某\"},"
		      "\"decision_date\":\"2026-10-20\",\"list\":\"black\",\"state\":\"effective\",\"suspended\":false,"
		      "\"valid_from\":\"2026-11-02\",\"valid_until\":\"2029-10-19\",\"origin\":{\"region\":\"sh\",\"entry\":1,"
		      "\"seq\":1,\"party\":\"sh_tax\",\"standard\":\"s\",\"standard_name\":\"n\",\"domain\":\"tax\","
		      "\"catalog_version\":\"1\"}}}", ORG));
	CHECK(refused("forbidden", "record.kind", SVC_INGEST,
		      "{\"v\":1,\"type\":\"record.submit\",\"id\":1,\"party\":\"exchange\",\"record\":{\"record_id\":\"p\","
		      "\"kind\":\"penalty\",\"domain\":\"tax\",\"subject\":{\"type\":\"org\",\"code\":\"%s\",\"name\":\"某\"},"
		      "\"decision_date\":\"2026-10-20\"}}", ORG));
	/* a foreign record carries no department's fields */
	CHECK(refused("unknown_field", "record.domain", SVC_INGEST,
		      "{\"v\":1,\"type\":\"record.submit\",\"id\":1,\"party\":\"exchange\",\"record\":{\"record_id\":\"y\","
		      "\"kind\":\"foreign\",\"domain\":\"tax\",\"subject\":{\"type\":\"org\",\"code\":\"%s\",\"name\":\"某\"},"
		      "\"decision_date\":\"2026-10-20\"}}", ORG));
	CHECK_INT(find(ORG).id, 0);
}

static void test_listed_at_once(void)
{
	bool dup = true;
	ent x;
	/* [001 §(五)2]: region sh's black tax entry 345 (its change 1) arrives: effective here at once under
	 * this region's receiving standard, no notice, no objection window (the home ran them) */
	CHECK_INT(foreign("exchange", "sh", 345, 1, ORG, "black", "tax", "effective", false, NULL, "2029-10-19", &dup), 0);
	CHECK(!dup);
	settle();
	x = find(ORG);
	E = x.id;
	CHECK(E != 0);
	CHECK_STR(x.state, "effective");
	CHECK_STR(x.standard, "foreign.tax_black");
	CHECK_STR(x.region, "sh");
	CHECK(x.home == 345);
	CHECK_STR(x.valid_until, "2029-10-19");
}

static void test_tasks_and_check(void)
{
	tasks_arg p = tasks("procurement_centre", E, "apply"), b = tasks("bank_regulator", E, "apply");
	msg_in in;
	jrp_error e;
	/* this region's measures for its own agencies, each task with the origin */
	CHECK_INT(p.n, 1);
	CHECK_INT(p.with_origin, 1);
	CHECK_STR(p.measure, "P-GP-01");
	CHECK_INT(b.n, 1);
	CHECK_INT(b.with_origin, 1);
	CHECK_STR(b.measure, "P-FIN-01");
	/* 逢办必查: the procurement centre's check says listed, with whose decision it is */
	CHECK_INT(J(SVC_DISPATCH, &in, &e, "{\"v\":1,\"type\":\"check\",\"id\":1,\"party\":\"procurement_centre\","
		    "\"subject\":\"%s\",\"matter\":\"public_procurement\"}", ORG), 0);
	CHECK(obj_bool(in.root, "listed"));
	{
		const msgpack_object *es = obj_get(in.root, "entries"), *x, *o;
		char s[64];
		CHECK(es && es->via.array.size == 1);
		if (es && es->via.array.size == 1) {
			x = &es->via.array.ptr[0];
			o = obj_get(x, "origin");
			CHECK(o != NULL);
			CHECK_STR(obj_cstr(x, "standard", s, sizeof s), "foreign.tax_black");
			CHECK(obj_get(x, "measures") && obj_get(x, "measures")->via.array.size == 1);
			if (o) {
				CHECK_STR(obj_cstr(o, "region", s, sizeof s), "sh");
				CHECK(obj_u64(o, "entry") == 345);
				CHECK_STR(obj_cstr(o, "department", s, sizeof s), "sh_tax");
				CHECK_STR(obj_cstr(o, "standard", s, sizeof s), "tax.major_violation");
				CHECK_STR(obj_cstr(o, "domain", s, sizeof s), "tax");
			}
		}
	}
	msg_in_free(&in);
}

static void test_resend_and_older(void)
{
	uint64_t before = changes();
	bool dup = false;
	/* the exchange resends after a kill: the same record id is a duplicate, nothing changes */
	CHECK_INT(foreign("exchange", "sh", 345, 1, ORG, "black", "tax", "effective", false, NULL, "2029-10-19", &dup), 0);
	CHECK(dup);
	settle();
	CHECK(changes() == before);
	/* the home's change 3 comes before its change 2: 2 is older than what was applied, no change */
	CHECK_INT(foreign("exchange", "sh", 345, 3, ORG, "black", "tax", "effective", false, NULL, "2029-10-19", &dup), 0);
	settle();
	before = changes();
	CHECK_INT(foreign("exchange", "sh", 345, 2, ORG, "black", "tax", "effective", true, NULL, "2029-10-19", &dup), 0);
	CHECK(!dup);
	settle();
	CHECK(changes() == before);
	CHECK(!find(ORG).suspended);
}

static void test_suspend_resume_extend(void)
{
	ent x;
	/* the home verifies an objection: its punishments are suspended, here too [001 §(五)7] */
	CHECK_INT(foreign("exchange", "sh", 345, 4, ORG, "black", "tax", "effective", true, NULL, "2029-10-19", NULL), 0);
	settle();
	CHECK(find(ORG).suspended);
	CHECK_INT(tasks("procurement_centre", E, "suspend").with_origin, 1);
	CHECK_INT(foreign("exchange", "sh", 345, 5, ORG, "black", "tax", "effective", false, NULL, "2029-10-19", NULL), 0);
	settle();
	CHECK(!find(ORG).suspended);
	CHECK_INT(tasks("procurement_centre", E, "resume").with_origin, 1);
	/* a repeat offence at home moved the end: extended, every agency told */
	CHECK_INT(foreign("exchange", "sh", 345, 6, ORG, "black", "tax", "effective", false, NULL, "2030-10-19", NULL), 0);
	settle();
	x = find(ORG);
	CHECK_STR(x.valid_until, "2030-10-19");
	CHECK_INT(tasks("procurement_centre", E, "extend").with_origin, 1);
	CHECK_INT(tasks("bank_regulator", E, "extend").n, 1);
}

static void test_nobody_here_acts(void)
{
	uint64_t before = changes();
	/* only the home region changes its entry: the office, a department, an agency are refused */
	CHECK(refused("forbidden", "entry", SVC_ADJUDICATE,
		      "{\"v\":1,\"type\":\"objection.file\",\"id\":1,\"party\":\"office\",\"entry\":%llu,\"reason\":\"不实\"}",
		      (unsigned long long)E));
	CHECK(refused("forbidden", "entry", SVC_ADJUDICATE,
		      "{\"v\":1,\"type\":\"repair.apply\",\"id\":1,\"party\":\"tax_bureau\",\"entry\":%llu,"
		      "\"methods\":[\"commitment\",\"report\"]}", (unsigned long long)E));
	CHECK(refused("forbidden", "entry", SVC_ADJUDICATE,
		      "{\"v\":1,\"type\":\"entry.notice\",\"id\":1,\"party\":\"tax_bureau\",\"entry\":%llu,"
		      "\"notice_date\":\"2026-12-01\"}", (unsigned long long)E));
	settle();
	CHECK(changes() == before);
	CHECK_STR(find(ORG).state, "effective");
}

static void test_feedback_by_region(void)
{
	tasks_arg p = tasks("procurement_centre", E, "apply");
	msg_in in;
	jrp_error e;
	CHECK_INT(ok(SVC_FEEDBACK, "{\"v\":1,\"type\":\"feedback.submit\",\"id\":1,\"party\":\"procurement_centre\","
		     "\"task\":%llu,\"result\":\"applied\",\"matter_id\":\"GP-2026-1\"}", (unsigned long long)p.first), 0);
	/* the office's statistics by origin region */
	CHECK_INT(J(SVC_FEEDBACK, &in, &e, "{\"v\":1,\"type\":\"stats.get\",\"id\":1,\"party\":\"office\"}"), 0);
	{
		const msgpack_object *f = obj_get(in.root, "foreign"), *sh = f ? obj_get(f, "sh") : NULL;
		CHECK(sh != NULL);
		if (sh) {
			CHECK_INT((int)obj_u64(sh, "entries"), 1);
			CHECK_INT((int)obj_u64(sh, "applied"), 1);
			/* apply, suspend, resume, extend: each to both agencies */
			CHECK_INT((int)obj_u64(sh, "tasks"), 8);
			CHECK_INT((int)obj_u64(sh, "awaiting"), 7);
		}
	}
	msg_in_free(&in);
	/* the exchange asks what became of sh's entries, to send it home; an agency may not */
	CHECK(refused("forbidden", NULL, SVC_FEEDBACK,
		      "{\"v\":1,\"type\":\"foreign.report\",\"id\":1,\"party\":\"procurement_centre\",\"region\":\"sh\"}"));
	CHECK_INT(J(SVC_FEEDBACK, &in, &e, "{\"v\":1,\"type\":\"foreign.report\",\"id\":1,\"party\":\"exchange\","
		    "\"region\":\"sh\"}"), 0);
	{
		const msgpack_object *es = obj_get(in.root, "entries"), *x;
		char s[16];
		CHECK(es && es->via.array.size == 1);
		if (es && es->via.array.size == 1) {
			x = &es->via.array.ptr[0];
			CHECK(obj_u64(x, "entry") == 345);
			CHECK(obj_u64(x, "local_entry") == E);
			CHECK_STR(obj_cstr(x, "state", s, sizeof s), "in_force");
			CHECK_INT((int)obj_u64(x, "tasks"), 8);
			CHECK_INT((int)obj_u64(x, "applied"), 1);
			CHECK_INT((int)obj_u64(x, "awaiting"), 7);
		}
		CHECK(obj_get(in.root, "totals") && obj_u64(obj_get(in.root, "totals"), "in_force") == 1);
	}
	msg_in_free(&in);
}

static void test_revoked_at_home(void)
{
	ent x;
	msg_in in;
	jrp_error e;
	/* the home found it wrong: revoked here too, every agency stops */
	CHECK_INT(foreign("exchange", "sh", 345, 7, ORG, "black", "tax", "exited", false, "revoked", "2030-10-19", NULL), 0);
	settle();
	x = find(ORG);
	CHECK_STR(x.state, "exited");
	CHECK_STR(x.exit_reason, "revoked");
	CHECK_INT(tasks("procurement_centre", E, "stop").with_origin, 1);
	CHECK_INT(tasks("bank_regulator", E, "stop").with_origin, 1);
	CHECK_INT(J(SVC_DISPATCH, &in, &e, "{\"v\":1,\"type\":\"check\",\"id\":1,\"party\":\"procurement_centre\","
		    "\"subject\":\"%s\",\"matter\":\"public_procurement\"}", ORG), 0);
	CHECK(!obj_bool(in.root, "listed"));
	msg_in_free(&in);
	CHECK_INT(J(SVC_FEEDBACK, &in, &e, "{\"v\":1,\"type\":\"stats.get\",\"id\":1,\"party\":\"office\"}"), 0);
	{
		const msgpack_object *f = obj_get(in.root, "foreign"), *sh = f ? obj_get(f, "sh") : NULL;
		CHECK(sh && obj_u64(sh, "entries") == 0);
	}
	msg_in_free(&in);
}

static void test_no_receiving_standard(void)
{
	ent x;
	uint64_t before;
	/* no receiving standard takes a focus entry: a refused entry, no_standard, no task */
	CHECK_INT(foreign("exchange", "zj", 77, 1, ORG_B, "focus", "market", "effective", false, NULL, "2027-10-19", NULL), 0);
	settle();
	x = find(ORG_B);
	CHECK(x.id != 0);
	CHECK_STR(x.state, "refused");
	CHECK_STR(x.exit_reason, "no_standard");
	CHECK_STR(x.region, "zj");
	CHECK_INT(tasks("procurement_centre", x.id, "apply").n, 0);
	/* a first copy that already ended at home lists nothing */
	before = changes();
	CHECK_INT(foreign("exchange", "zj", 78, 4, ORG_C, "black", "market", "exited", false, "expired", "2027-10-19", NULL), 0);
	settle();
	CHECK(changes() == before);
	CHECK_INT(find(ORG_C).id, 0);
	/* a black market entry of zj: the general receiving standard takes it */
	CHECK_INT(foreign("exchange", "zj", 79, 2, ORG_C, "black", "market", "effective", false, NULL, "2028-10-19", NULL), 0);
	settle();
	x = find(ORG_C);
	CHECK_STR(x.standard, "foreign.black");
	CHECK_STR(x.state, "effective");
}

/* [001 §(二)2, §(五)6]: a subject punished jointly is not rewarded jointly: a foreign black entry in force
 * removes the subject's red entry here, as this region's own black entry does */
static void test_red_leaves(void)
{
	msg_in in;
	jrp_error e;
	ent x;
	char st[16], why[40];
	CHECK_INT(ok(SVC_INGEST, "{\"v\":1,\"type\":\"record.submit\",\"id\":1,\"party\":\"tax_bureau\",\"record\":{"
		     "\"record_id\":\"R-A-1\",\"kind\":\"rating\",\"domain\":\"tax\",\"subject\":{\"type\":\"org\","
		     "\"code\":\"%s\",\"name\":\"守信企业\"},\"decision_date\":\"2026-12-01\",\"rating\":\"A\"}}", ORG_D), 0);
	CHECK_INT(h_clock(&H, "2026-12-10T09:00:00+08:00"), 0);
	settle();
	CHECK(h_entry(&H, ORG_D, "red", st, why) > 0);
	CHECK_STR(st, "effective");
	CHECK_INT(foreign("exchange", "sh", 400, 1, ORG_D, "black", "tax", "effective", false, NULL, "2029-10-19", NULL), 0);
	settle();
	CHECK(h_entry(&H, ORG_D, "red", st, why) > 0);
	CHECK_STR(st, "exited");
	CHECK_STR(why, "removed_by_dishonesty");
	x = find(ORG_D);
	CHECK_STR(x.standard, "foreign.tax_black");
	/* a cross-region initiation: the exchange's determination in a domain it has none of its own becomes
	 * this region's own (proposed, under this region's standard and notice rules) */
	CHECK_INT(J(SVC_INGEST, &in, &e, "{\"v\":1,\"type\":\"record.submit\",\"id\":1,\"party\":\"exchange\","
		    "\"record\":{\"record_id\":\"sh-init-1\",\"kind\":\"determination\",\"domain\":\"market\","
		    "\"standard\":\"market.serious_violation\",\"subject\":{\"type\":\"org\",\"code\":\"%s\","
		    "\"name\":\"发起对象\"},\"decision_date\":\"2026-12-09\"}}", ORG_E), 0);
	msg_in_free(&in);
	settle();
	x = find(ORG_E);
	CHECK_STR(x.standard, "market.serious_violation");
	CHECK_STR(x.state, "proposed");
	CHECK_STR(x.region, "");
}

/* DOMAIN.md "Monitoring by the office": no feedback in time is overdue, counted by region too */
static void test_overdue_by_region(void)
{
	msg_in in;
	jrp_error e;
	/* zj's entry 79 (ORG_C) got its tasks on 2026-12-01; procurement's mandatory measure is due in 10
	 * working days */
	CHECK_INT(h_clock(&H, "2026-12-21T09:00:00+08:00"), 0);
	settle();
	CHECK_INT(J(SVC_FEEDBACK, &in, &e, "{\"v\":1,\"type\":\"stats.get\",\"id\":1,\"party\":\"office\"}"), 0);
	{
		const msgpack_object *f = obj_get(in.root, "foreign"), *zj = f ? obj_get(f, "zj") : NULL;
		CHECK(zj && obj_u64(zj, "overdue") == 1 && obj_u64(zj, "entries") == 1);
	}
	msg_in_free(&in);
	CHECK_INT(J(SVC_FEEDBACK, &in, &e, "{\"v\":1,\"type\":\"foreign.report\",\"id\":1,\"party\":\"office\","
		    "\"region\":\"zj\"}"), 0);
	{
		const msgpack_object *es = obj_get(in.root, "entries");
		char s[16];
		/* 77 was refused (no receiving standard), 79 is in force; 78 never listed */
		CHECK(es && es->via.array.size == 2);
		if (es && es->via.array.size == 2) {
			CHECK(obj_u64(&es->via.array.ptr[0], "entry") == 77);
			CHECK_STR(obj_cstr(&es->via.array.ptr[0], "state", s, sizeof s), "refused");
			CHECK(obj_u64(&es->via.array.ptr[1], "entry") == 79);
			CHECK_INT((int)obj_u64(&es->via.array.ptr[1], "overdue"), 1);
		}
	}
	msg_in_free(&in);
	/* paged: one a page, next names the last home entry */
	CHECK_INT(J(SVC_FEEDBACK, &in, &e, "{\"v\":1,\"type\":\"foreign.report\",\"id\":1,\"party\":\"exchange\","
		    "\"region\":\"zj\",\"max\":1}"), 0);
	CHECK(obj_u64(in.root, "next") == 77);
	msg_in_free(&in);
}

static void clean_shutdown(void)
{
	CHECK_INT(h_stop(&H), 0);
}

int main(void)
{
	h_uscc("91310000MA", 1401, ORG);
	h_uscc("91330000MA", 1402, ORG_B);
	h_uscc("91330000MA", 1403, ORG_C);
	h_uscc("91350100MA", 1404, ORG_D);
	h_uscc("91350100MA", 1405, ORG_E);
	if (h_start(&H) != 0 || h_clock(&H, "2026-12-01T09:00:00+08:00") != 0) {
		printf("Bail out! could not start the daemons\n");
		return 1;
	}
	RUN(test_only_the_exchange);
	RUN(test_listed_at_once);
	RUN(test_tasks_and_check);
	RUN(test_resend_and_older);
	RUN(test_suspend_resume_extend);
	RUN(test_nobody_here_acts);
	RUN(test_feedback_by_region);
	RUN(test_revoked_at_home);
	RUN(test_no_receiving_standard);
	RUN(test_red_leaves);
	RUN(test_overdue_by_region);
	RUN(clean_shutdown);
	TAP_DONE();
}
