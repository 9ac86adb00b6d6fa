/*
 * test_rules.c - right by the rules: what the engine must do for the people it lists, on the
 * real daemons, driven through the protocol as the README describes it
 *
 * Each test names the rule of DOMAIN.md and its source (the seeds, the national texts). The
 * rules of the life of an entry that were there before are in test_life.c; these are the ones
 * that an independent reading of the seeds found missing or wrong.
 */
#include "../tap.h"
#include "clock.h"
#include "harness.h"
#include "proto.h"
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static harness H;

#define J(svc, in, e, ...) h_json(&H, (svc), (in), (e), __VA_ARGS__)

/* ok - a request that must succeed (printed if it does not); 0 or -1 */
static int ok(int svc, const char *json)
{
	msg_in in;
	jrp_error e;
	int rc = J(svc, &in, &e, "%s", json);
	if (rc != 0)
		printf("# refused: [%s] %s: %s\n#   request: %s\n", e.code, e.field, e.message, json);
	msg_in_free(&in);
	return rc == 0 ? 0 : -1;
}

/* refused - a request that must be refused with code on field */
static bool refused(int svc, const char *json, const char *code, const char *field)
{
	msg_in in;
	jrp_error e;
	int rc = J(svc, &in, &e, "%s", json);
	msg_in_free(&in);
	if (rc != JRP_EREPLY || strcmp(e.code, code) != 0 || strcmp(e.field, field) != 0) {
		printf("# expected [%s] %s, got rc %d [%s] %s: %s\n#   request: %s\n", code, field, rc, e.code, e.field,
		       e.message, json);
		return false;
	}
	return true;
}

static uint64_t checks_counted(void)
{
	msg_in in;
	jrp_error e;
	uint64_t n = 0;
	if (J(SVC_FEEDBACK, &in, &e, "{\"v\":1,\"type\":\"stats.get\",\"id\":1,\"party\":\"office\"}") == 0)
		n = obj_u64(obj_get(in.root, "checks"), "total");
	msg_in_free(&in);
	return n;
}

/* Issue 10 item 7 - DOMAIN.md "Subjects and codes" and "Trigger, response, feedback" (逢办必查)
 * [001 §(五)1-2] [003 §五]: a check validates the subject's code as a submission does. One mistyped
 * character used to answer "not listed" (and a black-listed company passed a procurement check);
 * now it is bad_code on field subject, and nothing is recorded. */
static void check_refuses_a_malformed_code(void)
{
	char json[400], code[19], bad[19];
	uint64_t before;
	h_uscc("91350100MK", 1, code);
	memcpy(bad, code, sizeof bad);
	bad[17] = bad[17] == '0' ? '1' : '0';
	before = checks_counted();
	snprintf(json, sizeof json, "{\"v\":1,\"type\":\"check\",\"id\":1,\"party\":\"procurement_centre\",\"subject\":\"%s\","
		 "\"matter\":\"public_procurement\"}", bad);
	CHECK(refused(SVC_DISPATCH, json, "bad_code", "subject"));
	snprintf(json, sizeof json, "{\"v\":1,\"type\":\"check\",\"id\":1,\"party\":\"procurement_centre\",\"subject\":\"X\","
		 "\"matter\":\"public_procurement\"}");
	CHECK(refused(SVC_DISPATCH, json, "bad_code", "subject"));
	/* a valid organisation code, a valid citizen ID, and a Hong Kong resident's number named as such */
	snprintf(json, sizeof json, "{\"v\":1,\"type\":\"check\",\"id\":1,\"party\":\"procurement_centre\",\"subject\":\"%s\","
		 "\"matter\":\"public_procurement\"}", code);
	CHECK_INT(ok(SVC_DISPATCH, json), 0);
	CHECK_INT(ok(SVC_DISPATCH, "{\"v\":1,\"type\":\"check\",\"id\":1,\"party\":\"procurement_centre\","
			"\"subject\":\"11010519491231002X\",\"matter\":\"public_procurement\"}"), 0);
	CHECK_INT(ok(SVC_DISPATCH, "{\"v\":1,\"type\":\"check\",\"id\":1,\"party\":\"procurement_centre\","
			"\"subject\":\"H01234567\",\"id_type\":\"hmt\",\"matter\":\"public_procurement\"}"), 0);
	CHECK(refused(SVC_DISPATCH, "{\"v\":1,\"type\":\"check\",\"id\":1,\"party\":\"procurement_centre\","
		      "\"subject\":\"H01234567\",\"matter\":\"public_procurement\"}", "bad_code", "subject"));
	CHECK_INT(h_settle(&H), 0);
	/* three answered, three recorded; the refused ones left nothing behind */
	CHECK_INT(checks_counted(), before + 3);
}

/* Issue 10, smaller things: an error reply echoes the request's id whenever it could be read, so that a
 * pipelining client can match even a request too broken to have a type (README "Envelope"). */
static void error_echoes_the_id(void)
{
	msg_in in;
	jrp_error e;
	CHECK_INT(J(SVC_INGEST, &in, &e, "{\"v\":1,\"id\":\"req-77\",\"party\":\"tax_bureau\"}"), JRP_EREPLY);
	CHECK_STR(e.code, "missing_field");
	CHECK_STR(e.field, "type");
	CHECK(obj_str_eq(obj_get(in.root, "id"), "req-77"));
	msg_in_free(&in);
}

/* submit - a tax penalty about org code decided on `decided` (5,000,000 yuan of tax fraud); the
 * bureau notified the company that day */
static int submit(const char *rid, const char *code, const char *decided)
{
	char json[1200];
	snprintf(json, sizeof json, "{\"v\":1,\"type\":\"record.submit\",\"id\":1,\"party\":\"tax_bureau\",\"record\":{"
		 "\"record_id\":\"%s\",\"kind\":\"penalty\",\"domain\":\"tax\",\"subject\":{\"type\":\"org\",\"code\":\"%s\","
		 "\"name\":\"测试企业\"},\"decision_date\":\"%s\",\"final\":true,\"notice\":{\"date\":\"%s\"},\"violation\":\"tax_fraud\","
		 "\"amount\":5000000}}", rid, code, decided, decided);
	return ok(SVC_INGEST, json);
}

static int act(const char *fmt, uint64_t entry)
{
	char json[600];
	snprintf(json, sizeof json, fmt, (unsigned long long)entry);
	return ok(SVC_ADJUDICATE, json);
}

/* Issue 10 item 1 - DOMAIN.md Life 1 and 6 [001 §(二)2, §(五)7]: "an objection filed inside the window
 * holds the entry until it is decided". It used to take effect, unsuspended, at the window's end, and
 * the subject was punished before anyone verified the objection. Now it waits; the department gets
 * its duty to verify with its deadline (10 working days) as for an entry in force; upheld after the
 * window, it takes effect then; wrong, it is revoked having never been in force. */
static void objection_in_the_window_holds_the_entry(void)
{
	char a[19], b[19], st[16], why[40];
	uint64_t ea, eb;
	h_uscc("91350100MK", 11, a);
	h_uscc("91350100MK", 12, b);
	CHECK_INT(h_clock(&H, "2026-11-23T09:00:00+08:00"), 0);
	CHECK_INT(submit("OW-1", a, "2026-11-20"), 0);
	CHECK_INT(submit("OW-2", b, "2026-11-20"), 0);
	CHECK_INT(h_settle(&H), 0);
	ea = h_entry(&H, a, "black", st, why);
	eb = h_entry(&H, b, "black", st, why);
	CHECK_STR(st, "proposed");
	CHECK_INT(act("{\"v\":1,\"type\":\"objection.file\",\"id\":1,\"party\":\"office\",\"entry\":%llu,"
		      "\"reason\":\"不是本企业的违法行为\"}", ea), 0);
	CHECK_INT(act("{\"v\":1,\"type\":\"objection.file\",\"id\":1,\"party\":\"office\",\"entry\":%llu,"
		      "\"reason\":\"金额计算错误\"}", eb), 0);
	/* the notice period (5 days from Fri 20 Nov: to Wed 25 Nov) is over: neither takes effect */
	CHECK_INT(h_clock(&H, "2026-12-02T09:00:00+08:00"), 0);
	CHECK_INT(h_settle(&H), 0);
	h_entry(&H, a, "black", st, why);
	CHECK_STR(st, "proposed");
	CHECK_INT(h_count_tasks(&H, "procurement_centre", ea, "apply", NULL), 0);
	CHECK_INT(h_count_tasks(&H, "tax_bureau", ea, "verify_objection", NULL), 1);
	CHECK_INT(h_count_tasks(&H, "tax_bureau", eb, "verify_objection", NULL), 1);
	/* upheld: in force now, and the agencies are told */
	CHECK_INT(act("{\"v\":1,\"type\":\"objection.decide\",\"id\":1,\"party\":\"tax_bureau\",\"entry\":%llu,"
		      "\"outcome\":\"upheld\"}", ea), 0);
	/* wrong: revoked; nothing was ever applied */
	CHECK_INT(act("{\"v\":1,\"type\":\"objection.decide\",\"id\":1,\"party\":\"tax_bureau\",\"entry\":%llu,"
		      "\"outcome\":\"wrong\"}", eb), 0);
	CHECK_INT(h_settle(&H), 0);
	h_entry(&H, a, "black", st, why);
	CHECK_STR(st, "effective");
	CHECK_INT(h_count_tasks(&H, "procurement_centre", ea, "apply", NULL), 1);
	h_entry(&H, b, "black", st, why);
	CHECK_STR(st, "exited");
	CHECK_STR(why, "revoked");
	CHECK_INT(h_count_tasks(&H, "procurement_centre", eb, "apply", NULL), 0);
	CHECK_INT(h_count_tasks(&H, "procurement_centre", eb, "stop", NULL), 0);
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

/* entry_field - a date field of the entry `id` of subject code, "" if absent */
static const char *entry_field_on(harness *h, const char *code, uint64_t id, const char *field, char out[40])
{
	msg_in in;
	jrp_error e;
	out[0] = 0;
	if (h_json(h, SVC_ADJUDICATE, &in, &e, "{\"v\":1,\"type\":\"entries.get\",\"id\":1,\"party\":\"office\","
	      "\"subject\":\"%s\"}", code) == 0) {
		const msgpack_object *es = obj_get(in.root, "entries");
		for (uint32_t i = 0; es && i < es->via.array.size; i++)
			if (obj_u64(&es->via.array.ptr[i], "id") == id)
				obj_cstr(&es->via.array.ptr[i], field, out, 40);
	}
	msg_in_free(&in);
	return out;
}

static const char *entry_field(const char *code, uint64_t id, const char *field, char out[40])
{
	return entry_field_on(&H, code, id, field, out);
}

/* with_rep - a record.submit of a 6,000,000 yuan tax fraud by org code decided 2026-12-04, naming its
 * legal representative rep; notice: "" or the record's notice map */
static void with_rep(char *json, size_t n, const char *rid, const char *code, const char *rep, const char *notice)
{
	snprintf(json, n, "{\"v\":1,\"type\":\"record.submit\",\"id\":1,\"party\":\"tax_bureau\",\"record\":{"
		 "\"record_id\":\"%s\",\"kind\":\"penalty\",\"domain\":\"tax\",\"subject\":{\"type\":\"org\",\"code\":\"%s\","
		 "\"name\":\"告知测试企业\",\"legal_rep\":{\"name\":\"周七\",\"id_no\":\"%s\"}},\"decision_date\":\"2026-12-04\","
		 "%s\"final\":true,\"violation\":\"tax_fraud\",\"amount\":6000000}}", rid, code, rep, notice);
}

/* Issue 10 item 2 - DOMAIN.md Life 1 [001 §(二)2] [national: 国办发〔2020〕49号 (八)]: every subject of a
 * serious-dishonesty standard, a company too, is told the reasons, the basis and its rights before it
 * is identified, and states its case within the period the standard gives: tax.major_violation says
 * 5d (国家税务总局令第54号: days, not working days; a last day off moves to the next working day,
 * 《民法典》第二百零三条). The department's notice is a duty due in 7 working days; past it, the office
 * sees it overdue (the entry never waits unseen). One notice may cover the company and its legal
 * representative when the department says so: entry.notice with linked, or a record whose
 * notice says linked. */
static void serious_dishonesty_is_notified_first(void)
{
	char x[19], y[19], px[19], py[19], json[1400], d[40], st[16], why[40];
	uint64_t ex, epx, ey, epy, overdue0;
	msg_in in;
	jrp_error e;
	h_uscc("91350100MK", 21, x);
	h_uscc("91350100MK", 22, y);
	h_citizen("11010519800101", 21, px);
	h_citizen("11010519800101", 22, py);
	CHECK_INT(h_clock(&H, "2026-12-07T09:00:00+08:00"), 0);   /* Monday */
	/* a record's notice is checked like the rest of it */
	with_rep(json, sizeof json, "NT-0", x, px, "\"notice\":{\"date\":\"2026-12-08\"},");
	CHECK(refused(SVC_INGEST, json, "bad_value", "record.notice.date"));
	with_rep(json, sizeof json, "NT-0", x, px, "\"notice\":{\"date\":\"2026-12-04\",\"linked\":1},");
	CHECK(refused(SVC_INGEST, json, "wrong_type", "record.notice.linked"));
	with_rep(json, sizeof json, "NT-0", x, px, "\"notice\":{\"date\":\"2026-12-04\",\"by\":\"post\"},");
	CHECK(refused(SVC_INGEST, json, "unknown_field", "record.notice.by"));

	overdue0 = dept_stat("tax_bureau", "overdue");
	with_rep(json, sizeof json, "NT-1", x, px, "");
	CHECK_INT(ok(SVC_INGEST, json), 0);
	CHECK_INT(h_settle(&H), 0);
	ex = h_entry(&H, x, "black", st, why);
	epx = h_entry(&H, px, "black", NULL, NULL);
	CHECK_STR(st, "proposed");
	/* 7 working days from Mon 7 Dec: 8, 9, 10, 11, 14, 15, 16 Dec */
	CHECK_STR(entry_field(x, ex, "notice_by", d), "2026-12-16");
	CHECK_STR(entry_field(px, epx, "notice_by", d), "2026-12-16");
	CHECK_STR(entry_field(x, ex, "objection_end", d), "");
	CHECK_INT(h_count_tasks(&H, "tax_bureau", ex, "notice", NULL), 1);
	CHECK_INT(h_count_tasks(&H, "tax_bureau", epx, "notice", NULL), 1);
	/* past the deadline: two overdue duties of the tax bureau in the office's statistics; the entries wait */
	CHECK_INT(h_clock(&H, "2026-12-17T09:00:00+08:00"), 0);
	CHECK_INT(h_settle(&H), 0);
	CHECK_INT(dept_stat("tax_bureau", "overdue"), overdue0 + 2);
	h_entry(&H, x, "black", st, why);
	CHECK_STR(st, "proposed");
	/* one notice, the company and its legal representative: Thu 17 Dec + 5 days = Tue 22 Dec */
	CHECK_INT(J(SVC_ADJUDICATE, &in, &e, "{\"v\":1,\"type\":\"entry.notice\",\"id\":1,\"party\":\"tax_bureau\","
		    "\"entry\":%llu,\"notice_date\":\"2026-12-17\",\"linked\":true}", (unsigned long long)ex), 0);
	CHECK_STR(obj_cstr(in.root, "objection_end", d, sizeof d), "2026-12-22");
	{
		const msgpack_object *l = obj_get(in.root, "linked");
		CHECK(l && l->type == MSGPACK_OBJECT_ARRAY && l->via.array.size == 1 &&
		      obj_u64(&l->via.array.ptr[0], "entry") == epx);
	}
	msg_in_free(&in);
	CHECK_INT(h_settle(&H), 0);
	CHECK_INT(dept_stat("tax_bureau", "overdue"), overdue0);
	CHECK_STR(entry_field(px, epx, "notice_date", d), "2026-12-17");
	CHECK_STR(entry_field(px, epx, "notice_by", d), "");
	CHECK_INT(h_clock(&H, "2026-12-22T20:00:00+08:00"), 0);
	CHECK_INT(h_settle(&H), 0);
	h_entry(&H, x, "black", st, why);
	CHECK_STR(st, "proposed");
	CHECK_INT(h_clock(&H, "2026-12-23T09:00:00+08:00"), 0);
	CHECK_INT(h_settle(&H), 0);
	h_entry(&H, x, "black", st, why);
	CHECK_STR(st, "effective");
	h_entry(&H, px, "black", st, why);
	CHECK_STR(st, "effective");
	CHECK_INT(h_count_tasks(&H, "procurement_centre", ex, "apply", NULL), 1);

	/* a record that says the company and its legal representative were notified: no duty at all */
	with_rep(json, sizeof json, "NT-2", y, py, "\"notice\":{\"date\":\"2026-12-04\",\"linked\":true},");
	CHECK_INT(ok(SVC_INGEST, json), 0);
	CHECK_INT(h_settle(&H), 0);
	ey = h_entry(&H, y, "black", st, why);
	epy = h_entry(&H, py, "black", NULL, NULL);
	/* Fri 4 Dec + 5 days = Wed 9 Dec: over already, effective at once */
	CHECK_STR(st, "effective");
	h_entry(&H, py, "black", st, why);
	CHECK_STR(st, "effective");
	CHECK_STR(entry_field(y, ey, "objection_end", d), "2026-12-09");
	CHECK_INT(h_count_tasks(&H, "tax_bureau", ey, "notice", NULL), 0);
	CHECK_INT(h_count_tasks(&H, "tax_bureau", epy, "notice", NULL), 0);
}

/* finality_json - a finality record of the tax bureau about record ref of org code */
static void finality_json(char *json, size_t n, const char *rid, const char *code, const char *ref, const char *date,
			  const char *final, const char *extra)
{
	snprintf(json, n, "{\"v\":1,\"type\":\"record.submit\",\"id\":1,\"party\":\"tax_bureau\",\"record\":{"
		 "\"record_id\":\"%s\",\"kind\":\"finality\",\"domain\":\"tax\",\"subject\":{\"type\":\"org\",\"code\":\"%s\","
		 "\"name\":\"生效测试企业\"},\"decision_date\":\"%s\"%s%s%s%s%s}}", rid, code, date, ref ? ",\"refers_to\":\"" : "",
		 ref ? ref : "", ref ? "\"" : "", final ? ",\"final\":" : "", final ? final : "");
	if (extra) {
		size_t l = strlen(json);
		snprintf(json + l - 2, n - l + 2, ",%s}}", extra);
	}
}

static size_t awaiting_n(const char *code)
{
	msg_in in;
	jrp_error e;
	size_t n = 99;
	if (J(SVC_ADJUDICATE, &in, &e, "{\"v\":1,\"type\":\"entries.get\",\"id\":1,\"party\":\"office\",\"subject\":\"%s\"}",
	      code) == 0)
		n = obj_get(in.root, "awaiting_final")->via.array.size;
	msg_in_free(&in);
	return n;
}

/* Issue 10 item 3 - DOMAIN.md Life 1 [national: 国家税务总局令第54号 第七条]: tax.major_violation lists a
 * subject only once the decision is final (the periods for administrative review and litigation
 * passed, or review or suit upheld it). A record that is not final makes no entry and no task: it
 * waits (entries.get: awaiting_final), across a restart of adjudicate; the bureau's finality record
 * (refers_to the decision, final: true) identifies it, with the notice it reports; final: false
 * (annulled on review) forgets it. Ingest checks a finality record against the record it names. */
static void listing_waits_for_a_final_decision(void)
{
	char a[19], b[19], json[1400], st[16], why[40];
	uint64_t ea;
	h_uscc("91350100MK", 31, a);
	h_uscc("91350100MK", 32, b);
	CHECK_INT(h_clock(&H, "2026-12-28T09:00:00+08:00"), 0);
	snprintf(json, sizeof json, "{\"v\":1,\"type\":\"record.submit\",\"id\":1,\"party\":\"tax_bureau\",\"record\":{"
		 "\"record_id\":\"FN-1\",\"kind\":\"penalty\",\"domain\":\"tax\",\"subject\":{\"type\":\"org\",\"code\":\"%s\","
		 "\"name\":\"生效测试企业\"},\"decision_date\":\"2026-12-24\",\"violation\":\"tax_fraud\",\"amount\":7000000}}", a);
	CHECK_INT(ok(SVC_INGEST, json), 0);
	snprintf(json, sizeof json, "{\"v\":1,\"type\":\"record.submit\",\"id\":1,\"party\":\"tax_bureau\",\"record\":{"
		 "\"record_id\":\"FN-2\",\"kind\":\"penalty\",\"domain\":\"tax\",\"subject\":{\"type\":\"org\",\"code\":\"%s\","
		 "\"name\":\"生效测试企业\"},\"decision_date\":\"2026-12-24\",\"violation\":\"tax_fraud\",\"amount\":7000000}}", b);
	CHECK_INT(ok(SVC_INGEST, json), 0);
	CHECK_INT(h_settle(&H), 0);
	CHECK(h_entry(&H, a, NULL, NULL, NULL) == 0);
	CHECK_INT(awaiting_n(a), 1);
	/* what a finality record must say, and about what */
	finality_json(json, sizeof json, "FN-1-F", a, "NO-SUCH", "2026-12-26", "true", NULL);
	CHECK(refused(SVC_INGEST, json, "bad_value", "record.refers_to"));
	finality_json(json, sizeof json, "FN-1-F", a, NULL, "2026-12-26", "true", NULL);
	CHECK(refused(SVC_INGEST, json, "missing_field", "record.refers_to"));
	finality_json(json, sizeof json, "FN-1-F", a, "FN-1", "2026-12-26", NULL, NULL);
	CHECK(refused(SVC_INGEST, json, "missing_field", "record.final"));
	finality_json(json, sizeof json, "FN-1-F", b, "FN-1", "2026-12-25", "true", NULL);
	CHECK(refused(SVC_INGEST, json, "bad_value", "record.subject.code"));
	finality_json(json, sizeof json, "FN-1-F", a, "FN-1", "2026-12-23", "true", NULL);
	CHECK(refused(SVC_INGEST, json, "bad_value", "record.decision_date"));
	snprintf(json, sizeof json, "{\"v\":1,\"type\":\"record.submit\",\"id\":1,\"party\":\"tax_bureau\",\"record\":{"
		 "\"record_id\":\"FN-3\",\"kind\":\"penalty\",\"domain\":\"tax\",\"subject\":{\"type\":\"org\",\"code\":\"%s\","
		 "\"name\":\"生效测试企业\"},\"decision_date\":\"2026-12-24\",\"refers_to\":\"FN-1\"}}", a);
	CHECK(refused(SVC_INGEST, json, "bad_value", "record.refers_to"));
	/* kept across a restart of adjudicate */
	h_kill(&H, SVC_ADJUDICATE, SIGKILL);
	CHECK_INT(h_start_daemon(&H, SVC_ADJUDICATE), 0);
	/* six months and a day on: no review, no suit; final, and the company notified the same day */
	CHECK_INT(h_clock(&H, "2027-06-28T09:00:00+08:00"), 0);
	finality_json(json, sizeof json, "FN-1-F", a, "FN-1", "2027-06-25", "true", "\"notice\":{\"date\":\"2027-06-28\"}");
	CHECK_INT(ok(SVC_INGEST, json), 0);
	/* b's decision was annulled on review */
	finality_json(json, sizeof json, "FN-2-F", b, "FN-2", "2027-02-20", "false", NULL);
	CHECK_INT(ok(SVC_INGEST, json), 0);
	CHECK_INT(h_settle(&H), 0);
	ea = h_entry(&H, a, "black", st, why);
	CHECK(ea > 0);
	CHECK_STR(st, "proposed");
	CHECK_INT(awaiting_n(a), 0);
	CHECK(h_entry(&H, b, NULL, NULL, NULL) == 0);
	CHECK_INT(awaiting_n(b), 0);
	/* Mon 28 Jun 2027 + 5 days = Sat 3 Jul, a day off: Mon 5 Jul; effective on the 6th */
	CHECK_INT(h_clock(&H, "2027-07-06T09:00:00+08:00"), 0);
	CHECK_INT(h_settle(&H), 0);
	h_entry(&H, a, "black", st, why);
	CHECK_STR(st, "effective");
	CHECK_INT(h_count_tasks(&H, "procurement_centre", ea, "apply", NULL), 1);
}

/* task_until - valid_until of party's newest task with action for entry ("" if none) */
typedef struct until_arg {
	uint64_t entry;
	const char *action;
	char until[16];
} until_arg;

static void until_one(void *arg, const msgpack_object *t)
{
	until_arg *u = arg;
	if (obj_u64(t, "entry") == u->entry && obj_str_eq(obj_get(t, "action"), u->action))
		obj_cstr(t, "valid_until", u->until, sizeof u->until);
}

/* Issue 10 item 4 - DOMAIN.md Life 4 [001 §(五)5]: "a repeat offence under the same standard within
 * validity extends the listing from the latest decision". A second tax fraud decided while the entry
 * is in force used to join the history only, and the listing still ended three years after the first
 * decision. Now validity runs from the latest decision: each agency applying a measure gets an
 * `extend` task with the new end, the check shows it, and the public gets an `extended` publication. */
static void repeat_offence_extends_the_listing(void)
{
	char c[19], json[1200], st[16], why[40], d[40];
	uint64_t ec;
	until_arg u;
	msg_in in;
	jrp_error e;
	h_uscc("91350100MK", 41, c);
	CHECK_INT(h_clock(&H, "2027-07-02T09:00:00+08:00"), 0);
	CHECK_INT(submit("RP-1", c, "2027-07-01"), 0);
	CHECK_INT(h_clock(&H, "2027-07-08T09:00:00+08:00"), 0);   /* Thu 1 Jul + 5 days = Tue 6 Jul */
	CHECK_INT(h_settle(&H), 0);
	ec = h_entry(&H, c, "black", st, why);
	CHECK_STR(st, "effective");
	CHECK_STR(entry_field(c, ec, "valid_until", d), "2030-06-30");
	/* a new decision against the same company under the same standard */
	CHECK_INT(submit("RP-2", c, "2027-07-08"), 0);
	CHECK_INT(h_settle(&H), 0);
	CHECK_INT(h_entry(&H, c, "black", st, why), ec);   /* the same entry */
	CHECK_STR(entry_field(c, ec, "valid_until", d), "2030-07-07");
	CHECK_STR(entry_field(c, ec, "decision_date", d), "2027-07-08");
	CHECK_INT(h_count_tasks(&H, "procurement_centre", ec, "extend", "P-GP-01"), 1);
	CHECK_INT(h_count_tasks(&H, "bank_regulator", ec, "extend", "P-FIN-01"), 1);
	u.entry = ec;
	u.action = "extend";
	u.until[0] = 0;
	CHECK(h_stream_each(&H, "procurement_centre", until_one, &u) >= 0);
	CHECK_STR(u.until, "2030-07-07");
	snprintf(json, sizeof json, "{\"v\":1,\"type\":\"check\",\"id\":1,\"party\":\"procurement_centre\",\"subject\":\"%s\","
		 "\"matter\":\"public_procurement\"}", c);
	CHECK_INT(J(SVC_DISPATCH, &in, &e, "%s", json), 0);
	CHECK(obj_bool(in.root, "listed"));
	if (obj_bool(in.root, "listed"))
		CHECK_STR(obj_cstr(&obj_get(in.root, "entries")->via.array.ptr[0], "valid_until", d, sizeof d), "2030-07-07");
	msg_in_free(&in);
	/* the public sees the new end */
	CHECK_INT(J(SVC_ADJUDICATE, &in, &e, "{\"v\":1,\"type\":\"publication.fetch\",\"id\":1,\"max\":1024}"), 0);
	{
		const msgpack_object *rs = obj_get(in.root, "records");
		bool seen = false;
		for (uint32_t i = 0; rs && i < rs->via.array.size; i++)
			seen |= obj_u64(&rs->via.array.ptr[i], "entry") == ec &&
				obj_str_eq(obj_get(&rs->via.array.ptr[i], "kind"), "extended") &&
				obj_str_eq(obj_get(&rs->via.array.ptr[i], "valid_until"), "2030-07-07");
		CHECK(seen);
	}
	msg_in_free(&in);
}

/* rec - a record.submit of party about org code (name 五号公司), decided and notified on `decided`,
 * final; kind, domain and the rest (",\"violation\":..." etc.) as given */
static int rec(const char *party, const char *rid, const char *kind, const char *domain, const char *code,
	       const char *decided, const char *rest)
{
	char json[1600];
	snprintf(json, sizeof json, "{\"v\":1,\"type\":\"record.submit\",\"id\":1,\"party\":\"%s\",\"record\":{"
		 "\"record_id\":\"%s\",\"kind\":\"%s\",\"domain\":\"%s\",\"subject\":{\"type\":\"org\",\"code\":\"%s\","
		 "\"name\":\"五号公司\"},\"decision_date\":\"%s\",\"final\":true,\"notice\":{\"date\":\"%s\"}%s}}",
		 party, rid, kind, domain, code, decided, decided, rest);
	return ok(SVC_INGEST, json);
}

/* Issue 10 item 5 - DOMAIN.md Life 2 and 4 [001 §(五)5-6]: "重点关注名单主体有效期内发生严重失信行为的，应
 * 按照黑名单认定标准，及时转入黑名单". A company on focus lists in three key domains (market, food,
 * environment: a credit warning) is black-listed for tax fraud, a fourth domain: it leaves the focus
 * list - every focus entry exits (escalated) and the agencies stop the focus measures - and the
 * warning entry exits (fewer_domains). Red needs a clean record: a focus-listed company's A-grade
 * tax rating is refused (on_focus_list). */
static void escalation_whatever_the_domain(void)
{
	char e5[19], f5[19], st[16], why[40];
	uint64_t w, mk;
	msg_in in;
	jrp_error e;
	h_uscc("91350100MK", 51, e5);
	h_uscc("91350100MK", 52, f5);
	CHECK_INT(h_clock(&H, "2027-07-12T09:00:00+08:00"), 0);
	CHECK_INT(rec("market_regulator", "ES-1", "penalty", "market", e5, "2027-07-09", ",\"violation\":\"repeated_minor_violation\""), 0);
	CHECK_INT(rec("food_drug_admin", "ES-2", "penalty", "food_drug", e5, "2027-07-09",
		      ",\"violation\":\"repeated_minor_violation\""), 0);
	CHECK_INT(rec("env_bureau", "ES-3", "penalty", "environment", e5, "2027-07-09", ",\"violation\":\"illegal_discharge\""), 0);
	CHECK_INT(rec("market_regulator", "ES-4", "penalty", "market", f5, "2027-07-09", ",\"violation\":\"repeated_minor_violation\""), 0);
	CHECK_INT(h_clock(&H, "2027-07-20T09:00:00+08:00"), 0);
	CHECK_INT(h_settle(&H), 0);
	w = h_entry(&H, e5, "warning", st, why);
	CHECK_STR(st, "effective");
	mk = h_entry(&H, e5, "focus", NULL, NULL);
	/* red needs a clean record */
	CHECK_INT(rec("tax_bureau", "ES-5", "rating", "tax", f5, "2027-07-19", ",\"rating\":\"A\""), 0);
	CHECK_INT(h_settle(&H), 0);
	h_entry(&H, f5, "red", st, why);
	CHECK_STR(st, "refused");
	CHECK_STR(why, "on_focus_list");
	/* serious dishonesty in a fourth domain */
	CHECK_INT(rec("tax_bureau", "ES-6", "penalty", "tax", e5, "2027-07-19", ",\"violation\":\"tax_fraud\",\"amount\":9000000"), 0);
	CHECK_INT(h_clock(&H, "2027-07-28T09:00:00+08:00"), 0);
	CHECK_INT(h_settle(&H), 0);
	h_entry(&H, e5, "black", st, why);
	CHECK_STR(st, "effective");
	CHECK_INT(J(SVC_ADJUDICATE, &in, &e, "{\"v\":1,\"type\":\"entries.get\",\"id\":1,\"party\":\"office\",\"subject\":\"%s\"}",
		    e5), 0);
	{
		const msgpack_object *es = obj_get(in.root, "entries");
		int focus = 0, escalated = 0;
		for (uint32_t i = 0; es && i < es->via.array.size; i++) {
			const msgpack_object *x = &es->via.array.ptr[i];
			if (!obj_str_eq(obj_get(x, "list"), "focus"))
				continue;
			focus++;
			escalated += obj_str_eq(obj_get(x, "exit_reason"), "escalated");
		}
		CHECK_INT(focus, 3);
		CHECK_INT(escalated, 3);
	}
	msg_in_free(&in);
	h_entry(&H, e5, "warning", st, why);
	CHECK_STR(why, "fewer_domains");
	CHECK_INT(h_count_tasks(&H, "market_regulator", w, "stop", "P-SUP-04"), 1);
	/* the first focus entry's supervision stops, by its own domain's regulator */
	CHECK(h_count_tasks(&H, "market_regulator", mk, "stop", "P-SUP-01") +
	      h_count_tasks(&H, "env_bureau", mk, "stop", "P-SUP-02") == 1);
}

/* Issue 10 item 5 - DOMAIN.md Subjects [001 §(四)6] (落实到人): the high-consumption rules (最高人民法院关于
 * 限制被执行人高消费及有关消费的若干规定 第三条) bind a debtor unit, its legal representative, its principal
 * responsible persons and its actual controller. A judgment against a company names its actual
 * controller (link role actual_controller): black-listed with the company (one notice for both), the
 * controller gets P-CONS-01, executed by civil aviation and the railway; so does the debtor unit itself
 * (第三条第二款, 法释〔2015〕17号). */
static void actual_controller_is_reached(void)
{
	char g[19], ctl[19], st[16], why[40];
	uint64_t eg, ec;
	h_uscc("91350100MK", 61, g);
	h_citizen("11010519800101", 61, ctl);
	CHECK_INT(h_clock(&H, "2027-08-02T09:00:00+08:00"), 0);
	{
		char json[1600];
		snprintf(json, sizeof json, "{\"v\":1,\"type\":\"record.submit\",\"id\":1,\"party\":\"court\",\"record\":{"
			 "\"record_id\":\"AC-1\",\"kind\":\"judgment\",\"domain\":\"courts\",\"subject\":{\"type\":\"org\","
			 "\"code\":\"%s\",\"name\":\"六号公司\",\"actual_controller\":{\"name\":\"郑十二\",\"id_no\":\"%s\"}},"
			 "\"decision_date\":\"2027-07-30\",\"notice\":{\"date\":\"2027-08-02\",\"linked\":true},"
			 "\"violation\":\"evade_execution\"}}", g, ctl);
		CHECK_INT(ok(SVC_INGEST, json), 0);
	}
	CHECK_INT(h_clock(&H, "2027-08-20T09:00:00+08:00"), 0);   /* 10 working days from 2 Aug: 16 Aug */
	CHECK_INT(h_settle(&H), 0);
	eg = h_entry(&H, g, "black", st, why);
	CHECK_STR(st, "effective");
	ec = h_entry(&H, ctl, "black", st, why);
	CHECK_STR(st, "effective");
	{
		char role[40];
		CHECK_STR(entry_field(ctl, ec, "link_role", role), "actual_controller");
	}
	CHECK_INT(h_count_tasks(&H, "civil_aviation", ec, "apply", "P-CONS-01"), 1);
	CHECK_INT(h_count_tasks(&H, "railway", ec, "apply", "P-CONS-01"), 1);
	CHECK_INT(h_count_tasks(&H, "civil_aviation", eg, "apply", "P-CONS-01"), 1);
}

/* Issue 10 item 5 - [001 §(四)6]: "法人和非法人组织被列入黑名单和重点关注名单的，要对其法定代表人…问责": a
 * focus-listed organisation's punishment reaches its persons where a measure of the catalogue says so
 * (persons: true on a measure for that focus list). With such a measure in the catalogue (its own
 * rules here: the real catalogue has none yet), the legal representative of a company on the market
 * focus list gets a linked entry and that measure's task; without it, none (escalation test above). */
static void focus_reaches_persons_where_a_measure_says_so(void)
{
	harness H2;
	char path[400], k[19], rep[19], json[1600], st[16], why[40];
	uint64_t er;
	FILE *f;
	msg_in in;
	jrp_error e;
	CHECK_INT(h_start_own_rules(&H2), 0);
	snprintf(path, sizeof path, "%s/rules/measures.yaml", H2.dir);
	f = fopen(path, "a");
	CHECK(f != NULL);
	if (!f)
		return;
	fputs("\n  - id: P-PER-T1\n    name: 法定代表人纳入重点监管\n    type: punishment\n    class: mandatory\n"
	      "    category: administrative\n    lists: [focus]\n    domains: [market]\n    subject_types: [person]\n"
	      "    persons: true\n    agencies: [market_regulator]\n"
	      "    basis: { law: 济任政发〔2019〕8号, articles: 三（四）6 }\n    matters: [licence]\n    feedback_days: 10\n", f);
	fclose(f);
	snprintf(json, sizeof json, "sed -i 's/^version: .*/version: \"rules-focus-persons\"/' '%s/rules/catalog.yaml'", H2.dir);
	CHECK_INT(system(json), 0);
	CHECK_INT(h_json(&H2, SVC_ADJUDICATE, &in, &e, "{\"v\":1,\"type\":\"catalog.reload\",\"id\":1,\"party\":\"office\"}"), 0);
	msg_in_free(&in);
	CHECK_INT(h_json(&H2, SVC_DISPATCH, &in, &e, "{\"v\":1,\"type\":\"catalog.reload\",\"id\":1,\"party\":\"office\"}"), 0);
	msg_in_free(&in);
	h_uscc("91350100MK", 71, k);
	h_citizen("11010519800101", 71, rep);
	snprintf(json, sizeof json, "{\"v\":1,\"type\":\"record.submit\",\"id\":1,\"party\":\"market_regulator\",\"record\":{"
		 "\"record_id\":\"FP-1\",\"kind\":\"penalty\",\"domain\":\"market\",\"subject\":{\"type\":\"org\","
		 "\"code\":\"%s\",\"name\":\"七号公司\",\"legal_rep\":{\"name\":\"冯十三\",\"id_no\":\"%s\"}},"
		 "\"decision_date\":\"2026-11-20\",\"notice\":{\"date\":\"2026-11-20\",\"linked\":true},"
		 "\"violation\":\"repeated_minor_violation\"}}", k, rep);
	CHECK_INT(h_json(&H2, SVC_INGEST, &in, &e, "%s", json), 0);
	msg_in_free(&in);
	CHECK_INT(h_clock(&H2, "2026-12-01T09:00:00+08:00"), 0);
	CHECK_INT(h_settle(&H2), 0);
	er = h_entry(&H2, rep, "focus", st, why);
	CHECK(er > 0);
	CHECK_STR(st, "effective");
	CHECK_INT(h_count_tasks(&H2, "market_regulator", er, "apply", "P-PER-T1"), 1);
	CHECK_INT(h_stop(&H2), 0);
}

/* Issue 10 item 10 - DOMAIN.md "Lists" [001 §(二)3]: the record of an entry is complete. 40 older
 * decisions reported late under the same standard all join the entry's history (it used to keep 32
 * items); entries.get shows the latest 100 with history_total, and entry.history reads every item
 * page by page. */
static void entry_history_is_complete(void)
{
	char h1[19], json[1200], st[16], why[40];
	uint64_t eh, n = 0, after = 0;
	bool first = true;
	msg_in in;
	jrp_error e;
	h_uscc("91350100MK", 81, h1);
	CHECK_INT(h_clock(&H, "2027-08-23T09:00:00+08:00"), 0);
	CHECK_INT(submit("HS-0", h1, "2027-08-20"), 0);
	for (int i = 1; i <= 40; i++) {
		char rid[16];
		snprintf(rid, sizeof rid, "HS-%d", i);
		CHECK_INT(submit(rid, h1, "2027-06-01"), 0);
	}
	CHECK_INT(h_settle(&H), 0);
	eh = h_entry(&H, h1, "black", st, why);
	CHECK_INT(J(SVC_ADJUDICATE, &in, &e, "{\"v\":1,\"type\":\"entries.get\",\"id\":1,\"party\":\"office\",\"subject\":\"%s\"}",
		    h1), 0);
	{
		const msgpack_object *en = &obj_get(in.root, "entries")->via.array.ptr[0];
		CHECK_INT(obj_u64(en, "history_total"), 42);   /* identified, notified (with the record), 40 records */
		CHECK_INT(obj_get(en, "history")->via.array.size, 42);
	}
	msg_in_free(&in);
	/* page by page, 10 at a time */
	for (;;) {
		const msgpack_object *h;
		if (first)
			snprintf(json, sizeof json, "{\"v\":1,\"type\":\"entry.history\",\"id\":1,\"party\":\"procurement_centre\","
				 "\"entry\":%llu,\"max\":10}", (unsigned long long)eh);
		else
			snprintf(json, sizeof json, "{\"v\":1,\"type\":\"entry.history\",\"id\":1,\"party\":\"procurement_centre\","
				 "\"entry\":%llu,\"after\":%llu,\"max\":10}", (unsigned long long)eh, (unsigned long long)after);
		if (J(SVC_ADJUDICATE, &in, &e, "%s", json) != 0) {
			CHECK(!"entry.history answers");
			break;
		}
		h = obj_get(in.root, "history");
		if (!h || h->via.array.size == 0) {
			msg_in_free(&in);
			break;
		}
		for (uint32_t i = 0; i < h->via.array.size; i++) {
			CHECK_INT(obj_u64(&h->via.array.ptr[i], "n"), n);
			n++;
		}
		after = obj_u64(&h->via.array.ptr[h->via.array.size - 1], "n");
		first = false;
		msg_in_free(&in);
	}
	CHECK_INT(n, 42);
	CHECK(refused(SVC_ADJUDICATE, "{\"v\":1,\"type\":\"entry.history\",\"id\":1,\"party\":\"office\",\"entry\":999999}",
		      "not_found", "entry"));
	CHECK(refused(SVC_ADJUDICATE, "{\"v\":1,\"type\":\"entry.history\",\"id\":1,\"party\":\"office\",\"entry\":1,\"max\":0}",
		      "bad_value", "max"));
}

/* Issue 10, smaller things: string limits are in characters. A 70-character company name and 1,400
 * characters of facts in Chinese (210 and 4,200 bytes) are normal and accepted, kept whole and shown
 * whole; 201 characters of name are refused, counted in characters. */
static void limits_are_in_characters(void)
{
	static char name[1024], facts[13000];
	char code[19], got[1024];
	msg_in in;
	jrp_error e;
	mw w;
	h_uscc("91350100MK", 91, code);
	for (int i = 0; i < 70; i++)
		memcpy(name + 3 * i, "营", 3);
	name[210] = 0;
	for (int i = 0; i < 1400; i++)
		memcpy(facts + 3 * i, "虚", 3);
	facts[4200] = 0;
	h_tax_penalty(&w, "LC-1", code, name, "tax_fraud", 5000000, facts, "2026-11-20");
	CHECK_INT(h_call(&H, SVC_INGEST, &w, &in, &e), 0);
	msg_in_free(&in);
	mw_free(&w);
	CHECK_INT(h_settle(&H), 0);
	CHECK_INT(J(SVC_ADJUDICATE, &in, &e, "{\"v\":1,\"type\":\"entries.get\",\"id\":1,\"party\":\"office\",\"subject\":\"%s\"}",
		    code), 0);
	CHECK_STR(obj_cstr(obj_get(&obj_get(in.root, "entries")->via.array.ptr[0], "subject"), "name", got, sizeof got), name);
	msg_in_free(&in);
	CHECK_INT(J(SVC_INGEST, &in, &e, "{\"v\":1,\"type\":\"records.get\",\"id\":1,\"party\":\"office\",\"subject\":\"%s\"}",
		    code), 0);
	{
		static char f2[13000];
		obj_cstr(obj_get(&obj_get(in.root, "records")->via.array.ptr[0], "record"), "facts", f2, sizeof f2);
		CHECK_STR(f2, facts);
	}
	msg_in_free(&in);
	for (int i = 70; i < 201; i++)
		memcpy(name + 3 * i, "营", 3);
	name[603] = 0;
	h_tax_penalty(&w, "LC-2", code, name, "tax_fraud", 5000000, NULL, "2026-11-20");
	CHECK_INT(h_call(&H, SVC_INGEST, &w, &in, &e), JRP_EREPLY);
	CHECK_STR(e.code, "bad_value");
	CHECK_STR(e.field, "record.subject.name");
	CHECK_STR(e.message, "is 201 characters long; at most 200 allowed");
	msg_in_free(&in);
	mw_free(&w);
}

typedef struct seq_arg {
	uint64_t entry, seq;
	const char *action;
} seq_arg;

static void seq_one(void *arg, const msgpack_object *t)
{
	seq_arg *s = arg;
	if (obj_u64(t, "entry") == s->entry && obj_str_eq(obj_get(t, "action"), s->action))
		s->seq = obj_u64(t, "task");
}

/* task_seq - the seq of party's (last) task with action for entry, 0 if none */
static uint64_t task_seq(harness *h, const char *party, uint64_t entry, const char *action)
{
	seq_arg s = { entry, 0, action };
	h_stream_each(h, party, seq_one, &s);
	return s.seq;
}

/* moved_to - in a reload reply's moved list, the `to` of the item whose key field equals id (and, for
 * adjudicate, whose deadline is `deadline`); "" if none */
static const char *moved_to(const msgpack_object *root, const char *key, uint64_t id, const char *deadline, char out[16])
{
	const msgpack_object *m = obj_get(root, "moved");
	out[0] = 0;
	for (uint32_t i = 0; m && i < m->via.array.size; i++) {
		const msgpack_object *x = &m->via.array.ptr[i];
		if (obj_u64(x, key) == id && (!deadline || obj_str_eq(obj_get(x, "deadline"), deadline)))
			obj_cstr(x, "to", out, 16);
	}
	return out;
}

/* Issue 10 item 9 - DOMAIN.md "Working days" [national: the State Council's yearly schedule]: deadlines
 * counted while 2027 was provisional (weekends and the statutory days only) are counted again when
 * the office loads the official schedule, and the reload replies name those that moved. A test
 * schedule for 2027 (a longer Spring Festival, 5-12 February, and Saturday 20 February worked) moves
 * a notice period's end (objection_end), a notice deadline (notice_by, and the market regulator's
 * notice duty with it), and the procurement centre's feedback deadline. */
static void deadlines_follow_the_official_calendar(void)
{
	harness H4;
	char a[19], b[19], c[19], json[1400], st[16], why[40], d[40], path[600];
	uint64_t ea, eb, ec, tproc = 0, tnotice = 0;
	msg_in in;
	jrp_error e;
	mw w;
	FILE *f;
	CHECK_INT(h_start_own_rules(&H4), 0);
	h_uscc("91350100MT", 1, a);
	h_uscc("91350100MT", 2, b);
	h_uscc("91350100MT", 3, c);
	CHECK_INT(h_clock(&H4, "2027-01-20T09:00:00+08:00"), 0);
	h_tax_penalty(&w, "CAL-A", a, "日历测试企业", "tax_fraud", 5000000, NULL, "2027-01-20");
	/* h_tax_penalty decides on 2026-11-20; fine: validity runs three years */
	CHECK_INT(h_call(&H4, SVC_INGEST, &w, &in, &e), 0);
	msg_in_free(&in);
	mw_free(&w);
	/* notified 20 Jan: 5 days to Mon 25 Jan; effective 26 Jan, the procurement task due in 10 working days */
	CHECK_INT(h_clock(&H4, "2027-01-26T09:00:00+08:00"), 0);
	CHECK_INT(h_settle(&H4), 0);
	ea = h_entry(&H4, a, "black", st, why);
	CHECK_STR(st, "effective");
	CHECK_INT(h_clock(&H4, "2027-02-03T09:00:00+08:00"), 0);
	snprintf(json, sizeof json, "{\"v\":1,\"type\":\"record.submit\",\"id\":1,\"party\":\"market_regulator\",\"record\":{"
		 "\"record_id\":\"CAL-B\",\"kind\":\"penalty\",\"domain\":\"market\",\"subject\":{\"type\":\"org\",\"code\":\"%s\","
		 "\"name\":\"日历乙\"},\"decision_date\":\"2027-02-02\",\"violation\":\"repeated_minor_violation\"}}", b);
	CHECK_INT(h_json(&H4, SVC_INGEST, &in, &e, "%s", json), 0);
	msg_in_free(&in);
	snprintf(json, sizeof json, "{\"v\":1,\"type\":\"record.submit\",\"id\":1,\"party\":\"market_regulator\",\"record\":{"
		 "\"record_id\":\"CAL-C\",\"kind\":\"penalty\",\"domain\":\"market\",\"subject\":{\"type\":\"org\",\"code\":\"%s\","
		 "\"name\":\"日历丙\"},\"decision_date\":\"2027-02-02\",\"notice\":{\"date\":\"2027-02-03\"},"
		 "\"violation\":\"repeated_minor_violation\"}}", c);
	CHECK_INT(h_json(&H4, SVC_INGEST, &in, &e, "%s", json), 0);
	msg_in_free(&in);
	CHECK_INT(h_settle(&H4), 0);
	eb = h_entry(&H4, b, "focus", NULL, NULL);
	ec = h_entry(&H4, c, "focus", NULL, NULL);
	/* provisional 2027 (5-8 Feb off): 7 working days from 3 Feb end on 16 Feb; 5 from 3 Feb on 12 Feb */
	CHECK_STR(entry_field_on(&H4, b, eb, "notice_by", d), "2027-02-16");
	CHECK_STR(entry_field_on(&H4, c, ec, "objection_end", d), "2027-02-12");
	tproc = task_seq(&H4, "procurement_centre", ea, "apply");
	tnotice = task_seq(&H4, "market_regulator", eb, "notice");
	CHECK(tproc && tnotice);
	/* the official schedule comes (a test one): replace the provisional file, a new version, reload */
	snprintf(path, sizeof path, "%s/rules/calendar/2027.yaml", H4.dir);
	f = fopen(path, "w");
	CHECK(f != NULL);
	if (f) {
		fputs("year: 2027\nstatus: official\nsource: 测试用2027年节假日安排\ndays_off:\n  - 2027-01-01\n"
		      "  - 2027-02-05..2027-02-12\n  - 2027-04-05\n  - 2027-05-01..2027-05-02\n  - 2027-06-09\n"
		      "  - 2027-09-15\n  - 2027-10-01..2027-10-03\nworkdays:\n  - 2027-02-20\n", f);
		fclose(f);
	}
	snprintf(path, sizeof path, "sed -i 's/^version: .*/version: \"calendar-2027\"/' '%s/rules/catalog.yaml'", H4.dir);
	CHECK_INT(system(path), 0);
	CHECK_INT(h_json(&H4, SVC_FEEDBACK, &in, &e, "{\"v\":1,\"type\":\"catalog.reload\",\"id\":1,\"party\":\"office\"}"), 0);
	/* official: 4 Feb, then off to 12 Feb: the 10th working day after 26 Jan is 17 Feb (was 11 Feb);
	 * the notice duty's 7th after 3 Feb is Sat 20 Feb, a working day (was 16 Feb) */
	CHECK_STR(moved_to(in.root, "task", tproc, NULL, d), "2027-02-17");
	CHECK_STR(moved_to(in.root, "task", tnotice, NULL, d), "2027-02-20");
	msg_in_free(&in);
	CHECK_INT(h_json(&H4, SVC_DISPATCH, &in, &e, "{\"v\":1,\"type\":\"catalog.reload\",\"id\":1,\"party\":\"office\"}"), 0);
	msg_in_free(&in);
	CHECK_INT(h_json(&H4, SVC_ADJUDICATE, &in, &e, "{\"v\":1,\"type\":\"catalog.reload\",\"id\":1,\"party\":\"office\"}"), 0);
	CHECK_STR(moved_to(in.root, "entry", eb, "notice_by", d), "2027-02-20");
	CHECK_STR(moved_to(in.root, "entry", ec, "objection_end", d), "2027-02-18");
	CHECK(obj_u64(in.root, "moved_total") >= 2);
	msg_in_free(&in);
	CHECK_STR(entry_field_on(&H4, c, ec, "objection_end", d), "2027-02-18");
	/* the entry takes effect by the official count, not the provisional one */
	CHECK_INT(h_clock(&H4, "2027-02-15T09:00:00+08:00"), 0);
	CHECK_INT(h_settle(&H4), 0);
	h_entry(&H4, c, "focus", st, why);
	CHECK_STR(st, "proposed");
	CHECK_INT(h_clock(&H4, "2027-02-19T09:00:00+08:00"), 0);
	CHECK_INT(h_settle(&H4), 0);
	h_entry(&H4, c, "focus", st, why);
	CHECK_STR(st, "effective");
	CHECK_INT(h_stop(&H4), 0);
}

/* stat_at - a figure of a stats.get reply (feedback or ingest): section.key, or in an array section
 * the item whose idkey is who */
static uint64_t stat_at(const msgpack_object *root, const char *section, const char *idkey, const char *who,
			const char *key)
{
	const msgpack_object *s = obj_get(root, section);
	if (!idkey)
		return obj_u64(s, key);
	for (uint32_t i = 0; s && s->type == MSGPACK_OBJECT_ARRAY && i < s->via.array.size; i++)
		if (obj_str_eq(obj_get(&s->via.array.ptr[i], idkey), who))
			return obj_u64(&s->via.array.ptr[i], key);
	return 0;
}

/* Issue 10 item 8 - DOMAIN.md "Monitoring by the office" [001 四(三)] [003 六], "Credit records" (7
 * working days): the office sees which task is overdue, whose, due when and how late (overdue.list;
 * an agency its own only), who lags, what was done late and how late, records reported late per
 * department (ingest), lists by domain, and what happened in a period - from counters. */
static void office_sees_what_it_must_see(void)
{
	char y[19], json[1400], st[16], why[40];
	uint64_t ey, task = 0, late0, rlate0, od;
	msg_in in;
	jrp_error e;
	h_uscc("91350100MK", 95, y);
	CHECK_INT(h_clock(&H, "2027-09-06T09:00:00+08:00"), 0);
	CHECK_INT(submit("OF-1", y, "2027-09-06"), 0);
	CHECK_INT(h_clock(&H, "2027-09-14T09:00:00+08:00"), 0);
	CHECK_INT(h_settle(&H), 0);
	ey = h_entry(&H, y, "black", st, why);
	CHECK_STR(st, "effective");
	CHECK_INT(J(SVC_FEEDBACK, &in, &e, "{\"v\":1,\"type\":\"stats.get\",\"id\":1,\"party\":\"office\"}"), 0);
	late0 = stat_at(in.root, "agencies", "agency", "procurement_centre", "late");
	CHECK(stat_at(in.root, "by_domain", NULL, NULL, "in_force") == 0);   /* an array: by (list, domain) */
	{
		const msgpack_object *bd = obj_get(in.root, "by_domain");
		uint64_t black_tax = 0;
		for (uint32_t i = 0; bd && i < bd->via.array.size; i++)
			if (obj_str_eq(obj_get(&bd->via.array.ptr[i], "list"), "black") &&
			    obj_str_eq(obj_get(&bd->via.array.ptr[i], "domain"), "tax"))
				black_tax = obj_u64(&bd->via.array.ptr[i], "in_force");
		uint64_t black_all = 0;
		for (uint32_t i = 0; bd && i < bd->via.array.size; i++)
			if (obj_str_eq(obj_get(&bd->via.array.ptr[i], "list"), "black"))
				black_all += obj_u64(&bd->via.array.ptr[i], "in_force");
		CHECK(black_tax >= 1);
		/* the domains add up to the list */
		CHECK_INT(black_all, obj_u64(obj_get(in.root, "entries"), "black"));
	}
	msg_in_free(&in);
	/* five weeks on, nobody reported: overdue, listed with how late */
	CHECK_INT(h_clock(&H, "2027-10-20T09:00:00+08:00"), 0);
	CHECK_INT(h_settle(&H), 0);
	CHECK_INT(J(SVC_FEEDBACK, &in, &e, "{\"v\":1,\"type\":\"overdue.list\",\"id\":1,\"party\":\"procurement_centre\"}"), 0);
	{
		const msgpack_object *it = obj_get(in.root, "items");
		for (uint32_t i = 0; it && i < it->via.array.size; i++)
			if (obj_u64(&it->via.array.ptr[i], "entry") == ey) {
				task = obj_u64(&it->via.array.ptr[i], "task");
				CHECK_STR(obj_cstr(&it->via.array.ptr[i], "party", json, 64), "procurement_centre");
				CHECK_STR(obj_cstr(&it->via.array.ptr[i], "what", json, 64), "apply");
				CHECK(obj_i64(&it->via.array.ptr[i], "late_workdays") > 5);
			}
	}
	msg_in_free(&in);
	CHECK(task > 0);
	/* an agency reads its own list only; the office anyone's */
	CHECK(refused(SVC_FEEDBACK, "{\"v\":1,\"type\":\"overdue.list\",\"id\":1,\"party\":\"procurement_centre\","
		      "\"of\":\"bank_regulator\"}", "forbidden", "party"));
	/* a party not in the registry: unknown_party on `of`, never an empty list that reads as "nothing overdue" */
	CHECK(refused(SVC_FEEDBACK, "{\"v\":1,\"type\":\"overdue.list\",\"id\":1,\"party\":\"office\","
		      "\"of\":\"no_such_agency\"}", "unknown_party", "of"));
	{
		msg_in i2;
		CHECK_INT(J(SVC_FEEDBACK, &i2, &e, "{\"v\":1,\"type\":\"overdue.list\",\"id\":1,\"party\":\"office\","
			    "\"of\":\"procurement_centre\"}"), 0);
		CHECK(obj_u64(i2.root, "overdue_total") >= 1);
		msg_in_free(&i2);
	}
	CHECK_INT(J(SVC_FEEDBACK, &in, &e, "{\"v\":1,\"type\":\"stats.get\",\"id\":1,\"party\":\"office\"}"), 0);
	od = stat_at(in.root, "agencies", "agency", "procurement_centre", "overdue");
	CHECK(od >= 1);
	CHECK(stat_at(in.root, "lagging", "party", "procurement_centre", "overdue") == od);
	msg_in_free(&in);
	/* reported at last: out of the overdue figures, counted late */
	snprintf(json, sizeof json, "{\"v\":1,\"type\":\"feedback.submit\",\"id\":1,\"party\":\"procurement_centre\","
		 "\"task\":%llu,\"result\":\"applied\"}", (unsigned long long)task);
	CHECK_INT(ok(SVC_FEEDBACK, json), 0);
	CHECK_INT(J(SVC_FEEDBACK, &in, &e, "{\"v\":1,\"type\":\"stats.get\",\"id\":1,\"party\":\"office\"}"), 0);
	CHECK_INT(stat_at(in.root, "agencies", "agency", "procurement_centre", "overdue"), od - 1);
	CHECK_INT(stat_at(in.root, "agencies", "agency", "procurement_centre", "late"), late0 + 1);
	msg_in_free(&in);
	/* what happened on 20 October only */
	CHECK_INT(J(SVC_FEEDBACK, &in, &e, "{\"v\":1,\"type\":\"stats.get\",\"id\":1,\"party\":\"office\","
		    "\"from\":\"2027-10-20\",\"to\":\"2027-10-20\"}"), 0);
	CHECK_INT(stat_at(in.root, "feedback", NULL, NULL, "applied"), 1);
	CHECK_INT(stat_at(in.root, "agencies", "agency", "procurement_centre", "late"), 1);
	CHECK_INT(stat_at(in.root, "entries", NULL, NULL, "proposed_total"), 0);
	msg_in_free(&in);
	CHECK(refused(SVC_FEEDBACK, "{\"v\":1,\"type\":\"stats.get\",\"id\":1,\"party\":\"office\",\"from\":\"2027-10-20\"}",
		      "bad_value", "to"));
	/* a record reported late: 20 working days after its decision (7 allowed) */
	CHECK_INT(J(SVC_INGEST, &in, &e, "{\"v\":1,\"type\":\"stats.get\",\"id\":1,\"party\":\"office\"}"), 0);
	rlate0 = stat_at(in.root, "departments", "department", "tax_bureau", "late");
	msg_in_free(&in);
	CHECK_INT(submit("OF-2", y, "2027-09-20"), 0);
	CHECK_INT(J(SVC_INGEST, &in, &e, "{\"v\":1,\"type\":\"stats.get\",\"id\":1,\"party\":\"office\"}"), 0);
	CHECK_INT(stat_at(in.root, "departments", "department", "tax_bureau", "late"), rlate0 + 1);
	CHECK(stat_at(in.root, "lagging", "department", "tax_bureau", "late") >= 1);
	msg_in_free(&in);
	CHECK_INT(J(SVC_INGEST, &in, &e, "{\"v\":1,\"type\":\"stats.get\",\"id\":1,\"party\":\"office\","
		    "\"from\":\"2027-10-20\",\"to\":\"2027-10-20\"}"), 0);
	CHECK_INT(stat_at(in.root, "departments", "department", "tax_bureau", "records"), 1);
	CHECK_INT(stat_at(in.root, "departments", "department", "tax_bureau", "late"), 1);
	/* 2027 provisional calendar: 20 Sep -> 20 Oct is 20 working days (中秋 15 Sep before; 1-3 Oct off) */
	CHECK(stat_at(in.root, "departments", "department", "tax_bureau", "late_workdays_max") >= 10);
	msg_in_free(&in);
}

/* reconciled - wait (up to 20 s) until dispatch has no reconciliation under way; true if none */
static bool reconciled(harness *h)
{
	for (int i = 0; i < 200; i++) {
		msg_in in;
		jrp_error e;
		bool busy = true;
		if (h_json(h, SVC_DISPATCH, &in, &e, "{\"v\":1,\"type\":\"status\",\"id\":1}") == 0)
			busy = obj_get(in.root, "reconcile") != NULL;
		msg_in_free(&in);
		if (!busy)
			return true;
		usleep(100000);
	}
	return false;
}

/* Issue 10 item 6 - DOMAIN.md "Measures" [001 §(五)3], Life 8 [001 §(五)6]: catalogue changes reach
 * the entries in force. A candidate catalogue narrows P-FIN-01 (the bank regulator) to focus lists,
 * adds P-LAND-T1 (the land office) for black lists, and drops the wage-arrears standard. Before the
 * reload, catalog.diff (adjudicate and dispatch; what `jrpctl rules diff DIR` sends) says exactly what
 * it would do, changing nothing: the wage-arrears entry would exit; two tax entries would get the land
 * office's measure and lose the bank's; the labour entry's measures would stop. After the reload the
 * agencies get those apply and stop tasks (in bounded batches; status shows the reconciliation until
 * it is done), and the check agrees with the streams. */
static void catalogue_changes_reach_entries_in_force(void)
{
	harness H3;
	char path[600], t1[19], t2[19], l1[19], json[1600], st[16], why[40], cand[300], cmd[2400];
	uint64_t e1, e2, el;
	msg_in in;
	jrp_error e;
	CHECK_INT(h_start_own_rules(&H3), 0);
	h_uscc("91350100MR", 1, t1);
	h_uscc("91350100MR", 2, t2);
	h_uscc("91350100MR", 3, l1);
	for (int i = 0; i < 2; i++) {
		mw w;
		h_tax_penalty(&w, i ? "RC-2" : "RC-1", i ? t2 : t1, "对账测试企业", "tax_fraud", 5000000, NULL, "2026-11-20");
		CHECK_INT(h_call(&H3, SVC_INGEST, &w, &in, &e), 0);
		msg_in_free(&in);
		mw_free(&w);
	}
	snprintf(json, sizeof json, "{\"v\":1,\"type\":\"record.submit\",\"id\":1,\"party\":\"hr_social_security\",\"record\":{"
		 "\"record_id\":\"RC-L\",\"kind\":\"determination\",\"domain\":\"labour\",\"standard\":\"labour.wage_arrears\","
		 "\"subject\":{\"type\":\"org\",\"code\":\"%s\",\"name\":\"欠薪企业\"},\"decision_date\":\"2026-11-20\","
		 "\"notice\":{\"date\":\"2026-11-20\"},\"order\":{\"date\":\"2026-11-01\",\"due\":\"2026-11-10\"},"
		 "\"violation\":\"wage_arrears\"}}", l1);
	CHECK_INT(h_json(&H3, SVC_INGEST, &in, &e, "%s", json), 0);
	msg_in_free(&in);
	CHECK_INT(h_clock(&H3, "2026-12-01T09:00:00+08:00"), 0);
	CHECK_INT(h_settle(&H3), 0);
	e1 = h_entry(&H3, t1, "black", st, why);
	CHECK_STR(st, "effective");
	e2 = h_entry(&H3, t2, "black", NULL, NULL);
	el = h_entry(&H3, l1, "black", st, why);
	CHECK_STR(st, "effective");
	CHECK_INT(h_count_tasks(&H3, "bank_regulator", e1, "apply", "P-FIN-01"), 1);

	/* the candidate, beside the rules in force */
	snprintf(cand, sizeof cand, "%s/candidate", H3.dir);
	snprintf(cmd, sizeof cmd, "cp -r '%s/rules' '%s' && sed -i 's/^version: .*/version: \"reconcile-2\"/' '%s/catalog.yaml' && "
		 "sed -i '/id: P-FIN-01/,/feedback_days/ s/    lists: \\[black\\]/    lists: [focus]/' '%s/measures.yaml' && "
		 "sed -i '/^  - id: labour.wage_arrears$/,/^  # ---- work safety/{/^  # ---- work safety/!d}' '%s/standards.yaml'",
		 H3.dir, cand, cand, cand, cand);
	CHECK_INT(system(cmd), 0);
	snprintf(path, sizeof path, "%s/measures.yaml", cand);
	{
		FILE *f = fopen(path, "a");
		CHECK(f != NULL);
		if (f) {
			fputs("\n  - id: P-LAND-T1\n    name: 限制参与土地使用权出让\n    type: punishment\n    class: mandatory\n"
			      "    category: administrative\n    lists: [black]\n    domains: [tax]\n    subject_types: [org]\n"
			      "    agencies: [land_office]\n    basis: { law: 国发〔2016〕33号, articles: 二（八） }\n"
			      "    matters: [land_transfer]\n    feedback_days: 10\n", f);
			fclose(f);
		}
	}
	/* what it would do, against the live state */
	CHECK_INT(h_json(&H3, SVC_ADJUDICATE, &in, &e, "{\"v\":1,\"type\":\"catalog.diff\",\"id\":1,\"party\":\"office\",\"dir\":\"%s\"}",
			 cand), 0);
	CHECK_INT(obj_u64(in.root, "exits_total"), 1);
	if (obj_u64(in.root, "exits_total") == 1)
		CHECK_INT(obj_u64(&obj_get(in.root, "exits")->via.array.ptr[0], "entry"), el);
	msg_in_free(&in);
	CHECK_INT(h_json(&H3, SVC_DISPATCH, &in, &e, "{\"v\":1,\"type\":\"catalog.diff\",\"id\":1,\"party\":\"office\",\"dir\":\"%s\"}",
			 cand), 0);
	CHECK_INT(obj_u64(in.root, "entries_in_force"), 3);
	CHECK_INT(obj_u64(in.root, "apply_total"), 2);
	{
		const msgpack_object *ag = obj_get(in.root, "agencies");
		uint64_t land = 0, bank = 0;
		for (uint32_t i = 0; ag && i < ag->via.array.size; i++) {
			if (obj_str_eq(obj_get(&ag->via.array.ptr[i], "agency"), "land_office"))
				land = obj_u64(&ag->via.array.ptr[i], "apply");
			if (obj_str_eq(obj_get(&ag->via.array.ptr[i], "agency"), "bank_regulator"))
				bank = obj_u64(&ag->via.array.ptr[i], "stop");
		}
		CHECK_INT(land, 2);
		CHECK_INT(bank, 3);   /* the two narrowed, and the exiting labour entry's */
	}
	printf("# diff: %llu to stop in all (the bank's two, and the labour entry's measures)\n",
	       (unsigned long long)obj_u64(in.root, "stop_total"));
	CHECK(obj_u64(in.root, "stop_total") > 2);
	msg_in_free(&in);
	/* a bad candidate is refused with its file and line; nothing changed */
	CHECK_INT(h_json(&H3, SVC_DISPATCH, &in, &e, "{\"v\":1,\"type\":\"catalog.diff\",\"id\":1,\"party\":\"office\","
			 "\"dir\":\"/nonexistent\"}"), JRP_EREPLY);
	CHECK_STR(e.code, "config");
	msg_in_free(&in);
	/* the office's alone */
	CHECK_INT(h_json(&H3, SVC_ADJUDICATE, &in, &e, "{\"v\":1,\"type\":\"catalog.diff\",\"id\":1,\"party\":\"tax_bureau\","
			 "\"dir\":\"%s\"}", cand), JRP_EREPLY);
	CHECK_STR(e.code, "forbidden");
	msg_in_free(&in);
	CHECK_INT(h_count_tasks(&H3, "land_office", e1, "apply", NULL), 0);

	/* put it in force: dispatch first, then adjudicate (as jrpctl rules reload does) */
	snprintf(cmd, sizeof cmd, "rm -rf '%s/rules' && cp -r '%s' '%s/rules'", H3.dir, cand, H3.dir);
	CHECK_INT(system(cmd), 0);
	CHECK_INT(h_json(&H3, SVC_DISPATCH, &in, &e, "{\"v\":1,\"type\":\"catalog.reload\",\"id\":1,\"party\":\"office\"}"), 0);
	msg_in_free(&in);
	CHECK_INT(h_json(&H3, SVC_ADJUDICATE, &in, &e, "{\"v\":1,\"type\":\"catalog.reload\",\"id\":1,\"party\":\"office\"}"), 0);
	msg_in_free(&in);
	CHECK(reconciled(&H3));
	CHECK_INT(h_settle(&H3), 0);
	CHECK_INT(h_count_tasks(&H3, "land_office", e1, "apply", "P-LAND-T1"), 1);
	CHECK_INT(h_count_tasks(&H3, "land_office", e2, "apply", "P-LAND-T1"), 1);
	CHECK_INT(h_count_tasks(&H3, "bank_regulator", e1, "stop", "P-FIN-01"), 1);
	CHECK_INT(h_count_tasks(&H3, "bank_regulator", e2, "stop", "P-FIN-01"), 1);
	CHECK_INT(h_count_tasks(&H3, "procurement_centre", e1, "stop", NULL), 0);
	h_entry(&H3, l1, "black", st, why);
	CHECK_STR(st, "exited");
	CHECK_STR(why, "standard_changed");
	/* the check agrees: the land office's measure bites in land transfers, the bank's no longer in financing */
	CHECK_INT(h_json(&H3, SVC_DISPATCH, &in, &e, "{\"v\":1,\"type\":\"check\",\"id\":1,\"party\":\"land_office\","
			 "\"subject\":\"%s\",\"matter\":\"land_transfer\"}", t1), 0);
	CHECK(obj_bool(in.root, "listed"));
	if (obj_bool(in.root, "listed"))
		CHECK(obj_get(&obj_get(in.root, "entries")->via.array.ptr[0], "measures")->via.array.size >= 1);
	msg_in_free(&in);
	CHECK_INT(h_json(&H3, SVC_DISPATCH, &in, &e, "{\"v\":1,\"type\":\"check\",\"id\":1,\"party\":\"bank_regulator\","
			 "\"subject\":\"%s\",\"matter\":\"financing\"}", t1), 0);
	if (obj_bool(in.root, "listed"))
		CHECK_INT(obj_get(&obj_get(in.root, "entries")->via.array.ptr[0], "measures")->via.array.size, 0);
	msg_in_free(&in);
	CHECK_INT(h_stop(&H3), 0);
}

int main(void)
{
	if (h_start(&H) != 0) {
		printf("Bail out! the daemons did not start\n");
		return 1;
	}
	RUN(check_refuses_a_malformed_code);
	RUN(error_echoes_the_id);
	RUN(objection_in_the_window_holds_the_entry);
	RUN(serious_dishonesty_is_notified_first);
	RUN(listing_waits_for_a_final_decision);
	RUN(repeat_offence_extends_the_listing);
	RUN(escalation_whatever_the_domain);
	RUN(actual_controller_is_reached);
	RUN(entry_history_is_complete);
	RUN(limits_are_in_characters);
	RUN(office_sees_what_it_must_see);
	CHECK_INT(h_stop(&H), 0);
	RUN(focus_reaches_persons_where_a_measure_says_so);
	RUN(catalogue_changes_reach_entries_in_force);
	RUN(deadlines_follow_the_official_calendar);
	TAP_DONE();
}
